// Package mail owns outbound email: an outbox row written in the
// transaction of the action that causes the mail, its body sealed with the
// server's key, and a River job that delivers it over SMTP (or, in
// development without SMTP, keeps it for the development mailbox page).
// Delivered bodies are purged after Retention.
package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"console/internal/database"
	"console/internal/seal"
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
	// Purged is set once the body was deleted after Retention.
	Purged bool
}

// JobInserter enqueues jobs in a transaction; River's client is one.
type JobInserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Inserter is what the services enqueue jobs and mails with. Enqueue
// writes a mail through its Outbox, which holds the key that seals the
// body: there is no way to write a mail in clear.
type Inserter interface {
	JobInserter
	Outbox() *Outbox
}

// Outbox enqueues jobs through River and seals mail bodies with the
// server's secret key: a link in a mail (an invitation, a password reset)
// is never usable from the table.
type Outbox struct {
	jobs JobInserter
	box  *seal.Box
}

// NewOutbox returns the outbox enqueueing with jobs and sealing with box.
func NewOutbox(jobs JobInserter, box *seal.Box) *Outbox { return &Outbox{jobs: jobs, box: box} }

// InsertTx enqueues a job in tx.
func (o *Outbox) InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return o.jobs.InsertTx(ctx, tx, args, opts)
}

// Outbox returns o.
func (o *Outbox) Outbox() *Outbox { return o }

// Retention is how long a delivered mail's body is kept (sealed) for the
// development mailbox and support before the cleanup job purges it.
const Retention = 7 * 24 * time.Hour

// ErrNotFound is returned for an unknown outbox id.
var ErrNotFound = errors.New("mail: not found")

// bodyAAD binds a sealed body to its row, so a body copied onto another
// row does not open.
func bodyAAD(id int64) []byte { return []byte("mail_outbox:" + strconv.FormatInt(id, 10)) }

// Enqueue writes m to the outbox, its body sealed, and enqueues its
// delivery, both in tx: if the action rolls back, no mail goes out.
func Enqueue(ctx context.Context, tx pgx.Tx, jobs Inserter, m Message) (int64, error) {
	o := jobs.Outbox()
	var id int64
	if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('mail_outbox', 'id'))`).Scan(&id); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO mail_outbox (id, project_sid, kind, to_addr, locale, subject, body_sealed)
		VALUES ($1, nullif($2, ''), $3, $4, $5, $6, $7)`,
		id, m.ProjectSID, m.Kind, m.To, m.Locale, m.Subject, o.box.Seal([]byte(m.Body), bodyAAD(id)))
	if err != nil {
		return 0, err
	}
	_, err = o.InsertTx(ctx, tx, DeliverArgs{OutboxID: id}, nil)
	return id, err
}

const mailColumns = `id, coalesce(project_sid, ''), kind, to_addr, locale, subject, created_at, sent_at, attempts, last_error, purged_at IS NOT NULL`

func scanMail(row pgx.Row, more ...any) (*Mail, error) {
	var m Mail
	err := row.Scan(append([]any{&m.ID, &m.ProjectSID, &m.Kind, &m.To, &m.Locale, &m.Subject, &m.CreatedAt, &m.SentAt, &m.Attempts, &m.LastError, &m.Purged}, more...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &m, err
}

// Recent lists the newest mails without their bodies, for the
// development mailbox.
func Recent(ctx context.Context, db database.DBTX, limit int) ([]*Mail, error) {
	rows, err := db.Query(ctx, `SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Mail, error) { return scanMail(row) })
}

// Get returns one mail of the outbox with its body opened; a purged
// mail's body is empty. A mail written before bodies were sealed and not
// yet sealed by the cleanup job is read as it was written.
func (o *Outbox) Get(ctx context.Context, db database.DBTX, id int64) (*Mail, error) {
	var legacy string
	var sealed []byte
	m, err := scanMail(db.QueryRow(ctx, `SELECT `+mailColumns+`, legacy_body, body_sealed FROM mail_outbox WHERE id = $1`, id), &legacy, &sealed)
	if err != nil {
		return nil, err
	}
	m.Body = legacy
	if sealed == nil {
		return m, nil
	}
	body, err := o.box.Open(sealed, bodyAAD(m.ID))
	if err != nil {
		return nil, fmt.Errorf("mail %d: opening the body: %w", m.ID, err)
	}
	m.Body = string(body)
	return m, nil
}

// SealLegacy seals the plaintext bodies of mails written before bodies
// were sealed, at most limit of them, and reports how many it sealed.
func (o *Outbox) SealLegacy(ctx context.Context, db database.DBTX, limit int) (int, error) {
	rows, err := db.Query(ctx, `SELECT id, legacy_body FROM mail_outbox WHERE legacy_body <> '' ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return 0, err
	}
	type legacy struct {
		id   int64
		body string
	}
	todo, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (legacy, error) {
		var l legacy
		err := row.Scan(&l.id, &l.body)
		return l, err
	})
	if err != nil {
		return 0, err
	}
	for _, l := range todo {
		if _, err := db.Exec(ctx, `UPDATE mail_outbox SET body_sealed = $2, legacy_body = '' WHERE id = $1 AND legacy_body <> ''`,
			l.id, o.box.Seal([]byte(l.body), bodyAAD(l.id))); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// PurgeDelivered forgets the bodies of mails delivered more than
// Retention before now, and reports how many it purged.
func PurgeDelivered(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `
		UPDATE mail_outbox SET body_sealed = NULL, legacy_body = '', purged_at = $1
		WHERE purged_at IS NULL AND sent_at < $2`, now, now.Add(-Retention))
	return tag.RowsAffected(), err
}
