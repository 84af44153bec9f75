package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/mailtest"
	"console/internal/team"
	"console/internal/webtest"
)

var invitationLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/invitation\?token=[0-9a-f]{64})`)

// member adds a user with a role to o's project and returns a signed-in client.
func member(t *testing.T, app *webtest.App, o *webtest.Owner, email, role string) *webtest.Client {
	t.Helper()
	ctx := context.Background()
	u, err := app.Services.Users.Create(ctx, app.Pool, email, strings.Split(email, "@")[0], "member password", "")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, o.AccountSID, u.ID, role))
	c := app.Client()
	c.SignIn(email, "member password")
	return c
}

func inviteLink(t *testing.T, smtp *mailtest.Server, to string, n int) (string, mailtest.Message) {
	t.Helper()
	msgs := smtp.WaitFor(t, to, n, 10*time.Second)
	m := msgs[n-1]
	link := invitationLink.FindStringSubmatch(m.Body)
	require.NotNil(t, link, m.Body)
	return link[1], m
}

func TestInvitationBySMTPAndRoleChange(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	o := app.CreateOwner("JPY")
	admin := member(t, app, o, "admin@example.com", team.RoleAdmin)

	res := admin.Post("/settings/users/invite", url.Values{"email": {"dev@example.com"}, "role": {"developer"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, admin.Get("/settings/users").Body, `<tr data-invitation=`)
	path, msg := inviteLink(t, smtp, "dev@example.com", 1)
	require.Equal(t, "admin invited you to Test Project", msg.Subject)
	require.Contains(t, msg.Body, "as Developer")
	var stored int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM invitations WHERE token_hash = convert_to($1, 'UTF8')`, strings.TrimPrefix(path, "/invitation?token=")).Scan(&stored))
	require.Zero(t, stored, "the token is stored hashed")
	// The job marks the mail sent right after the SMTP server accepted it.
	require.Eventually(t, func() bool {
		var sent bool
		require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT sent_at IS NOT NULL FROM mail_outbox WHERE to_addr = 'dev@example.com'`).Scan(&sent))
		return sent
	}, 10*time.Second, 20*time.Millisecond)

	// The invitee follows the link: the token leaves the URL, the email is fixed.
	dev := app.Client()
	res = dev.Get(path)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/invitation", res.Location())
	page := dev.Get("/invitation")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `value="dev@example.com" disabled`)
	require.Contains(t, page.Body, "admin invited you to the project Test Project as Developer.")
	bad := dev.Post("/invitation/signup", url.Values{"name": {"Dev"}, "password": {"short"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	res = dev.Post("/invitation/signup", url.Values{"name": {"Dev"}, "password": {"developer password"}, "email": {"attacker@example.com"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	dash := dev.Get("/")
	require.Equal(t, http.StatusOK, dash.Status)
	require.Contains(t, dash.Body, "You joined Test Project.")
	require.Contains(t, dash.Body, `data-testid="project-name">Test Project<`)
	require.NotContains(t, dash.Body, `data-testid="balance"`, "a Developer does not see billing")
	require.Equal(t, http.StatusForbidden, dev.Get("/billing").Status)
	require.Equal(t, http.StatusOK, dev.Get("/settings/keys").Status)

	// The link is single-use.
	again := app.Client()
	again.Get(path)
	used := again.Get("/invitation")
	require.Equal(t, http.StatusGone, used.Status)
	require.Contains(t, used.Body, "This invitation has already been used.")

	// The Administrator makes them a Billing Manager: their next page reflects it.
	var devID string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = 'dev@example.com'`).Scan(&devID))
	require.Equal(t, http.StatusSeeOther, admin.Post("/settings/users/"+devID+"/role", url.Values{"role": {"billing"}}).Status)
	require.Equal(t, http.StatusOK, dev.Get("/billing").Status)
	require.Equal(t, http.StatusForbidden, dev.Get("/settings/keys").Status)
	require.NotContains(t, dev.Get("/").Body, `data-testid="auth-token"`)

	// Removed: access ends at once.
	require.Equal(t, http.StatusSeeOther, admin.Post("/settings/users/"+devID+"/remove", nil).Status)
	res = dev.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/projects/new", res.Location(), "no project left: offered to create one")
	require.Contains(t, dev.Get("/projects/new").Body, "You are not a member of any project any more.")
	for _, a := range []string{"member.invited", "member.joined", "member.role_changed", "member.removed"} {
		require.Equal(t, 1, webtest.CountAudit(t, app, a), a)
	}
}

