package onboard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/mail"
)

// Verified is what proving an address did.
type Verified struct {
	User *auth.User
	// Project is the project whose API credentials it opened; nil for a
	// user who owns none held for them.
	Project *account.Account
	// Credit is the trial credit posted to Project; zero when the person
	// had theirs already (or there is no project to credit).
	Credit decimal.Decimal
}

// Verify proves an address with the token of a mailed link, by visitor
// by (signed in or not: the link may be opened on another device). The
// user becomes verified, the projects held for it answer the API again,
// and the person's one trial credit goes to the oldest of them, with its
// ledger entry and audit entry. It returns auth.ErrVerificationInvalid,
// auth.ErrVerificationUsed (the address is proved already) and
// auth.ErrVerificationExpired.
func (s *Service) Verify(ctx context.Context, by audit.Actor, token string) (*Verified, error) {
	var v Verified
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u, err := s.users.UseVerification(ctx, tx, token)
		if err != nil {
			return err
		}
		res, err := s.verified(ctx, tx, by, u)
		if err != nil {
			return err
		}
		v = *res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// CheckVerificationLink reports, changing nothing, whether the token of a
// mailed link would verify an address: nil, or the errors of Verify. The
// link's page asks for a click before Verify (mail scanners open links).
func (s *Service) CheckVerificationLink(ctx context.Context, token string) error {
	return s.users.CheckVerification(ctx, s.pool, token)
}

// Verified does, in tx, what proving their address does for u, by actor
// by, however it was proved: the team service calls it for an invitee
// verified by accepting an invitation mailed to their address.
func (s *Service) Verified(ctx context.Context, tx pgx.Tx, by audit.Actor, u *auth.User) error {
	_, err := s.verified(ctx, tx, by, u)
	return err
}

// verified opens the projects held for u's verification, records it, and
// posts the person's one trial credit to the oldest of them.
func (s *Service) verified(ctx context.Context, tx pgx.Tx, by audit.Actor, u *auth.User) (*Verified, error) {
	v := Verified{User: u}
	by.Kind, by.UserID = audit.ActorUser, u.ID
	held, err := account.ReleaseVerified(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	on := audit.On{Target: u.ID}
	if len(held) > 0 {
		v.Project = held[0]
		on.Project, on.Account = v.Project.SID, v.Project.SID
	}
	if err := audit.Record(ctx, tx, by, audit.UserEmailVerified, on, map[string]string{"email": u.Email}); err != nil {
		return nil, err
	}
	if v.Project == nil {
		return &v, nil
	}
	claimed, err := auth.ClaimTrial(ctx, tx, u.ID, s.users.Now())
	if err != nil || !claimed {
		return &v, err
	}
	v.Credit = billing.TrialCredit[v.Project.Currency]
	if err := billing.PostAt(ctx, tx, v.Project.SID, v.Project.SID, billing.KindCredit, "trial", v.Credit, "trial credit", s.users.Now()); err != nil {
		return nil, err
	}
	err = audit.Record(ctx, tx, by, audit.FundsTrialCredited, on, map[string]string{"amount": v.Credit.String(), "currency": v.Project.Currency})
	return &v, err
}

// ResendVerification mails the signed-in user by a new verification link
// (the earlier ones keep working until they expire). It returns
// auth.ErrAlreadyVerified, and auth.ErrThrottled past
// auth.MaxVerificationMailsPerHour links in an hour.
func (s *Service) ResendVerification(ctx context.Context, by audit.Actor) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u, err := s.users.ByID(ctx, tx, by.UserID)
		if err != nil {
			return err
		}
		if u.Verified() {
			return auth.ErrAlreadyVerified
		}
		if err := s.mailVerification(ctx, tx, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserVerificationMailed, audit.On{Target: u.ID}, map[string]string{"email": u.Email})
	})
}

// ChangeUnverifiedEmail corrects the address of the signed-in user by
// who has not proved it yet, and mails a link to the new one: the links
// to the old address stop working. An address another user has changes
// nothing but answers the same, its owner told that someone tried, so
// this form tells nobody which addresses have an account; it counts
// against the same hourly limit as a link. It returns auth.Problems for
// an email that is not one address, auth.ErrAlreadyVerified and
// auth.ErrThrottled.
func (s *Service) ChangeUnverifiedEmail(ctx context.Context, by audit.Actor, email string) error {
	var ps auth.Problems
	ps.Add(auth.FieldEmail, auth.EmailProblem(email))
	if err := ps.Err(); err != nil {
		return err
	}
	taken := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u, err := s.users.ByID(ctx, tx, by.UserID)
		if err != nil {
			return err
		}
		if u.Verified() {
			return auth.ErrAlreadyVerified
		}
		old := u.Email
		if err := s.users.SetEmail(ctx, tx, u.ID, email); errors.Is(err, auth.ErrEmailTaken) {
			taken = true
			return err
		} else if err != nil {
			return err
		}
		u.Email = auth.NormalizeEmail(email)
		if err := s.mailVerification(ctx, tx, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserEmailChanged, audit.On{Target: u.ID}, map[string]string{"from": old, "to": u.Email})
	})
	if !taken {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// A link for an address that is not the user's never works: it is
		// made only to count this attempt as a resend would count.
		if _, err := s.users.NewVerification(ctx, tx, by.UserID, email); err != nil {
			return err
		}
		return s.mailSignUpAttemptTx(ctx, tx, email, "")
	})
}

// mailVerification writes u's verification link and its mail in tx.
func (s *Service) mailVerification(ctx context.Context, tx pgx.Tx, u *auth.User) error {
	token, err := s.users.NewVerification(ctx, tx, u.ID, u.Email)
	if err != nil {
		return err
	}
	locale := mailLocale(u.Locale)
	link := s.BaseURL + "/verify/confirm?token=" + token
	_, err = mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
		Kind: "verification", To: u.Email, Locale: locale,
		Subject: i18n.Translate(locale, "mail.verification_subject"),
		Body:    i18n.Translate(locale, "mail.verification_body", u.FriendlyName, link),
	})
	return err
}

// mailSignUpAttempt tells the owner of email that someone tried to sign
// up with it, in their language (else locale, the visitor's).
func (s *Service) mailSignUpAttempt(ctx context.Context, email, locale string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.mailSignUpAttemptTx(ctx, tx, email, locale) })
}

func (s *Service) mailSignUpAttemptTx(ctx context.Context, tx pgx.Tx, email, locale string) error {
	u, err := s.users.ByEmail(ctx, tx, email)
	if errors.Is(err, auth.ErrNotFound) {
		return nil // gone meanwhile: nobody to tell
	}
	if err != nil {
		return err
	}
	if u.Locale != "" {
		locale = u.Locale
	}
	locale = mailLocale(locale)
	_, err = mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
		Kind: "signup_attempt", To: u.Email, Locale: locale,
		Subject: i18n.Translate(locale, "mail.signup_attempt_subject"),
		Body:    i18n.Translate(locale, "mail.signup_attempt_body", u.Email, s.BaseURL+"/signin", s.BaseURL+"/password/forgot"),
	})
	return err
}

// mailLocale is the language of a mail to someone who reads locale: the
// browser's choice ("") falls back to English.
func mailLocale(locale string) string {
	if i18n.Supported(locale) {
		return locale
	}
	return i18n.English
}
