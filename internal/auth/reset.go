package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/sid"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// Reset request limits over a sliding hour. A few per address let a
// person retry a lost mail without letting anyone flood a mailbox; the
// per-IP limit stops one source probing or mailing many addresses.
const (
	MaxResetsPerAddress = 5
	MaxResetsPerIP      = 30
	resetWindow         = time.Hour
)

// Errors of a reset link, by why it no longer works.
var (
	ErrResetNotFound = errors.New("auth: reset link not found")
	ErrResetUsed     = errors.New("auth: reset link used")
	ErrResetExpired  = errors.New("auth: reset link expired")
)

// Reset is a password reset link as stored: never its token.
type Reset struct {
	ID        int64
	UserID    string
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// State is ErrResetUsed or ErrResetExpired when r no longer works at now.
func (r *Reset) State(now time.Time) error {
	switch {
	case r.UsedAt != nil:
		return ErrResetUsed
	case !now.Before(r.ExpiresAt):
		return ErrResetExpired
	}
	return nil
}

func hashLinkToken(purpose, token string) []byte {
	h := sha256.Sum256([]byte(purpose + ":" + token))
	return h[:]
}

// newLinkToken is a mailed link's secret: 256 random bits, so a plain
// hash of it is as unguessable as the token itself.
func newLinkToken() string { return sid.Hex32() + sid.Hex32() }

// reserveReset counts one reset request for email from ip, or refuses it
// with ErrThrottled, under a lock on each key as the sign-in throttle
// does, so parallel requests cannot all pass; then runs then in the same
// transaction. Requests stay counted: each may send a mail.
func (s *Store) reserveReset(ctx context.Context, pool *pgxpool.Pool, email, ip string, then func(pgx.Tx) error) error {
	key := emailKey(email)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockKeys(ctx, tx, "reset.email:"+key, "reset.ip:"+ip); err != nil {
			return err
		}
		now := s.Now()
		tag, err := tx.Exec(ctx, `
			INSERT INTO password_reset_requests (email_key, ip, at)
			SELECT $1, $2, $3
			WHERE (SELECT count(*) FROM password_reset_requests WHERE email_key = $1 AND at > $4) < $5
			  AND (SELECT count(*) FROM password_reset_requests WHERE ip = $2 AND at > $4) < $6`,
			key, ip, now, now.Add(-resetWindow), MaxResetsPerAddress, MaxResetsPerIP)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrThrottled
		}
		return then(tx)
	})
}

// PruneResets forgets reset requests older than the window and links
// expired for a day.
func PruneResets(ctx context.Context, db database.DBTX, now time.Time) (int64, error) {
	a, err := db.Exec(ctx, `DELETE FROM password_reset_requests WHERE at < $1`, now.Add(-resetWindow))
	if err != nil {
		return 0, err
	}
	b, err := db.Exec(ctx, `DELETE FROM password_resets WHERE expires_at < $1`, now.Add(-24*time.Hour))
	return a.RowsAffected() + b.RowsAffected(), err
}

func scanReset(row pgx.Row) (*Reset, error) {
	var r Reset
	err := row.Scan(&r.ID, &r.UserID, &r.ExpiresAt, &r.UsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrResetNotFound
	}
	return &r, err
}

// ResetByToken finds the reset link token belongs to, used or not, or
// ErrResetNotFound.
func (s *Service) ResetByToken(ctx context.Context, token string) (*Reset, error) {
	return scanReset(s.pool.QueryRow(ctx, `SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1`,
		hashLinkToken("reset", token)))
}

// ResetByID returns the reset link with id, or ErrResetNotFound.
func (s *Service) ResetByID(ctx context.Context, id int64) (*Reset, error) {
	return scanReset(s.pool.QueryRow(ctx, `SELECT id, user_id, expires_at, used_at FROM password_resets WHERE id = $1`, id))
}

// RequestPasswordReset has a reset link mailed to email when it belongs
// to a user, and nothing otherwise. Whether it does is decided by a job
// (ResetMailWorker), so the request does the same work, in the same time,
// for known and unknown addresses, and the caller answers the same. It
// returns Problems for what is not an address and ErrThrottled when the
// address or by's IP asked too often, counted alike for known and unknown
// addresses. The mail is in the user's language, else in locale.
func (s *Service) RequestPasswordReset(ctx context.Context, by audit.Actor, email, locale string) error {
	in := EmailInput{Email: NormalizeEmail(email)}
	if err := in.Validate(); err != nil {
		return err
	}
	return s.store.reserveReset(ctx, s.pool, in.Email, by.IP, func(tx pgx.Tx) error {
		_, err := s.Jobs.InsertTx(ctx, tx, ResetMailArgs{Email: in.Email, Locale: locale,
			IP: by.IP, UserAgent: by.UserAgent, RequestID: by.RequestID}, nil)
		return err
	})
}

