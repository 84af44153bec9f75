// Package voice owns calls placed through the API. There is no telephone
// network: a simulated one moves each call through Twilio's statuses in
// real time (queued, ringing, in-progress, completed, or busy, no-answer,
// failed, canceled), and a call is priced per started minute and charged
// when it completes.
package voice

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Statuses of a call, as Twilio's. Queued is also what test credentials
// answer.
const (
	StatusQueued     = "queued"
	StatusRinging    = "ringing"
	StatusInProgress = "in-progress"
	StatusCompleted  = "completed"
	StatusBusy       = "busy"
	StatusNoAnswer   = "no-answer"
	StatusFailed     = "failed"
	StatusCanceled   = "canceled"
)

// Statuses lists every status, in the order a call can reach them.
var Statuses = []string{StatusQueued, StatusRinging, StatusInProgress, StatusCompleted, StatusBusy, StatusNoAnswer, StatusFailed, StatusCanceled}

// Outcomes: what the simulated callee does when the call rings.
const (
	OutcomeAnswered = "answered"
	OutcomeBusy     = StatusBusy
	OutcomeNoAnswer = StatusNoAnswer
	OutcomeFailed   = StatusFailed
)

// ErrNotFound is returned for an unknown call.
var ErrNotFound = errors.New("voice: not found")

// Call is one call.
type Call struct {
	SID, ProjectSID, AccountSID string
	To, From                    string
	Status, Direction           string
	// Duration is the seconds talked, known once the call has ended.
	Duration int
	// Price is what the call was charged, known once it has completed.
	Price                    decimal.Decimal
	PriceUnit                string
	URL, Twiml               string
	DateCreated, DateUpdated time.Time
	StartTime, EndTime       *time.Time

	// Outcome and TalkSeconds are what the simulated callee will do.
	Outcome     string
	TalkSeconds int
	// Rate is the price of a started minute to the destination.
	Rate decimal.Decimal
	// NextAt is when the network moves the call on; nil once ended.
	NextAt *time.Time
	// StatusCallback is told the StatusCallbackEvents, with its method.
	StatusCallback, StatusCallbackMethod string
	StatusCallbackEvents                 []string
}

// Ended reports whether the call has reached a final status.
func (c *Call) Ended() bool {
	switch c.Status {
	case StatusQueued, StatusRinging, StatusInProgress:
		return false
	}
	return true
}

// Charged reports whether the call has a price: only a call that
// connected and completed costs anything.
func (c *Call) Charged() bool { return c.Status == StatusCompleted }

// Bounds of a simulated call's duration, in seconds.
const (
	MinSimulatedDuration = 5
	MaxSimulatedDuration = 300
)

// SimulatedDuration is how long the simulated callee talks: 5 to 300
// seconds, derived from the call's SID so that a retried request or a
// test sees the same figure.
func SimulatedDuration(callSID string) int {
	h := sha256.Sum256([]byte(callSID))
	return MinSimulatedDuration + int(binary.BigEndian.Uint32(h[:4])%(MaxSimulatedDuration-MinSimulatedDuration+1))
}

// SimulatedOutcome is what the simulated callee does, derived from the
// call's SID: it answers 95 calls in 100; of the others, 2 find the line
// busy, 2 ring out unanswered and 1 fails, as calls on a real network do.
func SimulatedOutcome(callSID string) string {
	h := sha256.Sum256([]byte(callSID))
	switch binary.BigEndian.Uint32(h[4:8]) % 100 {
	case 0, 1:
		return OutcomeBusy
	case 2, 3:
		return OutcomeNoAnswer
	case 4:
		return OutcomeFailed
	}
	return OutcomeAnswered
}

// Minutes is the number of started minutes a duration is billed for.
func Minutes(seconds int) int {
	return (seconds + 59) / 60
}

const columns = `sid, project_sid, account_sid, to_number, from_number, status, direction, duration, price, price_unit, url, twiml,
	date_created, date_updated, start_time, end_time, outcome, talk_seconds, rate, next_at,
	status_callback, status_callback_method, status_callback_events`

func scan(row pgx.Row) (*Call, error) {
	var c Call
	err := row.Scan(&c.SID, &c.ProjectSID, &c.AccountSID, &c.To, &c.From, &c.Status, &c.Direction, &c.Duration, &c.Price, &c.PriceUnit,
		&c.URL, &c.Twiml, &c.DateCreated, &c.DateUpdated, &c.StartTime, &c.EndTime, &c.Outcome, &c.TalkSeconds, &c.Rate, &c.NextAt,
		&c.StatusCallback, &c.StatusCallbackMethod, &c.StatusCallbackEvents)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Insert records a call in the caller's transaction. Its dates default to
// now; a dated call keeps its own.
func Insert(ctx context.Context, tx pgx.Tx, c *Call) error {
	if c.Outcome == "" {
		c.Outcome = OutcomeAnswered
	}
	if c.StatusCallbackMethod == "" {
		c.StatusCallbackMethod = "POST"
	}
	if c.StatusCallbackEvents == nil {
		c.StatusCallbackEvents = []string{}
	}
	return tx.QueryRow(ctx, `
		INSERT INTO calls (sid, project_sid, account_sid, to_number, from_number, status, duration, price, price_unit, url, twiml, start_time, end_time,
			date_created, date_updated, outcome, talk_seconds, rate, next_at, status_callback, status_callback_method, status_callback_events)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9, $10, $11, $12, $13, coalesce($14::timestamptz, now()), coalesce($15::timestamptz, now()),
			$16, $17, $18::numeric, $19, $20, $21, $22)
		RETURNING date_created, date_updated`,
		c.SID, c.ProjectSID, c.AccountSID, c.To, c.From, c.Status, c.Duration, c.Price.String(), c.PriceUnit, c.URL, c.Twiml, c.StartTime, c.EndTime,
		optional(c.DateCreated), optional(c.DateUpdated), c.Outcome, c.TalkSeconds, c.Rate.String(), c.NextAt,
		c.StatusCallback, c.StatusCallbackMethod, c.StatusCallbackEvents,
	).Scan(&c.DateCreated, &c.DateUpdated)
}

// optional is t for the database, nil (NULL) when zero.
func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// get returns an account's call, ErrNotFound for any other.
func get(ctx context.Context, db database.DBTX, projectSID, accountSID, sid string) (*Call, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM calls WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`, projectSID, accountSID, sid))
}
