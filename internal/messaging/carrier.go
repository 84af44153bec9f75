package messaging

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// CarrierInterval is how often the simulated carrier takes what is
// waiting: a message is sent within about this long of being accepted,
// and delivered deliveryDelay after that.
const CarrierInterval = time.Second

// deliveryDelay is how long the simulated carrier takes to deliver.
const deliveryDelay = time.Second

// carrierBatch bounds how many messages one statement moves, so that a
// backlog is worked off in steps that each hold few row locks.
const carrierBatch = 5000

// CarrierArgs is the simulated carrier's periodic pass.
type CarrierArgs struct{}

// Kind names the job in River.
func (CarrierArgs) Kind() string { return "messaging_carrier" }

// InsertOpts: a pass that fails is not retried, the next one comes soon.
func (CarrierArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// CarrierWorker simulates the carrier: there is none, so every message
// accepted is sent on the next pass and delivered on the first pass
// deliveryDelay after that, across all projects at once. A message's
// StatusCallback is told each status, by a job queued in the same
// transaction. Passes may overlap: each takes only rows no other holds,
// and a step only moves a message from the status before it.
type CarrierWorker struct {
	river.WorkerDefaults[CarrierArgs]
	Pool *pgxpool.Pool
	// Now is the clock deliveryDelay runs on; nil is time.Now.
	Now func() time.Time
}

// Work moves what is due until nothing is.
func (w *CarrierWorker) Work(ctx context.Context, _ *river.Job[CarrierArgs]) error {
	for {
		n, err := w.step(ctx)
		if err != nil || n < carrierBatch {
			return err
		}
	}
}

// step moves at most carrierBatch messages one status on and returns how many it moved.
func (w *CarrierWorker) step(ctx context.Context) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, w.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			WITH due AS (
				SELECT sid FROM messages
				WHERE status IN ('queued', 'sent') AND (status = 'queued' OR date_sent <= $3::timestamptz - $1::interval)
				ORDER BY date_created LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE messages m SET status = CASE m.status WHEN 'queued' THEN 'sent' ELSE 'delivered' END,
				date_sent = coalesce(m.date_sent, $3), date_updated = $3
			FROM due WHERE m.sid = due.sid
			RETURNING m.project_sid, m.sid, m.status, m.status_callback <> ''`,
			deliveryDelay.String(), carrierBatch, w.now())
		if err != nil {
			return err
		}
		var callbacks []river.InsertManyParams
		for rows.Next() {
			var project, sid, status string
			var callback bool
			if err := rows.Scan(&project, &sid, &status, &callback); err != nil {
				rows.Close()
				return err
			}
			n++
			if callback {
				callbacks = append(callbacks, river.InsertManyParams{Args: CallbackArgs{ProjectSID: project, SID: sid, Status: status}})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(callbacks) == 0 {
			return nil
		}
		_, err = river.ClientFromContext[pgx.Tx](ctx).InsertManyTx(ctx, tx, callbacks)
		return err
	})
	return n, err
}

func (w *CarrierWorker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}
