package trigger

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// SweepArgs is the periodic safety net of evaluation.
type SweepArgs struct{}

// Kind names the job in River.
func (SweepArgs) Kind() string { return "usage_trigger_sweep" }

// SweepInterval is how often the sweep runs; SweepWindow how far back it
// looks for usage. A window longer than the interval covers a sweep that
// ran late or a process that died right after a commit.
const (
	SweepInterval = time.Minute
	SweepWindow   = time.Hour
)

// SweepWorker evaluates the triggers that have not fired in their current
// period and whose account recorded usage recently: what an evaluation
// after a commit may have missed (a process that stopped in between, an
// evaluation that failed). Accounts without recent usage cannot have
// crossed anything since the last evaluation.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work runs one sweep.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.Service.Sweep(ctx)
	return err
}

// Sweep evaluates, in this goroutine, every account that has an armed
// trigger and usage within SweepWindow, and returns how many it evaluated.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	// The period start is computed per project's zone in SQL so that
	// triggers already fired this period are skipped without a usage read.
	rows, err := s.Pool.Query(ctx, `
		SELECT DISTINCT t.project_sid, t.account_sid
		FROM usage_triggers t JOIN accounts p ON p.sid = t.project_sid
		WHERE (t.fired_period IS NULL OR t.fired_period < CASE t.recurring
				WHEN 'daily' THEN ($1::timestamptz AT TIME ZONE p.time_zone)::date
				WHEN 'monthly' THEN date_trunc('month', $1::timestamptz AT TIME ZONE p.time_zone)::date
				WHEN 'yearly' THEN date_trunc('year', $1::timestamptz AT TIME ZONE p.time_zone)::date
				ELSE '0001-01-01'::date END)
		  AND EXISTS (SELECT 1 FROM usage_events e
				WHERE e.project_sid = t.project_sid AND e.account_sid = t.account_sid AND e.at > $1::timestamptz - $2::interval)`,
		now, SweepWindow.String())
	if err != nil {
		return 0, err
	}
	type key struct{ project, account string }
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (key, error) {
		var k key
		err := row.Scan(&k.project, &k.account)
		return k, err
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if _, err := s.Evaluate(ctx, k.project, k.account, nil); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