func TestInvitationEdgeCases(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	admin := member(t, app, o, "admin@example.com", team.RoleAdmin)
	dev := member(t, app, o, "dev@example.com", team.RoleDeveloper)
	ctx := context.Background()

	// Roles: an Administrator cannot invite an Administrator; a Developer cannot invite anyone.
	require.Equal(t, http.StatusForbidden, admin.Post("/settings/users/invite", url.Values{"email": {"a2@example.com"}, "role": {"admin"}}).Status)
	require.Equal(t, http.StatusForbidden, dev.Post("/settings/users/invite", url.Values{"email": {"x@example.com"}, "role": {"support"}}).Status)
	require.Equal(t, http.StatusForbidden, dev.Get("/settings/users").Status)
	require.NotContains(t, admin.Get("/settings/users").Body, `<option value="admin"`, "roles above the inviter are not offered")
	require.Contains(t, owner.Get("/settings/users").Body, `<option value="admin"`)
	require.Equal(t, http.StatusUnprocessableEntity, owner.Post("/settings/users/invite", url.Values{"email": {"x@example.com"}, "role": {"owner"}}).Status)
	var n int
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM invitations`).Scan(&n))
	require.Zero(t, n, "refused invitations change nothing")
	res := admin.Post("/settings/users/invite", url.Values{"email": {"dev@example.com"}, "role": {"support"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "This person is already a member.")

	invite := func(email string) string {
		t.Helper()
		require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invite", url.Values{"email": {email}, "role": {"support"}}).Status)
		return invitationLink.FindStringSubmatch(app.Mail(`to_addr = $1`, email).Body)[1]
	}
	open := func(path string) *webtest.Response {
		c := app.Client()
		c.Get(path)
		return c.Get("/invitation")
	}

	dup := owner.Post("/settings/users/invite", url.Values{"email": {"x@example.com"}, "role": {"support"}})
	require.Equal(t, http.StatusSeeOther, dup.Status)
	dup = owner.Post("/settings/users/invite", url.Values{"email": {"X@example.com"}, "role": {"developer"}})
	require.Equal(t, http.StatusUnprocessableEntity, dup.Status)
	require.Contains(t, dup.Body, "An invitation to this email is already open.")

	expired := invite("late@example.com")
	_, err := app.Pool.Exec(ctx, `UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.com'`)
	require.NoError(t, err)
	res = open(expired)
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This invitation has expired.")

	revoked := invite("gone@example.com")
	var id string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT id FROM invitations WHERE email = 'gone@example.com'`).Scan(&id))
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invitations/"+id+"/revoke", nil).Status)
	res = open(revoked)
	require.Equal(t, http.StatusGone, res.Status)
	require.Contains(t, res.Body, "This invitation was withdrawn.")

	// Resending replaces the link.
	first := invite("again@example.com")
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT id FROM invitations WHERE email = 'again@example.com'`).Scan(&id))
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invitations/"+id+"/resend", nil).Status)
	require.Equal(t, http.StatusNotFound, open(first).Status)

	// A signed-in user with another email: a clear page, nothing changes.
	wrong := invite("right@example.com")
	other := app.CreateOwner("USD")
	oc := app.Client()
	oc.SignIn(other.Email, other.Password)
	oc.Get(wrong)
	res = oc.Get("/invitation")
	require.Equal(t, http.StatusForbidden, res.Status)
	require.Contains(t, res.Body, "This invitation is for right@example.com")
	require.Equal(t, http.StatusForbidden, oc.Post("/invitation/accept", nil).Status)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE user_id = $1`, other.UserID).Scan(&n))
	require.Equal(t, 1, n)

	// An existing user whose email matches signs in and accepts with one click.
	existing := invite(other.Email)
	oc.Get(existing)
	res = oc.Get("/invitation")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, `data-testid="invitation-accept"`)
	require.Equal(t, http.StatusSeeOther, oc.Post("/invitation/accept", nil).Status)
	dash := oc.Get("/").Body
	require.Contains(t, dash, `data-testid="project-name">Test Project<`, "the console opens the joined project")
	require.Contains(t, dash, other.AccountSID, "the switcher lists both projects")
	require.Equal(t, http.StatusForbidden, oc.Get("/settings/keys").Status, "as Support")

	// A signed-out visitor whose email has an account is asked to sign in,
	// and comes back to the invitation after signing in.
	third := app.CreateOwner("USD")
	link := invite(third.Email)
	visitor := app.Client()
	visitor.Get(link)
	res = visitor.Get("/invitation")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, `data-testid="invitation-signin"`)
	res = visitor.Post("/invitation/signup", url.Values{"name": {"X"}, "password": {"long enough pw"}})
	require.Contains(t, res.Body, `data-testid="invitation-signin"`, "an existing account cannot be signed up again")
	signedIn := visitor.Post("/signin", url.Values{"email": {third.Email}, "password": {third.Password}, "next": {"/invitation"}})
	require.Equal(t, "/invitation", signedIn.Location())
	require.Equal(t, http.StatusSeeOther, visitor.Post("/invitation/accept", nil).Status)
	require.Equal(t, http.StatusNotFound, app.Client().Get("/invitation").Status, "no link followed")
}

func TestInvitationMailLanguage(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	o := app.CreateOwner("JPY")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	owner.Post("/user/settings/language", url.Values{"locale": {"ja"}})
	// The expiry is given in the project's zone, whatever the server's.
	_, err := app.Pool.Exec(context.Background(), `UPDATE accounts SET time_zone = 'America/New_York' WHERE sid = $1`, o.AccountSID)
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	expiry := func(email string) time.Time {
		var at time.Time
		require.NoError(t, app.Pool.QueryRow(context.Background(),
			`SELECT expires_at FROM invitations WHERE project_sid = $1 AND email = $2`, o.AccountSID, email).Scan(&at))
		return at.In(newYork)
	}

	// Someone new: the inviter's language.
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invite", url.Values{"email": {"new@example.com"}, "role": {"developer"}}).Status)
	_, msg := inviteLink(t, smtp, "new@example.com", 1)
	require.Equal(t, "Test Owner さんから「Test Project」への招待が届いています", msg.Subject)
	require.Contains(t, msg.Body, "開発者")
	require.Contains(t, msg.Body, "リンクは 1 回だけ使え、"+expiry("new@example.com").Format("2006年1月2日 15:04 MST")+" に有効期限が切れます。")

	// A known user with a language: theirs.
	other := app.CreateOwner("USD")
	_, err = app.Pool.Exec(context.Background(), `UPDATE users SET locale = 'en' WHERE id = $1`, other.UserID)
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invite", url.Values{"email": {other.Email}, "role": {"support"}}).Status)
	_, msg = inviteLink(t, smtp, other.Email, 1)
	require.Equal(t, "Test Owner invited you to Test Project", msg.Subject)
	require.Contains(t, msg.Body, "as Support")
	require.Contains(t, msg.Body, "The link works once and expires at "+expiry(other.Email).Format("Jan 2, 2006 15:04 MST")+".")
}

func TestRequireTwoFactor(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	dev := member(t, app, o, "dev@example.com", team.RoleDeveloper)

	page := owner.Get("/settings/general").Body
	require.Contains(t, page, `data-testid="members-without-2fa"`)
	require.Contains(t, page, "dev@example.com")
	require.Contains(t, page, o.Email)
	require.Equal(t, http.StatusForbidden, dev.Post("/settings/general/require-2fa", url.Values{"on": {"true"}}).Status)

	// The owner enrols first, then requires it.
	enableTOTP(t, owner)
	page = owner.Get("/settings/general").Body
	require.NotContains(t, page, o.Email+"&gt;")
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/general/require-2fa", url.Values{"on": {"true"}}).Status)
	require.Contains(t, owner.Get("/settings/general").Body, "Required for every member.")
	require.Equal(t, 1, webtest.CountAudit(t, app, "project.require_2fa_changed"))

	// The member without 2FA is sent to enrolment whatever they open, and can do nothing else.
	for _, p := range []string{"/", "/settings/keys", "/user/settings", "/services"} {
		res := dev.Get(p)
		require.Equal(t, http.StatusSeeOther, res.Status, p)
		require.Equal(t, "/user/settings/2fa/required", res.Location(), p)
	}
	res := dev.Post("/settings/keys", url.Values{"friendly_name": {"k"}, "type": {"standard"}})
	require.Equal(t, "/user/settings/2fa/required", res.Location())
	var keys int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM api_keys`).Scan(&keys))
	require.Zero(t, keys)
	require.Contains(t, dev.Get("/user/settings/2fa/required").Body, `data-testid="twofactor-required"`)
	enableTOTP(t, dev)
	require.Equal(t, http.StatusOK, dev.Get("/").Status)
}

