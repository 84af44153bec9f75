package trigger

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"console/internal/webhook"
)

// WebhookArgs delivers one firing to its trigger's callback URL.
type WebhookArgs struct {
	ProjectSID string `json:"project_sid"`
	FiringID   int64  `json:"firing_id"`
}

// Kind names the job in River.
func (WebhookArgs) Kind() string { return "usage_trigger_webhook" }

// MaxAttempts is how many times a webhook is tried: with DefaultBackoff,
// the last try comes about a day after the first.
const MaxAttempts = 20

// Queue is the River queue webhooks are delivered from. It is their own:
// in the default queue a firing waited behind every job enqueued before
// it, the simulated carrier's two steps per message above all, and under
// a steady load of messages that backlog grows (make bench's triggers
// scenario measured webhooks arriving 20 to 50 s after the crossing).
// Apart, a customer is warned within the queue's own fetch delay, and
// slow customer servers hold only this queue's workers. (Jobs enqueued
// in the default queue before still run there: workers go by kind.)
const Queue = "usage_triggers"

// QueueWorkers is how many webhooks a process sends at once: mostly
// waiting on customers' servers, so more than the CPU would allow.
const QueueWorkers = 20

// QueuePoll is how often a process looks for webhooks to send besides
// River's insert notifications, which a client sends at most once per
// fetch cooldown (100 ms) and queue: a firing enqueued just after another
// is otherwise found by the client's poll, every 500 ms. It is a query on
// an index of a mostly empty queue, ten times a second.
const QueuePoll = 100 * time.Millisecond

// InsertOpts keeps one job per firing, in Queue, and retries it for
// about a day.
func (WebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DefaultBackoff is the wait after a failed attempt (1-based): 30 s,
// doubling, at most 2 h; with MaxAttempts that spans about 24 hours.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// WebhookWorker calls a fired trigger's callback URL with Twilio's
// parameters, signed with the account's auth token (X-Twilio-Signature),
// through a client that refuses private addresses and follows no
// redirect. Every attempt is logged; any answer but a 2xx is retried with
// the same parameters, IdempotencyToken included.
type WebhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	Pool   *pgxpool.Pool
	Client *http.Client
	// AuthToken returns the account's current auth token, to sign with.
	AuthToken func(ctx context.Context, projectSID, accountSID string) (string, error)
	// Backoff overrides DefaultBackoff (tests).
	Backoff func(attempt int) time.Duration
}

// NextRetry spaces the attempts out over about a day.
func (w *WebhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	b := w.Backoff
	if b == nil {
		b = DefaultBackoff
	}
	return time.Now().Add(b(job.Attempt))
}

// Timeout leaves room for the request's own 15 s and the attempt's logging.
func (w *WebhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration {
	return webhook.Timeout + 10*time.Second
}

// Work makes one attempt.
func (w *WebhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	var accountSID, triggerSID, category, by, recurring, token, cbURL, cbMethod string
	var trigValue, curValue decimal.Decimal
	var firedAt time.Time
	err := w.Pool.QueryRow(ctx, `
		SELECT f.account_sid, f.trigger_sid, f.usage_category, f.trigger_by, f.recurring, f.trigger_value, f.current_value,
			f.idempotency_token, f.fired_at, t.callback_url, t.callback_method
		FROM usage_trigger_firings f JOIN usage_triggers t ON t.project_sid = f.project_sid AND t.sid = f.trigger_sid
		WHERE f.project_sid = $1 AND f.id = $2`, job.Args.ProjectSID, job.Args.FiringID).Scan(
		&accountSID, &triggerSID, &category, &by, &recurring, &trigValue, &curValue, &token, &firedAt, &cbURL, &cbMethod)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(errors.New("trigger: firing gone with its trigger"))
	}
	if err != nil {
		return err
	}
	if cbURL == "" {
		return nil // the callback was removed since the firing
	}
	authToken, err := w.AuthToken(ctx, job.Args.ProjectSID, accountSID)
	if err != nil {
		return err
	}
	t := &Trigger{SID: triggerSID, AccountSID: accountSID, Spec: Spec{UsageCategory: category}}
	params := url.Values{
		"AccountSid":       {accountSID},
		"UsageTriggerSid":  {triggerSID},
		"DateFired":        {firedAt.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700")},
		"Recurring":        {recurring},
		"UsageCategory":    {category},
		"TriggerBy":        {by},
		"TriggerValue":     {trigValue.String()},
		"CurrentValue":     {curValue.String()},
		"UsageRecordUri":   {t.UsageRecordURI()},
		"IdempotencyToken": {token},
	}
	start := time.Now()
	status, sendErr := webhook.Send(ctx, w.Client, cbMethod, cbURL, authToken, params)
	msg := ""
	if sendErr != nil {
		msg = sendErr.Error()
	}
	var code *int
	if status != 0 {
		code = &status
	}
	// Logged even when the attempt ran out of time.
	_, err = w.Pool.Exec(context.WithoutCancel(ctx), `
		INSERT INTO usage_trigger_attempts (project_sid, firing_id, attempt, method, url, status_code, error, failure, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		job.Args.ProjectSID, job.Args.FiringID, job.Attempt, cbMethod, cbURL, code, msg, webhook.FailureKind(status, sendErr), time.Since(start).Milliseconds())
	return errors.Join(sendErr, err)
}
