package webtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// WaitTimeout bounds every wait of this package: long enough for a busy
// two-core machine, short enough to fail a stuck test in reasonable time.
const WaitTimeout = 30 * time.Second

// Eventually polls cond until it holds and fails t, saying what it waited
// for, when it still does not after WaitTimeout. Tests wait with it rather
// than sleeping for a guessed time.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for delay := time.Millisecond; !cond(); delay = min(2*delay, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", WaitTimeout, what)
		}
		time.Sleep(delay)
	}
}

// WaitLockWaits waits until at least n of the database's sessions wait on
// a lock: the statements a test has held back with a row lock are then
// queued in PostgreSQL, not still on their way.
func (a *App) WaitLockWaits(n int) {
	a.T.Helper()
	Eventually(a.T, "sessions waiting on a lock", func() bool {
		var k int
		err := a.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&k)
		if err != nil {
			a.T.Fatal(err)
		}
		return k >= n
	})
}

// WaitJobs waits until no River job of the given kinds is left to run:
// each is completed, discarded or cancelled. Retries waiting for their
// time count as left to run, so after WaitJobs every attempt the workers
// would make has been made, and a test can assert that nothing more came.
func (a *App) WaitJobs(kinds ...string) {
	a.T.Helper()
	Eventually(a.T, "jobs "+strings.Join(kinds, ", ")+" to finish", func() bool {
		var k int
		err := a.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = ANY($1) AND state NOT IN ('completed', 'discarded', 'cancelled')`, kinds).Scan(&k)
		if err != nil {
			a.T.Fatal(err)
		}
		return k == 0
	})
}
