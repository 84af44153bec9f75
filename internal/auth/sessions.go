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
	// metaOf reads what the session list shows out of encoded session
	// data; its zero value for a session nobody is signed in to.
	metaOf func(data []byte) SessionMeta
}

// SessionMeta is what a session's data says of it, mirrored in its row so
// that a user's sessions can be listed without decoding them.
type SessionMeta struct {
	UserID     string // "" before sign-in
	ID         string // the session's random name, "" before sign-in
	UserAgent  string
	IP         string
	SignedInAt time.Time // zero when unknown
	LastSeenAt time.Time // zero when unknown
}

// NewSessionStore returns the store; metaOf reads the user's id and the
// listed details from a session's encoded data (the store does not know
// the codec or its keys).
func NewSessionStore(pool *pgxpool.Pool, metaOf func(data []byte) SessionMeta) *SessionStore {
	return &SessionStore{pool: pool, metaOf: metaOf}
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
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

// CommitCtx writes a session's data and expiry. A session ended from
// another browser is not written back by a request of its own that was
// still running: its row stays gone.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	m := s.metaOf(b)
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, data, expiry, id, user_agent, ip, signed_in_at, last_seen_at)
		SELECT $1, nullif($2, ''), $3, $4, nullif($5, ''), $6, $7, $8, $9
		WHERE NOT EXISTS (SELECT 1 FROM sessions_ended WHERE id = $5)
		ON CONFLICT (token_hash) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expiry = EXCLUDED.expiry,
			id = EXCLUDED.id, user_agent = EXCLUDED.user_agent, ip = EXCLUDED.ip,
			signed_in_at = EXCLUDED.signed_in_at, last_seen_at = EXCLUDED.last_seen_at`,
		hashSessionToken(token), m.UserID, b, expiry, m.ID, m.UserAgent, m.IP, nullTime(m.SignedInAt), nullTime(m.LastSeenAt))
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

// PruneSessions deletes expired sessions, and the memory of ended ones
// that would have expired by now, once for all processes.
func PruneSessions(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, now)
	if err != nil {
		return 0, err
	}
	_, err = db.Exec(ctx, `DELETE FROM sessions_ended WHERE expiry < $1`, now)
	return tag.RowsAffected(), err
}
