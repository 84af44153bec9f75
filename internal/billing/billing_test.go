package billing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/billing"
	"console/internal/webtest"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// setBalance credits a fresh project so that its balance is amount.
func setBalance(t *testing.T, app *webtest.App, project, amount string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, project, billing.KindAdjustment, "setup", dec(amount), "test setup")
	}))
}

func requireLedgerMatches(t *testing.T, app *webtest.App) {
	t.Helper()
	bad, err := billing.CheckLedger(context.Background(), app.Pool)
	require.NoError(t, err)
	require.Empty(t, bad)
}

func addCard(t *testing.T, app *webtest.App, project, number string) *billing.Method {
	t.Helper()
	ctx := context.Background()
	card := billing.Card{Holder: "Taro Yamada", Number: number, ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
	require.NoError(t, card.Validate(time.Now()))
	tok, err := app.Services.Billing.Gateway.Tokenize(ctx, card)
	require.NoError(t, err)
	var m *billing.Method
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		m, err = billing.AddMethod(ctx, tx, project, card, tok)
		return err
	}))
	return m
}

func TestConcurrentDebitsNeverOverdraw(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	setBalance(t, app, o.AccountSID, "50")
	var wg sync.WaitGroup
	results := make(chan error, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
				Kind: billing.KindUsage, Source: fmt.Sprintf("debit-%d", i), Amount: dec("1")})
		}()
	}
	wg.Wait()
	close(results)
	ok, refused := 0, 0
	for err := range results {
		switch err {
		case nil:
			ok++
		case billing.ErrInsufficientFunds, billing.ErrSuspended:
			refused++
		default:
			t.Fatal(err)
		}
	}
	require.Equal(t, 50, ok)
	require.Equal(t, 50, refused)
	require.True(t, webtest.Balance(t, app, o.AccountSID).IsZero())
	requireLedgerMatches(t, app)
	suspended, err := billing.Suspended(context.Background(), app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, suspended, "no auto-recharge: suspended at zero")

	// A retried debit with the same source is not charged twice.
	setBalance2 := func() {
		require.NoError(t, pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
			return app.Services.Billing.Credit(context.Background(), tx, o.AccountSID, billing.KindAdjustment, "more", dec("5"), "")
		}))
	}
	setBalance2()
	require.NoError(t, app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "again", Amount: dec("0.0079")}))
	require.ErrorIs(t, app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "again", Amount: dec("0.0079")}), billing.ErrDuplicate)
	require.Equal(t, "4.9921", webtest.Balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)
}

// A dated debit's entry carries its date, with or without Apply, alone or
// combined with undated ones in a batch; the balance moves at once.
func TestDatedDebitsKeepTheirDates(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	setBalance(t, app, o.AccountSID, "100")
	ctx := context.Background()
	past := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: fmt.Sprintf("dated-%d", i), Amount: dec("1")}
			if i%2 == 0 {
				d.At = past.Add(time.Duration(i) * time.Hour)
			}
			if i%4 < 2 {
				d.Apply = func(context.Context, pgx.Tx) error { return nil }
			}
			errs <- app.Services.Billing.Ledger.Debit(ctx, d)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range 40 {
		var at time.Time
		require.NoError(t, app.Pool.QueryRow(ctx, `SELECT created_at FROM ledger_entries WHERE project_sid = $1 AND source = $2`, o.AccountSID, fmt.Sprintf("dated-%d", i)).Scan(&at))
		if i%2 == 0 {
			require.True(t, past.Add(time.Duration(i)*time.Hour).Equal(at), "debit %d dated %s", i, at)
		} else {
			require.WithinDuration(t, time.Now(), at, time.Minute, "debit %d undated", i)
		}
	}
	require.Equal(t, "60", webtest.Balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)
}

