package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/webtest"
)

func signUpForm(email string) url.Values {
	return url.Values{"name": {"Ann"}, "email": {email}, "password": {"a long password"}, "project_name": {"P"}, "currency": {"USD"},
		"time_zone": {"Europe/Paris"}}
}

// unverified is a sign-up waiting for its link: its browser, user and
// project with the project's auth token.
type unverified struct {
	c                  *webtest.Client
	email, userID, sid string
	token              string
}

func signUpUnverified(t *testing.T, app *webtest.App, email string) *unverified {
	t.Helper()
	c := app.Client()
	res := c.Post("/signup", signUpForm(email))
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	require.Equal(t, "/verify", res.Location())
	u := &unverified{c: c, email: email}
	require.NoError(t, app.Pool.QueryRow(context.Background(), `
		SELECT u.id, m.project_sid FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = $1`, email).Scan(&u.userID, &u.sid))
	var err error
	u.token, err = app.Services.Accounts.AuthToken(context.Background(), app.Pool, u.sid, u.sid)
	require.NoError(t, err)
	return u
}

// path is a mailed link as the test client requests it.
func path(app *webtest.App, link string) string { return strings.TrimPrefix(link, app.URL) }

// A sign-up is signed in but sees only "check your mail", its API
// credentials answer 401, and nothing is credited until the mailed link
// is followed; the link is stored hashed, works once, and the trial
// credit comes with it, once per person.
func TestVerificationLinkOpensTheConsoleOnce(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	u := signUpUnverified(t, app, "ann@example.com")

	page := u.c.Get("/verify")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `data-testid="verify-sent">We sent a link to ann@example.com.<`)
	for _, p := range []string{"/", "/billing", "/settings/credentials", "/user/settings", "/phone-numbers"} {
		res := u.c.Get(p)
		require.Equal(t, http.StatusSeeOther, res.Status, p)
		require.Equal(t, "/verify", res.Location(), p)
	}
	hx := &http.Request{Method: http.MethodGet, Header: http.Header{"Hx-Request": {"true"}}}
	hx.URL, _ = url.Parse(app.URL + "/usage")
	require.Equal(t, "/verify", u.c.Do(hx).Header.Get("HX-Redirect"), "an htmx request is sent there too")
	require.Equal(t, "Europe/Paris", webtestString(t, app, `SELECT time_zone FROM accounts WHERE sid = $1`, u.sid), "the time zone chosen")

	api := app.APIGet("/2010-04-01/Accounts/"+u.sid+".json", u.sid, u.token)
	require.Equal(t, http.StatusUnauthorized, api.Status)
	require.Equal(t, float64(20003), api.JSON(t)["code"])
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, u.sid, u.sid)
	require.NoError(t, err)
	key, secret, err := app.Services.Accounts.CreateKey(ctx, app.Pool, acc, "k", "main")
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, app.APIGet("/2010-04-01/Accounts/"+u.sid+".json", key.SID, secret).Status, "an API key too")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, u.sid), "no credit at sign-up")

	// The token is in the mail, never at rest: the link's row keeps a hash.
	link := app.VerificationLink(u.email)
	token := link[strings.LastIndex(link, "=")+1:]
	require.Len(t, token, 64)
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM email_verifications e WHERE e::text LIKE '%' || $1 || '%'
		OR encode(token_hash, 'hex') = $1 OR encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, token))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox m WHERE m::text LIKE '%' || $1 || '%'`, token), "mails are sealed")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM email_verifications WHERE user_id = $1 AND length(token_hash) = 32`, u.userID))

	res := u.c.ConfirmVerification(link)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/", res.Location())
	page = u.c.Get("/")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, "Your email address is confirmed. The trial credit was added to your balance.")
	require.Contains(t, page.Body, `data-testid="balance">$15.50<`)
	require.Equal(t, http.StatusOK, app.APIGet("/2010-04-01/Accounts/"+u.sid+".json", u.sid, u.token).Status, "the API answers once verified")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.email_verified"))
	require.Equal(t, 1, webtest.CountAudit(t, app, "funds.trial_credited"))
	require.Equal(t, http.StatusSeeOther, u.c.Get("/verify").Status, "a verified user has no mail to check")

	// Single use: the same link again says so, and changes nothing.
	again := app.Client().Get(path(app, link))
	require.Equal(t, http.StatusGone, again.Status)
	require.Contains(t, again.Body, "This confirmation link has already been used")
	pressed := app.Client().Post("/verify/confirm", url.Values{"token": {token}})
	require.Equal(t, http.StatusGone, pressed.Status, "a button pressed twice")
	require.Contains(t, pressed.Body, "This confirmation link has already been used")

	require.Equal(t, http.StatusOK, app.APIGet("/2010-04-01/Accounts/"+u.sid+".json", key.SID, secret).Status)

	// Once per person: made to verify again, the person gets no second credit.
	_, err = app.Pool.Exec(ctx, `UPDATE users SET verified_at = NULL WHERE id = $1`, u.userID)
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `UPDATE accounts SET pending_verification = true WHERE sid = $1`, u.sid)
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, u.c.Post("/verify/resend", nil).Status)
	second := app.VerificationLink(u.email)
	require.NotEqual(t, link, second)
	require.Equal(t, "/", u.c.ConfirmVerification(second).Location())
	require.Contains(t, u.c.Get("/").Body, "Your email address is confirmed.<")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, u.sid), "one trial credit")
	require.Equal(t, 1, webtest.CountAudit(t, app, "funds.trial_credited"))
	require.Equal(t, "15.5", webtest.Balance(t, app, u.sid).String())
}

