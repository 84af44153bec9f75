package auth

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/i18n"
)

// ProfileInput is a user's name as they change it.
type ProfileInput struct {
	FriendlyName string
}

// Validate returns the problem with in: a name empty or longer than MaxNameLen.
func (in ProfileInput) Validate() error {
	var ps Problems
	ps.Add(FieldFriendlyName, NameProblem(in.FriendlyName))
	return ps.Err()
}

// EmailInput is a user's new email address.
type EmailInput struct {
	Email string
}

// Validate returns the problem with in: not exactly one address.
func (in EmailInput) Validate() error {
	var ps Problems
	ps.Add(FieldEmail, EmailProblem(in.Email))
	return ps.Err()
}

// PasswordInput is a user's new password.
type PasswordInput struct {
	New string
}

// Validate returns the problem with in: a password outside the rules.
func (in PasswordInput) Validate() error {
	var ps Problems
	ps.Add(FieldNewPassword, PasswordProblem(in.New))
	return ps.Err()
}

// change runs the change of user u's settings and its entry of action in
// one transaction.
func (s *Service) change(ctx context.Context, by audit.Actor, userID, action string, details map[string]string, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, action, audit.On{Target: userID}, details)
	})
}

// Rename changes user u's name. It returns Problems for a bad name.
func (s *Service) Rename(ctx context.Context, by audit.Actor, u *User, in ProfileInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return s.change(ctx, by, u.ID, audit.UserFriendlyNameChanged, nil, func(tx pgx.Tx) error {
		return s.store.SetFriendlyName(ctx, tx, u.ID, in.FriendlyName)
	})
}

// ChangePassword gives user u a new password and returns the new session
// epoch: every session of u carrying the old one ends, and every browser
// u trusted is forgotten. It returns Problems for a password outside the
// rules and ErrBusy when no hashing slot came free in time. The caller
// has re-checked u (Recheck).
func (s *Service) ChangePassword(ctx context.Context, by audit.Actor, u *User, in PasswordInput) (int, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	// Hashed before the transaction, so no connection waits for a hashing slot.
	hash, err := s.store.HashNewPassword(ctx, in.New)
	if err != nil {
		return 0, err
	}
	var epoch int
	err = s.change(ctx, by, u.ID, audit.UserPasswordChanged, nil, func(tx pgx.Tx) error {
		epoch, err = s.store.SetPasswordHash(ctx, tx, u.ID, hash)
		return err
	})
	return epoch, err
}

// SetLocale records user u's language: one the console speaks, or "" for the
// browser's. It returns Problems for another.
func (s *Service) SetLocale(ctx context.Context, by audit.Actor, userID, locale string) error {
	if locale != "" && !i18n.Supported(locale) {
		return Problems{{Field: FieldLocale, Reason: ReasonInvalid}}
	}
	return s.change(ctx, by, userID, audit.UserLanguageChanged, map[string]string{"locale": locale}, func(tx pgx.Tx) error {
		return s.store.SetLocale(ctx, tx, userID, locale)
	})
}

// RecoveryCodesLeft counts user u's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID string) (int, error) {
	return s.store.RecoveryCodesLeft(ctx, s.pool, userID)
}

// BeginTwoFactor starts (or restarts) u's TOTP enrolment: a new seed, not
// yet in use until ConfirmTwoFactor.
func (s *Service) BeginTwoFactor(ctx context.Context, u *User) (*Enrolment, error) {
	return s.store.BeginTOTP(ctx, s.pool, u)
}

// PendingTwoFactor returns u's enrolment begun and not confirmed, nil without one.
func (s *Service) PendingTwoFactor(ctx context.Context, u *User) (*Enrolment, error) {
	return s.store.PendingTOTP(ctx, s.pool, u)
}

// EnableTwoFactor turns u's 2FA on when code matches the pending seed and
// returns ten fresh recovery codes, to be shown once. A wrong code is ErrBadCode.
func (s *Service) EnableTwoFactor(ctx context.Context, by audit.Actor, u *User, code string) ([]string, error) {
	var codes []string
	err := s.change(ctx, by, u.ID, audit.UserTwoFactorEnabled, nil, func(tx pgx.Tx) error {
		var err error
		codes, err = s.store.ConfirmTOTP(ctx, tx, u, code)
		return err
	})
	return codes, err
}

// DisableTwoFactor turns u's 2FA off, forgetting the seed, the recovery
// codes and the trusted browsers. The caller has re-checked u (Recheck).
func (s *Service) DisableTwoFactor(ctx context.Context, by audit.Actor, u *User) error {
	return s.change(ctx, by, u.ID, audit.UserTwoFactorDisabled, nil, func(tx pgx.Tx) error {
		return s.store.DisableTOTP(ctx, tx, u.ID)
	})
}

// RegenerateRecoveryCodes replaces u's recovery codes with ten fresh ones,
// to be shown once; the old ones stop working in the same transaction.
// A user without 2FA has no codes to replace (ErrNotFound). The caller
// has re-checked u (Recheck).
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, by audit.Actor, u *User) ([]string, error) {
	if !u.TOTPEnabled {
		return nil, ErrNotFound
	}
	var codes []string
	err := s.change(ctx, by, u.ID, audit.UserRecoveryCodesRegenerated, nil, func(tx pgx.Tx) error {
		var err error
		codes, err = s.store.newRecoveryCodes(ctx, tx, u.ID)
		return err
	})
	return codes, err
}