func TestOneRechargeForManyDebitsCrossingTheThreshold(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "60")
	addCard(t, app, o.AccountSID, "4242424242424242")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("30"), Target: dec("100")}))
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
				Kind: billing.KindUsage, Source: fmt.Sprintf("d-%d", i), Amount: dec("1")}))
		}()
	}
	wg.Wait()
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE project_sid = $1 AND status <> 'open'`, o.AccountSID) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM test_gateway_charges`))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'payment'`, o.AccountSID))
	require.Equal(t, "100", webtest.Balance(t, app, o.AccountSID).String(), "recharged to the target")
	requireLedgerMatches(t, app)
}

func TestRechargeFallsBackToTheBackupCard(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "5000")
	primary := addCard(t, app, o.AccountSID, "4000000000000002")
	backup := addCard(t, app, o.AccountSID, "5555555555554444")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("3000"), Target: dec("10000")}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "big", Amount: dec("2500")}))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE status = 'succeeded'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM test_gateway_charges WHERE token = $1`, primary.Token), "primary tried once")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM test_gateway_charges WHERE token = $1 AND outcome = 'succeeded'`, backup.Token), "backup charged once")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM payments WHERE method_id = $1 AND status = 'failed' AND failure_reason = 'card_declined'`, primary.ID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM payments WHERE method_id = $1 AND status = 'succeeded' AND amount = 7500`, backup.ID))
	require.Equal(t, "10000", webtest.Balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)
}

func TestAllCardsDeclineThenAddFundsLiftsSuspension(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "20")
	addCard(t, app, o.AccountSID, "4000000000009995")
	addCard(t, app, o.AccountSID, "4000000000000069")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("10"), Target: dec("50")}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "all", Amount: dec("20")}))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE status = 'failed'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.True(t, webtest.Balance(t, app, o.AccountSID).IsZero(), "no credit")
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE kind = 'payment'`))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_declined'`), "one email")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_declined' AND to_addr = $1`, o.Email))
	suspended, err := billing.Suspended(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, suspended)
	require.ErrorIs(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "x", Amount: dec("0")}), billing.ErrSuspended)

	good := addCard(t, app, o.AccountSID, "4242424242424242")
	p, err := app.Services.Billing.AddFunds(ctx, good, dec("25"), "USD", "form-1")
	require.NoError(t, err)
	require.Equal(t, billing.PaymentSucceeded, p.Status)
	suspended, err = billing.Suspended(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.False(t, suspended, "a payment that makes the balance positive lifts it at once")
	require.Equal(t, "25", webtest.Balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)
}

func TestAddFundsOnceForOneKey(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	m := addCard(t, app, o.AccountSID, "4242424242424242")
	var wg sync.WaitGroup
	ids := make(chan string, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := app.Services.Billing.AddFunds(ctx, m, dec("5000"), "JPY", "same-key")
			require.NoError(t, err)
			require.Equal(t, billing.PaymentSucceeded, p.Status)
			ids <- p.ID
		}()
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		require.Equal(t, first, id, "every request sees the one payment")
	}
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM test_gateway_charges`))
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String())

	declined := addCard(t, app, o.AccountSID, "4000000000000002")
	p, err := app.Services.Billing.AddFunds(ctx, declined, dec("5000"), "JPY", "other-key")
	require.NoError(t, err)
	require.Equal(t, billing.PaymentFailed, p.Status)
	require.Equal(t, billing.DeclineGeneric, p.FailureReason)
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String(), "a decline changes nothing")
	requireLedgerMatches(t, app)
}

func TestValidateCard(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ok := billing.Card{Holder: "A", Number: "4242 4242 4242 4242", ExpMonth: 11, ExpYear: 2026, CVC: "123"}
	require.NoError(t, ok.Validate(now))
	for field, c := range map[string]billing.Card{
		"number": {Holder: "A", Number: "4242 4242 4242 4241", ExpMonth: 1, ExpYear: 2030, CVC: "123"},
		"expiry": {Holder: "A", Number: "4242424242424242", ExpMonth: 10, ExpYear: 2026, CVC: "123"},
		"cvc":    {Holder: "A", Number: "4242424242424242", ExpMonth: 1, ExpYear: 2030, CVC: "12"},
		"holder": {Holder: " ", Number: "4242424242424242", ExpMonth: 1, ExpYear: 2030, CVC: "123"},
	} {
		var errs billing.FieldErrors
		require.ErrorAs(t, c.Validate(now), &errs, field)
		require.Len(t, errs, 1, field)
		require.Equal(t, field, errs[0].Field)
	}
	for number, brand := range map[string]string{"4242424242424242": "Visa", "5555555555554444": "Mastercard", "378282246310005": "American Express", "3566002020360505": "JCB"} {
		require.Equal(t, brand, billing.Brand(number))
		require.True(t, billing.Luhn(number), number)
	}
}

