package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/audit"
	"console/internal/mail"
)

// Service holds the users' use cases: signing in and out, re-proving who
// one is, and a user's own settings. Each method that changes something
// owns its transaction and writes its audit entry with the caller's
// actor; the store's throttles count every guess, whichever form it came
// from.
type Service struct {
	pool  *pgxpool.Pool
	store *Store
	// Jobs writes the mails of the use cases that send one (a reset
	// link, an email change's confirmation) in their transactions.
	Jobs mail.Inserter
	// BaseURL is the console's public URL, for the links in mails.
	BaseURL string
}

// NewService returns the service over store.
func NewService(pool *pgxpool.Pool, store *Store) *Service {
	return &Service{pool: pool, store: store}
}

// as is by acting as user u: a visitor who has just proved to be u, or
// who has just become u by signing up.
func as(by audit.Actor, userID string) audit.Actor {
	by.Kind, by.UserID = audit.ActorUser, userID
	return by
}

// User returns the user with id, or ErrNotFound.
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	return s.store.ByID(ctx, s.pool, id)
}

// Registered reports whether email belongs to a user.
func (s *Service) Registered(ctx context.Context, email string) (bool, error) {
	_, err := s.store.ByEmail(ctx, s.pool, email)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// SignIn checks email and password, by an anonymous visitor by (see
// Store.SignIn for the throttles and ErrBusy). A wrong email or password
// is ErrNotFound, recorded as a failed sign-in.
func (s *Service) SignIn(ctx context.Context, by audit.Actor, email, password string) (*User, error) {
	u, err := s.store.SignIn(ctx, s.pool, email, password, by.IP)
	if errors.Is(err, ErrNotFound) {
		if aerr := s.signInFailed(ctx, by, "", email, "password"); aerr != nil {
			return nil, aerr
		}
	}
	return u, err
}

// signInFailed records a failed sign-in step; the store counted it already.
func (s *Service) signInFailed(ctx context.Context, by audit.Actor, userID, email, step string) error {
	by.Kind, by.UserID = audit.ActorAnonymous, userID
	return audit.Record(ctx, s.pool, by, audit.UserSignInFailed, audit.On{Target: strings.ToLower(email)},
		map[string]string{"step": step})
}

// Trusted reports whether token is a browser u trusted for its second factor.
func (s *Service) Trusted(ctx context.Context, userID, token string) (bool, error) {
	return s.store.IsTrusted(ctx, s.pool, userID, token)
}

// SecondFactor checks the TOTP or recovery code of u, who passed the
// password step, and returns how u proved it (see Store.SecondFactor). A
// wrong code is ErrBadCode, recorded as a failed sign-in.
func (s *Service) SecondFactor(ctx context.Context, by audit.Actor, u *User, code string) (string, error) {
	method, err := s.store.SecondFactor(ctx, s.pool, u, code, by.IP)
	if errors.Is(err, ErrBadCode) {
		if aerr := s.signInFailed(ctx, by, u.ID, u.Email, "second_factor"); aerr != nil {
			return "", aerr
		}
	}
	return method, err
}

// TrustBrowser remembers a browser of u, which says it is userAgent, for
// TrustDuration and returns its token.
func (s *Service) TrustBrowser(ctx context.Context, userID, userAgent string) (string, error) {
	return s.store.TrustBrowser(ctx, s.pool, userID, userAgent)
}

// CompleteSignIn records that u signed in, with method ("password",
// "totp", "recovery_code").
func (s *Service) CompleteSignIn(ctx context.Context, by audit.Actor, u *User, method string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.store.TouchSignIn(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, as(by, u.ID), audit.UserSignedIn, audit.On{Target: u.ID}, map[string]string{"method": method})
	})
}

// SignOut records that the signed-in user by signed out.
func (s *Service) SignOut(ctx context.Context, by audit.Actor) error {
	return audit.Record(ctx, s.pool, by, audit.UserSignedOut, audit.On{Target: by.UserID}, nil)
}

// Recheck re-proves that u is at the keyboard before a sensitive action
// at path (see Store.Recheck). A wrong password or code is recorded as a
// failed re-check, with the factor that was wrong.
func (s *Service) Recheck(ctx context.Context, by audit.Actor, u *User, ask Factors, p Proof, path string) error {
	err := s.store.Recheck(ctx, s.pool, u, by.IP, ask, p)
	factor := ""
	switch {
	case errors.Is(err, ErrWrongPassword):
		factor = "password"
	case errors.Is(err, ErrBadCode):
		factor = "code"
	default:
		return err
	}
	if aerr := audit.Record(ctx, s.pool, as(by, u.ID), audit.UserReauthFailed, audit.On{Target: u.ID},
		map[string]string{"factor": factor, "path": path}); aerr != nil {
		return aerr
	}
	return err
}
