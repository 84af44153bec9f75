package onboard_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/onboard"
	"console/internal/team"
	"console/internal/webtest"
)

// entry is one audit entry as a test reads it.
type entry struct {
	Project, Account, Actor, ActorUserID, Target, IP string
	Details                                          map[string]string
}

// entries lists the entries of action about target, oldest first.
func entries(t *testing.T, app *webtest.App, action, target string) []entry {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `
		SELECT coalesce(project_sid, ''), coalesce(account_sid, ''), actor, coalesce(actor_user_id, ''), target, ip, details
		FROM audit_log WHERE action = $1 AND target = $2 ORDER BY id`, action, target)
	require.NoError(t, err)
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		require.NoError(t, rows.Scan(&e.Project, &e.Account, &e.Actor, &e.ActorUserID, &e.Target, &e.IP, &e.Details))
		out = append(out, e)
	}
	require.NoError(t, rows.Err())
	return out
}

func visitor(ip string) audit.Actor { return audit.Actor{Kind: audit.ActorAnonymous, IP: ip} }

// A sign-up validates every field before it counts against the limits;
// one made is the new user's, signed in, owning a project with the trial
// credit, in the visitor's time zone.
func TestServiceSignUp(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Onboard
	ctx := context.Background()
	good := onboard.SignUpInput{Name: "Ada", Email: "ada@example.com", Password: "correct horse", ProjectName: "Engines", Currency: "JPY", Locale: "ja"}

	for _, tc := range []struct {
		name string
		edit func(in *onboard.SignUpInput)
		want auth.Problems
	}{
		{"everything wrong", func(in *onboard.SignUpInput) {
			*in = onboard.SignUpInput{Email: "ada", Password: "short", Currency: "EUR"}
		}, auth.Problems{
			{Field: auth.FieldName, Reason: auth.ReasonRequired}, {Field: auth.FieldEmail, Reason: auth.ReasonInvalid},
			{Field: auth.FieldPassword, Reason: auth.ReasonRules}, {Field: auth.FieldProjectName, Reason: auth.ReasonRequired},
			{Field: auth.FieldCurrency, Reason: auth.ReasonInvalid}}},
		{"long names", func(in *onboard.SignUpInput) {
			in.Name, in.ProjectName = strings.Repeat("x", auth.MaxNameLen+1), strings.Repeat("ｘ", auth.MaxNameLen+1)
		}, auth.Problems{{Field: auth.FieldName, Reason: auth.ReasonTooLong}, {Field: auth.FieldProjectName, Reason: auth.ReasonTooLong}}},
		{"a list of emails", func(in *onboard.SignUpInput) { in.Email = "ada@example.com,bob@example.com" },
			auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			before := app.Fingerprint()
			_, err := svc.SignUp(ctx, visitor("192.0.2.1"), in)
			var ps auth.Problems
			require.ErrorAs(t, err, &ps)
			require.Equal(t, tc.want, ps)
			require.Equal(t, before, app.Fingerprint())
		})
	}

	res, err := svc.SignUp(ctx, visitor("192.0.2.1"), good)
	require.NoError(t, err)
	require.Equal(t, "Asia/Tokyo", res.Project.TimeZone)
	require.Equal(t, "ja", res.User.Locale)
	require.Equal(t, team.RoleOwner, mustRole(t, app, res.Project.SID, res.User.ID))
	require.Equal(t, []entry{{Project: res.Project.SID, Account: res.Project.SID, Actor: audit.ActorUser, ActorUserID: res.User.ID, Target: res.User.ID,
		IP: "192.0.2.1", Details: map[string]string{"via": "signup", "project": res.Project.SID}}}, entries(t, app, audit.UserSignedUp, res.User.ID))
	u, err := app.Services.Auth.User(ctx, res.User.ID)
	require.NoError(t, err)
	require.NotNil(t, u.LastSignIn, "a sign-up signs in")

	require.Nil(t, u.VerifiedAt, "a sign-up proves its address later")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, res.Project.SID), "no credit before verification")

	// An email taken makes nothing but answers as a sign-up, mails its
	// owner, and counts.
	users := webtest.Count(t, app, `SELECT count(*) FROM users`)
	again, err := svc.SignUp(ctx, visitor("192.0.2.1"), good)
	require.NoError(t, err)
	require.Nil(t, again.User)
	require.Equal(t, users, webtest.Count(t, app, `SELECT count(*) FROM users`))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'signup_attempt' AND to_addr = $1`, good.Email))
	require.Equal(t, 2, webtest.Count(t, app, `SELECT count(*) FROM sign_ups WHERE ip = '192.0.2.1'`))
}

func mustRole(t *testing.T, app *webtest.App, project, userID string) string {
	t.Helper()
	role, err := team.Role(context.Background(), app.Pool, project, userID)
	require.NoError(t, err)
	return role
}

// An invitee's sign-up makes the user and the membership in one
// transaction, both recorded as the new user's; a refused one makes
// neither.
func TestServiceSignUpInvited(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Onboard
	ctx := context.Background()
	o := app.CreateOwner("USD")
	invite := func(email string) *team.Invitation {
		inv, err := app.Services.Team.Invite(ctx, audit.Actor{Kind: audit.ActorUser, UserID: o.UserID}, o.AccountSID, team.RoleOwner,
			team.InvitationInput{Email: email, Role: team.RoleDeveloper}, "en")
		require.NoError(t, err)
		return inv
	}
	inv := invite("dev@example.com")

	before := app.Fingerprint()
	_, err := svc.SignUpInvited(ctx, visitor("192.0.2.2"), inv, onboard.InvitedSignUpInput{Password: "short"})
	var ps auth.Problems
	require.ErrorAs(t, err, &ps)
	require.Equal(t, auth.Problems{{Field: auth.FieldName, Reason: auth.ReasonRequired}, {Field: auth.FieldPassword, Reason: auth.ReasonRules}}, ps)
	require.Equal(t, before, app.Fingerprint())

	u, err := svc.SignUpInvited(ctx, visitor("192.0.2.2"), inv, onboard.InvitedSignUpInput{Name: "Dev", Password: "correct horse", Locale: "en"})
	require.NoError(t, err)
	require.Equal(t, "dev@example.com", u.Email)
	require.Equal(t, team.RoleDeveloper, mustRole(t, app, o.AccountSID, u.ID))
	require.Equal(t, []entry{{Project: o.AccountSID, Actor: audit.ActorUser, ActorUserID: u.ID, Target: u.ID, IP: "192.0.2.2",
		Details: map[string]string{"via": "invitation"}}}, entries(t, app, audit.UserSignedUp, u.ID))
	require.Equal(t, []entry{{Project: o.AccountSID, Account: o.AccountSID, Actor: audit.ActorUser, ActorUserID: u.ID, Target: inv.ID, IP: "192.0.2.2",
		Details: map[string]string{"role": team.RoleDeveloper}}}, entries(t, app, audit.MemberJoined, inv.ID))

	// The link is used: a second sign-up through it makes no user.
	before = app.Fingerprint()
	_, err = svc.SignUpInvited(ctx, visitor("192.0.2.2"), inv, onboard.InvitedSignUpInput{Name: "Dev", Password: "correct horse"})
	require.ErrorIs(t, err, auth.ErrEmailTaken)
	require.Equal(t, before, app.Fingerprint())
	other := invite("late@example.com")
	_, err = app.Pool.Exec(ctx, `UPDATE invitations SET expires_at = $2 WHERE id = $1`, other.ID, time.Now().Add(-time.Minute))
	require.NoError(t, err)
	_, err = svc.SignUpInvited(ctx, visitor("192.0.2.2"), other, onboard.InvitedSignUpInput{Name: "Late", Password: "correct horse"})
	require.ErrorIs(t, err, team.ErrInvitationExpired)
	registered, err := app.Services.Auth.Registered(ctx, "late@example.com")
	require.NoError(t, err)
	require.False(t, registered, "the user is made with the membership or not at all")
}

// Following an invitation mailed to one's address proves it: a sign-up
// still to verify who accepts is verified; an invitee who signs up
// through the link is made verified.
func TestInvitationVerifiesTheInvitee(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Onboard
	ctx := context.Background()
	o := app.CreateOwner("USD")
	owner := audit.Actor{Kind: audit.ActorUser, UserID: o.UserID}

	res, err := svc.SignUp(ctx, visitor("192.0.2.3"), onboard.SignUpInput{Name: "Ann", Email: "ann@example.com", Password: "correct horse",
		ProjectName: "Own", Currency: "USD", Locale: "en"})
	require.NoError(t, err)
	require.False(t, res.User.Verified())
	inv, err := app.Services.Team.Invite(ctx, owner, o.AccountSID, team.RoleOwner, team.InvitationInput{Email: "ANN@example.com", Role: team.RoleDeveloper}, "en")
	require.NoError(t, err)
	require.NoError(t, app.Services.Team.Accept(ctx, audit.Actor{Kind: audit.ActorUser, UserID: res.User.ID}, inv))
	u, err := app.Services.Auth.User(ctx, res.User.ID)
	require.NoError(t, err)
	require.True(t, u.Verified())
	require.True(t, u.TrialGranted(), "verified as by the link: the own project gets the trial credit")
	require.Equal(t, "15.5", webtest.Balance(t, app, res.Project.SID).String())
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM accounts WHERE pending_verification`), "and answers the API")

	inv, err = app.Services.Team.Invite(ctx, owner, o.AccountSID, team.RoleOwner, team.InvitationInput{Email: "bob@example.com", Role: team.RoleSupport}, "en")
	require.NoError(t, err)
	bob, err := svc.SignUpInvited(ctx, visitor("192.0.2.3"), inv, onboard.InvitedSignUpInput{Name: "Bob", Password: "correct horse", Locale: "en"})
	require.NoError(t, err)
	require.True(t, bob.Verified())
	require.False(t, bob.TrialGranted(), "an invitee gets no trial credit")
}
