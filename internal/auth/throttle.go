package auth

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/database"
)

// Sign-in throttling limits over a sliding hour. The per-account limit
// stops guessing one user's password (or second factor, or the password
// a signed-in session re-asks for); the per-IP limit stops one source
// spraying many accounts.
const (
	MaxFailuresPerAccount = 20
	MaxFailuresPerIP      = 100
	failureWindow         = time.Hour
)

// ErrThrottled is returned when an attempt is refused unchecked because
// its key reached its limit.
var ErrThrottled = errors.New("auth: too many attempts")

func emailKey(email string) string { return strings.ToLower(NormalizeEmail(email)) }

// reserve counts one password or code check against email and ip before
// it runs, or refuses it with ErrThrottled when either already has its
// limit of failures (and checks under way) in the window. Counting first,
// under a lock on each key, is what makes the limit hold for parallel
// attempts: checking then counting let all of 60 parallel guesses in.
// The returned id undoes the count (release) when the check succeeds or
// never ran.
func (s *Store) reserve(ctx context.Context, pool *pgxpool.Pool, email, ip string) (int64, error) {
	key := emailKey(email)
	var id int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockKeys(ctx, tx, "sign_in.email:"+key, "sign_in.ip:"+ip); err != nil {
			return err
		}
		now := s.Now()
		err := tx.QueryRow(ctx, `
			INSERT INTO sign_in_failures (email_key, ip, at)
			SELECT $1, $2, $3
			WHERE (SELECT count(*) FROM sign_in_failures WHERE email_key = $1 AND at > $4) < $5
			  AND (SELECT count(*) FROM sign_in_failures WHERE ip = $2 AND at > $4) < $6
			RETURNING id`,
			key, ip, now, now.Add(-failureWindow), MaxFailuresPerAccount, MaxFailuresPerIP).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrThrottled
		}
		return err
	})
	return id, err
}

// release uncounts a reserved attempt that succeeded or was never
// checked. It runs even when the request was cancelled meanwhile.
func (s *Store) release(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	_, err := pool.Exec(context.WithoutCancel(ctx), `DELETE FROM sign_in_failures WHERE id = $1`, id)
	return err
}

// lockKeys takes a transaction-scoped advisory lock on each key, in one
// order for every caller so that two transactions locking the same keys
// cannot deadlock. The statements after it in the transaction see every
// row committed by the lock's previous holder.
func lockKeys(ctx context.Context, tx pgx.Tx, keys ...string) error {
	ids := make([]int64, len(keys))
	for i, k := range keys {
		h := fnv.New64a()
		h.Write([]byte(k))
		ids[i] = int64(h.Sum64())
	}
	slices.Sort(ids)
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k`, ids)
	return err
}

// PruneFailures forgets failures older than the window.
func PruneFailures(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sign_in_failures WHERE at < $1`, now.Add(-failureWindow))
	return tag.RowsAffected(), err
}
