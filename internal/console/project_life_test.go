package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/mail"
	"console/internal/team"
	"console/internal/webtest"
)

// A second project: the creator owns it, it opens at once, it has a
// balance of zero (no trial credit, ever, for a project made this way),
// and the menu lists both projects with the user's role in each.
func TestCreateProject(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"empty name", url.Values{"project_name": {" "}, "currency": {"USD"}, "time_zone": {"UTC"}}, []string{"This field is required."}},
		{"bad currency and zone", url.Values{"project_name": {"X"}, "currency": {"EUR"}, "time_zone": {"Mars/Olympus"}},
			[]string{"Choose JPY or USD.", "Choose a time zone."}},
	} {
		res := c.Post("/projects", tc.form)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, tc.name)
		for _, msg := range tc.want {
			require.Contains(t, res.Body, msg, tc.name)
		}
		require.Contains(t, res.Body, `value="`+strings.TrimSpace(tc.form.Get("project_name"))+`"`, "%s: the form keeps what was typed", tc.name)
	}
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM memberships WHERE user_id = $1`, o.UserID), "nothing made")

	res := c.Post("/projects", url.Values{"project_name": {"大阪ラボ"}, "currency": {"JPY"}, "time_zone": {"Asia/Tokyo"}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	dash := c.Get("/").Body
	require.Contains(t, dash, `data-testid="project-name">大阪ラボ<`, "the new project is the current one")
	require.Contains(t, dash, "Project 大阪ラボ created")

	var sid string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `
		SELECT a.sid FROM accounts a JOIN memberships m ON m.project_sid = a.sid AND m.user_id = $1 AND m.role = 'owner'
		WHERE a.friendly_name = '大阪ラボ'`, o.UserID).Scan(&sid))
	require.True(t, webtest.Balance(t, app, sid).IsZero(), "no trial credit for a project created this way")
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, sid))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'project.created' AND project_sid = $1 AND actor_user_id = $2`, sid, o.UserID))
	var cur, tz string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT currency, time_zone FROM accounts WHERE sid = $1`, sid).Scan(&cur, &tz))
	require.Equal(t, []string{"JPY", "Asia/Tokyo"}, []string{cur, tz})

	// Both projects in the menu, each with the role; the first switches.
	require.Contains(t, dash, `data-testid="menu-project-`+o.AccountSID+`"><span class="menu-project-name">Test Project</span> <span class="menu-role">Owner</span>`)
	res = c.Post("/projects/switch", url.Values{"project": {o.AccountSID}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, c.Get("/").Body, `data-testid="project-name">Test Project<`)

	// A foreign project cannot be switched to nor left.
	other := app.CreateOwner("USD")
	require.Equal(t, http.StatusNotFound, c.Post("/projects/switch", url.Values{"project": {other.AccountSID}}).Status)
	require.Equal(t, http.StatusNotFound, c.Post("/projects/leave", url.Values{"project": {other.AccountSID}}).Status)
}

// One person owns a bounded number of projects.
func TestCreateProjectBounded(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	// Nineteen more owned projects, made directly: the twentieth is the sign-up's.
	for i := range 19 {
		tx, err := app.Pool.Begin(ctx)
		require.NoError(t, err)
		p, _, err := app.Services.Accounts.CreateProject(ctx, tx, account.NewProject{FriendlyName: fmt.Sprint("P", i), TimeZone: "UTC", Currency: "USD"})
		require.NoError(t, err)
		require.NoError(t, team.Add(ctx, tx, p.SID, o.UserID, team.RoleOwner))
		require.NoError(t, billing.OpenBalance(ctx, tx, p.SID, "USD"))
		require.NoError(t, tx.Commit(ctx))
	}
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	res := c.Post("/projects", url.Values{"project_name": {"One too many"}, "currency": {"USD"}, "time_zone": {"UTC"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "You already own as many projects as one person may.")
}

// A member leaves; the Owner is refused until they transfer ownership; a
// user with no project left is offered to create one.
func TestLeaveProject(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	dev := member(t, app, o, "leaver@example.com", team.RoleDeveloper)

	page := owner.Get("/projects/leave")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `data-testid="leave-owner"`)
	require.NotContains(t, owner.Get("/").Body, `data-testid="menu-leave-project"`, "the Owner is not offered to leave")
	res := owner.Post("/projects/leave", url.Values{"project": {o.AccountSID}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "transfer ownership to an administrator before you leave")
	require.Equal(t, 2, webtest.Count(t, app, `SELECT count(*) FROM memberships WHERE project_sid = $1`, o.AccountSID))

	require.Contains(t, dev.Get("/").Body, `data-testid="menu-leave-project"`)
	require.Contains(t, dev.Get("/projects/leave").Body, "Leave Test Project?")
	res = dev.Post("/projects/leave", url.Values{"project": {o.AccountSID}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/projects/new", res.Location(), "no project left")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM memberships WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'member.left' AND project_sid = $1`, o.AccountSID))

	// No project left: every page leads to creating one, which works.
	page = dev.Get("/projects/new")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `data-testid="no-project"`)
	require.Contains(t, page.Body, "You left Test Project.")
	home := dev.Get("/")
	require.Equal(t, http.StatusSeeOther, home.Status)
	require.Equal(t, "/projects/new", home.Location())
	require.Equal(t, "/projects/new", dev.Get("/settings/keys").Location())
	require.Equal(t, "/projects/new", dev.Post("/projects/leave", url.Values{"project": {o.AccountSID}}).Location(), "nothing to leave")
	res = dev.Post("/projects", url.Values{"project_name": {"My own"}, "currency": {"USD"}, "time_zone": {"UTC"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, dev.Get("/").Body, `data-testid="project-name">My own<`)
}

// Deleting one's user: password first; refused while owning a project
// with other members or with money; otherwise the sessions end, the
// memberships go, the person's data is erased, the projects owned alone
// are closed and the audit log keeps only a pseudonymous id.
func TestDeleteUser(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	other := app.Client() // a second session of the same user
	other.SignIn(o.Email, o.Password)
	require.Contains(t, c.Get("/user/settings").Body, `href="/user/settings/delete"`)

	// A member of another project, to be left.
	shared := app.CreateOwner("USD")
	require.NoError(t, team.Add(ctx, app.Pool, shared.AccountSID, o.UserID, team.RoleDeveloper))
	res := c.Post("/user/settings/profile", url.Values{"friendly_name": {"Erin Example"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	// Entries that name the person: one they made, one about them.
	by := audit.Actor{Kind: audit.ActorUser, UserID: o.UserID}
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, audit.Record(ctx, tx, by, audit.UserEmailChanged, audit.On{Target: o.UserID}, map[string]string{"from": "old@example.com", "to": strings.ToUpper(o.Email)}))
	require.NoError(t, audit.Record(ctx, tx, audit.Actor{Kind: audit.ActorUser, UserID: shared.UserID}, audit.MemberRoleChanged,
		audit.On{Project: shared.AccountSID, Account: shared.AccountSID, Target: o.UserID}, map[string]string{"email": o.Email, "friendly_name": "Erin Example", "role": "developer"}))
	require.NoError(t, tx.Commit(ctx))

	res = c.Post("/user/settings/delete", url.Values{"current_password": {"wrong password"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)

	// Refused: a member in the project the user owns.
	member(t, app, &webtest.Owner{AccountSID: o.AccountSID}, "helper@example.com", team.RoleAdmin)
	res = c.Post("/user/settings/delete", url.Values{"current_password": {o.Password}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "You own a project that has other members")
	helperID := ""
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'helper@example.com'`).Scan(&helperID))
	require.NoError(t, team.Remove(ctx, app.Pool, o.AccountSID, helperID))

	// Refused: money in the project the user owns.
	tx, err = app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindCredit, "gift", decimal.NewFromInt(5), "gift"))
	require.NoError(t, tx.Commit(ctx))
	res = c.Post("/user/settings/delete", url.Values{"current_password": {o.Password}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "You own a project with a balance above zero")
	require.Equal(t, http.StatusOK, c.Get("/user/settings").Status, "nothing changed")
	tx, err = app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindCredit, "ungift", decimal.NewFromInt(-5), "ungift"))
	require.NoError(t, tx.Commit(ctx))

	// A pending change of address names two addresses: they go too.
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/email", url.Values{"email": {"erin.new@example.com"}, "current_password": {o.Password}}).Status)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM email_changes WHERE user_id = $1`, o.UserID))

	// The project joined last (shared, in Asia/Tokyo) dates the mail, not the one opened first.
	_, err = app.Pool.Exec(ctx, `UPDATE accounts SET time_zone = 'Europe/Paris' WHERE sid = $1`, o.AccountSID)
	require.NoError(t, err)
	mailsBefore := webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'user_deleted'`)

	// Allowed.
	before := app.Services.Clock.Now()
	res = c.Post("/user/settings/delete", url.Values{"current_password": {o.Password}})
	after := app.Services.Clock.Now()
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	require.Equal(t, "/signin", res.Location())
	require.Contains(t, c.Get("/signin").Body, "Your account was deleted.")
	require.Equal(t, "/signin", c.Get("/").Location(), "this session ended")
	require.Equal(t, "/signin", other.Get("/").Location(), "every other session ended")
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM sessions WHERE user_id = $1`, o.UserID))
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM memberships WHERE user_id = $1`, o.UserID))
	for _, table := range []string{"email_changes", "email_verifications", "password_resets"} {
		require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM `+table+` WHERE user_id = $1`, o.UserID), table)
	}

	var email, name, hash string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT email, friendly_name, password_hash FROM users WHERE id = $1`, o.UserID).Scan(&email, &name, &hash))
	require.Equal(t, "erased+"+o.UserID+"@"+auth.TombstoneDomain, email)
	require.Empty(t, name)
	require.Empty(t, hash)
	// The erased address is told, once: the refused attempts mailed nothing.
	require.Equal(t, mailsBefore+1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'user_deleted'`))
	m := app.Mail(`kind = 'user_deleted'`)
	require.Equal(t, o.Email, m.To)
	require.Equal(t, "Your account was deleted", m.Subject)
	require.Contains(t, m.Body, "Your account "+o.Email+" was deleted at your request on ")
	require.Contains(t, []string{mail.Time("en", "Asia/Tokyo", before), mail.Time("en", "Asia/Tokyo", after)},
		m.Body[strings.Index(m.Body, " on ")+4:strings.Index(m.Body, ".\n")])
	require.Contains(t, m.Body, " JST.\n")
	signIn := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
	require.Equal(t, http.StatusUnprocessableEntity, signIn.Status, "the old address signs in no one")

	var status string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT status FROM accounts WHERE sid = $1`, o.AccountSID).Scan(&status))
	require.Equal(t, account.StatusClosed, status, "the project owned alone is closed")
	require.Equal(t, http.StatusUnauthorized, app.APIGet("/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, o.AuthToken).Status)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT status FROM accounts WHERE sid = $1`, shared.AccountSID).Scan(&status))
	require.Equal(t, account.StatusActive, status, "a project the user was only a member of stays")

	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'user.deleted' AND actor_user_id = $1 AND target = $1`, o.UserID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'member.left' AND project_sid = $1 AND target = $2`, shared.AccountSID, o.UserID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'project.closed' AND project_sid = $1`, o.AccountSID))
	require.Positive(t, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE actor_user_id = $1`, o.UserID), "the entries stay")
	rows, err := app.Pool.Query(ctx, `SELECT details::text FROM audit_log WHERE actor_user_id = $1 OR target = $1`, o.UserID)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var details string
		require.NoError(t, rows.Scan(&details))
		require.NotContains(t, strings.ToLower(details), strings.ToLower(o.Email), "no email in the log")
		require.NotContains(t, details, "Erin Example", "no name in the log")
		n++
	}
	require.NoError(t, rows.Err())
	require.Positive(t, n)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE details->>'friendly_name' = '[erased]' AND details->>'email' = '[erased]'
		AND details->>'role' = 'developer'`), "other details stay")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE details->>'to' = '[erased]' AND details->>'from' = 'old@example.com'`))
}

