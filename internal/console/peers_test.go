package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/team"
	"console/internal/webtest"
)

// Servers of one database share nothing else: a sign-out, a role change, a
// required 2FA, a removal or a password change made on one holds on the
// very next request to another.
func TestSessionChangesHoldOnEveryServer(t *testing.T) {
	t.Parallel()
	a := webtest.Start(t)
	b := a.Peer()
	ctx := context.Background()
	o := a.CreateOwner("USD")
	owner := a.Client()
	owner.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusOK, owner.On(b).Get("/").Status, "a session made on one server opens the other")

	dev := member(t, a, o, "dev@example.com", team.RoleDeveloper)
	u, err := a.Services.Users.ByEmail(ctx, a.Pool, "dev@example.com")
	require.NoError(t, err)
	devB := dev.On(b)
	require.Equal(t, http.StatusOK, devB.Get("/settings/keys").Status)
	require.Equal(t, http.StatusForbidden, devB.Get("/billing").Status)

	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/"+u.ID+"/role", url.Values{"role": {team.RoleBilling}}).Status)
	require.Equal(t, http.StatusForbidden, devB.Get("/settings/keys").Status, "the new role, at once")
	require.Equal(t, http.StatusOK, devB.Get("/billing").Status)

	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/general/require-2fa", url.Values{"on": {"true"}}).Status)
	res := devB.Get("/billing")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/user/settings/2fa/required", res.Location())
	// The owner has no 2FA either and is held at enrolment too; lifted in the database.
	require.NoError(t, a.Services.Accounts.SetRequireTwoFactor(ctx, a.Pool, o.AccountSID, false))
	require.Equal(t, http.StatusOK, dev.Get("/billing").Status)

	require.Equal(t, http.StatusSeeOther, owner.On(b).Post("/settings/users/"+u.ID+"/remove", nil).Status)
	res = dev.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status, "no project left")
	require.Equal(t, "/projects/new", res.Location())
	res = dev.Get("/projects/new")
	require.Equal(t, http.StatusOK, res.Status)
	require.NotContains(t, res.Body, o.AccountSID)

	second := a.Client()
	second.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, second.On(b).Post("/signout", nil).Status)
	res = second.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status, "signed out on b, refused on a")
	require.Equal(t, "/signin", res.Location())

	other := b.Client()
	other.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusOK, other.Get("/").Status)
	require.Equal(t, http.StatusSeeOther, owner.Post("/user/settings/password",
		url.Values{"current_password": {o.Password}, "new_password": {"a brand new password"}}).Status)
	res = other.Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status, "the password changed on a ends the session on b")
	require.Equal(t, "/signin", res.Location())
	require.Equal(t, http.StatusOK, owner.On(b).Get("/").Status, "the session that changed it goes on, everywhere")
}
