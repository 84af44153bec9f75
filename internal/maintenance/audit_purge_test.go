package maintenance

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"console/internal/testdb"
)

// The cleanup purges audit entries older than the retention as of its
// clock, and keeps the rest; without a retention it keeps them all.
func TestCleanupPurgesAuditEntriesPastRetention(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.New(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	retention := 400 * 24 * time.Hour
	ages := map[string]time.Duration{
		"ancient":     1000 * 24 * time.Hour,
		"just over":   retention + time.Second,
		"exactly":     retention,
		"just under":  retention - time.Second,
		"yesterday":   24 * time.Hour,
		"in a moment": -time.Minute, // a clock a little behind the database's
	}
	for name, age := range ages {
		_, err := pool.Exec(ctx, `INSERT INTO audit_log (at, project_sid, actor, action, target) VALUES ($1, 'ACp', 'system', 'funds.credited', $2)`,
			now.Add(-age), name)
		require.NoError(t, err)
	}
	left := func() []string {
		rows, err := pool.Query(ctx, `SELECT target FROM audit_log ORDER BY at`)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}

	keepAll := &CleanupWorker{Pool: pool, Now: func() time.Time { return now }}
	require.NoError(t, keepAll.Work(ctx, &river.Job[CleanupArgs]{}))
	require.Len(t, left(), len(ages))

	w := &CleanupWorker{Pool: pool, AuditRetention: retention, Now: func() time.Time { return now }}
	require.NoError(t, w.Work(ctx, &river.Job[CleanupArgs]{}))
	require.Equal(t, []string{"exactly", "just under", "yesterday", "in a moment"}, left())

	// A year later by the injected clock, the rest is past retention too.
	w.Now = func() time.Time { return now.Add(500 * 24 * time.Hour) }
	require.NoError(t, w.Work(ctx, &river.Job[CleanupArgs]{}))
	require.Empty(t, left())
}
