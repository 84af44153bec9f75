// Package auth owns users and how they prove who they are: argon2id
// passwords with bounded concurrent hashing, sign-in, re-check and
// sign-up throttling, TOTP with replay protection, recovery codes,
// trusted browsers and the session store.
package auth

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/seal"
	"console/internal/sid"
)

// Errors callers tell apart.
var (
	ErrNotFound   = errors.New("auth: user not found")
	ErrEmailTaken = errors.New("auth: email already registered")
)

// User is a person who signs in to the console.
type User struct {
	ID           string
	Email        string
	FriendlyName string
	Locale       string
	SessionEpoch int
	TOTPEnabled  bool
	LastSignIn   *time.Time
	CreatedAt    time.Time
	// VerifiedAt is when the user proved their address; nil while a
	// sign-up waits for it. Only "check your mail" is open to them then.
	VerifiedAt *time.Time
	// TrialGrantedAt is when the person's one trial credit was posted;
	// nil while none was (see ClaimTrial).
	TrialGrantedAt *time.Time
	passwordHash   string
}

// Verified reports whether u proved their address.
func (u *User) Verified() bool { return u.VerifiedAt != nil }

// TrialGranted reports whether u has had their one trial credit.
func (u *User) TrialGranted() bool { return u.TrialGrantedAt != nil }

// Store reads and writes users.
type Store struct {
	box *seal.Box
	// Now is the clock, replaceable in tests.
	Now func() time.Time
	// Hashing bounds the password hashing of every caller of the Store.
	Hashing *HashGate
	// HashCost is the cost of new password hashes; zero is DefaultHashCost.
	HashCost HashCost
	// SignUps are the sign-up limits ReserveSignUp applies.
	SignUps SignUpLimits
}

// Defaults of a new Store: one hashing slot per CPU the process may use,
// each caller waiting at most DefaultHashWait for one.
const DefaultHashWait = 2 * time.Second

// NewStore returns a Store sealing TOTP seeds with box.
func NewStore(box *seal.Box) *Store {
	return &Store{box: box, Now: time.Now, Hashing: NewHashGate(runtime.GOMAXPROCS(0), DefaultHashWait),
		SignUps: SignUpLimits{PerIP: DefaultSignUpsPerIP, PerDomain: DefaultSignUpsPerDomain}}
}

const userColumns = `id, email, friendly_name, locale, session_epoch, totp_enabled, last_sign_in_at, created_at, verified_at, trial_granted_at, password_hash`

func scanUser(row pgx.Row) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.FriendlyName, &u.Locale, &u.SessionEpoch, &u.TOTPEnabled, &u.LastSignIn, &u.CreatedAt, &u.VerifiedAt, &u.TrialGrantedAt, &u.passwordHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &u, err
}

// NormalizeEmail trims surrounding space; emails compare case-insensitively in the database.
func NormalizeEmail(email string) string { return strings.TrimSpace(email) }

// ValidEmail reports whether email is exactly one address as ParseEmail
// reads it, with no surrounding space.
func ValidEmail(email string) bool {
	addr, err := ParseEmail(email)
	return err == nil && addr == email
}

// Create inserts a user with password hashed. It holds a hashing slot
// inside the caller's transaction: the operator's CLI and tests use it;
// request paths hash first (HashNewPassword) and call CreateHashed.
func (s *Store) Create(ctx context.Context, db database.DBTX, email, name, password, locale string) (*User, error) {
	h, err := s.HashNewPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	return s.CreateHashed(ctx, db, email, name, h, locale)
}

// CreateHashed inserts a user with a password hashed by HashNewPassword.
func (s *Store) CreateHashed(ctx context.Context, db database.DBTX, email, name string, password PasswordHash, locale string) (*User, error) {
	return s.CreateHashedAt(ctx, db, email, name, password, locale, time.Time{})
}

// CreateHashedAt is CreateHashed with the user dated at; the zero time
// means now. Only seeded history (the demo) creates a user in the past.
// The user is verified: the operator, a fixture or an invitation vouches
// for the address.
func (s *Store) CreateHashedAt(ctx context.Context, db database.DBTX, email, name string, password PasswordHash, locale string, at time.Time) (*User, error) {
	return s.insert(ctx, db, email, name, password, locale, at, true)
}

