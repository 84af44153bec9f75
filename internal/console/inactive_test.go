package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/numbers"
	"console/internal/webtest"
)

// While the console views a suspended subaccount, nothing that costs
// money or changes the subaccount goes through, whoever the member:
// buying, renaming or releasing a number, creating or revoking a key,
// creating, changing or deleting a trigger, rotating its credentials.
// Its pages still show, and the project reactivates it.
func TestConsoleChangesNothingInASuspendedSubaccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	fund(t, app, o.AccountSID, "100")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	sub := createSubInConsole(t, c, "Shop")
	numberSID := app.EnsureNumber(o.AccountSID, sub, "")
	n, err := numbers.Get(ctx, app.Pool, o.AccountSID, sub, numberSID)
	require.NoError(t, err)
	triggerSID := app.EnsureTrigger(o.AccountSID, sub, "")
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, sub)
	require.NoError(t, err)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	key, _, err := app.Services.Accounts.CreateKey(ctx, tx, acc, "ci", account.KeyStandard)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	free := numbers.Candidates("US", numbers.Local, "", 42, 1)[0]

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/view", nil).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/status", url.Values{"status": {"suspended"}}).Status)
	trigger := seedForm()
	before := app.Fingerprint()
	for path, form := range map[string]url.Values{
		"/phone-numbers/buy":                        {"phone_number": {free}},
		"/phone-numbers/" + numberSID:               {"friendly_name": {"renamed"}},
		"/phone-numbers/" + numberSID + "/release":  {"confirm_number": {numbers.Format(n.PhoneNumber)}},
		"/settings/keys":                            {"friendly_name": {"another"}, "type": {account.KeyStandard}},
		"/settings/keys/" + key.SID + "/delete":     nil,
		"/usage/triggers":                           trigger,
		"/usage/triggers/" + triggerSID:             trigger,
		"/usage/triggers/" + triggerSID + "/delete": nil,
		"/console/auth-token/regenerate":            nil,
		"/settings/credentials/secondary":           nil,
		"/settings/credentials/secondary/promote":   nil,
		"/settings/credentials/secondary/delete":    nil,
	} {
		res := c.Post(path, form)
		require.Equal(t, http.StatusForbidden, res.Status, "%s: %s", path, res.Body)
		require.Contains(t, res.Body, "This account is suspended: nothing can be bought, sent or changed in it until it is reactivated.", path)
	}
	require.Equal(t, before, app.Fingerprint(), "nothing bought, charged or changed")
	require.Zero(t, countAudit(t, app, "number.bought")+countAudit(t, app, "key.created")+countAudit(t, app, "trigger.created"))
	for _, page := range []string{"/phone-numbers", "/phone-numbers/" + numberSID, "/settings/keys", "/usage/triggers", "/usage/triggers/" + triggerSID, "/settings/credentials"} {
		require.Equal(t, http.StatusOK, c.Get(page).Status, page)
	}

	// The project reactivates it, and the same forms work again.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/status", url.Values{"status": {"active"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/phone-numbers/"+numberSID, url.Values{"friendly_name": {"renamed"}}).Status)
	n, err = numbers.Get(ctx, app.Pool, o.AccountSID, sub, numberSID)
	require.NoError(t, err)
	require.Equal(t, "renamed", n.FriendlyName)
}
