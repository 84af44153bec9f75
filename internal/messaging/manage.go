package messaging

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/keyset"
)

// ErrInFlight refuses to redact or delete a message the carrier has not
// taken yet: it still needs the body, and Twilio refuses it too.
var ErrInFlight = errors.New("messaging: message is still being sent")

// Get returns acc's message sid, or ErrNotFound: the one read of a
// message, for the console's logs and the REST API alike.
func (s *Sender) Get(ctx context.Context, acc *account.Account, sid string) (*Message, error) {
	return get(ctx, s.Pool, acc.ProjectSID, acc.SID, sid)
}

// List returns acc's messages narrowed by f, newest first, at the
// position p (see keyset.Page): the one list of messages, for the
// console's logs and the REST API alike.
func (s *Sender) List(ctx context.Context, acc *account.Account, f Filter, p keyset.Page) ([]*Message, error) {
	return list(ctx, s.Pool, acc.ProjectSID, acc.SID, f, p)
}

// Redact empties the body of acc's message sid, Twilio's way of erasing
// what was said; who, when and what it cost stay. It returns ErrNotFound,
// ErrInFlight for a queued message, or account.ErrNotActive.
func (s *Sender) Redact(ctx context.Context, by audit.Actor, acc *account.Account, sid string) (*Message, error) {
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	var m *Message
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		m, err = scan(tx.QueryRow(ctx, `UPDATE messages SET body = '', date_updated = now()
			WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND status <> $4
			RETURNING `+columns, acc.ProjectSID, acc.SID, sid, StatusQueued))
		if errors.Is(err, ErrNotFound) {
			return s.whyNot(ctx, tx, acc, sid)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MessageRedacted, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: sid}, nil)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Delete removes acc's message sid from its logs; its usage and its
// charge stay, as on Twilio. It returns ErrNotFound, ErrInFlight for a
// queued message, or account.ErrNotActive.
func (s *Sender) Delete(ctx context.Context, by audit.Actor, acc *account.Account, sid string) error {
	if !acc.Active() {
		return account.ErrNotActive
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM messages WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND status <> $4`,
			acc.ProjectSID, acc.SID, sid, StatusQueued)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return s.whyNot(ctx, tx, acc, sid)
		}
		// Nothing of the message goes in the entry: deleting it is erasing it.
		return audit.Record(ctx, tx, by, audit.MessageDeleted, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: sid}, nil)
	})
}

// whyNot tells why a change to a message matched no row: it is unknown,
// or in flight.
func (s *Sender) whyNot(ctx context.Context, tx pgx.Tx, acc *account.Account, sid string) error {
	if _, err := get(ctx, tx, acc.ProjectSID, acc.SID, sid); err != nil {
		return err
	}
	return ErrInFlight
}