// The mail that tells a user their account was deleted is in their
// language, the time in UTC when they belong to no project.
func TestDeleteUserMailsInTheirLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	c := member(t, app, o, "leaver@example.com", team.RoleDeveloper)
	var id string
	require.NoError(t, app.Pool.QueryRow(ctx, `UPDATE users SET locale = 'ja' WHERE email = 'leaver@example.com' RETURNING id`).Scan(&id))
	require.NoError(t, team.Remove(ctx, app.Pool, o.AccountSID, id))

	before := app.Services.Clock.Now()
	res := c.Post("/user/settings/delete", url.Values{"current_password": {"member password"}})
	after := app.Services.Clock.Now()
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	m := app.Mail(`kind = 'user_deleted'`)
	require.Equal(t, "leaver@example.com", m.To)
	require.Equal(t, "ja", m.Locale)
	require.Equal(t, "アカウントを削除しました", m.Subject)
	require.Contains(t, m.Body, "ご依頼により、アカウント leaver@example.com を ")
	require.Contains(t, []string{mail.Time("ja", "UTC", before), mail.Time("ja", "UTC", after)},
		m.Body[strings.Index(m.Body, " を ")+len(" を "):strings.Index(m.Body, " に削除")])
	require.Contains(t, m.Body, "UTC に削除しました")
}

