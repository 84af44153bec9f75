package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Errors of a re-check, by the field that was wrong.
var (
	ErrWrongPassword = errors.New("auth: wrong password")
)

// SignIn checks email and password for a sign-in from ip. It answers
// ErrNotFound for an unknown email and a wrong password alike, after the
// same work; ErrThrottled, unchecked, once the email or the IP has its
// limit of failures; ErrBusy when no hashing slot came free in time.
// A failure stays counted; a success or an unchecked attempt does not.
func (s *Store) SignIn(ctx context.Context, pool *pgxpool.Pool, email, password, ip string) (*User, error) {
	id, err := s.reserve(ctx, pool, email, ip)
	if err != nil {
		return nil, err
	}
	u, err := s.ByEmail(ctx, pool, email)
	encoded := dummyHash(s.hashCost())
	switch {
	case err == nil:
		encoded = u.passwordHash
	case !errors.Is(err, ErrNotFound):
		return nil, errors.Join(err, s.release(ctx, pool, id))
	}
	ok, err := s.verify(ctx, password, encoded)
	if err != nil {
		return nil, errors.Join(err, s.release(ctx, pool, id))
	}
	if !ok || u == nil {
		return nil, ErrNotFound
	}
	return u, s.release(ctx, pool, id)
}

// SecondFactor checks the TOTP code, or a recovery code, of u who passed
// the password step, counted against the same limits as the password. It
// returns how the user proved it ("totp" or "recovery_code"), ErrBadCode,
// or ErrThrottled unchecked.
func (s *Store) SecondFactor(ctx context.Context, pool *pgxpool.Pool, u *User, code, ip string) (string, error) {
	id, err := s.reserve(ctx, pool, u.Email, ip)
	if err != nil {
		return "", err
	}
	method := "totp"
	err = s.VerifyTOTP(ctx, pool, u.ID, code)
	if errors.Is(err, ErrBadCode) && len(strings.Join(strings.Fields(code), "")) != 6 {
		method = "recovery_code"
		err = s.UseRecoveryCode(ctx, pool, u.ID, code)
	}
	if errors.Is(err, ErrBadCode) {
		return "", err
	}
	if err != nil {
		return "", errors.Join(err, s.release(ctx, pool, id))
	}
	return method, s.release(ctx, pool, id)
}

// Factors is what a re-check inside a session asks for.
type Factors uint8

// The factors a re-check may ask for.
const (
	AskPassword Factors = 1 << iota
	AskCode
)

// StrongestFactor is what a sensitive action asks of u: the TOTP code
// when u has two-factor authentication, else the password.
func (u *User) StrongestFactor() Factors {
	if u.TOTPEnabled {
		return AskCode
	}
	return AskPassword
}

// Proof is what the user typed to re-prove who they are.
type Proof struct {
	Password string
	Code     string
}

// Recheck re-proves, inside a signed-in session, that u is at the
// keyboard before a sensitive action (regenerating the auth token,
// changing the email or password, turning 2FA off, closing a subaccount).
// It is counted against u's sign-in limits, so guesses made here and at
// the sign-in form share one budget. It returns ErrThrottled unchecked,
// ErrWrongPassword, ErrBadCode, or ErrBusy.
func (s *Store) Recheck(ctx context.Context, pool *pgxpool.Pool, u *User, ip string, ask Factors, p Proof) error {
	id, err := s.reserve(ctx, pool, u.Email, ip)
	if err != nil {
		return err
	}
	if ask&AskPassword != 0 {
		ok, err := s.verify(ctx, p.Password, u.passwordHash)
		if err != nil {
			return errors.Join(err, s.release(ctx, pool, id))
		}
		if !ok {
			return ErrWrongPassword
		}
	}
	if ask&AskCode != 0 {
		err := s.VerifyTOTP(ctx, pool, u.ID, p.Code)
		if errors.Is(err, ErrBadCode) {
			return err
		}
		if err != nil {
			return errors.Join(err, s.release(ctx, pool, id))
		}
	}
	return s.release(ctx, pool, id)
}
