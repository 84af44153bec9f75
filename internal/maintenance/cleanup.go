// Package maintenance holds the periodic housekeeping job: it forgets
// expired sign-in failures, sign-ups, trust tokens and sessions, the
// bodies of mails delivered more than mail.Retention ago, audit entries
// older than their retention, and the API's idempotency keys older than
// idempotency.TTL.
package maintenance

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/idempotency"
	"console/internal/mail"
)

// CleanupArgs is the periodic cleanup job.
type CleanupArgs struct{}

// Kind names the job in River.
func (CleanupArgs) Kind() string { return "maintenance.cleanup" }

// InsertOpts keeps one cleanup pending at a time however many processes schedule it.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// The audit purge deletes this many entries per statement, and at most
// this many statements per run: a run stays short, and a backlog (a
// retention just shortened) goes in later runs, 100,000 entries each.
const (
	auditPurgeBatch   = 5000
	auditPurgeBatches = 20
)

// CleanupWorker runs the cleanup; running it twice is harmless.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	Pool *pgxpool.Pool
	// Outbox seals the mails written in clear before bodies were sealed.
	Outbox *mail.Outbox
	// AuditRetention is how long audit entries are kept; 0 keeps them.
	AuditRetention time.Duration
	// Now is the clock; nil is time.Now. Tests set it.
	Now func() time.Time
}

// legacyBatch bounds the mails one run seals, so a run stays short
// however many were left in clear; the next run goes on.
const legacyBatch = 1000

// Work deletes what has expired.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	if _, err := auth.PruneFailures(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneSignUps(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneVerifications(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneResets(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneEmailChanges(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneTrusted(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := auth.PruneSessions(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := idempotency.Prune(ctx, w.Pool, now); err != nil {
		return err
	}
	if _, err := w.Outbox.SealLegacy(ctx, w.Pool, legacyBatch); err != nil {
		return err
	}
	if w.AuditRetention > 0 {
		if _, err := audit.Purge(ctx, w.Pool, now.Add(-w.AuditRetention), auditPurgeBatch, auditPurgeBatches); err != nil {
			return err
		}
	}
	_, err := mail.PurgeDelivered(ctx, w.Pool, now)
	return err
}
