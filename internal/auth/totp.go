package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"console/internal/database"
)

// Issuer names the service in authenticator apps.
const Issuer = "Console"

const totpPeriod = 30

// ErrBadCode is returned for a wrong, expired or already used code.
var ErrBadCode = errors.New("auth: invalid code")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Enrolment is a TOTP key being set up: the text key to type and the QR image.
type Enrolment struct {
	Secret string // base32, as authenticator apps take it
	URL    string // otpauth:// URL
}

// Image renders the enrolment's QR code.
func (e *Enrolment) Image(size int) (image.Image, error) {
	k, err := otp.NewKeyFromURL(e.URL)
	if err != nil {
		return nil, err
	}
	return k.Image(size, size)
}

// BeginTOTP creates (or replaces) the unconfirmed seed of a user without 2FA.
func (s *Store) BeginTOTP(ctx context.Context, db database.DBTX, u *User) (*Enrolment, error) {
	if u.TOTPEnabled {
		return nil, errors.New("auth: two-factor authentication already on")
	}
	seed := make([]byte, 20)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	_, err := db.Exec(ctx, `UPDATE users SET totp_secret_enc = $2, totp_last_step = 0 WHERE id = $1 AND NOT totp_enabled`,
		u.ID, s.box.Seal(seed, []byte(u.ID)))
	if err != nil {
		return nil, err
	}
	return enrolment(u, seed)
}

// PendingTOTP returns the unconfirmed enrolment of u, if one was begun.
func (s *Store) PendingTOTP(ctx context.Context, db database.DBTX, u *User) (*Enrolment, error) {
	seed, err := s.seed(ctx, db, u.ID)
	if err != nil || seed == nil {
		return nil, err
	}
	return enrolment(u, seed)
}

func enrolment(u *User, seed []byte) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: u.Email, Secret: seed, Period: totpPeriod})
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

func (s *Store) seed(ctx context.Context, db database.DBTX, userID string) ([]byte, error) {
	var enc []byte
	if err := db.QueryRow(ctx, `SELECT totp_secret_enc FROM users WHERE id = $1`, userID).Scan(&enc); err != nil {
		return nil, err
	}
	if enc == nil {
		return nil, nil
	}
	return s.box.Open(enc, []byte(userID))
}

// ConfirmTOTP turns 2FA on when code matches the pending seed and returns
// ten fresh recovery codes, to be shown once.
func (s *Store) ConfirmTOTP(ctx context.Context, db database.DBTX, u *User, code string) ([]string, error) {
	if err := s.VerifyTOTP(ctx, db, u.ID, code); err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, `UPDATE users SET totp_enabled = true, updated_at = now() WHERE id = $1`, u.ID); err != nil {
		return nil, err
	}
	return s.newRecoveryCodes(ctx, db, u.ID)
}

// DisableTOTP turns 2FA off and forgets the seed, recovery codes and trusted browsers.
func (s *Store) DisableTOTP(ctx context.Context, db database.DBTX, userID string) error {
	_, err := db.Exec(ctx, `UPDATE users SET totp_enabled = false, totp_secret_enc = NULL, totp_last_step = 0, updated_at = now() WHERE id = $1`, userID)
	if err != nil {
		return err
	}
	if _, err = db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err = db.Exec(ctx, `DELETE FROM trusted_browsers WHERE user_id = $1`, userID)
	return err
}

// VerifyTOTP accepts a code for the current time step or one step either
// side, once: the matched step is recorded, and a code for that step or an
// earlier one is refused afterwards, even from another process.
func (s *Store) VerifyTOTP(ctx context.Context, db database.DBTX, userID, code string) error {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return ErrBadCode
	}
	seed, err := s.seed(ctx, db, userID)
	if err != nil {
		return err
	}
	if seed == nil {
		return ErrBadCode
	}
	secret := b32.EncodeToString(seed)
	now := s.Now().Unix() / totpPeriod
	for step := now - 1; step <= now+1; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		tag, err := db.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		return ErrBadCode // replayed
	}
	return ErrBadCode
}
