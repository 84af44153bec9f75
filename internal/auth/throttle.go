package auth

import (
	"context"
	"strings"
	"time"

	"console/internal/database"
)

// Sign-in throttling limits over a sliding hour. The per-account limit
// stops guessing one user's password; the per-IP limit stops one source
// spraying many accounts.
const (
	MaxFailuresPerAccount = 20
	MaxFailuresPerIP      = 100
	failureWindow         = time.Hour
)

func emailKey(email string) string { return strings.ToLower(NormalizeEmail(email)) }

// Throttled reports whether sign-in attempts for email or from ip must be
// refused for now.
func (s *Store) Throttled(ctx context.Context, db database.DBTX, email, ip string) (bool, error) {
	var byEmail, byIP int
	since := s.Now().Add(-failureWindow)
	err := db.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM sign_in_failures WHERE email_key = $1 AND at > $3),
		       (SELECT count(*) FROM sign_in_failures WHERE ip = $2 AND at > $3)`,
		emailKey(email), ip, since).Scan(&byEmail, &byIP)
	return byEmail >= MaxFailuresPerAccount || byIP >= MaxFailuresPerIP, err
}

// RecordFailure counts a failed sign-in against email and ip.
func (s *Store) RecordFailure(ctx context.Context, db database.DBTX, email, ip string) error {
	_, err := db.Exec(ctx, `INSERT INTO sign_in_failures (email_key, ip, at) VALUES ($1, $2, $3)`, emailKey(email), ip, s.Now())
	return err
}

// PruneFailures forgets failures older than the window.
func PruneFailures(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sign_in_failures WHERE at < $1`, now.Add(-failureWindow))
	return tag.RowsAffected(), err
}
