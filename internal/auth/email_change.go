package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/i18n"
	"console/internal/mail"
)

// EmailChangeTTL is how long the link confirming a new address works.
const EmailChangeTTL = 24 * time.Hour

// Errors of an email change's links, by why they no longer work.
var (
	ErrChangeNotFound  = errors.New("auth: email change not found")
	ErrChangeConfirmed = errors.New("auth: email change already confirmed")
	ErrChangeCancelled = errors.New("auth: email change cancelled")
	ErrChangeExpired   = errors.New("auth: email change expired")
	ErrSameEmail       = errors.New("auth: the new email is the current one")
)

// EmailChange is a change of a user's address waiting for the new
// address's confirmation, as stored: never its links' tokens.
type EmailChange struct {
	ID          int64
	UserID      string
	OldEmail    string
	NewEmail    string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ConfirmedAt *time.Time
	CancelledAt *time.Time
}

// State is why c no longer waits at now: ErrChangeConfirmed,
// ErrChangeCancelled or ErrChangeExpired; nil while it waits.
func (c *EmailChange) State(now time.Time) error {
	switch {
	case c.ConfirmedAt != nil:
		return ErrChangeConfirmed
	case c.CancelledAt != nil:
		return ErrChangeCancelled
	case !now.Before(c.ExpiresAt):
		return ErrChangeExpired
	}
	return nil
}

const changeColumns = `id, user_id, old_email, new_email, created_at, expires_at, confirmed_at, cancelled_at`

func scanChange(row pgx.Row) (*EmailChange, error) {
	var c EmailChange
	err := row.Scan(&c.ID, &c.UserID, &c.OldEmail, &c.NewEmail, &c.CreatedAt, &c.ExpiresAt, &c.ConfirmedAt, &c.CancelledAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrChangeNotFound
	}
	return &c, err
}

// PruneEmailChanges forgets changes whose links stopped working a week
// ago: the audit log keeps what happened.
func PruneEmailChanges(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM email_changes WHERE expires_at < $1`, now.Add(-7*24*time.Hour))
	return tag.RowsAffected(), err
}

// Link purposes of an email change: the new address confirms, the old cancels.
const (
	ChangeConfirm = "email_confirm"
	ChangeCancel  = "email_cancel"
)

// EmailChangeByToken finds the change a link's token belongs to, whatever
// its state; purpose is ChangeConfirm or ChangeCancel, the link's kind.
func (s *Service) EmailChangeByToken(ctx context.Context, purpose, token string) (*EmailChange, error) {
	col := "confirm_hash"
	if purpose == ChangeCancel {
		col = "cancel_hash"
	}
	return scanChange(s.pool.QueryRow(ctx, `SELECT `+changeColumns+` FROM email_changes WHERE `+col+` = $1`, hashLinkToken(purpose, token)))
}

// EmailChangeByID returns the change with id, or ErrChangeNotFound.
func (s *Service) EmailChangeByID(ctx context.Context, id int64) (*EmailChange, error) {
	return scanChange(s.pool.QueryRow(ctx, `SELECT `+changeColumns+` FROM email_changes WHERE id = $1`, id))
}

// PendingEmailChange returns user userID's change still waiting for its
// confirmation, or nil.
func (s *Service) PendingEmailChange(ctx context.Context, userID string) (*EmailChange, error) {
	c, err := scanChange(s.pool.QueryRow(ctx, `SELECT `+changeColumns+` FROM email_changes
		WHERE user_id = $1 AND confirmed_at IS NULL AND cancelled_at IS NULL AND expires_at > $2`, userID, s.store.Now()))
	if errors.Is(err, ErrChangeNotFound) {
		return nil, nil
	}
	return c, err
}

// RequestEmailChange asks to change user u's address to in.Email: a link
// to confirm it goes to the new address, and a notice with a link that
// cancels it to the current one, which stays in force until the new one
// is confirmed. A new request replaces the one open before. It returns
// Problems for a bad address and ErrSameEmail for the current one;
// whether the address is another user's is told only at confirmation,
// and to no one but the address's owner. The mails are in u's language,
// else in locale. The caller has re-checked u.
func (s *Service) RequestEmailChange(ctx context.Context, by audit.Actor, u *User, in EmailInput, locale string) (*EmailChange, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if strings.EqualFold(in.Email, u.Email) {
		return nil, ErrSameEmail
	}
	var c *EmailChange
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		now := s.store.Now()
		if _, err := tx.Exec(ctx, `UPDATE email_changes SET cancelled_at = $2 WHERE user_id = $1 AND confirmed_at IS NULL AND cancelled_at IS NULL`,
			u.ID, now); err != nil {
			return err
		}
		confirm, cancel := newLinkToken(), newLinkToken()
		var err error
		c, err = scanChange(tx.QueryRow(ctx, `
			INSERT INTO email_changes (user_id, old_email, new_email, confirm_hash, cancel_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+changeColumns,
			u.ID, u.Email, in.Email, hashLinkToken(ChangeConfirm, confirm), hashLinkToken(ChangeCancel, cancel), now, now.Add(EmailChangeTTL)))
		if err != nil {
			return err
		}
		loc := userLocale(u, locale)
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
			Kind: "email_confirm", To: c.NewEmail, Locale: loc,
			Subject: i18n.Translate(loc, "mail.email_confirm_subject"),
			Body: i18n.Translate(loc, "mail.email_confirm_body", c.OldEmail, c.NewEmail,
				s.BaseURL+"/email/confirm?token="+confirm, mailTime(c.ExpiresAt)),
		}); err != nil {
			return err
		}
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
			Kind: "email_change_notice", To: c.OldEmail, Locale: loc,
			Subject: i18n.Translate(loc, "mail.email_notice_subject"),
			Body:    i18n.Translate(loc, "mail.email_notice_body", c.NewEmail, s.BaseURL+"/email/cancel?token="+cancel),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserEmailChangeRequested, audit.On{Target: u.ID},
			map[string]string{"from": c.OldEmail, "to": c.NewEmail})
	})
	return c, err
}

