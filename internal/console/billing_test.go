package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

func TestBillingFormsRefuseBadInputAndChangeNothing(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ctx := context.Background()

	for form, msg := range map[string]string{
		"threshold=3000&target=2000":    "The target must be above the threshold.",
		"threshold=3000&target=3500":    "Recharge to at least the Add Funds minimum above the threshold",
		"threshold=3000&target=2000000": "Recharge to at least the Add Funds minimum above the threshold",
		"threshold=abc&target=5000":     "Enter an amount",
	} {
		v, _ := url.ParseQuery(form + "&enabled=1")
		res := c.Post("/billing/auto-recharge", v)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, form)
		require.Contains(t, res.Body, msg, form)
	}
	ar, err := billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.False(t, ar.Enabled, "nothing saved")

	res := c.Post("/billing/payment-methods", url.Values{"holder": {"T"}, "number": {"4242 4242 4242 4241"}, "exp_month": {"1"}, "exp_year": {"2020"}, "cvc": {"1"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	for _, msg := range []string{"The card number is not valid.", "The card has expired.", "Enter the 3 or 4 digit security code."} {
		require.Contains(t, res.Body, msg)
	}
	require.NotContains(t, res.Body, "4242 4242 4242 4241", "the number is never echoed back")
	ms, err := billing.Methods(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Empty(t, ms)

	require.Equal(t, http.StatusSeeOther, c.Post("/billing/payment-methods", url.Values{"holder": {"T"}, "number": {"4242424242424242"}, "exp_month": {"12"}, "exp_year": {"2099"}, "cvc": {"123"}}).Status)
	ms, err = billing.Methods(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, "4242", ms[0].Last4)
	require.Equal(t, "Visa", ms[0].Brand)
	for _, amount := range []string{"999", "1000001", "1000.5", "-5"} {
		res := c.Post("/billing/add-funds", url.Values{"amount": {amount}, "method": {ms[0].ID}, "key": {"0123456789abcdef0123456789abcdef"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, amount)
	}
	require.Equal(t, 0, countAudit(t, app, "funds.added"))
	res = c.Post("/billing/preferences", url.Values{"registration_number": {"T123"}, "receipt_email": {"nope"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "Enter T followed by 13 digits.")
}
