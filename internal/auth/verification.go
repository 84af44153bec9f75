package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// VerificationTTL is how long a verification link works.
const VerificationTTL = 24 * time.Hour

// MaxVerificationMailsPerHour bounds the verification links mailed to one
// user over a sliding hour, the sign-up's own included: a resend button
// must not become a way to flood an inbox.
const MaxVerificationMailsPerHour = 5

// Errors of verification links. A link for an address the user no longer
// has is ErrVerificationInvalid, as an unknown one is.
var (
	ErrVerificationInvalid = errors.New("auth: verification link not valid")
	ErrVerificationExpired = errors.New("auth: verification link expired")
	ErrVerificationUsed    = errors.New("auth: verification link used")
	ErrAlreadyVerified     = errors.New("auth: address already verified")
)

// NewVerification makes a link for userID to prove email and returns its
// token, or ErrThrottled when the user has had MaxVerificationMailsPerHour
// links in the last hour. The count is taken under a lock on the user, so
// parallel resends cannot all pass; only the token's hash is stored.
func (s *Store) NewVerification(ctx context.Context, tx pgx.Tx, userID, email string) (string, error) {
	if err := lockKeys(ctx, tx, "verification.user:"+userID); err != nil {
		return "", err
	}
	now := s.Now()
	token := newLinkToken()
	tag, err := tx.Exec(ctx, `
		INSERT INTO email_verifications (user_id, email, token_hash, created_at, expires_at)
		SELECT $1, $2, $3, $4, $5
		WHERE (SELECT count(*) FROM email_verifications WHERE user_id = $1 AND created_at > $6) < $7`,
		userID, NormalizeEmail(email), hashLinkToken("verification", token), now, now.Add(VerificationTTL), now.Add(-time.Hour), MaxVerificationMailsPerHour)
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() == 0 {
		return "", ErrThrottled
	}
	return token, nil
}

// UseVerification spends the link token in tx and marks its user
// verified, with every other link of theirs spent too. It returns the
// user as verified, or ErrVerificationInvalid (unknown, or for an address
// the user has since changed), ErrVerificationUsed, ErrVerificationExpired.
// The link's row is locked, so two uses of one link cannot both succeed.
func (s *Store) UseVerification(ctx context.Context, tx pgx.Tx, token string) (*User, error) {
	u, err := s.verificationUser(ctx, tx, token, ` FOR UPDATE`)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if _, err := tx.Exec(ctx, `UPDATE email_verifications SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, u.ID, now); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET verified_at = $2, updated_at = now() WHERE id = $1`, u.ID, now); err != nil {
		return nil, err
	}
	u.VerifiedAt = &now
	return u, nil
}

// CheckVerification reports, changing nothing, what using the link token
// would answer: nil when it would verify its user, else the errors of
// UseVerification. Opening a link only looks (mail scanners open links).
func (s *Store) CheckVerification(ctx context.Context, db database.DBTX, token string) error {
	_, err := s.verificationUser(ctx, db, token, "")
	return err
}

// verificationUser returns the user whom token would verify now, reading
// its rows with lock appended to each query.
func (s *Store) verificationUser(ctx context.Context, db database.DBTX, token, lock string) (*User, error) {
	if token == "" {
		return nil, ErrVerificationInvalid
	}
	var userID, email string
	var expires time.Time
	var used *time.Time
	err := db.QueryRow(ctx, `SELECT user_id, email, expires_at, used_at FROM email_verifications WHERE token_hash = $1`+lock,
		hashLinkToken("verification", token)).Scan(&userID, &email, &expires, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrVerificationInvalid
	}
	if err != nil {
		return nil, err
	}
	u, err := scanUser(db.QueryRow(ctx, byIDSQL+lock, userID))
	if err != nil {
		return nil, err
	}
	switch {
	case !strings.EqualFold(u.Email, email):
		return nil, ErrVerificationInvalid
	case used != nil || u.Verified():
		return nil, ErrVerificationUsed
	case !s.Now().Before(expires):
		return nil, ErrVerificationExpired
	}
	return u, nil
}

// MarkVerified records that userID proved email, their address, by
// another way than a verification link (accepting an invitation mailed
// to it), and returns the user it verified: nil for a user verified
// already, who keeps their date, or whose address is not email.
func (s *Store) MarkVerified(ctx context.Context, db database.DBTX, userID, email string) (*User, error) {
	u, err := scanUser(db.QueryRow(ctx, `UPDATE users SET verified_at = $3 WHERE id = $1 AND verified_at IS NULL AND lower(email) = lower($2)
		RETURNING `+userColumns, userID, NormalizeEmail(email), s.Now()))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// ClaimTrial records that userID is given their one trial credit now and
// reports whether it was theirs to claim: false when they had it already.
// The database decides, so two claims at once grant one credit. A use
// case that posts a trial credit claims it in the same transaction.
func ClaimTrial(ctx context.Context, db database.DBTX, userID string, at time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE users SET trial_granted_at = $2 WHERE id = $1 AND trial_granted_at IS NULL`, userID, at)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// TrialGranted reports whether userID has had their trial credit.
func TrialGranted(ctx context.Context, db database.DBTX, userID string) (bool, error) {
	var granted bool
	err := db.QueryRow(ctx, `SELECT trial_granted_at IS NOT NULL FROM users WHERE id = $1`, userID).Scan(&granted)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, ErrNotFound
	}
	return granted, err
}

// PruneVerifications forgets links that expired more than a day before
// now: past that, "expired" and "not valid" say the same thing.
func PruneVerifications(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM email_verifications WHERE expires_at < $1`, now.Add(-24*time.Hour))
	return tag.RowsAffected(), err
}
