package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/webtest"
)

// A project suspended because its balance ran out says so on the account
// resource of itself and of every subaccount, and in the console's list,
// until a payment lifts it; a subaccount suspended by hand stays
// suspended after the payment.
func TestAccountsReportFundsSuspension(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	tw := sdk(t, app, o.AccountSID, o.AuthToken)
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	sub, err := tw.Api.CreateAccount(&openapi.CreateAccountParams{FriendlyName: ptr("Osaka shop")})
	require.NoError(t, err)
	held, err := tw.Api.CreateAccount(&openapi.CreateAccountParams{FriendlyName: ptr("Held by hand")})
	require.NoError(t, err)
	_, err = tw.Api.UpdateAccount(*held.Sid, &openapi.UpdateAccountParams{Status: ptr("suspended")})
	require.NoError(t, err)
	statuses := func(params *openapi.ListAccountParams) map[string]string {
		t.Helper()
		list, err := tw.Api.ListAccount(params)
		require.NoError(t, err)
		out := map[string]string{}
		for _, a := range list {
			out[*a.Sid] = *a.Status
		}
		return out
	}
	status := func(sid string) string {
		t.Helper()
		a, err := tw.Api.FetchAccount(sid)
		require.NoError(t, err)
		return *a.Status
	}
	require.Equal(t, "active", status(o.AccountSID))

	// One message spends the balance to zero: the project is suspended.
	credit(t, app, o.AccountSID, "0.0079")
	_, err = tw.Api.CreateMessage(&openapi.CreateMessageParams{To: ptr("+14155550100"), From: ptr(from), Body: ptr("the last one")})
	require.NoError(t, err)
	require.Equal(t, "0", balanceOf(t, app, o.AccountSID))
	_, err = tw.Api.CreateMessage(&openapi.CreateMessageParams{To: ptr("+14155550100"), From: ptr(from), Body: ptr("refused")})
	require.ErrorContains(t, err, "10001")

	require.Equal(t, "suspended", status(o.AccountSID))
	require.Equal(t, "suspended", status(*sub.Sid))
	require.Equal(t, "suspended", status(*held.Sid))
	require.Equal(t, map[string]string{o.AccountSID: "suspended", *sub.Sid: "suspended", *held.Sid: "suspended"}, statuses(&openapi.ListAccountParams{}))
	require.Empty(t, statuses(&openapi.ListAccountParams{Status: ptr("active")}))
	require.Len(t, statuses(&openapi.ListAccountParams{Status: ptr("suspended")}), 3)
	res := app.API("GET", "/2010-04-01/Accounts/"+*sub.Sid+".json", *sub.Sid, *sub.AuthToken, nil)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Equal(t, "suspended", res.JSON(t)["status"], "the subaccount's own credentials see it too")

	c := app.Client()
	c.SignIn(o.Email, o.Password)
	page := c.Get("/settings/subaccounts")
	require.Equal(t, http.StatusOK, page.Status)
	require.Equal(t, 1, strings.Count(page.Body, "Suspended: the balance ran out"), "the held subaccount shows its own suspension: %s", page.Body)

	// A payment lifts the project's suspension, not the one made by hand.
	credit(t, app, o.AccountSID, "10")
	require.Equal(t, "active", status(o.AccountSID))
	require.Equal(t, "active", status(*sub.Sid))
	require.Equal(t, "suspended", status(*held.Sid))
	require.Equal(t, map[string]string{o.AccountSID: "active", *sub.Sid: "active"}, statuses(&openapi.ListAccountParams{Status: ptr("active")}))
	page = c.Get("/settings/subaccounts")
	require.NotContains(t, page.Body, "Suspended: the balance ran out")
}
