package auth

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/mail"
)

// ResetTwoFactor is the operator's recovery of a user who lost both the
// authenticator and the recovery codes: it removes the user's TOTP seed,
// recovery codes and trusted browsers, records it, and mails the user. It
// returns ErrNotFound for an unknown email. The operator has checked who
// is asking (see docs/security.md).
func (s *Service) ResetTwoFactor(ctx context.Context, by audit.Actor, email string) (*User, error) {
	var u *User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if u, err = s.store.ByEmail(ctx, tx, email); err != nil {
			return err
		}
		if err := s.store.DisableTOTP(ctx, tx, u.ID); err != nil {
			return err
		}
		loc := userLocale(u, i18n.English)
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
			Kind: "two_factor_reset", To: u.Email, Locale: loc,
			Subject: i18n.Translate(loc, "mail.two_factor_reset_subject"),
			Body:    i18n.Translate(loc, "mail.two_factor_reset_body", s.BaseURL+"/user/settings"),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserTwoFactorReset, audit.On{Target: u.ID}, map[string]string{"via": "cli"})
	})
	return u, err
}
