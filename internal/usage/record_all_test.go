package usage_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/usage"
	"console/internal/webtest"
)

// One RecordAll of a batch whose events fall on the same roll-up rows
// adds each row's sum once: the local days split at Tokyo's midnight, the
// GMT days at UTC's, and every event is kept.
func TestRecordAllSumsEachRollupRow(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY") // Asia/Tokyo
	ctx := context.Background()
	p := o.AccountSID
	d := decimal.RequireFromString
	oct31Tokyo := time.Date(2026, 10, 31, 5, 0, 0, 0, time.UTC)  // 14:00 on Oct 31 in Tokyo
	lateOct31 := time.Date(2026, 10, 31, 14, 0, 0, 0, time.UTC)  // 23:00 on Oct 31 in Tokyo
	earlyNov1 := time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC) // 01:30 on Nov 1 in Tokyo, still Oct 31 in GMT
	events := []usage.Event{
		{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: d("2"), Price: d("22"), Source: "SM1", At: oct31Tokyo},
		{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: d("1"), Price: d("11"), Source: "SM2", At: lateOct31},
		{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: d("3"), Price: d("33"), Source: "SM3", At: earlyNov1},
		{ProjectSID: p, AccountSID: p, Category: usage.CallsOutbound, Count: 1, Usage: d("4"), Price: d("60"), Source: "CA1", At: earlyNov1},
	}
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if err := billing.LockProject(ctx, tx, p); err != nil {
			return err
		}
		return usage.RecordAll(ctx, tx, events)
	}))

	oct31, nov1 := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows, err := usage.LocalDays(ctx, app.Pool, p, []string{p}, oct31, nov1)
	require.NoError(t, err)
	require.Equal(t, []usage.LocalRow{
		{AccountSID: p, Category: usage.SMSOutbound, Day: oct31, Count: 2, Usage: d("3"), Price: d("33")},
		{AccountSID: p, Category: usage.CallsOutbound, Day: nov1, Count: 1, Usage: d("4"), Price: d("60")},
		{AccountSID: p, Category: usage.SMSOutbound, Day: nov1, Count: 1, Usage: d("3"), Price: d("33")},
	}, rows)

	recs, _, err := usage.Records(ctx, app.Pool, usage.Query{ProjectSID: p, AccountSIDs: []string{p}, Category: usage.SMSOutbound, Start: oct31, End: nov1}, 0, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, int64(3), recs[0].Count)
	require.Equal(t, "6", recs[0].Usage.String())
	require.Equal(t, "66", recs[0].Price.String())

	var n int
	var total string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*), sum(price)::text FROM usage_events WHERE project_sid = $1`, p).Scan(&n, &total))
	require.Equal(t, 4, n)
	require.Equal(t, "126", total)
}
