package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

func TestBillingFormsRefuseBadInputAndChangeNothing(t *testing.T) {
	t.Parallel()
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

// "10,50" in Add Funds charged the card $1,050.00: every comma was
// dropped. Now a comma that does not separate thousands is refused with
// its own message and charges nothing; "1,050" and full-width figures are
// read exactly; and the other money fields read amounts the same way.
func TestMoneyFormsReadAmountsExactly(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ctx := context.Background()
	require.Equal(t, http.StatusSeeOther, c.Post("/billing/payment-methods", url.Values{"holder": {"T"}, "number": {"4242424242424242"}, "exp_month": {"12"}, "exp_year": {"2099"}, "cvc": {"123"}}).Status)
	ms, err := billing.Methods(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	payments := func() int {
		var n int
		require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM payments WHERE project_sid = $1`, o.AccountSID).Scan(&n))
		return n
	}
	key := 0
	addFunds := func(amount string) *webtest.Response {
		key++
		return c.Post("/billing/add-funds", url.Values{"amount": {amount}, "method": {ms[0].ID}, "key": {fmt.Sprintf("%032x", key)}})
	}

	for amount, msg := range map[string]string{
		"10,50":    "Use commas only between groups of three digits",
		"1,0500":   "Use commas only between groups of three digits",
		"10.505":   "Too many decimals",
		"1e3":      "Enter an amount",
		"10\x0050": "The field “amount” contains characters that cannot be accepted", // the console's input check, before the form
		"0":        "Enter an amount above zero.",
	} {
		res := addFunds(amount)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%q", amount)
		require.Contains(t, res.Body, msg, "%q", amount)
	}
	require.Zero(t, payments(), "nothing charged")
	bal, err := billing.Balance(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, bal.Amount.IsZero())

	for _, c := range []struct{ typed, charged string }{{"1,050", "1050"}, {"＄１０．５０", "10.5"}, {" 2,000.25 ", "2000.25"}} {
		res := addFunds(c.typed)
		require.Equal(t, http.StatusSeeOther, res.Status, "%q: %s", c.typed, res.Body)
		var amount string
		require.NoError(t, app.Pool.QueryRow(ctx, `SELECT amount::text FROM payments WHERE project_sid = $1 ORDER BY created_at DESC LIMIT 1`, o.AccountSID).Scan(&amount))
		require.True(t, dec(amount).Equal(dec(c.charged)), "%q charged %s", c.typed, amount)
	}
	bal, err = billing.Balance(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "$3,060.75", bal.Format())

	// Auto-recharge and alerts take amounts the same way.
	res := c.Post("/billing/auto-recharge", url.Values{"enabled": {"1"}, "threshold": {"20,00"}, "target": {"100"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "Use commas only between groups of three digits")
	res = c.Post("/billing/auto-recharge", url.Values{"enabled": {"1"}, "threshold": {"20"}, "target": {"100"}, "cap": {"5,00"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	ar, err := billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.False(t, ar.Enabled, "nothing saved")
	require.Equal(t, http.StatusSeeOther, c.Post("/billing/auto-recharge", url.Values{"enabled": {"1"}, "threshold": {"２０"}, "target": {"1,000"}, "cap": {"$5,000"}}).Status)
	ar, err = billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, ar.Threshold.Equal(dec("20")) && ar.Target.Equal(dec("1000")) && ar.MonthlyCap.Equal(dec("5000")), "%+v", ar)

	res = c.Post("/billing/alerts", url.Values{"threshold": {"1,00"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "Use commas only between groups of three digits")
	require.Equal(t, http.StatusSeeOther, c.Post("/billing/alerts", url.Values{"threshold": {"1,500.50"}}).Status)
	alerts, err := billing.Alerts(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	require.True(t, alerts[0].Equal(dec("1500.5")))
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