// ResetMailArgs is the job that mails a reset link for a request: the
// address asked for and who asked, for the audit entry.
type ResetMailArgs struct {
	Email     string `json:"email"`
	Locale    string `json:"locale"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	RequestID string `json:"request_id"`
}

// Kind names the job in River.
func (ResetMailArgs) Kind() string { return "password_reset_mail" }

// ResetMailWorker mails the reset links requested. Run twice, it mails two
// links, each working once: harmless.
type ResetMailWorker struct {
	river.WorkerDefaults[ResetMailArgs]
	Service *Service
}

// Work mails the link when the address is a user's.
func (w *ResetMailWorker) Work(ctx context.Context, job *river.Job[ResetMailArgs]) error {
	a := job.Args
	by := audit.Actor{Kind: audit.ActorAnonymous, IP: a.IP, UserAgent: a.UserAgent, RequestID: a.RequestID}
	return w.Service.mailReset(ctx, by, a.Email, a.Locale)
}

// mailReset makes a reset link for the user of email, if any, and mails it.
func (s *Service) mailReset(ctx context.Context, by audit.Actor, email, locale string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u, err := s.store.ByEmail(ctx, tx, email)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		token, now := newLinkToken(), s.store.Now()
		expires := now.Add(ResetTTL)
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			u.ID, hashLinkToken("reset", token), now, expires); err != nil {
			return err
		}
		loc := userLocale(u, locale)
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
			Kind: "password_reset", To: u.Email, Locale: loc,
			Subject: i18n.Translate(loc, "mail.reset_subject"),
			Body:    i18n.Translate(loc, "mail.reset_body", s.BaseURL+"/password/reset?token="+token, mailTime(expires)),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserPasswordResetRequested, audit.On{Target: u.ID}, nil)
	})
}

// ResetPassword gives the user of reset link id a new password, once: the
// link and every other open link of the user stop working, every session
// of the user ends (the epoch and the sessions' rows), every trusted
// browser is forgotten, and the user is mailed that the password changed.
// It returns the user with the new epoch; ErrResetNotFound, ErrResetUsed
// or ErrResetExpired for a link that does not work; Problems for a
// password outside the rules; ErrBusy when no hashing slot came free.
// The mail is in the user's language, else in locale.
func (s *Service) ResetPassword(ctx context.Context, by audit.Actor, id int64, in PasswordInput, locale string) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// A link already spent or expired is told before any hashing.
	r, err := s.ResetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.State(s.store.Now()); err != nil {
		return nil, err
	}
	hash, err := s.store.HashNewPassword(ctx, in.New)
	if err != nil {
		return nil, err
	}
	var u *User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := scanReset(tx.QueryRow(ctx, `SELECT id, user_id, expires_at, used_at FROM password_resets WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		now := s.store.Now()
		if err := r.State(now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, r.UserID, now); err != nil {
			return err
		}
		if _, err := s.store.SetPasswordHash(ctx, tx, r.UserID, hash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, r.UserID); err != nil {
			return err
		}
		if u, err = s.store.ByID(ctx, tx, r.UserID); err != nil {
			return err
		}
		if err := s.mailPasswordChanged(ctx, tx, u, locale); err != nil {
			return err
		}
		return audit.Record(ctx, tx, as(by, u.ID), audit.UserPasswordReset, audit.On{Target: u.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// mailPasswordChanged tells u that their password changed, with the way
// back in should it not have been them.
func (s *Service) mailPasswordChanged(ctx context.Context, tx pgx.Tx, u *User, locale string) error {
	loc := userLocale(u, locale)
	_, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
		Kind: "password_changed", To: u.Email, Locale: loc,
		Subject: i18n.Translate(loc, "mail.password_changed_subject"),
		Body:    i18n.Translate(loc, "mail.password_changed_body", s.BaseURL+"/password/forgot"),
	})
	return err
}

// userLocale is the language of u's mails: theirs, else fallback.
func userLocale(u *User, fallback string) string {
	if u.Locale != "" {
		return u.Locale
	}
	if fallback == "" {
		return i18n.English
	}
	return fallback
}

// mailTime is a time as mails print it.
func mailTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
