package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/clock"
	"console/internal/messaging"
	"console/internal/sid"
	"console/internal/webtest"
)

// One pass of the carrier sends every queued message, past its 5,000 per
// statement, and delivers none of them yet; a pass a second later
// delivers them all. Messages already delivered (history) are left alone.
func TestCarrierPassSendsThenDelivers(t *testing.T) {
	app, acc, _ := setup(t)
	ctx := context.Background()
	const n = 5001
	msgs := make([]*messaging.Message, n)
	for i := range msgs {
		msgs[i] = &messaging.Message{SID: sid.New("SM"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: "+819012345678", From: "+819011112222",
			Body: "hi", Status: messaging.StatusQueued, NumSegments: 1, Encoding: "GSM-7", Price: decimal.RequireFromString("11.75"), PriceUnit: "JPY"}
	}
	past := time.Now().Add(-time.Hour).Truncate(time.Microsecond) // as PostgreSQL keeps it
	history := &messaging.Message{SID: sid.New("SM"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: "+819012345678", From: "+819011112222",
		Body: "old", Status: messaging.StatusDelivered, NumSegments: 1, Encoding: "GSM-7", Price: decimal.RequireFromString("11.75"), PriceUnit: "JPY",
		DateCreated: past, DateUpdated: past, DateSent: &past}
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error { return messaging.InsertAll(ctx, tx, append(msgs, history)) }))

	// The clock stands still, however long a pass takes on a busy machine.
	var clock clock.Clock
	clock.Set(time.Now())
	w := &messaging.CarrierWorker{Pool: app.Pool, Now: clock.Now}
	pass := func() {
		t.Helper()
		require.NoError(t, w.Work(ctx, &river.Job[messaging.CarrierArgs]{}))
	}
	statuses := func() map[string]int {
		t.Helper()
		rows, err := app.Pool.Query(ctx, `SELECT status, count(*) FROM messages WHERE project_sid = $1 AND body = 'hi' GROUP BY status`, acc.ProjectSID)
		require.NoError(t, err)
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var status string
			var k int
			require.NoError(t, rows.Scan(&status, &k))
			out[status] = k
		}
		require.NoError(t, rows.Err())
		return out
	}

	pass()
	require.Equal(t, map[string]int{messaging.StatusSent: n}, statuses())
	require.Equal(t, n, webtest.Count(t, app, `SELECT count(*) FROM messages WHERE project_sid = $1 AND body = 'hi' AND date_sent IS NOT NULL`, acc.ProjectSID))
	pass()
	require.Equal(t, map[string]int{messaging.StatusSent: n}, statuses(), "not delivered within a second of being sent")

	clock.Advance(1100 * time.Millisecond)
	pass()
	require.Equal(t, map[string]int{messaging.StatusDelivered: n}, statuses())
	got, err := app.Services.Messages.Get(ctx, acc, history.SID)
	require.NoError(t, err)
	require.Equal(t, messaging.StatusDelivered, got.Status)
	require.True(t, past.Equal(got.DateUpdated), "history untouched: %s", got.DateUpdated)
}
