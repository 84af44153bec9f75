package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

const (
	safariMac  = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15"
	firefoxWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
)

var sessionRow = regexp.MustCompile(`data-session="([0-9a-f]{32})"`)

// sessionIDs lists the session ids User Settings › Sessions shows c.
func sessionIDs(t *testing.T, c *webtest.Client) []string {
	t.Helper()
	res := c.Get("/user/settings/sessions")
	require.Equal(t, http.StatusOK, res.Status)
	var ids []string
	for _, m := range sessionRow.FindAllStringSubmatch(res.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// browserAs is a new client that says it is the browser ua.
func browserAs(app *webtest.App, ua string) *webtest.Client {
	c := app.Client()
	c.Header.Set("User-Agent", ua)
	return c
}

func TestSessionsListOnlyTheUsersOwn(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o, stranger := app.CreateOwner("USD"), app.CreateOwner("JPY")
	mac := browserAs(app, safariMac)
	mac.SignIn(o.Email, o.Password)
	win := browserAs(app, firefoxWin)
	win.SignIn(o.Email, o.Password)
	theirs := app.Client()
	theirs.SignIn(stranger.Email, stranger.Password)

	res := mac.Get("/user/settings/sessions")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "Safari 17 on macOS")
	require.Contains(t, res.Body, "Firefox 121 on Windows")
	require.Contains(t, res.Body, "127.0.0.1")
	require.Equal(t, 1, strings.Count(res.Body, `data-testid="this-session"`))
	ids := sessionIDs(t, mac)
	require.Len(t, ids, 2, "the user's two sessions, not the other user's")
	// The first listed is this one, and neither its token nor the token's hash names it.
	token := mac.Cookie("console_session").Value
	h := sha256.Sum256([]byte(token))
	require.NotContains(t, res.Body, token)
	require.NotContains(t, res.Body, hex.EncodeToString(h[:]))
	require.NotContains(t, sessionIDs(t, theirs), ids[0])

	// The settings page leads there.
	require.Contains(t, mac.Get("/user/settings").Body, `href="/user/settings/sessions"`)

	// Japanese too.
	require.Equal(t, http.StatusSeeOther, mac.Post("/user/settings/language", url.Values{"locale": {"ja"}}).Status)
	res = mac.Get("/user/settings/sessions")
	require.Contains(t, res.Body, "有効なセッション")
	require.Contains(t, res.Body, "Firefox 121(Windows)")
}

func TestEndingASessionSignsThatBrowserOut(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o, stranger := app.CreateOwner("USD"), app.CreateOwner("USD")
	mine := browserAs(app, safariMac)
	mine.SignIn(o.Email, o.Password)
	other := browserAs(app, firefoxWin)
	other.SignIn(o.Email, o.Password)
	theirs := app.Client()
	theirs.SignIn(stranger.Email, stranger.Password)
	ids := sessionIDs(t, mine)
	require.Len(t, ids, 2)
	otherID := ids[1]

	// Another user's session is not found, and keeps going.
	res := mine.Post("/user/settings/sessions/"+sessionIDs(t, theirs)[0]+"/end", nil)
	require.Equal(t, http.StatusNotFound, res.Status)
	require.Equal(t, http.StatusOK, theirs.Get("/").Status)
	// Nor is a made-up one.
	require.Equal(t, http.StatusNotFound, mine.Post("/user/settings/sessions/0123456789abcdef0123456789abcdef/end", nil).Status)
	require.Zero(t, webtest.CountAudit(t, app, "user.session_ended"))

	res = mine.Post("/user/settings/sessions/"+otherID+"/end", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/user/settings/sessions", res.Location())
	require.Contains(t, mine.Get("/user/settings/sessions").Body, "The session was signed out.")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.session_ended"))

	// That browser's next request is signed out, on another server too.
	res = other.On(app.Peer()).Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
	require.Equal(t, http.StatusOK, mine.Get("/").Status)
	require.Equal(t, []string{ids[0]}, sessionIDs(t, mine))
	// Ended twice: not found.
	require.Equal(t, http.StatusNotFound, mine.Post("/user/settings/sessions/"+otherID+"/end", nil).Status)

	// A request of the ended session still running when it ended cannot write it back.
	store := auth.NewSessionStore(app.Pool, func([]byte) auth.SessionMeta { return auth.SessionMeta{UserID: o.UserID, ID: otherID} })
	require.NoError(t, store.CommitCtx(ctx, "in-flight token", []byte("data"), time.Now().Add(time.Hour)))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM sessions WHERE id = $1`, otherID))
	// It is remembered only until the session would have expired.
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM sessions_ended WHERE id = $1`, otherID))
	_, err := auth.PruneSessions(ctx, app.Pool, time.Now().Add(app.Config.SessionLifetime+time.Minute))
	require.NoError(t, err)
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM sessions_ended WHERE id = $1`, otherID))
}

func TestSignOutAllOtherSessionsKeepsThisOne(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o, stranger := app.CreateOwner("USD"), app.CreateOwner("USD")
	mine := app.Client()
	mine.SignIn(o.Email, o.Password)
	others := []*webtest.Client{app.Client(), app.Client()}
	for _, c := range others {
		c.SignIn(o.Email, o.Password)
	}
	theirs := app.Client()
	theirs.SignIn(stranger.Email, stranger.Password)
	require.Len(t, sessionIDs(t, mine), 3)

	res := mine.Post("/user/settings/sessions/others/end", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, mine.Get("/user/settings/sessions").Body, "Other sessions signed out: 2.")
	for _, c := range others {
		require.Equal(t, "/signin", c.Get("/").Location())
	}
	require.Equal(t, http.StatusOK, mine.Get("/").Status)
	require.Len(t, sessionIDs(t, mine), 1)
	require.Equal(t, http.StatusOK, theirs.Get("/").Status, "another user's sessions go on")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.other_sessions_ended"))
	require.NotContains(t, mine.Get("/user/settings/sessions").Body, `data-testid="end-other-sessions"`, "nothing else to sign out")
}

func TestSessionLastSeenIsWrittenAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	seen := func() time.Time {
		t.Helper()
		var at time.Time
		require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT last_seen_at FROM sessions WHERE user_id = $1`, o.UserID).Scan(&at))
		return at
	}
	first := seen()
	var signedIn time.Time
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT signed_in_at FROM sessions WHERE user_id = $1`, o.UserID).Scan(&signedIn))
	require.Equal(t, first, signedIn)

	app.Services.Clock.Advance(30 * time.Second)
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	require.Equal(t, first, seen(), "within the minute: not written")
	app.Services.Clock.Advance(40 * time.Second)
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	require.True(t, seen().After(first), "past the minute: written")
}

func TestRegeneratingRecoveryCodesInvalidatesTheOldOnes(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secret, old := enableTOTP(t, c)
	require.Contains(t, c.Get("/user/settings").Body, "10 recovery codes left")

	// A wrong code changes nothing.
	res := c.Post("/user/settings/2fa/recovery-codes", url.Values{"code": {"000000"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "The code is not valid.")
	require.Zero(t, webtest.CountAudit(t, app, "user.recovery_codes_regenerated"))

	res = c.Post("/user/settings/2fa/recovery-codes", url.Values{"code": {codeAt(t, secret, 0)}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	require.Contains(t, res.Body, `data-testid="recovery-regenerated"`)
	require.Contains(t, res.Body, `data-download="recovery-codes"`)
	require.Contains(t, res.Body, `data-copy="recovery-codes"`)
	var fresh []string
	for _, m := range recoveryCodeItem.FindAllStringSubmatch(res.Body, -1) {
		fresh = append(fresh, m[1])
	}
	require.Len(t, fresh, 10)
	require.NotContains(t, fresh, old[0])
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.recovery_codes_regenerated"))

	use := func(code string) int {
		cl := app.Client()
		require.Equal(t, "/signin/2fa", cl.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
		return cl.Post("/signin/2fa", url.Values{"code": {code}}).Status
	}
	require.Equal(t, http.StatusUnprocessableEntity, use(old[0]), "an old code stops working at once")
	require.Equal(t, http.StatusSeeOther, use(fresh[0]))
	require.Contains(t, c.Get("/user/settings").Body, "9 recovery codes left")
}

func TestTrustedBrowsersAreListedAndForgotten(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o, stranger := app.CreateOwner("USD"), app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secret, _ := enableTOTP(t, c)
	require.Contains(t, c.Get("/user/settings/sessions").Body, `data-testid="no-trusted-browsers"`)

	trusted := browserAs(app, firefoxWin)
	require.Equal(t, "/signin/2fa", trusted.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
	require.Equal(t, http.StatusSeeOther, trusted.Post("/signin/2fa", url.Values{"code": {codeAt(t, secret, 0)}, "trust": {"1"}}).Status)

	res := trusted.Get("/user/settings/sessions")
	require.Contains(t, res.Body, `data-testid="trusted-browsers"`)
	require.Contains(t, res.Body, `data-testid="this-browser"`)
	m := regexp.MustCompile(`data-browser="([0-9a-f]{32})"`).FindAllStringSubmatch(res.Body, -1)
	require.Len(t, m, 1)
	id := m[0][1]

	// Another user cannot forget it.
	theirs := app.Client()
	theirs.SignIn(stranger.Email, stranger.Password)
	require.Equal(t, http.StatusNotFound, theirs.Post("/user/settings/browsers/"+id+"/forget", nil).Status)

	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/browsers/"+id+"/forget", nil).Status)
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.trusted_browser_forgotten"))
	require.Contains(t, c.Get("/user/settings/sessions").Body, `data-testid="no-trusted-browsers"`)
	// That browser is asked for its code again at its next sign-in.
	require.Equal(t, http.StatusSeeOther, trusted.Post("/signout", nil).Status)
	require.Equal(t, "/signin/2fa", trusted.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
}

func TestEnrolmentAsksForTheCodeFromTheApp(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/2fa/begin", nil).Status)
	res := c.Get("/user/settings/2fa")
	require.Contains(t, res.Body, "Code from your authenticator app")
	require.NotContains(t, res.Body, "recovery code")
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/language", url.Values{"locale": {"ja"}}).Status)
	res = c.Get("/user/settings/2fa")
	require.Contains(t, res.Body, "認証アプリに表示されたコード")
	require.NotContains(t, res.Body, "リカバリーコード")
}
