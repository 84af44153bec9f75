package team_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/team"
	"console/internal/webtest"
)

// entry is one audit entry as a test reads it.
type entry struct {
	Account, ActorUserID, Target string
	Details                      map[string]string
}

// entries lists project's entries of action, oldest first.
func entries(t *testing.T, app *webtest.App, project, action string) []entry {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `
		SELECT coalesce(account_sid, ''), coalesce(actor_user_id, ''), target, details FROM audit_log
		WHERE project_sid = $1 AND action = $2 ORDER BY id`, project, action)
	require.NoError(t, err)
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		require.NoError(t, rows.Scan(&e.Account, &e.ActorUserID, &e.Target, &e.Details))
		out = append(out, e)
	}
	require.NoError(t, rows.Err())
	return out
}

func actor(userID string) audit.Actor {
	return audit.Actor{Kind: audit.ActorUser, UserID: userID, IP: "192.0.2.9"}
}

// addMember makes a user with role in o's project and returns their id.
func addMember(t *testing.T, app *webtest.App, project, email, role string) string {
	t.Helper()
	ctx := context.Background()
	u, err := app.Services.Users.Create(ctx, app.Pool, email, strings.Split(email, "@")[0], "member password", "")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, project, u.ID, role))
	return u.ID
}

// An invitation is refused for what the inviter's role does not allow and
// for a bad input, before anything is written; one made is mailed and
// recorded in the same transaction.
func TestServiceInvite(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Team
	ctx := context.Background()
	o := app.CreateOwner("USD")
	p := o.AccountSID
	admin := addMember(t, app, p, "admin@example.com", team.RoleAdmin)
	dev := addMember(t, app, p, "dev@example.com", team.RoleDeveloper)

	for _, tc := range []struct {
		name     string
		by, role string
		in       team.InvitationInput
		err      error
		problems auth.Problems
	}{
		{name: "developer cannot invite", by: dev, role: team.RoleDeveloper, in: team.InvitationInput{Email: "x@example.com", Role: team.RoleSupport}, err: team.ErrCannotGrant},
		{name: "admin cannot invite an admin", by: admin, role: team.RoleAdmin, in: team.InvitationInput{Email: "x@example.com", Role: team.RoleAdmin}, err: team.ErrCannotGrant},
		{name: "nor with a bad email", by: admin, role: team.RoleAdmin, in: team.InvitationInput{Email: "x", Role: team.RoleAdmin}, err: team.ErrCannotGrant},
		{name: "two addresses, no role", by: o.UserID, role: team.RoleOwner, in: team.InvitationInput{Email: "a@example.com, b@example.com", Role: team.RoleOwner},
			problems: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}, {Field: auth.FieldRole, Reason: auth.ReasonInvalid}}},
		{name: "a member", by: o.UserID, role: team.RoleOwner, in: team.InvitationInput{Email: "DEV@example.com", Role: team.RoleSupport}, err: team.ErrAlreadyMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Fingerprint()
			_, err := svc.Invite(ctx, actor(tc.by), p, tc.role, tc.in, "en")
			if tc.problems != nil {
				var ps auth.Problems
				require.ErrorAs(t, err, &ps)
				require.Equal(t, tc.problems, ps)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			require.Equal(t, before, app.Fingerprint(), "a refused invitation changes nothing")
			require.Empty(t, entries(t, app, p, audit.MemberInvited))
		})
	}

	inv, err := svc.Invite(ctx, actor(admin), p, team.RoleAdmin, team.InvitationInput{Email: "new@example.com", Role: team.RoleBilling}, "ja")
	require.NoError(t, err)
	require.Equal(t, []entry{{Account: p, ActorUserID: admin, Target: inv.ID, Details: map[string]string{"email": "new@example.com", "role": team.RoleBilling}}},
		entries(t, app, p, audit.MemberInvited))
	m := app.Mail("to_addr = $1", "new@example.com")
	require.Equal(t, "ja", m.Locale, "an unknown recipient reads the inviter's language")
	require.Contains(t, m.Body, "/invitation?token=")
	_, err = svc.Invite(ctx, actor(admin), p, team.RoleAdmin, team.InvitationInput{Email: "New@example.com", Role: team.RoleSupport}, "en")
	require.ErrorIs(t, err, team.ErrAlreadyInvited)

	// Resending and revoking are the inviter's grant too.
	_, err = svc.ResendInvitation(ctx, actor(dev), p, team.RoleDeveloper, inv.ID, "en")
	require.ErrorIs(t, err, team.ErrCannotGrant)
	_, err = svc.ResendInvitation(ctx, actor(admin), p, team.RoleAdmin, "IVnope", "en")
	require.ErrorIs(t, err, team.ErrInvitationNotFound)
	_, err = svc.ResendInvitation(ctx, actor(admin), p, team.RoleAdmin, inv.ID, "en")
	require.NoError(t, err)
	require.Equal(t, []entry{{Account: p, ActorUserID: admin, Target: inv.ID, Details: map[string]string{"email": "new@example.com"}}},
		entries(t, app, p, audit.MemberInvitationResent))
	_, err = svc.RevokeInvitation(ctx, actor(admin), p, team.RoleAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, []entry{{Account: p, ActorUserID: admin, Target: inv.ID, Details: map[string]string{"email": "new@example.com"}}},
		entries(t, app, p, audit.MemberInvitationRevoked))
	_, err = svc.RevokeInvitation(ctx, actor(admin), p, team.RoleAdmin, inv.ID)
	require.ErrorIs(t, err, team.ErrInvitationNotFound, "a revoked invitation is not revoked twice")
	require.Len(t, entries(t, app, p, audit.MemberInvitationRevoked), 1)

	// Another project's invitation is not found from this one.
	other := app.CreateOwner("USD")
	theirs, err := svc.Invite(ctx, actor(other.UserID), other.AccountSID, team.RoleOwner, team.InvitationInput{Email: "z@example.com", Role: team.RoleSupport}, "en")
	require.NoError(t, err)
	_, err = svc.RevokeInvitation(ctx, actor(o.UserID), p, team.RoleOwner, theirs.ID)
	require.ErrorIs(t, err, team.ErrInvitationNotFound)
}

