package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/usage"
	"console/internal/webtest"
)

func setup(t *testing.T) (*webtest.App, *account.Account, *messaging.Sender) {
	t.Helper()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindAdjustment, "setup", decimal.NewFromInt(1000), "")
	}))
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	return app, acc, &messaging.Sender{Pool: app.Pool, Ledger: app.Services.Billing.Ledger, Prices: &usage.PriceList{DB: app.Pool}}
}

// A message dated in the past (seeded history) is recorded delivered on
// its date: the message, its charge and its usage carry the date, the
// roll-ups count it on its GMT day and on its day in the project's zone,
// and no job is left to move it.
func TestDatedMessageIsHistory(t *testing.T) {
	app, acc, s := setup(t)
	ctx := context.Background()
	from := app.OwnNumber(acc.SID, acc.SID)
	at := time.Date(2026, 8, 31, 16, 30, 0, 0, time.UTC) // 2026-09-01 01:30 in Tokyo
	m, err := s.Send(ctx, acc, messaging.SendRequest{To: "+819012345678", From: from, Body: "明日の予約を確認しました。", At: at})
	require.NoError(t, err)
	require.Equal(t, messaging.StatusDelivered, m.Status)
	require.Equal(t, "11.75", m.Price.String())

	got, err := app.Services.Messages.Get(ctx, acc, m.SID)
	require.NoError(t, err)
	require.True(t, at.Equal(got.DateCreated), got.DateCreated)
	require.NotNil(t, got.DateSent)
	require.True(t, at.Equal(*got.DateSent))
	require.True(t, at.Add(time.Second).Equal(got.DateUpdated), got.DateUpdated)
	require.Equal(t, messaging.StatusDelivered, got.Status)

	var ledgerAt, eventAt time.Time
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT created_at FROM ledger_entries WHERE project_sid = $1 AND source = $2 AND amount = -11.75`, acc.ProjectSID, "message:"+m.SID).Scan(&ledgerAt))
	require.True(t, at.Equal(ledgerAt), ledgerAt)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT at FROM usage_events WHERE project_sid = $1 AND source = $2`, acc.ProjectSID, m.SID).Scan(&eventAt))
	require.True(t, at.Equal(eventAt), eventAt)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM usage_daily WHERE project_sid = $1 AND day = '2026-08-31' AND category = 'sms-outbound' AND count = 1 AND price = 11.75`, acc.ProjectSID))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM usage_local_daily WHERE project_sid = $1 AND day = '2026-09-01' AND category = 'sms-outbound' AND count = 1 AND price = 11.75`, acc.ProjectSID))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM messages WHERE status IN ('queued', 'sent')`), "nothing for the carrier")
	b, err := billing.Balance(ctx, app.Pool, acc.ProjectSID)
	require.NoError(t, err)
	require.Equal(t, "988.25", b.Amount.String())

	// Sent now, a message is queued for the carrier.
	m, err = s.Send(ctx, acc, messaging.SendRequest{To: "+819012345678", From: from, Body: "now"})
	require.NoError(t, err)
	require.Equal(t, messaging.StatusQueued, m.Status)
	require.Nil(t, m.DateSent)
	require.WithinDuration(t, time.Now(), m.DateCreated, time.Minute)
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM messages WHERE status IN ('queued', 'sent')`))

	_, err = s.Send(ctx, acc, messaging.SendRequest{To: "+819012345678", From: from, Body: "later", At: time.Now().Add(time.Hour)})
	require.ErrorIs(t, err, messaging.ErrFuture)
}

// Each refusal is a typed error, and changes nothing.
func TestSendErrors(t *testing.T) {
	app, acc, s := setup(t)
	ctx := context.Background()
	from := app.OwnNumber(acc.SID, acc.SID)
	long := make([]rune, messaging.MaxBodyLength+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		req  messaging.SendRequest
		want error
	}{
		{messaging.SendRequest{From: from, Body: "x"}, messaging.ErrToRequired},
		{messaging.SendRequest{To: "+819012345678", Body: "x"}, messaging.ErrFromRequired},
		{messaging.SendRequest{To: "+819012345678", From: from}, messaging.ErrBodyRequired},
		{messaging.SendRequest{To: "+819012345678", From: from, Body: string(long)}, messaging.ErrBodyTooLong},
		{messaging.SendRequest{To: "+819012345678", From: from, Body: "x", StatusCallback: "/relative"}, messaging.ErrStatusCallback},
		{messaging.SendRequest{To: "090-1234-5678", From: from, Body: "x"}, messaging.ErrInvalidTo},
		{messaging.SendRequest{To: "+819012345678", From: "Shop", Body: "x"}, messaging.ErrInvalidFrom},
		{messaging.SendRequest{To: "+819012345678", From: "+815011112222", Body: "x"}, messaging.ErrFromNotOwned},
		{messaging.SendRequest{To: "+442071234567", From: from, Body: "x"}, messaging.ErrRegion},
	} {
		_, err := s.Send(ctx, acc, tc.req)
		require.ErrorIs(t, err, tc.want, "%+v", tc.req)
	}
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM messages`))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM usage_events`))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1`, acc.ProjectSID), "the setup credit only")
}