// lockChange reads change id for update and refuses it unless it waits.
func (s *Service) lockChange(ctx context.Context, tx pgx.Tx, id int64) (*EmailChange, error) {
	c, err := scanChange(tx.QueryRow(ctx, `SELECT `+changeColumns+` FROM email_changes WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, err
	}
	return c, c.State(s.store.Now())
}

// ConfirmEmailChange makes change id's new address the user's, once, by
// whoever followed the link mailed to it; the old address is told. It
// returns ErrEmailTaken when the address became another user's (the
// change stays open, and whose it is is not said), and the link's state
// errors. The old address's mail is in the user's language, else in locale.
func (s *Service) ConfirmEmailChange(ctx context.Context, by audit.Actor, id int64, locale string) (*EmailChange, error) {
	var c *EmailChange
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if c, err = s.lockChange(ctx, tx, id); err != nil {
			return err
		}
		// The unique index on users.email decides, not a look first.
		if err := s.store.SetEmail(ctx, tx, c.UserID, c.NewEmail); err != nil {
			return err
		}
		now := s.store.Now()
		if _, err := tx.Exec(ctx, `UPDATE email_changes SET confirmed_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		c.ConfirmedAt = &now
		u, err := s.store.ByID(ctx, tx, c.UserID)
		if err != nil {
			return err
		}
		loc := userLocale(u, locale)
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
			Kind: "email_changed", To: c.OldEmail, Locale: loc,
			Subject: i18n.Translate(loc, "mail.email_changed_subject"),
			Body:    i18n.Translate(loc, "mail.email_changed_body", c.NewEmail),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, as(by, c.UserID), audit.UserEmailChanged, audit.On{Target: c.UserID},
			map[string]string{"from": c.OldEmail, "to": c.NewEmail})
	})
	return c, err
}

// CancelEmailChange cancels change id, by whoever followed the link mailed
// to the old address or by the signed-in user. It returns
// ErrChangeConfirmed when it is too late, and the link's other states.
func (s *Service) CancelEmailChange(ctx context.Context, by audit.Actor, id int64) (*EmailChange, error) {
	var c *EmailChange
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if c, err = s.lockChange(ctx, tx, id); err != nil {
			return err
		}
		now := s.store.Now()
		if _, err := tx.Exec(ctx, `UPDATE email_changes SET cancelled_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		c.CancelledAt = &now
		return audit.Record(ctx, tx, as(by, c.UserID), audit.UserEmailChangeCancelled, audit.On{Target: c.UserID},
			map[string]string{"from": c.OldEmail, "to": c.NewEmail})
	})
	return c, err
}
