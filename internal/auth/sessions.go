package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/database"
)

// SessionStore keeps the console's scs sessions in PostgreSQL, shared by
// every server process. A row is keyed by the SHA-256 of the session
// token, never the token itself, so whoever reads the table (a backup, a
// replica, a support query) holds no cookie that signs in. Each row also
// names the signed-in user, so one user's sessions can be found (listed,
// ended) without the tokens.
type SessionStore struct {
	pool *pgxpool.Pool
	// userOf reads the signed-in user's id out of encoded session data;
	// "" for a session nobody is signed in to.
	userOf func(data []byte) string
}

// NewSessionStore returns the store; userOf reads the user's id from a
// session's encoded data (the store does not know the codec or its keys).
func NewSessionStore(pool *pgxpool.Pool, userOf func(data []byte) string) *SessionStore {
	return &SessionStore{pool: pool, userOf: userOf}
}

// hashSessionToken is the stored form of a session token. The token is 32
// random bytes, so a plain hash is as unguessable as the token itself.
func hashSessionToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// FindCtx returns the data of a live session.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token_hash = $1 AND expiry > now()`, hashSessionToken(token)).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx writes a session's data and expiry.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, data, expiry) VALUES ($1, nullif($2, ''), $3, $4)
		ON CONFLICT (token_hash) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expiry = EXCLUDED.expiry`,
		hashSessionToken(token), s.userOf(b), b, expiry)
	return err
}

// DeleteCtx ends a session.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSessionToken(token))
	return err
}

// Find is FindCtx without a request; scs calls the Ctx methods.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a request.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a request.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// PruneSessions deletes expired sessions, once for all processes.
func PruneSessions(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, now)
	return tag.RowsAffected(), err
}
