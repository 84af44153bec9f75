package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/sid"
	"console/internal/webtest"
)

func TestChargeAmountRoundsUpToTheMinorUnit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ amount, currency, want string }{
		{"4817.92", "JPY", "4818"},
		{"4817.0001", "JPY", "4818"},
		{"4818", "JPY", "4818"},
		{"4818.00", "JPY", "4818"},
		{"70.005", "USD", "70.01"},
		{"70.0001", "USD", "70.01"},
		{"70.01", "USD", "70.01"},
		{"70", "USD", "70"},
	} {
		got := billing.ChargeAmount(dec(c.amount), c.currency)
		require.True(t, got.Equal(dec(c.want)), "%s %s → %s", c.amount, c.currency, got)
		require.True(t, billing.WholeUnits(got, c.currency))
	}
	require.False(t, billing.WholeUnits(dec("4817.92"), "JPY"))
	require.False(t, billing.WholeUnits(dec("1.005"), "USD"))
}

// Auto-recharge charged a card ¥4,817.92, target minus a balance that
// held fractions of a yen. The card is charged whole yen, rounded up, and
// the balance credited exactly that.
func TestAutoRechargeChargesWholeUnits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		currency, start, debit, threshold, target string
		charged, after                            string
	}{
		{"JPY", "1182.08", "1000", "1000", "5000", "4818", "5000.08"},
		{"USD", "39.995", "10", "30", "100", "70.01", "100.005"},
	} {
		t.Run(c.currency, func(t *testing.T) {
			app := webtest.Start(t, webtest.Workers())
			o := app.CreateOwner(c.currency)
			ctx := context.Background()
			setBalance(t, app, o.AccountSID, c.start)
			addCard(t, app, o.AccountSID, "4242424242424242")
			require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec(c.threshold), Target: dec(c.target)}))
			require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
				Kind: billing.KindUsage, Source: "usage", Amount: dec(c.debit)}))
			require.Eventually(t, func() bool {
				return count(t, app, `SELECT count(*) FROM recharges WHERE project_sid = $1 AND status <> 'open'`, o.AccountSID) == 1
			}, 15*time.Second, 50*time.Millisecond)
			require.Equal(t, 1, count(t, app, `SELECT count(*) FROM recharges WHERE status = 'succeeded'`))
			var gateway, paid, credited string
			require.NoError(t, app.Pool.QueryRow(ctx, `SELECT amount::text FROM test_gateway_charges`).Scan(&gateway))
			require.NoError(t, app.Pool.QueryRow(ctx, `SELECT amount::text FROM payments WHERE project_sid = $1 AND status = 'succeeded'`, o.AccountSID).Scan(&paid))
			require.NoError(t, app.Pool.QueryRow(ctx, `SELECT amount::text FROM ledger_entries WHERE project_sid = $1 AND kind = 'payment'`, o.AccountSID).Scan(&credited))
			require.True(t, dec(gateway).Equal(dec(c.charged)), "the card was charged %s", gateway)
			require.True(t, dec(paid).Equal(dec(c.charged)), "the payment says %s", paid)
			require.True(t, dec(credited).Equal(dec(c.charged)), "the balance was credited %s", credited)
			require.True(t, balance(t, app, o.AccountSID).Equal(dec(c.after)), "balance %s", balance(t, app, o.AccountSID))
			requireLedgerMatches(t, app)
		})
	}
}

// The monthly cap is never passed by the rounding: what is left of it is
// rounded down (a cap saved with a fraction before amounts were parsed
// strictly included).
func TestAutoRechargeCapStaysWhole(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "1182.08")
	addCard(t, app, o.AccountSID, "4242424242424242")
	capAmount := dec("2999.5")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("1000"), Target: dec("5000"), MonthlyCap: &capAmount}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
		Kind: billing.KindUsage, Source: "usage", Amount: dec("1000")}))
	require.Eventually(t, func() bool {
		return count(t, app, `SELECT count(*) FROM recharges WHERE status = 'succeeded'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM test_gateway_charges WHERE amount = 2999`))
	require.True(t, balance(t, app, o.AccountSID).Equal(dec("3181.08")))
	requireLedgerMatches(t, app)
}

// A payment left pending with a fraction (opened before charges were
// rounded) is settled for the rounded amount, which it then records and
// credits; a card is never asked for a fraction of a unit, and no payment
// is opened for one.
func TestSettleChargesWholeUnits(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	m := addCard(t, app, o.AccountSID, "4242424242424242")
	id := sid.New("PY")
	_, err := app.Pool.Exec(ctx, `INSERT INTO payments (id, project_sid, method_id, card_label, amount, currency, kind, status, request_key)
		VALUES ($1, $2, $3, $4, 12.345, 'USD', 'auto', 'pending', 'legacy')`, id, o.AccountSID, m.ID, m.Label())
	require.NoError(t, err)
	w := &billing.SettleWorker{Service: app.Services.Billing}
	require.NoError(t, w.Work(ctx, &river.Job[billing.SettleArgs]{Args: billing.SettleArgs{PaymentID: id, ProjectSID: o.AccountSID}}))
	p, err := billing.GetPayment(ctx, app.Pool, o.AccountSID, id)
	require.NoError(t, err)
	require.Equal(t, billing.PaymentSucceeded, p.Status)
	require.True(t, p.Amount.Equal(dec("12.35")), "recorded %s", p.Amount)
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM test_gateway_charges WHERE amount = 12.35`))
	require.True(t, balance(t, app, o.AccountSID).Equal(dec("12.35")))
	requireLedgerMatches(t, app)

	_, err = app.Services.Billing.AddFunds(ctx, m, dec("10.005"), "USD", "fraction")
	require.Error(t, err, "no payment is opened for a fraction of a cent")
	_, err = app.Services.Billing.Gateway.Charge(ctx, billing.Charge{Token: m.Token, Amount: dec("4817.92"), Currency: "JPY", IdempotencyKey: "k"})
	require.Error(t, err, "the gateway takes whole units only")
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM payments`))
}
