package console_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/webtest"
)

var resetLinkRE = regexp.MustCompile(`http://[^\s]+/password/reset\?token=([0-9a-f]+)`)

// requestReset asks for a reset link for email from c and returns the
// path of the link mailed to it.
func requestReset(t *testing.T, app *webtest.App, c *webtest.Client, email string) string {
	t.Helper()
	res := c.Post("/password/forgot", url.Values{"email": {email}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	app.WaitJobs("password_reset_mail")
	m := app.Mail(`kind = 'password_reset' AND lower(to_addr) = lower($1)`, email)
	link := resetLinkRE.FindStringSubmatch(m.Body)
	require.NotNil(t, link, m.Body)
	u, err := url.Parse(link[0])
	require.NoError(t, err)
	return u.RequestURI()
}

// The whole reset: a link mailed and kept hashed, followed once, a new
// password that ends every session of the user and signs this browser
// in afresh, and a mail saying so.
func TestPasswordResetEndsEverySessionAndSignsInFresh(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	ctx := context.Background()
	elsewhere := app.Client()
	elsewhere.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusOK, elsewhere.Get("/").Status)

	signIn := app.Client().Get("/signin")
	require.Contains(t, signIn.Body, `href="/password/forgot"`)
	require.Contains(t, signIn.Body, "Forgot your password?")

	c := app.Client()
	require.Equal(t, http.StatusOK, c.Get("/password/forgot").Status)
	link := requestReset(t, app, c, strings.ToUpper(o.Email))
	token := strings.TrimPrefix(link, "/password/reset?token=")
	require.Contains(t, c.Get("/password/forgot").Body, "we sent it a link to reset the password")

	// At rest: the token's hash only.
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM password_resets WHERE user_id = $1`, o.UserID))
	sum := sha256.Sum256([]byte("reset:" + token))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM password_resets WHERE token_hash = $1`, sum[:]))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM password_resets WHERE encode(token_hash, 'hex') = $1`, token))
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.password_reset_requested"))

	// The link leaves the URL at once.
	res := c.Get(link)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/password/reset", res.Location())
	page := c.Get("/password/reset")
	require.Equal(t, http.StatusOK, page.Status)
	require.Equal(t, "no-store", page.Header.Get("Cache-Control"))
	require.Contains(t, page.Body, `name="new_password"`)

	// The password rules hold, and a refused password spends nothing.
	res = c.Post("/password/reset", url.Values{"new_password": {"short"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, `id="new_password-error"`)

	res = c.Post("/password/reset", url.Values{"new_password": {"a brand new password"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/", res.Location())
	home := c.Get("/")
	require.Equal(t, http.StatusOK, home.Status, "signed in fresh here")
	require.Contains(t, home.Body, "Your password was changed.")

	// Every other session ended; the old password is gone, the new one works.
	res = elsewhere.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM sessions WHERE user_id = $1`, o.UserID), "only this browser's")
	require.Equal(t, http.StatusUnprocessableEntity, app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Status)
	app.Client().SignIn(o.Email, "a brand new password")
	m := app.Mail(`kind = 'password_changed' AND to_addr = $1`, o.Email)
	require.Equal(t, "Your password was changed", m.Subject)
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.password_reset"))
	var actor string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT actor_user_id FROM audit_log WHERE action = 'user.password_reset'`).Scan(&actor))
	require.Equal(t, o.UserID, actor)

	// Single use: the link, followed again, in any browser, says so.
	again := app.Client()
	require.Equal(t, http.StatusSeeOther, again.Get(link).Status)
	res = again.Get("/password/reset")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This link was already used.")
	require.Contains(t, res.Body, `href="/password/forgot"`)
	res = again.Post("/password/reset", url.Values{"new_password": {"yet another password"}})
	require.Equal(t, http.StatusGone, res.Status)
	app.Client().SignIn(o.Email, "a brand new password")

	// A made-up token, or none.
	bogus := app.Client()
	res = bogus.Get("/password/reset?token=" + strings.Repeat("ab", 32))
	require.Equal(t, http.StatusNotFound, res.Status)
	require.Contains(t, res.Body, "This link is not valid.")
	require.Equal(t, http.StatusNotFound, bogus.Post("/password/reset", url.Values{"new_password": {"a brand new password"}}).Status)
}

// A link works for an hour, by the server's clock.
func TestPasswordResetLinkExpires(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	c := app.Client()
	link := requestReset(t, app, c, o.Email)
	require.Equal(t, http.StatusSeeOther, c.Get(link).Status)
	require.Equal(t, http.StatusOK, c.Get("/password/reset").Status)

	app.Services.Clock.Advance(auth.ResetTTL + time.Second)
	res := c.Get("/password/reset")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This link has expired.")
	res = c.Post("/password/reset", url.Values{"new_password": {"a brand new password"}})
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This link has expired.")
	app.Client().SignIn(o.Email, o.Password)
	require.Zero(t, webtest.CountAudit(t, app, "user.password_reset"))
}

// The request page tells nothing about whether an address is a user's:
// the same status, the same page, the same work (a job decides whether to
// mail, off the request); only the known address gets a mail.
func TestPasswordResetAnswersTheSameForUnknownAddresses(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	unknown := "nobody-" + strings.TrimPrefix(o.Email, "owner-")
	answer := func(email string) (int, string, string) {
		c := app.Client()
		res := c.Post("/password/forgot", url.Values{"email": {email}})
		page := c.Get(res.Location())
		return res.Status, res.Location(), strings.ReplaceAll(page.Body, email, "ADDRESS")
	}
	s1, l1, p1 := answer(o.Email)
	s2, l2, p2 := answer(unknown)
	require.Equal(t, http.StatusSeeOther, s1)
	require.Equal(t, []any{s1, l1, p1}, []any{s2, l2, p2})
	// Whether to mail is decided by a job, so both requests did the same work.
	require.Equal(t, 2, webtest.Count(t, app, `SELECT count(*) FROM river_job WHERE kind = 'password_reset_mail'`))
	app.WaitJobs("password_reset_mail")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'password_reset'`))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE to_addr = $1`, unknown))

	// Not an address is a field error, whoever asks.
	res := app.Client().Post("/password/forgot", url.Values{"email": {"a@example.com, b@example.com"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, `id="email-error"`)
}

// Requests are throttled per address (known or not, alike) and per IP.
func TestPasswordResetIsThrottled(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	for _, email := range []string{o.Email, "nobody@example.com"} {
		for i := range auth.MaxResetsPerAddress {
			require.Equal(t, http.StatusSeeOther, app.Client().Post("/password/forgot", url.Values{"email": {email}}).Status, "request %d", i+1)
		}
		res := app.Client().Post("/password/forgot", url.Values{"email": {strings.ToUpper(email)}})
		require.Equal(t, http.StatusTooManyRequests, res.Status, email)
		require.Contains(t, res.Body, "Too many requests for this address")
	}
	app.WaitJobs("password_reset_mail")
	require.Equal(t, auth.MaxResetsPerAddress, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'password_reset'`))

	// Per IP: many addresses from one source.
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO password_reset_requests (email_key, ip, at)
		SELECT 'spray' || g || '@example.com', '127.0.0.1', now() FROM generate_series(1, $1) g`, auth.MaxResetsPerIP)
	require.NoError(t, err)
	require.Equal(t, http.StatusTooManyRequests, app.Client().Post("/password/forgot", url.Values{"email": {"fresh@example.com"}}).Status)

	// An hour later the requests no longer count.
	app.Services.Clock.Advance(time.Hour + time.Minute)
	require.Equal(t, http.StatusSeeOther, app.Client().Post("/password/forgot", url.Values{"email": {o.Email}}).Status)
}

// A reset does not get past the second factor: a user with 2FA is sent
// to it, and is signed in only after it.
func TestPasswordResetStillAsksTheSecondFactor(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	secret, _ := enableTOTP(t, owner)

	c := app.Client()
	link := requestReset(t, app, c, o.Email)
	require.Equal(t, http.StatusSeeOther, c.Get(link).Status)
	res := c.Post("/password/reset", url.Values{"new_password": {"a brand new password"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin/2fa", res.Location())
	require.Contains(t, c.Get("/signin/2fa").Body, "Enter your authentication code to finish signing in.")
	require.Equal(t, http.StatusSeeOther, c.Get("/").Status, "not signed in before the second factor")
	res = c.Post("/signin/2fa", url.Values{"code": {codeAt(t, secret, 30*time.Second)}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/", res.Location())
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	require.Equal(t, http.StatusSeeOther, owner.Get("/").Status, "the other session ended")
}