func TestNextAnniversary(t *testing.T) {
	t.Parallel()
	jan31 := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	require.Equal(t, time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC), billing.NextAnniversary(jan31, jan31))
	require.Equal(t, time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC), billing.NextAnniversary(jan31, time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)))
}

func TestRecurringItemsChargeOncePerMonth(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "10")
	start := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	it, err := billing.AddRecurringItem(ctx, app.Pool, o.AccountSID, o.AccountSID, "+81 50 1234 5678", "phonenumbers-local", dec("1.15"), start)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC), it.NextChargeAt)
	svc := app.Services.Billing
	require.NoError(t, svc.ChargeDueItems(ctx, time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "10", webtest.Balance(t, app, o.AccountSID).String(), "not due yet")
	for i := 0; i < 3; i++ { // run three times: charged once
		require.NoError(t, svc.ChargeDueItems(ctx, time.Date(2026, 2, 15, 13, 0, 0, 0, time.UTC)))
	}
	require.Equal(t, "8.85", webtest.Balance(t, app, o.AccountSID).String())
	require.NoError(t, svc.ChargeDueItems(ctx, time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "7.7", webtest.Balance(t, app, o.AccountSID).String())
	// Each renewal is usage of the item's category, in the usage roll-ups too.
	var events int
	var price string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*), sum(price)::text FROM usage_events
		WHERE account_sid = $1 AND category = 'phonenumbers-local' AND source = $2`, o.AccountSID, it.ID).Scan(&events, &price))
	require.Equal(t, 2, events)
	require.Equal(t, "2.30", price)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT sum(count)::int, sum(price)::text FROM usage_local_daily
		WHERE account_sid = $1 AND category = 'phonenumbers-local'`, o.AccountSID).Scan(&events, &price))
	require.Equal(t, 2, events)
	require.Equal(t, "2.30", price)
	items, err := billing.RecurringItems(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC), items[0].NextChargeAt.UTC())
	require.NoError(t, billing.StopRecurringItem(ctx, app.Pool, o.AccountSID, it.ID))
	require.NoError(t, svc.ChargeDueItems(ctx, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "7.7", webtest.Balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)
}

func TestAutoRechargePausesAfterThreeDeclines(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "55")
	addCard(t, app, o.AccountSID, "4000000000000002")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("50"), Target: dec("80")}))
	for i := 1; i <= 3; i++ {
		require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
			Kind: billing.KindUsage, Source: fmt.Sprintf("spend-%d", i), Amount: dec("10")}))
		require.Eventually(t, func() bool {
			return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE status = 'failed'`) == i
		}, 15*time.Second, 50*time.Millisecond, "recharge %d", i)
		// Past the cooldown, so the next debit may try again.
		_, err := app.Pool.Exec(ctx, `UPDATE recharges SET finished_at = now() - interval '1 hour'`)
		require.NoError(t, err)
	}
	ar, err := billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.NotNil(t, ar.PausedAt)
	require.Equal(t, 3, ar.ConsecutiveDeclines)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_declined'`), "mailed at the first decline only")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_paused'`))
	// Paused: further debits open no recharge.
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "spend-4", Amount: dec("10")}))
	require.Equal(t, 3, webtest.Count(t, app, `SELECT count(*) FROM recharges`))
	// Saving the setting resumes it.
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("50"), Target: dec("80")}))
	ar, err = billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Nil(t, ar.PausedAt)
	require.Zero(t, ar.ConsecutiveDeclines)
}