// CreateUnverified is CreateHashed for a sign-up: the user has to prove
// their address (UseVerification) before the console lets them in.
func (s *Store) CreateUnverified(ctx context.Context, db database.DBTX, email, name string, password PasswordHash, locale string) (*User, error) {
	return s.insert(ctx, db, email, name, password, locale, time.Time{}, false)
}

func (s *Store) insert(ctx context.Context, db database.DBTX, email, name string, password PasswordHash, locale string, at time.Time, verified bool) (*User, error) {
	if password.encoded == "" {
		return nil, errors.New("auth: no password hash")
	}
	u, err := scanUser(db.QueryRow(ctx, `
		INSERT INTO users (id, email, friendly_name, password_hash, locale, created_at, updated_at, verified_at)
		VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), coalesce($6::timestamptz, now()),
		        CASE WHEN $7 THEN coalesce($6::timestamptz, now()) END) RETURNING `+userColumns,
		sid.New(sid.User), NormalizeEmail(email), name, password.encoded, locale, optionalTime(at), verified))
	if database.IsUniqueViolation(err, "users_email_key") {
		return nil, ErrEmailTaken
	}
	return u, err
}

// optionalTime is a timestamptz parameter: nil (the database's now()) for
// the zero time.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

const byIDSQL = `SELECT ` + userColumns + ` FROM users WHERE id = $1`

// ByID returns the user with id.
func (s *Store) ByID(ctx context.Context, db database.DBTX, id string) (*User, error) {
	return scanUser(db.QueryRow(ctx, byIDSQL, id))
}

// QueueByID adds the ByID lookup to a batch; *dst stays nil for an unknown id.
func (s *Store) QueueByID(b *pgx.Batch, id string, dst **User) {
	b.Queue(byIDSQL, id).QueryRow(func(row pgx.Row) error {
		u, err := scanUser(row)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		*dst = u
		return err
	})
}

// ByEmail returns the user with email, compared without case.
func (s *Store) ByEmail(ctx context.Context, db database.DBTX, email string) (*User, error) {
	return scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, NormalizeEmail(email)))
}

// SetFriendlyName renames the user.
func (s *Store) SetFriendlyName(ctx context.Context, db database.DBTX, id, name string) error {
	_, err := db.Exec(ctx, `UPDATE users SET friendly_name = $2, updated_at = now() WHERE id = $1`, id, name)
	return err
}

// SetEmail changes the user's email.
func (s *Store) SetEmail(ctx context.Context, db database.DBTX, id, email string) error {
	_, err := db.Exec(ctx, `UPDATE users SET email = $2, updated_at = now() WHERE id = $1`, id, NormalizeEmail(email))
	if database.IsUniqueViolation(err, "users_email_key") {
		return ErrEmailTaken
	}
	return err
}

// SetLocale records the user's language ("en", "ja", or "" for the browser's).
func (s *Store) SetLocale(ctx context.Context, db database.DBTX, id, locale string) error {
	_, err := db.Exec(ctx, `UPDATE users SET locale = $2, updated_at = now() WHERE id = $1`, id, locale)
	return err
}

// SetPassword replaces the password (hashed in the caller's transaction,
// as Create does) and bumps the session epoch; see SetPasswordHash.
func (s *Store) SetPassword(ctx context.Context, db database.DBTX, id, password string) (int, error) {
	h, err := s.HashNewPassword(ctx, password)
	if err != nil {
		return 0, err
	}
	return s.SetPasswordHash(ctx, db, id, h)
}

// SetPasswordHash replaces the password with one hashed by
// HashNewPassword and bumps the session epoch, which ends every session
// that carries the old one. It returns the new epoch.
func (s *Store) SetPasswordHash(ctx context.Context, db database.DBTX, id string, password PasswordHash) (int, error) {
	if password.encoded == "" {
		return 0, errors.New("auth: no password hash")
	}
	var epoch int
	err := db.QueryRow(ctx, `
		UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = now()
		WHERE id = $1 RETURNING session_epoch`, id, password.encoded).Scan(&epoch)
	if err != nil {
		return 0, err
	}
	_, err = db.Exec(ctx, `DELETE FROM trusted_browsers WHERE user_id = $1`, id)
	return epoch, err
}

// TouchSignIn records a completed sign-in.
func (s *Store) TouchSignIn(ctx context.Context, db database.DBTX, id string) error {
	_, err := db.Exec(ctx, `UPDATE users SET last_sign_in_at = now() WHERE id = $1`, id)
	return err
}
