package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/webtest"
)

func TestUnknownEmailAndWrongPasswordLookTheSame(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	unknown := app.Client().Post("/signin", url.Values{"email": {"nobody@example.com"}, "password": {"whatever123"}})
	wrong := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {"whatever123"}})
	require.Equal(t, http.StatusUnprocessableEntity, unknown.Status)
	require.Equal(t, unknown.Status, wrong.Status)
	// The page differs only in the echoed email.
	require.Equal(t, unknown.Body, strings.Replace(wrong.Body, o.Email, "nobody@example.com", 1))
	require.Contains(t, wrong.Body, "The email or password is not correct.")
	require.Equal(t, 2, webtest.CountAudit(t, app, "user.sign_in_failed"))
}

func TestSignInIsThrottledPerAccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	for i := 0; i < auth.MaxFailuresPerAccount; i++ {
		res := c.Post("/signin", url.Values{"email": {o.Email}, "password": {"wrong-password"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "attempt %d", i+1)
	}
	// Now even the right password is refused, from any client.
	res := app.Client().Post("/signin", url.Values{"email": {strings.ToUpper(o.Email)}, "password": {o.Password}})
	require.Equal(t, http.StatusTooManyRequests, res.Status)
	require.Contains(t, res.Body, "Too many failed attempts")
	require.Nil(t, app.Client().Cookie("console_session"))
	// Another account from the same IP still signs in: the per-IP limit is higher.
	other := app.CreateOwner("USD")
	app.Client().SignIn(other.Email, other.Password)
	// An hour later the failures no longer count.
	_, err := app.Pool.Exec(context.Background(), `UPDATE sign_in_failures SET at = at - interval '61 minutes'`)
	require.NoError(t, err)
	app.Client().SignIn(o.Email, o.Password)
}

func TestSignInIsThrottledPerIP(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO sign_in_failures (email_key, ip) SELECT 'spray' || g || '@example.com', '127.0.0.1' FROM generate_series(1, $1) g`, auth.MaxFailuresPerIP)
	require.NoError(t, err)
	res := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
	require.Equal(t, http.StatusTooManyRequests, res.Status)
}

func TestSessionTokenChangesAtSignIn(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	c := app.Client()
	// Get an anonymous session first (the language switch stores one).
	res := c.Post("/language", url.Values{"locale": {"ja"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	before := c.Cookie("console_session")
	require.NotNil(t, before)
	c.SignIn(o.Email, o.Password)
	after := c.Cookie("console_session")
	require.NotNil(t, after)
	require.NotEqual(t, before.Value, after.Value)
	// The old token is worthless.
	stale := app.Client()
	stale.Header.Set("Cookie", "console_session="+before.Value)
	require.Equal(t, http.StatusSeeOther, stale.Get("/").Status)
	require.Equal(t, http.StatusOK, c.Get("/").Status)
}

func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	token := c.Cookie("console_session").Value
	require.Equal(t, http.StatusSeeOther, c.Post("/signout", nil).Status)
	replay := app.Client()
	replay.Header.Set("Cookie", "console_session="+token)
	res := replay.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.signed_out"))
}

var recoveryCodeItem = regexp.MustCompile(`<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>`)

// enableTOTP turns 2FA on for the signed-in client and returns the secret,
// the recovery codes and the time step its confirmation code used.
func enableTOTP(t *testing.T, c *webtest.Client) (string, []string) {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/2fa/begin", nil).Status)
	page := c.Get("/user/settings/2fa")
	require.Equal(t, http.StatusOK, page.Status)
	require.Equal(t, "no-store", page.Header.Get("Cache-Control"))
	m := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page.Body)
	require.NotNil(t, m)
	secret := m[1]
	qr := c.Get("/user/settings/2fa/qr.png")
	require.Equal(t, http.StatusOK, qr.Status)
	require.Equal(t, "image/png", qr.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(qr.Body, "\x89PNG"))
	code, err := totp.GenerateCode(secret, time.Now().Add(-30*time.Second))
	require.NoError(t, err)
	res := c.Post("/user/settings/2fa/confirm", url.Values{"code": {code}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	var codes []string
	for _, m := range recoveryCodeItem.FindAllStringSubmatch(res.Body, -1) {
		codes = append(codes, m[1])
	}
	require.Len(t, codes, 10)
	return secret, codes
}

func codeAt(t *testing.T, secret string, offset time.Duration) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(offset))
	require.NoError(t, err)
	return code
}

func TestTOTPSignInRefusesAReplayedCode(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secret, _ := enableTOTP(t, c)

	signInStep1 := func(cl *webtest.Client) {
		res := cl.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
		require.Equal(t, http.StatusSeeOther, res.Status)
		require.Equal(t, "/signin/2fa", res.Location())
		// Half signed in is not signed in.
		require.Equal(t, http.StatusSeeOther, cl.Get("/").Status)
	}
	first := app.Client()
	signInStep1(first)
	code := codeAt(t, secret, 0)
	res := first.Post("/signin/2fa", url.Values{"code": {code}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, http.StatusOK, first.Get("/").Status)

	// The same code again, from another browser within its window: refused.
	second := app.Client()
	signInStep1(second)
	res = second.Post("/signin/2fa", url.Values{"code": {code}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "The code is not valid.")
	// An older step than the last used is refused too.
	res = second.Post("/signin/2fa", url.Values{"code": {codeAt(t, secret, -30*time.Second)}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	// The next step works.
	res = second.Post("/signin/2fa", url.Values{"code": {codeAt(t, secret, 30*time.Second)}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, http.StatusOK, second.Get("/").Status)
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	_, codes := enableTOTP(t, c)

	var stored int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND code_hash <> convert_to($2, 'UTF8')`, o.UserID, codes[0]).Scan(&stored))
	require.Equal(t, 10, stored, "codes are stored hashed")

	use := func(code string) *webtest.Response {
		cl := app.Client()
		require.Equal(t, "/signin/2fa", cl.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
		return cl.Post("/signin/2fa", url.Values{"code": {code}})
	}
	require.Equal(t, http.StatusSeeOther, use(strings.ToUpper(codes[3])).Status)
	require.Equal(t, http.StatusUnprocessableEntity, use(codes[3]).Status)
	require.Equal(t, http.StatusSeeOther, use(codes[4]).Status)
	require.Contains(t, c.Get("/user/settings").Body, "8 recovery codes left")
}

