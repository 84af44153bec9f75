package voice_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/voice"
	"console/internal/webtest"
)

// A call dated in the past (seeded history) starts then, ends after its
// simulated duration, and is charged and recorded on its date; refusals
// are typed errors that change nothing.
func TestPlaceDatedCallAndErrors(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindAdjustment, "setup", decimal.NewFromInt(1000), "")
	}))
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	d := app.Services.Calls
	from := app.OwnNumber(acc.SID, acc.SID)

	for _, tc := range []struct {
		req  voice.CallRequest
		want error
	}{
		{voice.CallRequest{From: from, Twiml: "<Response/>"}, voice.ErrToRequired},
		{voice.CallRequest{To: "+819012345678", Twiml: "<Response/>"}, voice.ErrFromRequired},
		{voice.CallRequest{To: "+819012345678", From: from, Twiml: "  "}, voice.ErrNoInstructions},
		{voice.CallRequest{To: "+819012345678", From: from, URL: "example.com/twiml"}, voice.ErrInvalidURL},
		{voice.CallRequest{To: "0312345678", From: from, Twiml: "<Response/>"}, voice.ErrInvalidTo},
		{voice.CallRequest{To: "+819012345678", From: "0501234", Twiml: "<Response/>"}, voice.ErrInvalidFrom},
		{voice.CallRequest{To: "+819012345678", From: "+815011112222", Twiml: "<Response/>"}, voice.ErrFromNotOwned},
		{voice.CallRequest{To: "+442071234567", From: from, Twiml: "<Response/>"}, voice.ErrRegion},
		{voice.CallRequest{To: "+819012345678", From: from, Twiml: "<Response/>", At: time.Now().Add(time.Hour)}, voice.ErrFuture},
	} {
		_, err := d.Place(ctx, acc, tc.req)
		require.ErrorIs(t, err, tc.want, "%+v", tc.req)
	}
	var n int
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM calls) + (SELECT count(*) FROM usage_events)`).Scan(&n))
	require.Zero(t, n, "refused calls change nothing")

	at := time.Date(2026, 9, 1, 14, 59, 30, 0, time.UTC) // 23:59:30 in Tokyo
	c, err := d.Place(ctx, acc, voice.CallRequest{To: "+819012345678", From: from, URL: "https://example.com/twiml", At: at})
	require.NoError(t, err)
	require.Equal(t, voice.StatusCompleted, c.Status)
	got, err := app.Services.Calls.Get(ctx, acc, c.SID)
	require.NoError(t, err)
	end := at.Add(time.Duration(voice.SimulatedDuration(c.SID)) * time.Second)
	require.True(t, at.Equal(got.DateCreated), got.DateCreated)
	require.True(t, at.Equal(*got.StartTime), got.StartTime)
	require.True(t, end.Equal(*got.EndTime), got.EndTime)
	require.True(t, end.Equal(got.DateUpdated), got.DateUpdated)
	minutes := voice.Minutes(c.Duration)
	price := decimal.RequireFromString("23.64").Mul(decimal.NewFromInt(int64(minutes)))
	require.Equal(t, price.String(), got.Price.String())

	var ledgerAt, eventAt time.Time
	var ledgerAmount string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT created_at, amount::text FROM ledger_entries WHERE project_sid = $1 AND source = $2`, acc.ProjectSID, "call:"+c.SID).Scan(&ledgerAt, &ledgerAmount))
	require.True(t, at.Equal(ledgerAt), ledgerAt)
	require.Equal(t, price.Neg().String(), ledgerAmount)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT at FROM usage_events WHERE project_sid = $1 AND source = $2 AND usage = $3`, acc.ProjectSID, c.SID, minutes).Scan(&eventAt))
	require.True(t, at.Equal(eventAt), eventAt)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*) FROM usage_local_daily WHERE project_sid = $1 AND day = '2026-09-01' AND category = 'calls-outbound' AND count = 1`, acc.ProjectSID).Scan(&n))
	require.Equal(t, 1, n, "counted on its day in Tokyo")
}
