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

var emailLinkRE = regexp.MustCompile(`http://[^\s]+/email/(confirm|cancel)\?token=([0-9a-f]+)`)

// emailLink returns the path and token of the newest email change link of
// kind ("email_confirm" or "email_change_notice") mailed to to.
func emailLink(t *testing.T, app *webtest.App, kind, to string) (string, string) {
	t.Helper()
	m := app.Mail(`kind = $1 AND to_addr = $2`, kind, to)
	link := emailLinkRE.FindStringSubmatch(m.Body)
	require.NotNil(t, link, m.Body)
	u, err := url.Parse(link[0])
	require.NoError(t, err)
	return u.RequestURI(), link[2]
}

func requestEmailChange(t *testing.T, c *webtest.Client, o *webtest.Owner, to string) {
	t.Helper()
	res := c.Post("/user/settings/email", url.Values{"email": {to}, "current_password": {o.Password}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
}

// A new address is proved by the link mailed to it: until then the old
// one stays in force (and is shown, with the new one pending); the old
// one is told, with a link that cancels. Confirmed once, from any browser.
func TestEmailChangePendingThenConfirmed(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	res := c.Post("/user/settings/email", url.Values{"email": {strings.ToUpper(o.Email)}, "current_password": {o.Password}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "This is already your address.")

	requestEmailChange(t, c, o, "new@example.com")
	page := c.Get("/user/settings")
	require.Contains(t, page.Body, "We sent a confirmation link to new@example.com.")
	require.Contains(t, page.Body, "Current address: "+o.Email)
	require.Contains(t, page.Body, "Waiting for confirmation: new@example.com.")
	app.Client().SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusUnprocessableEntity, app.Client().Post("/signin", url.Values{"email": {"new@example.com"}, "password": {o.Password}}).Status)
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.email_change_requested"))
	require.Zero(t, webtest.CountAudit(t, app, "user.email_changed"))

	confirm, token := emailLink(t, app, "email_confirm", "new@example.com")
	require.True(t, strings.HasPrefix(confirm, "/email/confirm?token="))
	notice := app.Mail(`kind = 'email_change_notice' AND to_addr = $1`, o.Email)
	require.Contains(t, notice.Body, "new@example.com")
	require.Contains(t, notice.Body, "/email/cancel?token=")
	sum := sha256.Sum256([]byte(auth.ChangeConfirm + ":" + token))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM email_changes WHERE confirm_hash = $1`, sum[:]), "the token's hash at rest")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM email_changes WHERE encode(confirm_hash, 'hex') = $1 OR encode(cancel_hash, 'hex') = $1`, token))

	// Followed from another browser, not signed in: opening changes nothing, the button does.
	other := app.Client()
	res = other.Get(confirm)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/email/confirm", res.Location())
	res = other.Get("/email/confirm")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "Change the email address of your account from "+o.Email+" to new@example.com.")
	app.Client().SignIn(o.Email, o.Password)
	res = other.Post("/email/confirm", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
	require.Contains(t, other.Get("/signin").Body, "Your email address is now new@example.com.")

	app.Client().SignIn("new@example.com", o.Password)
	require.Equal(t, http.StatusUnprocessableEntity, app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Status)
	require.NotContains(t, c.Get("/user/settings").Body, "Waiting for confirmation")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.email_changed"))
	changed := app.Mail(`kind = 'email_changed' AND to_addr = $1`, o.Email)
	require.Contains(t, changed.Body, "new@example.com")

	// Single use.
	again := app.Client()
	require.Equal(t, http.StatusSeeOther, again.Get(confirm).Status)
	res = again.Get("/email/confirm")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This link was already used")
	require.Equal(t, http.StatusGone, again.Post("/email/confirm", nil).Status)

	// The old address's cancel link comes too late now, and says what to do.
	cancel, _ := emailLink(t, app, "email_change_notice", o.Email)
	old := app.Client()
	require.Equal(t, http.StatusSeeOther, old.Get(cancel).Status)
	res = old.Get("/email/cancel")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "reset your password now and contact support")
}

// An address taken by another user in the meantime is refused at
// confirmation, without saying whose; the change stays open.
func TestEmailChangeToATakenAddressIsRefusedAtConfirmation(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	requestEmailChange(t, c, o, other.Email)
	confirm, _ := emailLink(t, app, "email_confirm", other.Email)

	b := app.Client()
	require.Equal(t, http.StatusSeeOther, b.Get(confirm).Status)
	res := b.Post("/email/confirm", nil)
	require.Equal(t, http.StatusConflict, res.Status)
	require.Contains(t, res.Body, "This address cannot be used: it belongs to another account.")
	require.NotContains(t, res.Body, other.UserID)
	require.NotContains(t, res.Body, "Test Owner")
	var email string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT email FROM users WHERE id = $1`, o.UserID).Scan(&email))
	require.Equal(t, o.Email, email)
	require.Zero(t, webtest.CountAudit(t, app, "user.email_changed"))
	require.Contains(t, c.Get("/user/settings").Body, "Waiting for confirmation: "+other.Email)
}

// The old address cancels from its mail; the user cancels in User
// Settings; a link expires after 24 hours; a new request replaces the open one.
func TestEmailChangeCancelledAndExpired(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	requestEmailChange(t, c, o, "first@example.com")
	cancel, _ := emailLink(t, app, "email_change_notice", o.Email)
	old := app.Client()
	require.Equal(t, http.StatusSeeOther, old.Get(cancel).Status)
	res := old.Get("/email/cancel")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "Someone asked to change the email address of the account "+o.Email+" to first@example.com.")
	res = old.Post("/email/cancel", nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "The email change was cancelled.")
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.email_change_cancelled"))
	confirm, _ := emailLink(t, app, "email_confirm", "first@example.com")
	b := app.Client()
	require.Equal(t, http.StatusSeeOther, b.Get(confirm).Status)
	res = b.Get("/email/confirm")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This change was cancelled.")

	// A second request replaces the first; the user cancels it from the settings.
	requestEmailChange(t, c, o, "second@example.com")
	requestEmailChange(t, c, o, "third@example.com")
	replaced, _ := emailLink(t, app, "email_confirm", "second@example.com")
	require.Equal(t, http.StatusSeeOther, b.Get(replaced).Status)
	require.Equal(t, http.StatusGone, b.Get("/email/confirm").Status)
	require.Contains(t, c.Get("/user/settings").Body, "Waiting for confirmation: third@example.com.")
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/email/cancel", nil).Status)
	page := c.Get("/user/settings").Body
	require.Contains(t, page, "The email change was cancelled.")
	require.NotContains(t, page, "Waiting for confirmation")

	// Expiry, by the server's clock.
	requestEmailChange(t, c, o, "late@example.com")
	late, _ := emailLink(t, app, "email_confirm", "late@example.com")
	app.Services.Clock.Advance(auth.EmailChangeTTL + time.Second)
	require.Equal(t, http.StatusSeeOther, b.Get(late).Status)
	res = b.Get("/email/confirm")
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This link has expired.")
	require.Equal(t, http.StatusGone, b.Post("/email/confirm", nil).Status)
	var email string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT email FROM users WHERE id = $1`, o.UserID).Scan(&email))
	require.Equal(t, o.Email, email, "nothing confirmed, nothing changed")
}