func TestTrustThisBrowserSkipsTheSecondStep(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secret, _ := enableTOTP(t, c)
	require.Equal(t, http.StatusSeeOther, c.Post("/signout", nil).Status)

	require.Equal(t, "/signin/2fa", c.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
	res := c.Post("/signin/2fa", url.Values{"code": {codeAt(t, secret, 30*time.Second)}, "trust": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	ck := c.Cookie("console_trust")
	require.NotNil(t, ck)
	require.Equal(t, http.StatusSeeOther, c.Post("/signout", nil).Status)

	// The trusted browser signs in with the password alone.
	c.SignIn(o.Email, o.Password)
	// Another browser still needs the code.
	require.Equal(t, "/signin/2fa", app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
	// The token is stored hashed.
	var n int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM trusted_browsers WHERE token_hash = convert_to($1, 'UTF8')`, ck.Value).Scan(&n))
	require.Zero(t, n)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	a, b := app.Client(), app.Client()
	a.SignIn(o.Email, o.Password)
	b.SignIn(o.Email, o.Password)
	tokenBefore := a.Cookie("console_session").Value

	res := a.Post("/user/settings/password", url.Values{"current_password": {"nope-nope"}, "new_password": {"a brand new password"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "The password is not correct.")
	res = a.Post("/user/settings/password", url.Values{"current_password": {o.Password}, "new_password": {"short"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Equal(t, http.StatusOK, b.Get("/").Status, "a failed change ends nothing")

	res = a.Post("/user/settings/password", url.Values{"current_password": {o.Password}, "new_password": {"a brand new password"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.NotEqual(t, tokenBefore, a.Cookie("console_session").Value)
	require.Equal(t, http.StatusOK, a.Get("/").Status)
	require.Equal(t, http.StatusSeeOther, b.Get("/").Status)
	app.Client().SignIn(o.Email, "a brand new password")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.password_changed"))
}

func TestIdleSessionExpires(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_SESSION_IDLE_TIMEOUT", "1m"))
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	// Just short of the timeout (the last activity is kept to the second): still signed in.
	app.Services.Clock.Advance(58 * time.Second)
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	app.Services.Clock.Advance(2 * time.Minute)
	res := c.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
}

func TestSafeNextAfterSignIn(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	for next, want := range map[string]string{
		"/user/settings":       "/user/settings",
		"//evil.example/":      "/",
		"https://evil.example": "/",
		"/\\evil.example":      "/",
		"":                     "/",
	} {
		res := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, res.Status)
		require.Equal(t, want, res.Location(), next)
	}
}

func TestLanguageSurvivesSignOut(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, c.Post("/language", url.Values{"locale": {"ja"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/signout", nil).Status)
	require.Contains(t, c.Get("/signin").Body, `<html lang="ja">`)
	require.Equal(t, http.StatusSeeOther, c.Get("/").Status, "signed out all the same")
}