func TestMonthlyCapBoundsAutoRecharge(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "100")
	addCard(t, app, o.AccountSID, "4242424242424242")
	capAmount := dec("30")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("50"), Target: dec("100"), MonthlyCap: &capAmount}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "s1", Amount: dec("60")}))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE status = 'succeeded'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, "70", webtest.Balance(t, app, o.AccountSID).String(), "charged 30, the cap, not 60")
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "s2", Amount: dec("30")}))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM recharges WHERE status = 'failed'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, "40", webtest.Balance(t, app, o.AccountSID).String(), "the cap is spent for the month")
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM test_gateway_charges`))
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_declined'`), "the cap is no decline")
	ar, err := billing.GetAutoRecharge(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Zero(t, ar.ConsecutiveDeclines)
	requireLedgerMatches(t, app)
}

func TestLowBalanceAlertsFireOncePerCrossing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "10000")
	require.NoError(t, app.Services.Billing.AddAlert(ctx, audit.System(ctx), o.AccountSID, billing.AlertInput{Threshold: "5000"}))
	require.NoError(t, app.Services.Billing.AddAlert(ctx, audit.System(ctx), o.AccountSID, billing.AlertInput{Threshold: "1,000"}))
	debit := func(src, amount string) {
		require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: src, Amount: dec(amount)}))
	}
	mails := func() int {
		return webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'low_balance'`)
	}
	debit("a", "4000")
	require.Zero(t, mails())
	debit("b", "1500")
	require.Equal(t, 1, mails(), "crossed 5000")
	body := app.Mail(`kind = 'low_balance'`).Body
	require.Contains(t, body, "¥5,000.00")
	require.Contains(t, body, "¥4,500.00")
	debit("c", "100")
	require.Equal(t, 1, mails(), "not again while below")
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindAdjustment, "top-up", dec("2000"), "")
	}))
	debit("d", "2000")
	require.Equal(t, 2, mails(), "re-armed by the credit above it, fired again")
}

func TestReceiptMailAndAudit(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	require.NoError(t, billing.SetPreferences(ctx, app.Pool, o.AccountSID, billing.Preferences{CompanyName: "株式会社テスト", ReceiptEmail: "keiri@example.jp"}))
	m := addCard(t, app, o.AccountSID, "4242424242424242")
	p, err := app.Services.Billing.AddFunds(ctx, m, dec("3000"), "JPY", "k1")
	require.NoError(t, err)
	receipt := app.Mail(`kind = 'receipt' AND to_addr = 'keiri@example.jp'`)
	subject, body := receipt.Subject, receipt.Body
	require.Equal(t, "Test Project: ¥3,000 の領収書", subject)
	require.Contains(t, body, "/billing/receipts/"+p.ID)

	// Running out suspends, a payment lifts it: both audited as the system's doing.
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "all", Amount: dec("3000")}))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'project.suspended_for_funds' AND actor = 'system' AND project_sid = $1`, o.AccountSID))
	_, err = app.Services.Billing.AddFunds(ctx, m, dec("1000"), "JPY", "k2")
	require.NoError(t, err)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'project.suspension_lifted' AND project_sid = $1`, o.AccountSID))

	// Automatic payments are audited too.
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("2000"), Target: dec("5000")}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: "some", Amount: dec("500")}))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'funds.auto_recharge_succeeded' AND actor = 'system'`) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String(), "exactly target − balance")
}

// A purchase the balance does not cover is refused and nothing else
// happens; metered usage refused the same way suspends the project.
func TestRefusedPurchaseDoesNotSuspend(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	setBalance(t, app, o.AccountSID, "3")
	before := app.Fingerprint()
	err := app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindFee,
		Source: "number:x", Amount: dec("4.5"), Purchase: true})
	require.ErrorIs(t, err, billing.ErrInsufficientFunds)
	require.Equal(t, before, app.Fingerprint(), "no entry, no suspension")
	suspended, err := billing.Suspended(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.False(t, suspended)

	err = app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage,
		Source: "sms:x", Amount: dec("4.5")})
	require.ErrorIs(t, err, billing.ErrInsufficientFunds)
	suspended, err = billing.Suspended(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, suspended)
	require.True(t, webtest.Balance(t, app, o.AccountSID).Equal(dec("3")))
}
