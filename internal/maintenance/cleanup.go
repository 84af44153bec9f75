// Package maintenance holds the periodic housekeeping job: it forgets
// expired sign-in failures, trust tokens and sessions.
package maintenance

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"console/internal/auth"
)

// CleanupArgs is the periodic cleanup job.
type CleanupArgs struct{}

// Kind names the job in River.
func (CleanupArgs) Kind() string { return "maintenance.cleanup" }

// InsertOpts keeps one cleanup pending at a time however many processes schedule it.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// CleanupWorker runs the cleanup; running it twice is harmless.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	Pool *pgxpool.Pool
}

// Work deletes what has expired.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	now := time.Now()
	if _, err := auth.PruneFailures(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneTrusted(ctx, w.Pool, now); err != nil {
		return err
	}
	_, err := w.Pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return err
}
