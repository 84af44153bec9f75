package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/database"
)

// Default sign-up limits over a sliding hour. Five per IP lets an office
// behind one address sign up a few colleagues; twenty per email domain
// stops one catch-all domain minting projects from many addresses, at
// the cost of making a domain's sign-ups wait in a burst.
const (
	DefaultSignUpsPerIP     = 5
	DefaultSignUpsPerDomain = 20
	signUpWindow            = time.Hour
)

// SignUpLimits bounds sign-ups over a sliding hour; zero means no limit.
type SignUpLimits struct {
	PerIP     int
	PerDomain int
}

// EmailDomain is the part of email after its last @, lower-cased, which
// the per-domain sign-up limit counts.
func EmailDomain(email string) string {
	email = NormalizeEmail(email)
	return strings.TrimSuffix(strings.ToLower(email[strings.LastIndex(email, "@")+1:]), ".")
}

// ReserveSignUp counts a sign-up from ip for email against s.SignUps
// before any work is done for it, or refuses it with ErrThrottled. The
// count is taken under a lock on each key, so parallel sign-ups from one
// IP cannot all pass. The caller calls undo when the sign-up did not
// happen (a form error, an email already taken), so only sign-ups made
// and under way count.
func (s *Store) ReserveSignUp(ctx context.Context, pool *pgxpool.Pool, ip, email string) (undo func(), err error) {
	domain := EmailDomain(email)
	lim := s.SignUps
	var id int64
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockKeys(ctx, tx, "sign_up.ip:"+ip, "sign_up.domain:"+domain); err != nil {
			return err
		}
		now := s.Now()
		err := tx.QueryRow(ctx, `
			INSERT INTO sign_ups (ip, email_domain, at)
			SELECT $1, $2, $3
			WHERE ($5::int = 0 OR (SELECT count(*) FROM sign_ups WHERE ip = $1 AND at > $4) < $5)
			  AND ($6::int = 0 OR (SELECT count(*) FROM sign_ups WHERE email_domain = $2 AND at > $4) < $6)
			RETURNING id`,
			ip, domain, now, now.Add(-signUpWindow), lim.PerIP, lim.PerDomain).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrThrottled
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return func() {
		// Best effort: a sign-up left counted only makes the limit stricter.
		_, _ = pool.Exec(context.WithoutCancel(ctx), `DELETE FROM sign_ups WHERE id = $1`, id)
	}, nil
}

// PruneSignUps forgets sign-ups older than the window.
func PruneSignUps(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sign_ups WHERE at < $1`, now.Add(-signUpWindow))
	return tag.RowsAffected(), err
}
