package auth

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/sid"
)

// TrustDuration is how long "trust this browser" skips the second factor.
const TrustDuration = 30 * 24 * time.Hour

// maxUserAgent bounds the User-Agent kept for a list: enough to name any
// real browser, no room to store whatever a client sends.
const maxUserAgent = 256

func hashTrustToken(t string) []byte {
	h := sha256.Sum256([]byte("trust:" + t))
	return h[:]
}

// ClipUserAgent is a User-Agent as kept for the lists of sessions and browsers.
func ClipUserAgent(ua string) string {
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	return ua
}

// TrustBrowser returns a token for the browser's cookie; only its hash is
// stored, with a random id that names it in the list of trusted browsers.
func (s *Store) TrustBrowser(ctx context.Context, db database.DBTX, userID, userAgent string) (string, error) {
	token := sid.Hex32() + sid.Hex32()
	_, err := db.Exec(ctx, `INSERT INTO trusted_browsers (token_hash, user_id, expires_at, id, user_agent) VALUES ($1, $2, $3, $4, $5)`,
		hashTrustToken(token), userID, s.Now().Add(TrustDuration), sid.Hex32(), ClipUserAgent(userAgent))
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

// TrustedBrowser is a browser that skips the second factor until ExpiresAt.
type TrustedBrowser struct {
	ID        string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
	Current   bool // the browser of the request that asked
}

// TrustedBrowsers lists the live trusted browsers of userID, the one
// holding token (its cookie's, "" for none) marked Current; newest first.
func (s *Store) TrustedBrowsers(ctx context.Context, db database.DBTX, userID, token string) ([]TrustedBrowser, error) {
	rows, err := db.Query(ctx, `
		SELECT id, user_agent, created_at, expires_at, token_hash = $2
		FROM trusted_browsers WHERE user_id = $1 AND expires_at > $3
		ORDER BY created_at DESC, id`, userID, hashTrustToken(token), s.Now())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (TrustedBrowser, error) {
		var b TrustedBrowser
		err := row.Scan(&b.ID, &b.UserAgent, &b.CreatedAt, &b.ExpiresAt, &b.Current)
		return b, err
	})
}

// PruneTrusted deletes expired trust tokens.
func PruneTrusted(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM trusted_browsers WHERE expires_at < $1`, now)
	return tag.RowsAffected(), err
}

// TrustedBrowsers lists the browsers userID trusted (see Store.TrustedBrowsers).
func (s *Service) TrustedBrowsers(ctx context.Context, userID, token string) ([]TrustedBrowser, error) {
	return s.store.TrustedBrowsers(ctx, s.pool, userID, token)
}

// ForgetBrowser makes the trusted browser id of userID ask for the second
// factor again at its next sign-in. Another user's browser is ErrNotFound.
func (s *Service) ForgetBrowser(ctx context.Context, by audit.Actor, userID, id string) error {
	return s.change(ctx, by, userID, audit.UserTrustedBrowserForgotten, map[string]string{"browser": id}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM trusted_browsers WHERE user_id = $1 AND id = $2`, userID, id)
		if err == nil && tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return err
	})
}
