package voice

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"console/internal/webhook"
)

// callStatusOf is the CallStatus a StatusCallback is told with event:
// Twilio's "initiated" is no status of the resource.
func callStatusOf(c *Call, event string) string {
	if event == EventInitiated {
		return EventInitiated
	}
	return c.Status
}

// notify enqueues, in tx, the StatusCallback of c's event at at, when c
// has one subscribed to it, numbered by the call's callback sequence.
func (s *Service) notify(ctx context.Context, tx pgx.Tx, c *Call, event string, at time.Time) error {
	if c.StatusCallback == "" || !slices.Contains(c.StatusCallbackEvents, event) {
		return nil
	}
	var seq int
	err := tx.QueryRow(ctx, `UPDATE calls SET callback_seq = callback_seq + 1 WHERE project_sid = $1 AND sid = $2 RETURNING callback_seq - 1`,
		c.ProjectSID, c.SID).Scan(&seq)
	if err != nil {
		return err
	}
	args := CallbackArgs{ProjectSID: c.ProjectSID, SID: c.SID, CallStatus: callStatusOf(c, event), Sequence: seq, At: at.UTC()}
	if event == EventCompleted {
		args.Duration = &c.Duration
	}
	_, err = s.Jobs.InsertTx(ctx, tx, args, nil)
	return err
}

// CallbackArgs tells a call's StatusCallback of one event.
type CallbackArgs struct {
	ProjectSID string    `json:"project_sid"`
	SID        string    `json:"sid"`
	CallStatus string    `json:"call_status"`
	Sequence   int       `json:"sequence"`
	At         time.Time `json:"at"`
	// Duration, in seconds, is told with the final status.
	Duration *int `json:"duration,omitempty"`
}

// Kind names the job in River.
func (CallbackArgs) Kind() string { return "voice_status_callback" }

// InsertOpts retries for about a day, as Twilio does.
func (CallbackArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 20} }

// CallbackWorker sends a call event to the call's StatusCallback, with its
// method, signed with the account's auth token as message callbacks are.
// A non-2xx answer or a network error is retried with River's backoff.
type CallbackWorker struct {
	river.WorkerDefaults[CallbackArgs]
	Pool   *pgxpool.Pool
	Client *http.Client
	// AuthToken returns the account's current auth token, to sign with.
	AuthToken func(ctx context.Context, projectSID, accountSID string) (string, error)
}

// Work sends the callback.
func (w *CallbackWorker) Work(ctx context.Context, job *river.Job[CallbackArgs]) error {
	a := job.Args
	var accountSID, to, from, direction, callback, method string
	err := w.Pool.QueryRow(ctx, `SELECT account_sid, to_number, from_number, direction, status_callback, status_callback_method
		FROM calls WHERE project_sid = $1 AND sid = $2`, a.ProjectSID, a.SID).Scan(&accountSID, &to, &from, &direction, &callback, &method)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	token, err := w.AuthToken(ctx, a.ProjectSID, accountSID)
	if err != nil {
		return err
	}
	params := url.Values{"AccountSid": {accountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {a.SID}, "CallStatus": {a.CallStatus},
		"Direction": {direction}, "From": {from}, "To": {to}, "Called": {to}, "Caller": {from},
		"CallbackSource": {"call-progress-events"}, "SequenceNumber": {strconv.Itoa(a.Sequence)},
		"Timestamp": {a.At.Format(time.RFC1123Z)}}
	if a.Duration != nil {
		params.Set("CallDuration", strconv.Itoa(*a.Duration))
		params.Set("Duration", strconv.Itoa(Minutes(*a.Duration)))
	}
	_, err = webhook.Send(ctx, w.Client, method, callback, token, params)
	return err
}

// NetworkInterval is how often the simulated network moves calls on: a
// step happens within about this long of being due.
const NetworkInterval = time.Second

// NetworkArgs is the simulated network's periodic pass.
type NetworkArgs struct{}

// Kind names the job in River.
func (NetworkArgs) Kind() string { return "voice_network" }

// InsertOpts: a pass that fails is not retried, the next one comes soon.
func (NetworkArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// NetworkWorker runs the simulated network's passes (Service.Advance).
// Passes may overlap: each takes only calls no other holds, and a step
// only moves a call from the status before it.
type NetworkWorker struct {
	river.WorkerDefaults[NetworkArgs]
	Service *Service
}

// Work moves what is due.
func (w *NetworkWorker) Work(ctx context.Context, _ *river.Job[NetworkArgs]) error {
	_, err := w.Service.Advance(ctx)
	return err
}