// Managing members: nobody acts on themselves or above their grant; the
// Owner changes only by transfer, to an Administrator.
func TestServiceManageMembers(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Team
	ctx := context.Background()
	o := app.CreateOwner("USD")
	p := o.AccountSID
	admin := addMember(t, app, p, "admin@example.com", team.RoleAdmin)
	dev := addMember(t, app, p, "dev@example.com", team.RoleDeveloper)
	support := addMember(t, app, p, "support@example.com", team.RoleSupport)
	admin2 := addMember(t, app, p, "admin2@example.com", team.RoleAdmin)
	outsider := app.CreateOwner("USD")

	for _, tc := range []struct {
		name         string
		by, role     string
		user, toRole string
		err          error
		problem      bool
	}{
		{name: "oneself", by: admin, role: team.RoleAdmin, user: admin, toRole: team.RoleDeveloper, err: team.ErrCannotGrant},
		{name: "the owner", by: admin, role: team.RoleAdmin, user: o.UserID, toRole: team.RoleDeveloper, err: team.ErrCannotGrant},
		{name: "an admin, by an admin", by: admin, role: team.RoleAdmin, user: admin2, toRole: team.RoleSupport, err: team.ErrCannotGrant},
		{name: "up to admin, by an admin", by: admin, role: team.RoleAdmin, user: dev, toRole: team.RoleAdmin, err: team.ErrCannotGrant},
		{name: "by a developer", by: dev, role: team.RoleDeveloper, user: support, toRole: team.RoleBilling, err: team.ErrCannotGrant},
		{name: "to owner", by: o.UserID, role: team.RoleOwner, user: dev, toRole: team.RoleOwner, problem: true},
		{name: "not a member", by: o.UserID, role: team.RoleOwner, user: outsider.UserID, toRole: team.RoleSupport, err: team.ErrNotMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := app.Fingerprint()
			_, err := svc.ChangeRole(ctx, actor(tc.by), p, tc.role, tc.user, team.RoleInput{Role: tc.toRole})
			if tc.problem {
				var ps auth.Problems
				require.ErrorAs(t, err, &ps)
				require.Equal(t, auth.Problems{{Field: auth.FieldRole, Reason: auth.ReasonInvalid}}, ps)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			require.Equal(t, before, app.Fingerprint())
		})
	}
	require.Empty(t, entries(t, app, p, audit.MemberRoleChanged))

	m, err := svc.ChangeRole(ctx, actor(admin), p, team.RoleAdmin, dev, team.RoleInput{Role: team.RoleBilling})
	require.NoError(t, err)
	require.Equal(t, "dev@example.com", m.Email)
	require.Equal(t, []entry{{Account: p, ActorUserID: admin, Target: dev, Details: map[string]string{"from": team.RoleDeveloper, "to": team.RoleBilling}}},
		entries(t, app, p, audit.MemberRoleChanged))
	role, err := team.Role(ctx, app.Pool, p, dev)
	require.NoError(t, err)
	require.Equal(t, team.RoleBilling, role)

	_, err = svc.RemoveMember(ctx, actor(dev), p, team.RoleBilling, support)
	require.ErrorIs(t, err, team.ErrCannotGrant)
	_, err = svc.RemoveMember(ctx, actor(admin), p, team.RoleAdmin, support)
	require.NoError(t, err)
	require.Equal(t, []entry{{Account: p, ActorUserID: admin, Target: support, Details: map[string]string{"email": "support@example.com", "role": team.RoleSupport}}},
		entries(t, app, p, audit.MemberRemoved))
	_, err = team.Role(ctx, app.Pool, p, support)
	require.ErrorIs(t, err, team.ErrNotMember)

	_, err = svc.TransferOwnership(ctx, actor(admin), p, team.RoleAdmin, admin)
	require.ErrorIs(t, err, team.ErrCannotGrant, "only the Owner transfers")
	_, err = svc.TransferOwnership(ctx, actor(o.UserID), p, team.RoleOwner, dev)
	require.ErrorIs(t, err, team.ErrNotAdmin)
	_, err = svc.TransferOwnership(ctx, actor(o.UserID), p, team.RoleOwner, outsider.UserID)
	require.ErrorIs(t, err, team.ErrNotMember)
	require.Empty(t, entries(t, app, p, audit.MemberOwnershipTransferred))
	_, err = svc.TransferOwnership(ctx, actor(o.UserID), p, team.RoleOwner, admin)
	require.NoError(t, err)
	require.Equal(t, []entry{{Account: p, ActorUserID: o.UserID, Target: admin, Details: map[string]string{"from": o.UserID, "to": admin}}},
		entries(t, app, p, audit.MemberOwnershipTransferred))
	for user, want := range map[string]string{admin: team.RoleOwner, o.UserID: team.RoleAdmin} {
		role, err := team.Role(ctx, app.Pool, p, user)
		require.NoError(t, err)
		require.Equal(t, want, role)
	}
}

