package mail

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// DeliverArgs is the job that sends one outbox mail.
type DeliverArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind names the job in River.
func (DeliverArgs) Kind() string { return "mail_deliver" }

// Queue is the River queue mails go out from. It is their own so that a
// warning (a usage trigger, a declined recharge) is not held up behind the
// simulated carrier's jobs, two per message, in the default queue.
const Queue = "mail"

// QueueWorkers is how many mails a process sends at once.
const QueueWorkers = 5

// InsertOpts keeps one delivery job per mail, in Queue.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 20, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Sender sends one mail. SMTP is the real one; nil keeps mails in the
// outbox for the development mailbox.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// DeliverWorker sends outbox mails. A mail already sent is skipped, so
// running the job twice does not send twice (short of a crash between
// the SMTP server's answer and the commit).
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Pool   *pgxpool.Pool
	Sender Sender
	// Outbox opens the sealed bodies.
	Outbox *Outbox
}

// Timeout bounds one SMTP conversation.
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return time.Minute }

// Work delivers the mail; a failure is recorded and River retries with backoff.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	m, err := w.Outbox.Get(ctx, w.Pool, job.Args.OutboxID)
	if errors.Is(err, ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if m.SentAt != nil {
		return nil
	}
	if w.Sender == nil {
		// Development without SMTP: the mail stays readable in the mailbox page.
		_, err = w.Pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = 'kept for the development mailbox' WHERE id = $1`, m.ID)
		return err
	}
	sendErr := w.Sender.Send(ctx, m.To, m.Subject, m.Body)
	if sendErr != nil {
		_, err = w.Pool.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, m.ID, sendErr.Error())
		return errors.Join(sendErr, err)
	}
	_, err = w.Pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = '' WHERE id = $1`, m.ID)
	return err
}
