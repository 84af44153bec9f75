package mail

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Mailbox reads the outbox for the development mailbox, which lets
// invitations be followed without an SMTP server.
type Mailbox struct {
	pool   *pgxpool.Pool
	outbox *Outbox
}

// NewMailbox returns the mailbox of outbox, on pool.
func NewMailbox(pool *pgxpool.Pool, outbox *Outbox) *Mailbox {
	return &Mailbox{pool: pool, outbox: outbox}
}

// Recent lists the newest mails, at most limit, without their bodies.
func (m *Mailbox) Recent(ctx context.Context, limit int) ([]*Mail, error) {
	return Recent(ctx, m.pool, limit)
}

// Get returns one mail with its body opened, or ErrNotFound.
func (m *Mailbox) Get(ctx context.Context, id int64) (*Mail, error) {
	return m.outbox.Get(ctx, m.pool, id)
}
