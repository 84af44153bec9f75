package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/database"
)

// Session is one signed-in session of a user, as User Settings lists it.
type Session struct {
	ID         string // the session's random name, never its token or the token's hash
	UserAgent  string
	IP         string
	SignedInAt time.Time // zero when unknown
	LastSeenAt time.Time // zero when unknown
	Current    bool      // the session of the request that asked
}

// ListSessions returns the sessions of userID seen since activeSince
// (older ones have idled out and end at their next request), the one
// holding currentToken first, then the most recently seen.
func ListSessions(ctx context.Context, db database.DBTX, userID, currentToken string, now, activeSince time.Time) ([]Session, error) {
	rows, err := db.Query(ctx, `
		SELECT id, user_agent, ip, signed_in_at, last_seen_at, token_hash = $2
		FROM sessions
		WHERE user_id = $1 AND id IS NOT NULL AND expiry > $3 AND coalesce(last_seen_at, $4) >= $4
		ORDER BY token_hash = $2 DESC, last_seen_at DESC NULLS LAST, id`,
		userID, hashSessionToken(currentToken), now, activeSince)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Session, error) {
		var s Session
		var in, seen *time.Time
		err := row.Scan(&s.ID, &s.UserAgent, &s.IP, &in, &seen, &s.Current)
		if in != nil {
			s.SignedInAt = *in
		}
		if seen != nil {
			s.LastSeenAt = *seen
		}
		return s, err
	})
}

// endSessions deletes the sessions of userID that where (a condition on
// the row, with $2 its argument) picks and remembers their ids until they
// would have expired, so that a request of theirs still running does not
// write them back. It returns how many ended.
func endSessions(ctx context.Context, db database.DBTX, userID, where string, arg any) (int, error) {
	var n int
	err := db.QueryRow(ctx, `
		WITH gone AS (
			DELETE FROM sessions WHERE user_id = $1 AND `+where+` RETURNING id, expiry
		), remembered AS (
			INSERT INTO sessions_ended (id, expiry)
			SELECT id, max(expiry) FROM gone WHERE id IS NOT NULL GROUP BY id
			ON CONFLICT (id) DO UPDATE SET expiry = greatest(sessions_ended.expiry, EXCLUDED.expiry)
		)
		SELECT count(*) FROM gone`, userID, arg).Scan(&n)
	return n, err
}

// Sessions lists the live sessions of userID (see ListSessions).
func (s *Service) Sessions(ctx context.Context, userID, currentToken string, activeSince time.Time) ([]Session, error) {
	return ListSessions(ctx, s.pool, userID, currentToken, s.store.Now(), activeSince)
}

// EndSession signs out the session of userID named id: its browser is
// signed out at its next request, on any server. Another user's session,
// or one already ended, is ErrNotFound.
func (s *Service) EndSession(ctx context.Context, by audit.Actor, userID, id string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		n, err := endSessions(ctx, tx, userID, "id = $2", id)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, by, audit.UserSessionEnded, audit.On{Target: userID}, map[string]string{"session": id})
	})
}

// EndOtherSessions signs out every session of userID but the one holding
// currentToken, and returns how many ended.
func (s *Service) EndOtherSessions(ctx context.Context, by audit.Actor, userID, currentToken string) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if n, err = endSessions(ctx, tx, userID, "token_hash <> $2", hashSessionToken(currentToken)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserOtherSessionsEnded, audit.On{Target: userID},
			map[string]string{"count": strconv.Itoa(n)})
	})
	return n, err
}
