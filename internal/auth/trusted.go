package auth

import (
	"context"
	"crypto/sha256"
	"time"

	"console/internal/database"
	"console/internal/sid"
)

// TrustDuration is how long "trust this browser" skips the second factor.
const TrustDuration = 30 * 24 * time.Hour

func hashTrustToken(t string) []byte {
	h := sha256.Sum256([]byte("trust:" + t))
	return h[:]
}

// TrustBrowser returns a token for the browser's cookie; only its hash is stored.
func (s *Store) TrustBrowser(ctx context.Context, db database.DBTX, userID string) (string, error) {
	token := sid.Hex32() + sid.Hex32()
	_, err := db.Exec(ctx, `INSERT INTO trusted_browsers (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		hashTrustToken(token), userID, s.Now().Add(TrustDuration))
	return token, err
}

// IsTrusted reports whether token is a live trust token of userID.
func (s *Store) IsTrusted(ctx context.Context, db database.DBTX, userID, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM trusted_browsers WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3)`,
		hashTrustToken(token), userID, s.Now()).Scan(&ok)
	return ok, err
}

// PruneTrusted deletes expired trust tokens.
func PruneTrusted(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM trusted_browsers WHERE expires_at < $1`, now)
	return tag.RowsAffected(), err
}