// Each team input has one Validate, which names every field's problem.
func TestTeamInputsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   interface{ Validate() error }
		want auth.Problems
	}{
		{"invitation ok", team.InvitationInput{Email: "a@example.com", Role: team.RoleSupport}, nil},
		{"invitation, bad email", team.InvitationInput{Email: "a@", Role: team.RoleSupport}, auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}}},
		{"invitation, a list", team.InvitationInput{Email: "a@example.com,b@example.com", Role: team.RoleSupport},
			auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}}},
		{"invitation as owner", team.InvitationInput{Email: "a@example.com", Role: team.RoleOwner}, auth.Problems{{Field: auth.FieldRole, Reason: auth.ReasonInvalid}}},
		{"invitation, nothing", team.InvitationInput{},
			auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}, {Field: auth.FieldRole, Reason: auth.ReasonInvalid}}},
		{"role ok", team.RoleInput{Role: team.RoleAdmin}, nil},
		{"role owner", team.RoleInput{Role: team.RoleOwner}, auth.Problems{{Field: auth.FieldRole, Reason: auth.ReasonInvalid}}},
		{"role unknown", team.RoleInput{Role: "root"}, auth.Problems{{Field: auth.FieldRole, Reason: auth.ReasonInvalid}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var ps auth.Problems
			require.ErrorAs(t, err, &ps)
			require.Equal(t, tc.want, ps)
		})
	}
}
