// Package mail owns outbound email: an outbox row written in the
// transaction of the action that causes the mail, and a River job that
// delivers it over SMTP (or, in development without SMTP, keeps it for the
// development mailbox page).
package mail

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"console/internal/database"
)

// Message is one mail to send.
type Message struct {
	ProjectSID string
	Kind       string // what caused it, e.g. "invitation"
	To         string
	Locale     string
	Subject    string
	Body       string
}

// Mail is a message in the outbox.
type Mail struct {
	Message
	ID        int64
	CreatedAt time.Time
	SentAt    *time.Time
	Attempts  int
	LastError string
}

// Inserter enqueues jobs in a transaction; River's client is one.
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// ErrNotFound is returned for an unknown outbox id.
var ErrNotFound = errors.New("mail: not found")

// Enqueue writes m to the outbox and enqueues its delivery, both in tx:
// if the action rolls back, no mail goes out.
func Enqueue(ctx context.Context, tx pgx.Tx, jobs Inserter, m Message) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO mail_outbox (project_sid, kind, to_addr, locale, subject, body)
		VALUES (nullif($1, ''), $2, $3, $4, $5, $6) RETURNING id`,
		m.ProjectSID, m.Kind, m.To, m.Locale, m.Subject, m.Body).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = jobs.InsertTx(ctx, tx, DeliverArgs{OutboxID: id}, nil)
	return id, err
}

const mailColumns = `id, coalesce(project_sid, ''), kind, to_addr, locale, subject, body, created_at, sent_at, attempts, last_error`

func scanMail(row pgx.Row) (*Mail, error) {
	var m Mail
	err := row.Scan(&m.ID, &m.ProjectSID, &m.Kind, &m.To, &m.Locale, &m.Subject, &m.Body, &m.CreatedAt, &m.SentAt, &m.Attempts, &m.LastError)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &m, err
}

// Recent lists the newest mails, for the development mailbox.
func Recent(ctx context.Context, db database.DBTX, limit int) ([]*Mail, error) {
	rows, err := db.Query(ctx, `SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Get returns one mail of the outbox.
func Get(ctx context.Context, db database.DBTX, id int64) (*Mail, error) {
	return scanMail(db.QueryRow(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE id = $1`, id))
}
