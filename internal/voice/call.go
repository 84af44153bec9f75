// Package voice owns calls placed through the API. There is no telephone
// network: a call is accepted, given a duration, priced per started
// minute, charged and recorded, and completes at once.
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

// Statuses of a call: queued is what test credentials answer; the
// simulated network completes every live call at once.
const (
	StatusQueued    = "queued"
	StatusCompleted = "completed"
)

// ErrNotFound is returned for an unknown call.
var ErrNotFound = errors.New("voice: not found")

// Call is one call.
type Call struct {
	SID, ProjectSID, AccountSID string
	To, From                    string
	Status, Direction           string
	Duration                    int // seconds
	Price                       decimal.Decimal
	PriceUnit                   string
	URL, Twiml                  string
	DateCreated, DateUpdated    time.Time
	StartTime, EndTime          *time.Time
}

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

// Minutes is the number of started minutes a duration is billed for.
func Minutes(seconds int) int {
	return (seconds + 59) / 60
}

const columns = `sid, project_sid, account_sid, to_number, from_number, status, direction, duration, price, price_unit, url, twiml,
	date_created, date_updated, start_time, end_time`

func scan(row pgx.Row) (*Call, error) {
	var c Call
	err := row.Scan(&c.SID, &c.ProjectSID, &c.AccountSID, &c.To, &c.From, &c.Status, &c.Direction, &c.Duration, &c.Price, &c.PriceUnit,
		&c.URL, &c.Twiml, &c.DateCreated, &c.DateUpdated, &c.StartTime, &c.EndTime)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Insert records a completed call in the caller's transaction (the debit
// that pays for it). Its dates default to now; a dated call keeps its own.
func Insert(ctx context.Context, tx pgx.Tx, c *Call) error {
	return tx.QueryRow(ctx, `
		INSERT INTO calls (sid, project_sid, account_sid, to_number, from_number, status, duration, price, price_unit, url, twiml, start_time, end_time,
			date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9, $10, $11, $12, $13, coalesce($14::timestamptz, now()), coalesce($15::timestamptz, now()))
		RETURNING date_created, date_updated`,
		c.SID, c.ProjectSID, c.AccountSID, c.To, c.From, c.Status, c.Duration, c.Price.String(), c.PriceUnit, c.URL, c.Twiml, c.StartTime, c.EndTime,
		optional(c.DateCreated), optional(c.DateUpdated),
	).Scan(&c.DateCreated, &c.DateUpdated)
}

// optional is t for the database, nil (NULL) when zero.
func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Get returns an account's call.
func Get(ctx context.Context, db database.DBTX, projectSID, accountSID, sid string) (*Call, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM calls WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`, projectSID, accountSID, sid))
}

// List returns an account's calls, newest first, after the call with SID
// after (a page token), skipping offset, at most limit; to and from filter when set.
func List(ctx context.Context, db database.DBTX, projectSID, accountSID, to, from, after string, offset, limit int) ([]*Call, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM calls
		WHERE project_sid = $1 AND account_sid = $2 AND ($3 = '' OR to_number = $3) AND ($4 = '' OR from_number = $4)
		  AND ($5 = '' OR (date_created, sid) < (SELECT date_created, sid FROM calls WHERE project_sid = $1 AND sid = $5))
		ORDER BY date_created DESC, sid DESC OFFSET $6 LIMIT $7`, projectSID, accountSID, to, from, after, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Call, error) { return scan(row) })
}
