package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/team"
	"console/internal/webtest"
)

// An invitation to "victim@example.com,attacker@evil.example" was
// accepted (then failed to send on every retry). An invitation takes
// exactly one plain address; anything else is a 422 next to the field,
// and nothing is recorded, mailed or audited.
func TestInvitationTakesOneAddress(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ctx := context.Background()
	for in, msg := range map[string]string{
		"victim@example.com,attacker@evil.example":  "Enter one email address, without a name or any other address",
		"victim@example.com; attacker@evil.example": "Enter one email address, without a name or any other address",
		"Victim <victim@example.com>":               "Enter a valid email address.",
		"victim@example.com (comment)":              "Enter a valid email address.",
		"victim@example.com\x00":                    "The field “email” contains characters that cannot be accepted",
		"victim@example.com\r\nBcc: x@evil.example": "Enter one email address, without a name or any other address",
		`"victim"@example.com`:                      "Enter a valid email address.",
	} {
		res := c.Post("/settings/users/invite", url.Values{"email": {in}, "role": {"developer"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%q", in)
		require.Contains(t, res.Body, msg, "%q", in)
	}
	var n int
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM invitations) + (SELECT count(*) FROM mail_outbox WHERE kind = 'invitation')`).Scan(&n))
	require.Zero(t, n, "no invitation, no mail")
	require.Zero(t, countAudit(t, app, "member.invited"))

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/users/invite", url.Values{"email": {"  dev@example.com "}, "role": {"developer"}}).Status)
	invs, err := team.OpenInvitations(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, invs, 1)
	require.Equal(t, "dev@example.com", invs[0].Email)

	// The domain refuses a list too, whoever calls it.
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, _, err = team.Invite(ctx, tx, o.AccountSID, "a@example.com,b@example.com", team.RoleDeveloper, invs[0].InvitedBy, invs[0].CreatedAt)
	require.ErrorIs(t, err, auth.ErrInvalidEmail)
}
