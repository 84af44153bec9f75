package messaging

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"console/internal/database"
	"console/internal/keyset"
	"console/internal/numbers"
	"console/internal/webhook"
)

// Statuses a message moves through.
const (
	StatusQueued    = "queued"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Statuses lists every status, in the order a message reaches them.
var Statuses = []string{StatusQueued, StatusSent, StatusDelivered, StatusFailed}

// ErrNotFound is returned for an unknown message.
var ErrNotFound = errors.New("messaging: not found")

// Message is one SMS sent through the API.
type Message struct {
	SID, ProjectSID, AccountSID string
	To, From, Body              string
	Status, Direction           string
	NumSegments                 int
	Encoding                    string
	Price                       decimal.Decimal
	PriceUnit                   string
	StatusCallback              string
	DateCreated, DateUpdated    time.Time
	DateSent                    *time.Time
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidNumber reports whether n is an E.164 phone number.
func ValidNumber(n string) bool { return e164.MatchString(n) }

// Country names the destination country of an E.164 number, "" when the
// console does not send there.
func Country(n string) string {
	switch {
	case len(n) > 2 && n[:2] == "+1":
		return "US"
	case len(n) > 3 && n[:3] == "+81":
		return "JP"
	}
	return ""
}

const columns = `sid, project_sid, account_sid, to_number, from_number, body, status, direction, num_segments, encoding, price, price_unit,
	status_callback, date_created, date_updated, date_sent`

func scan(row pgx.Row) (*Message, error) {
	var m Message
	err := row.Scan(&m.SID, &m.ProjectSID, &m.AccountSID, &m.To, &m.From, &m.Body, &m.Status, &m.Direction, &m.NumSegments, &m.Encoding, &m.Price,
		&m.PriceUnit, &m.StatusCallback, &m.DateCreated, &m.DateUpdated, &m.DateSent)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Insert records a message in the caller's transaction; see InsertAll.
func Insert(ctx context.Context, tx pgx.Tx, m *Message) error {
	return InsertAll(ctx, tx, []*Message{m})
}

// InsertAll records messages in the caller's transaction (the debits that
// pay for them) in one statement. Their dates default to now; a dated
// message keeps its own.
func InsertAll(ctx context.Context, tx pgx.Tx, msgs []*Message) error {
	b := &pgx.Batch{}
	queueInsert(b, msgs, false)
	return tx.SendBatch(ctx, b).Close()
}

// ownedFromSQL keeps the messages whose account owns their SMS-capable
// From number; built once, not per batch.
var ownedFromSQL = "WHERE " + numbers.OwnedCondition("x.p", "x.a", "x.f", true)

// queueInsert queues InsertAll's statement in b, for a transaction that
// sends more with it in one round trip; the messages get their dates when
// b is sent. With ownedFrom, a message is inserted only if its account
// owns its From number and the number sends SMS, and b's answer is
// ErrFromNotOwned if one does not.
func queueInsert(b *pgx.Batch, msgs []*Message, ownedFrom bool) {
	n := len(msgs)
	if n == 0 {
		return
	}
	where := ""
	if ownedFrom {
		where = ownedFromSQL
	}
	sids, projects, accounts, tos, froms, bodies, statuses := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	encodings, prices, units, callbacks := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	segments := make([]int32, n)
	created, updated, sent := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	bySID := make(map[string]*Message, n)
	for i, m := range msgs {
		sids[i], projects[i], accounts[i], tos[i], froms[i], bodies[i], statuses[i] = m.SID, m.ProjectSID, m.AccountSID, m.To, m.From, m.Body, m.Status
		encodings[i], prices[i], units[i], callbacks[i], segments[i] = m.Encoding, m.Price.String(), m.PriceUnit, m.StatusCallback, int32(m.NumSegments)
		created[i], updated[i], sent[i] = optional(m.DateCreated), optional(m.DateUpdated), m.DateSent
		bySID[m.SID] = m
	}
	b.Queue(`
		INSERT INTO messages (sid, project_sid, account_sid, to_number, from_number, body, status, num_segments, encoding, price, price_unit, status_callback,
			date_created, date_updated, date_sent)
		SELECT s, p, a, t, f, b, st, n, e, pr::numeric, u, cb, coalesce(dc, now()), coalesce(du, now()), ds
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[],
			$12::text[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[]) AS x(s, p, a, t, f, b, st, n, e, pr, u, cb, dc, du, ds)
		`+where+`
		RETURNING sid, date_created, date_updated`,
		sids, projects, accounts, tos, froms, bodies, statuses, segments, encodings, prices, units, callbacks, created, updated, sent,
	).Query(func(rows pgx.Rows) error {
		inserted := 0
		for rows.Next() {
			var sid string
			var c, u time.Time
			if err := rows.Scan(&sid, &c, &u); err != nil {
				return err
			}
			if m := bySID[sid]; m != nil {
				m.DateCreated, m.DateUpdated = c, u
				inserted++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if inserted < n {
			return ErrFromNotOwned
		}
		return nil
	})
}

// optional is t for the database, nil (NULL) when zero.
func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// get returns an account's message, ErrNotFound for any other.
func get(ctx context.Context, db database.DBTX, projectSID, accountSID, sid string) (*Message, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM messages WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`, projectSID, accountSID, sid))
}

// Filter narrows a list of messages; a zero field does not narrow.
type Filter struct {
	To, From, Status string
	// SentSince and SentBefore, when set, bound the half-open range
	// [SentSince, SentBefore) of the time a message was accepted, which
	// the simulated carrier sends within a second: the list's time index
	// serves it.
	SentSince, SentBefore *time.Time
}

// list returns an account's messages that f keeps, newest first, at the
// position p.
func list(ctx context.Context, db database.DBTX, projectSID, accountSID string, f Filter, p keyset.Page) ([]*Message, error) {
	q := keyset.For(projectSID, accountSID)
	if f.To != "" {
		q.Where("to_number = ?", f.To)
	}
	if f.From != "" {
		q.Where("from_number = ?", f.From)
	}
	if f.Status != "" {
		q.Where("status = ?", f.Status)
	}
	if f.SentSince != nil {
		q.Where("date_created >= ?", *f.SentSince)
	}
	if f.SentBefore != nil {
		q.Where("date_created < ?", *f.SentBefore)
	}
	sql, args := q.SQL(columns, "messages", p)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	msgs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Message, error) { return scan(row) })
	if err != nil {
		return nil, err
	}
	return keyset.Newest(msgs, p), nil
}

// CallbackArgs tells the message's StatusCallback URL of one status.
type CallbackArgs struct {
	ProjectSID string `json:"project_sid"`
	SID        string `json:"sid"`
	Status     string `json:"status"`
}

// Kind names the job in River.
func (CallbackArgs) Kind() string { return "messaging_status_callback" }

// InsertOpts retries for about a day, as Twilio does.
func (CallbackArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 20} }

// CallbackWorker posts a status to the message's StatusCallback, signed
// with the account's auth token like Twilio's. A non-2xx answer or a
// network error is retried with River's backoff.
type CallbackWorker struct {
	river.WorkerDefaults[CallbackArgs]
	Pool   *pgxpool.Pool
	Client *http.Client
	// AuthToken returns the account's current auth token, to sign with.
	AuthToken func(ctx context.Context, projectSID, accountSID string) (string, error)
}

// Work posts the callback.
func (w *CallbackWorker) Work(ctx context.Context, job *river.Job[CallbackArgs]) error {
	var m Message
	err := w.Pool.QueryRow(ctx, `SELECT account_sid, to_number, from_number, status_callback FROM messages WHERE project_sid = $1 AND sid = $2`,
		job.Args.ProjectSID, job.Args.SID).Scan(&m.AccountSID, &m.To, &m.From, &m.StatusCallback)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	token, err := w.AuthToken(ctx, job.Args.ProjectSID, m.AccountSID)
	if err != nil {
		return err
	}
	params := url.Values{"AccountSid": {m.AccountSID}, "ApiVersion": {"2010-04-01"}, "From": {m.From}, "To": {m.To},
		"MessageSid": {job.Args.SID}, "MessageStatus": {job.Args.Status}, "SmsSid": {job.Args.SID}, "SmsStatus": {job.Args.Status}}
	_, err = webhook.Post(ctx, w.Client, m.StatusCallback, token, params)
	return err
}
