// Package idempotency keeps the answers to the API's Idempotency-Key
// requests, our extension to Twilio's API: a client that retries a POST
// with the same key and parameters within TTL gets the first answer again,
// and the work is done once. Keys and requests are stored hashed; the
// answers, which may hold secrets (a new API key's, a subaccount's auth
// token), sealed with the server's key.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/database"
	"console/internal/seal"
)

// TTL is how long an answer is replayed; the cleanup job forgets it after.
const TTL = 24 * time.Hour

// Defaults of a Store's waits.
const (
	// DefaultWait bounds how long a retry waits for the first request.
	DefaultWait = time.Minute
	// Stale is how long a claim may stay unanswered before a retry takes
	// it over: its request died with its process.
	Stale = 10 * time.Minute
)

var (
	// ErrMismatch: the key was used with other parameters, or on another
	// endpoint.
	ErrMismatch = errors.New("idempotency: key used with different parameters")
	// ErrInFlight: the first request with the key is still running after
	// the Store's wait.
	ErrInFlight = errors.New("idempotency: the first request is still running")
)

// Answer is a stored HTTP answer.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// Store keeps the keys and their answers.
type Store struct {
	Pool *pgxpool.Pool
	// Box seals the answers' bodies.
	Box *seal.Box
	// Wait bounds how long Claim waits for a running first request; zero
	// is DefaultWait.
	Wait time.Duration
}

// Claim takes key for account (the scope of keys) and request (what makes
// a request the same: its method, path and parameters). It returns a nil
// Answer when the caller is the first: it does the work, then calls
// Finish. A retry gets the first request's Answer, waiting for it while it
// runs (no connection is held meanwhile); ErrMismatch when the request
// differs; ErrInFlight when the first still runs after the wait.
func (s *Store) Claim(ctx context.Context, account, key string, request []byte) (*Answer, error) {
	kh, rh := hash([]byte(key)), hash(request)
	wait := s.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	deadline := time.Now().Add(wait)
	pause := 5 * time.Millisecond
	for {
		// An expired answer, or a claim its request abandoned, frees the key.
		_, err := s.Pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE account_sid = $1 AND key_hash = $2
			AND (created_at < now() - $3::interval OR (status IS NULL AND created_at < now() - $4::interval))`,
			account, kh, TTL.String(), Stale.String())
		if err != nil {
			return nil, err
		}
		tag, err := s.Pool.Exec(ctx, `INSERT INTO idempotency_keys (account_sid, key_hash, request_hash) VALUES ($1, $2, $3)
			ON CONFLICT (account_sid, key_hash) DO NOTHING`, account, kh, rh)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 1 {
			return nil, nil
		}
		var stored, sealed []byte
		var status *int
		a := &Answer{}
		err = s.Pool.QueryRow(ctx, `SELECT request_hash, status, content_type, body FROM idempotency_keys WHERE account_sid = $1 AND key_hash = $2`,
			account, kh).Scan(&stored, &status, &a.ContentType, &sealed)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			continue // gone since: claim it
		case err != nil:
			return nil, err
		case !bytes.Equal(stored, rh):
			return nil, ErrMismatch
		case status != nil:
			a.Status = *status
			if a.Body, err = s.Box.Open(sealed, aad(account, kh)); err != nil {
				return nil, err
			}
			return a, nil
		case time.Now().After(deadline):
			return nil, ErrInFlight
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// Finish stores the answer to the request that claimed key, for its retries.
func (s *Store) Finish(ctx context.Context, account, key string, a Answer) error {
	kh := hash([]byte(key))
	_, err := s.Pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
		WHERE account_sid = $1 AND key_hash = $2 AND status IS NULL`, account, kh, a.Status, a.ContentType, s.Box.Seal(a.Body, aad(account, kh)))
	return err
}

// aad binds a sealed answer to its row: moved onto another, it does not open.
func aad(account string, keyHash []byte) []byte {
	return append([]byte("idempotency:"+account+":"), keyHash...)
}

// Release forgets the claim of a request that could not answer, so that a
// retry does the work.
func (s *Store) Release(ctx context.Context, account, key string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE account_sid = $1 AND key_hash = $2 AND status IS NULL`,
		account, hash([]byte(key)))
	return err
}

// Prune forgets the keys older than TTL at now, and returns how many.
func Prune(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-TTL))
	return tag.RowsAffected(), err
}

func hash(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
