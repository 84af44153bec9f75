package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"strings"

	"console/internal/database"
)

// RecoveryCodeCount is how many codes a user gets when enabling 2FA.
const RecoveryCodeCount = 10

// recovery codes carry 50 random bits; a plain SHA-256 is enough to keep
// them unreadable at rest because they cannot be guessed like passwords.
func hashRecoveryCode(code string) []byte {
	c := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	h := sha256.Sum256([]byte("recovery:" + c))
	return h[:]
}

const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func (s *Store) newRecoveryCodes(ctx context.Context, db database.DBTX, userID string) ([]string, error) {
	if _, err := db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		for j := range b {
			b[j] = recoveryAlphabet[int(b[j])%len(recoveryAlphabet)]
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
		if _, err := db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, hashRecoveryCode(codes[i])); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// UseRecoveryCode spends one recovery code; each works once.
func (s *Store) UseRecoveryCode(ctx context.Context, db database.DBTX, userID, code string) error {
	tag, err := db.Exec(ctx, `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
		userID, hashRecoveryCode(code))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return ErrBadCode
	}
	return nil
}

// RecoveryCodesLeft counts the unused recovery codes of a user.
func (s *Store) RecoveryCodesLeft(ctx context.Context, db database.DBTX, userID string) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}
