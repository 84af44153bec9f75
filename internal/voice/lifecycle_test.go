package voice_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/billing"
	"console/internal/voice"
	"console/internal/webtest"
)

// A call needs a balance covering its first minute to be placed; one that
// outlasts the balance is still charged in full when it completes, once,
// and the ledger still adds up.
func TestCallOutlastingTheBalanceIsChargedInFull(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	credit := func(amount string) {
		require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindAdjustment, "setup-"+amount, decimal.RequireFromString(amount), "")
		}))
	}
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	from := app.OwnNumber(acc.SID, acc.SID)
	now := time.Now()
	calls := app.Services.Calls
	calls.Now = func() time.Time { return now }
	calls.Network = voice.Network{Talk: func(string) time.Duration { return 150 * time.Second }, Outcome: func(string) string { return voice.OutcomeAnswered }}
	req := voice.CallRequest{To: "+14155550100", From: from, URL: "https://example.com/twiml"}

	_, err = calls.Place(ctx, acc, req)
	require.ErrorIs(t, err, billing.ErrInsufficientFunds, "no balance, no call")
	credit("0.02")
	c, err := calls.Place(ctx, acc, req)
	require.NoError(t, err)
	require.Equal(t, voice.StatusQueued, c.Status)
	for _, step := range []time.Duration{voice.DefaultDial, voice.DefaultRing, 150 * time.Second, time.Minute} {
		now = now.Add(step)
		_, err := calls.Advance(ctx)
		require.NoError(t, err)
	}
	got, err := calls.Get(ctx, acc, c.SID)
	require.NoError(t, err)
	require.Equal(t, voice.StatusCompleted, got.Status)
	require.Equal(t, 150, got.Duration)
	require.Equal(t, "0.042", got.Price.String(), "3 started minutes at $0.014")
	bal, err := billing.Balance(ctx, app.Pool, acc.ProjectSID)
	require.NoError(t, err)
	require.Equal(t, "-0.022", bal.Amount.String())
	bad, err := billing.CheckLedger(ctx, app.Pool)
	require.NoError(t, err)
	require.Empty(t, bad)
}

// A caller hanging up just as the network ends the call charges it once:
// whichever comes second finds it over.
func TestHangUpRacingTheNetworkChargesOnce(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindAdjustment, "setup", decimal.NewFromInt(10), "")
	}))
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	from := app.OwnNumber(acc.SID, acc.SID)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	move := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	calls := app.Services.Calls
	calls.Now = clock
	calls.Network = voice.Network{Talk: func(string) time.Duration { return time.Minute }, Outcome: func(string) string { return voice.OutcomeAnswered }}
	const n = 8
	sids := make([]string, n)
	for i := range n {
		c, err := calls.Place(ctx, acc, voice.CallRequest{To: "+14155550100", From: from, URL: "https://example.com/twiml"})
		require.NoError(t, err)
		sids[i] = c.SID
	}
	for _, step := range []time.Duration{voice.DefaultDial, voice.DefaultRing, time.Minute} {
		move(step)
		if step == time.Minute {
			break // due now: the network and the callers race for them
		}
		_, err := calls.Advance(ctx)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = calls.Advance(ctx) })
	for _, sid := range sids {
		wg.Go(func() {
			_, err := calls.Update(ctx, audit.System(ctx), acc, sid, voice.StatusCompleted)
			if err != nil && !errors.Is(err, voice.ErrInvalidState) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	_, err = calls.Advance(ctx)
	require.NoError(t, err)
	var entries, done int
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, acc.ProjectSID).Scan(&entries))
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM calls WHERE project_sid = $1 AND status = 'completed'`, acc.ProjectSID).Scan(&done))
	require.Equal(t, n, entries, "one charge per call")
	require.Equal(t, n, done)
	bad, err := billing.CheckLedger(ctx, app.Pool)
	require.NoError(t, err)
	require.Empty(t, bad)
}
