package auth

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// Lock locks user id's row until the end of tx: what one person may do a
// bounded number of times (own projects) is counted under it.
func (s *Store) Lock(ctx context.Context, tx pgx.Tx, id string) error {
	var got string
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// TombstoneDomain is the domain of an erased user's address: ".invalid"
// is reserved (RFC 2606), so no mail can ever reach it and no one can
// sign up with it.
const TombstoneDomain = "erased.invalid"

// Erase replaces user id's personal data with a tombstone: the name and
// email go, the password, TOTP seed, recovery codes, trusted browsers and
// sessions with them, and every mailed link (verification, reset, change of
// address), since those rows name addresses too. The row stays, so that the audit log's actor id
// still names one (now anonymous) person.
func (s *Store) Erase(ctx context.Context, db database.DBTX, id string) error {
	_, err := db.Exec(ctx, `
		UPDATE users SET email = 'erased+' || id || '@`+TombstoneDomain+`', friendly_name = '', password_hash = '',
			totp_secret_enc = NULL, totp_enabled = false, locale = '', session_epoch = session_epoch + 1, updated_at = now()
		WHERE id = $1`, id)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM recovery_codes WHERE user_id = $1`,
		`DELETE FROM trusted_browsers WHERE user_id = $1`,
		`DELETE FROM sessions WHERE user_id = $1`,
		`DELETE FROM user_pins WHERE user_id = $1`,
		`DELETE FROM email_verifications WHERE user_id = $1`,
		`DELETE FROM password_resets WHERE user_id = $1`,
		`DELETE FROM email_changes WHERE user_id = $1`,
	} {
		if _, err := db.Exec(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}