// The project menu lists the project's open subaccounts by name, switches
// into one, names it while in it, and past eight offers a search that
// finds the others, in this project only.
func TestProjectMenuSubaccounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	project, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	newSub := func(p *account.Account, name string) *account.Account {
		tx, err := app.Pool.Begin(ctx)
		require.NoError(t, err)
		a, _, err := app.Services.Accounts.CreateSubaccount(ctx, tx, p, name, 1000)
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		return a
	}
	require.NotContains(t, c.Get("/").Body, `data-testid="menu-subaccounts"`, "no subaccounts, no list")

	kyoto := newSub(project, "Kyoto")
	closed := newSub(project, "Closed shop")
	_, err = app.Services.Accounts.SetStatus(ctx, app.Pool, project.SID, closed.SID, account.StatusClosed)
	require.NoError(t, err)
	dash := c.Get("/").Body
	require.Contains(t, dash, `data-testid="menu-subaccount-`+kyoto.SID+`">Kyoto<`)
	require.NotContains(t, dash, closed.SID, "a closed subaccount is not offered")
	require.NotContains(t, dash, `data-testid="menu-subaccount-search"`, "few subaccounts, no search")

	// Switching into one from the menu; the menu then names it.
	res := c.Post("/settings/subaccounts/"+kyoto.SID+"/view", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	dash = c.Get("/").Body
	require.Regexp(t, `data-testid="menu-current-subaccount"><span class="visually-hidden">[^<]+</span> Kyoto</span>`, dash)
	require.Contains(t, dash, `data-testid="menu-switch-to-master"`)
	require.Equal(t, http.StatusSeeOther, c.Post("/switch-to-master", nil).Status)
	require.NotContains(t, c.Get("/").Body, `data-testid="menu-current-subaccount"`)

	// Past eight: the first eight by name, and a search.
	for i := range 9 {
		newSub(project, fmt.Sprintf("Branch %02d", i))
	}
	dash = c.Get("/").Body
	require.Contains(t, dash, `data-testid="menu-subaccount-search"`)
	require.Contains(t, dash, ">Branch 07<")
	require.NotContains(t, dash, ">Branch 08<", "eight listed")
	require.NotContains(t, dash, ">Kyoto<", "eight listed, by name")

	// The search, as htmx asks for it and without JavaScript.
	other := app.CreateOwner("USD")
	otherProject, err := app.Services.Accounts.Get(ctx, app.Pool, other.AccountSID, other.AccountSID)
	require.NoError(t, err)
	foreign := newSub(otherProject, "Kyoto elsewhere")
	part := c.Do(mustReq(t, app.URL+"/projects/subaccounts?q=kyo", "HX-Request", "true"))
	require.Equal(t, http.StatusOK, part.Status)
	require.NotContains(t, part.Body, "<html", "htmx gets the list alone")
	require.Contains(t, part.Body, `data-testid="menu-subaccount-`+kyoto.SID+`">Kyoto<`)
	require.NotContains(t, part.Body, foreign.SID, "another project's subaccount is never found")
	page := c.Get("/projects/subaccounts?q=kyo")
	require.Contains(t, page.Body, "<html")
	require.Contains(t, page.Body, `data-testid="menu-subaccount-`+kyoto.SID+`"`)
	long := c.Do(mustReq(t, app.URL+"/projects/subaccounts?q="+url.QueryEscape(strings.Repeat("京", 100)), "HX-Request", "true"))
	require.Equal(t, http.StatusOK, long.Status, "a long query is cut, on a character boundary")
	none := c.Do(mustReq(t, app.URL+"/projects/subaccounts?q=%25", "HX-Request", "true"))
	require.Contains(t, none.Body, `data-testid="menu-subaccounts-none"`, "a LIKE wildcard matches itself only")
	require.Contains(t, c.Do(mustReq(t, app.URL+"/projects/subaccounts?q="+kyoto.SID[20:], "HX-Request", "true")).Body, kyoto.SID, "by SID too")

	// A foreign subaccount cannot be switched into from a forged menu.
	require.Equal(t, http.StatusNotFound, c.Post("/settings/subaccounts/"+foreign.SID+"/view", nil).Status)
}
