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

	// An email taken is refused, and the attempt does not count: the IP's
	// limit still has room for as many sign-ups as before.
	_, err = svc.SignUp(ctx, visitor("192.0.2.1"), good)
	require.ErrorIs(t, err, auth.ErrEmailTaken)
	var counted int
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM sign_ups WHERE ip = '192.0.2.1'`).Scan(&counted))
	require.Equal(t, 1, counted)
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