func TestTransferOwnership(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	admin := member(t, app, o, "admin@example.com", team.RoleAdmin)
	dev := member(t, app, o, "dev@example.com", team.RoleDeveloper)
	ids := map[string]string{}
	rows, err := app.Pool.Query(context.Background(), `SELECT email, id FROM users`)
	require.NoError(t, err)
	for rows.Next() {
		var e, id string
		require.NoError(t, rows.Scan(&e, &id))
		ids[e] = id
	}
	require.Equal(t, http.StatusForbidden, admin.Post("/settings/users/"+ids["dev@example.com"]+"/transfer", nil).Status)
	require.Equal(t, http.StatusUnprocessableEntity, owner.Post("/settings/users/"+ids["dev@example.com"]+"/transfer", nil).Status)
	require.Equal(t, http.StatusForbidden, admin.Post("/settings/users/"+o.UserID+"/remove", nil).Status, "nobody removes the Owner")
	require.Equal(t, http.StatusForbidden, dev.Post("/settings/users/"+ids["admin@example.com"]+"/remove", nil).Status)

	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/"+ids["admin@example.com"]+"/transfer", nil).Status)
	var owners int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM memberships WHERE project_sid = $1 AND role = 'owner'`, o.AccountSID).Scan(&owners))
	require.Equal(t, 1, owners)
	role, err := team.Role(context.Background(), app.Pool, o.AccountSID, o.UserID)
	require.NoError(t, err)
	require.Equal(t, team.RoleAdmin, role)
	require.Contains(t, admin.Get("/settings/users").Body, `<option value="admin"`, "the new Owner may manage Administrators")
}