// Opening the link only shows a button (mail scanners open links): the
// user stays unverified, with no credit, until the button's POST; an
// unknown token pressed is the unknown link's page.
func TestVerificationLinkOpenedChangesNothing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	u := signUpUnverified(t, app, "scanned@example.com")
	link := app.VerificationLink(u.email)
	token := link[strings.LastIndex(link, "=")+1:]

	for range 2 {
		page := app.Client().Get(path(app, link)) // a scanner, without the session
		require.Equal(t, http.StatusOK, page.Status)
		require.Contains(t, page.Body, `<form method="post" action="/verify/confirm"><input type="hidden" name="token" value="`+token+`">`)
		require.Contains(t, page.Body, `data-testid="verify-confirm">Confirm my address<`)
		require.Equal(t, http.StatusOK, u.c.Get(path(app, link)).Status)
	}
	require.Nil(t, webtestUser(t, app, u.userID).VerifiedAt)
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, u.sid), "no trial credit")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM email_verifications WHERE user_id = $1 AND used_at IS NOT NULL`, u.userID))
	require.Zero(t, webtest.CountAudit(t, app, "user.email_verified"))
	require.Equal(t, "/verify", u.c.Get("/").Location())

	unknown := u.c.Post("/verify/confirm", url.Values{"token": {strings.Repeat("0", 64)}})
	require.Equal(t, http.StatusNotFound, unknown.Status)
	require.Contains(t, unknown.Body, "This confirmation link is not valid.")

	res := u.c.Post("/verify/confirm", url.Values{"token": {token}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/", res.Location())
	require.NotNil(t, webtestUser(t, app, u.userID).VerifiedAt)
	require.Equal(t, "15.5", webtest.Balance(t, app, u.sid).String())
}

func webtestString(t *testing.T, app *webtest.App, sql string, args ...any) string {
	t.Helper()
	var s string
	require.NoError(t, app.Pool.QueryRow(context.Background(), sql, args...).Scan(&s))
	return s
}

// A link works for 24 hours: past that it says so, and the user gets a
// new one after signing in (the injected clock moved a day, which also
// ended the idle session).
func TestVerificationLinkExpires(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	u := signUpUnverified(t, app, "late@example.com")
	link := app.VerificationLink(u.email)

	app.Services.Clock.Advance(auth.VerificationTTL + time.Minute)
	res := u.c.Get(path(app, link))
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This confirmation link has expired. Ask for a new one.")
	require.Contains(t, res.Body, `href="/signin"`, "signed out meanwhile: sign in for a new link")
	pressed := u.c.Post("/verify/confirm", url.Values{"token": {link[strings.LastIndex(link, "=")+1:]}})
	require.Equal(t, http.StatusGone, pressed.Status, "a page left open past the expiry")
	require.Contains(t, pressed.Body, "This confirmation link has expired.")
	require.Nil(t, webtestUser(t, app, u.userID).VerifiedAt)

	u.c.Post("/signin", url.Values{"email": {u.email}, "password": {"a long password"}})
	require.Equal(t, "/verify", u.c.Get("/").Location())
	expired := u.c.Get(path(app, link))
	require.Equal(t, http.StatusGone, expired.Status)
	require.Contains(t, expired.Body, `action="/verify/resend"`, "signed in: a new link is one click away")
	require.Equal(t, "/verify", u.c.Post("/verify/resend", nil).Location())
	require.Contains(t, u.c.Get("/verify").Body, "We sent a new link to late@example.com.")
	fresh := app.VerificationLink(u.email)
	require.NotEqual(t, link, fresh)
	require.Equal(t, "/", u.c.ConfirmVerification(fresh).Location())
	require.NotNil(t, webtestUser(t, app, u.userID).VerifiedAt)
}

func webtestUser(t *testing.T, app *webtest.App, id string) *auth.User {
	t.Helper()
	u, err := app.Services.Auth.User(context.Background(), id)
	require.NoError(t, err)
	return u
}

// The sign-up form answers a registered address exactly as a new one:
// the same redirect and the same "check your mail" page; the owner of
// the address is mailed, with links to sign in and to reset the password.
func TestSignUpAnswersTheSameForRegisteredAddresses(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	users := webtest.Count(t, app, `SELECT count(*) FROM users`)

	answer := func(email string) (*webtest.Response, *webtest.Response) {
		c := app.Client()
		res := c.Post("/signup", signUpForm(email))
		return res, c.Get("/verify")
	}
	newRes, newPage := answer("brand-new@example.com")
	takenRes, takenPage := answer(o.Email)
	require.Equal(t, newRes.Status, takenRes.Status)
	require.Equal(t, newRes.Location(), takenRes.Location())
	require.Equal(t, newRes.Body, takenRes.Body)
	require.Equal(t, http.StatusOK, takenPage.Status)
	require.Equal(t, newPage.Body, strings.ReplaceAll(takenPage.Body, o.Email, "brand-new@example.com"), "the same page but for the address")
	require.Equal(t, users+1, webtest.Count(t, app, `SELECT count(*) FROM users`), "only the new address made a user")

	m := app.Mail(`kind = 'signup_attempt'`)
	require.Equal(t, o.Email, m.To)
	require.Equal(t, "Someone tried to sign up with your email address", m.Subject)
	require.Contains(t, m.Body, app.URL+"/signin\n")
	require.Contains(t, m.Body, app.URL+"/password/forgot\n")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'verification' AND to_addr = $1`, o.Email))

	// Every later step leads both as a new user is led.
	newBrowser, takenBrowser := app.Client(), app.Client()
	newBrowser.Post("/signup", signUpForm("second-new@example.com"))
	takenBrowser.Post("/signup", signUpForm(o.Email))
	for _, p := range []string{"/", "/billing", "/signin", "/signup"} {
		n, tk := newBrowser.Get(p), takenBrowser.Get(p)
		require.Equal(t, n.Status, tk.Status, p)
		require.Equal(t, n.Location(), tk.Location(), p)
	}

	// Its "check your mail" answers the same too, doing nothing.
	c := app.Client()
	c.Post("/signup", signUpForm(o.Email))
	require.Equal(t, "/verify", c.Post("/verify/resend", nil).Location())
	require.Contains(t, c.Get("/verify").Body, "We sent a new link to "+o.Email+".")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'verification' AND to_addr = $1`, o.Email))
}

// The address can be corrected before it is proved: the link goes to the
// new one and the old links stop working. An address another user has
// answers the same and changes nothing; new links are limited per hour.
func TestVerificationResendAndChangeOfAddress(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	u := signUpUnverified(t, app, "typo@exmaple.com")
	old := app.VerificationLink(u.email)

	bad := u.c.Post("/verify/email", url.Values{"email": {"not an address"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	require.Contains(t, bad.Body, `id="email-error"`)

	require.Equal(t, "/verify", u.c.Post("/verify/email", url.Values{"email": {"ann@example.com"}}).Location())
	require.Contains(t, u.c.Get("/verify").Body, "We sent a new link to ann@example.com.")
	require.Equal(t, http.StatusNotFound, u.c.Get(path(app, old)).Status, "a link to the old address no longer works")
	fresh := app.VerificationLink("ann@example.com")

	// Taken: the same answer, the user's address unchanged, its owner told.
	require.Equal(t, "/verify", u.c.Post("/verify/email", url.Values{"email": {o.Email}}).Location())
	require.Contains(t, u.c.Get("/verify").Body, "We sent a new link to "+o.Email+".")
	require.Equal(t, "ann@example.com", webtestUser(t, app, u.userID).Email)
	require.Equal(t, o.Email, app.Mail(`kind = 'signup_attempt'`).To)

	// Five links an hour, the sign-up's and the attempt's included.
	require.Equal(t, http.StatusSeeOther, u.c.Post("/verify/resend", nil).Status)
	require.Equal(t, http.StatusSeeOther, u.c.Post("/verify/resend", nil).Status)
	res := u.c.Post("/verify/resend", nil)
	require.Equal(t, http.StatusTooManyRequests, res.Status)
	require.Contains(t, res.Body, "Too many links sent in the last hour.")
	require.Equal(t, auth.MaxVerificationMailsPerHour, webtest.Count(t, app, `SELECT count(*) FROM email_verifications WHERE user_id = $1`, u.userID))

	require.Equal(t, "/", u.c.ConfirmVerification(fresh).Location(), "an earlier link to the current address still works")
}

// The sign-up form offers the time zone and checks it.
func TestSignUpTimeZone(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	c := app.Client()
	page := c.Get("/signup")
	require.Contains(t, page.Body, `<select name="time_zone" data-browser-time-zone`)
	require.Contains(t, page.Body, `<option value="UTC" selected>`, "English defaults to UTC before the browser says otherwise")

	form := signUpForm("tz@example.com")
	form.Set("time_zone", "Mars/Olympus_Mons")
	res := c.Post("/signup", form)
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, `id="time_zone-error">Choose a time zone.<`)
	require.NotContains(t, res.Body, "data-browser-time-zone", "a form sent back keeps the visitor's choice")

	form.Set("time_zone", "America/Argentina/Buenos_Aires") // not in the list: any IANA name
	form.Set("currency", "JPY")
	require.Equal(t, "/verify", c.Post("/signup", form).Location())
	require.Equal(t, "America/Argentina/Buenos_Aires", webtestString(t, app, `SELECT a.time_zone FROM accounts a JOIN memberships m ON m.project_sid = a.sid
		JOIN users u ON u.id = m.user_id WHERE u.email = 'tz@example.com'`))

	form = signUpForm("jpy@example.com")
	form.Del("time_zone")
	form.Set("currency", "JPY")
	require.Equal(t, "/verify", app.Client().Post("/signup", form).Location())
	require.Equal(t, "Asia/Tokyo", webtestString(t, app, `SELECT a.time_zone FROM accounts a JOIN memberships m ON m.project_sid = a.sid
		JOIN users u ON u.id = m.user_id WHERE u.email = 'jpy@example.com'`), "JPY without a zone is Asia/Tokyo")
}
