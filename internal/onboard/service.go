package onboard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
)

// Service holds the sign-ups: a new customer's, and an invitee's, and
// how a customer proves their address.
type Service struct {
	pool     *pgxpool.Pool
	users    *auth.Store
	accounts *account.Store
	team     *team.Service
	// Jobs writes the verification mails.
	Jobs mail.Inserter
	// BaseURL is the console's public URL, for the links in mails.
	BaseURL string
}

// NewService returns the service; invitees join through teams.
func NewService(pool *pgxpool.Pool, users *auth.Store, accounts *account.Store, teams *team.Service) *Service {
	return &Service{pool: pool, users: users, accounts: accounts, team: teams}
}

// SignUpInput is the sign-up form: who signs up and the project they open.
type SignUpInput struct {
	Name, Email, Password string
	ProjectName, Currency string
	// TimeZone is the project's IANA zone; empty takes the currency's
	// usual one for JPY (Asia/Tokyo), else the language's.
	TimeZone string
	// Locale is the language the visitor reads the console in: it becomes
	// theirs.
	Locale string
}

// Validate returns every problem with in: a name or project name empty
// or too long, an email that is not one address, a password outside the
// rules, a currency the console does not hold, a time zone Go does not
// know.
func (in SignUpInput) Validate() error {
	var ps auth.Problems
	ps.Add(auth.FieldName, auth.NameProblem(in.Name))
	ps.Add(auth.FieldEmail, auth.EmailProblem(in.Email))
	ps.Add(auth.FieldPassword, auth.PasswordProblem(in.Password))
	ps.Add(auth.FieldProjectName, auth.NameProblem(in.ProjectName))
	if !account.ValidCurrency(in.Currency) {
		ps.Add(auth.FieldCurrency, auth.ReasonInvalid)
	}
	if in.TimeZone != "" && !account.ValidTimeZone(in.TimeZone) {
		ps.Add(auth.FieldTimeZone, auth.ReasonInvalid)
	}
	return ps.Err()
}

// DefaultTimeZone is the zone a sign-up form offers first: Asia/Tokyo for
// a JPY project, else the language's usual zone from the catalog.
func DefaultTimeZone(currency, locale string) string {
	if currency == "JPY" {
		return "Asia/Tokyo"
	}
	return i18n.Translate(locale, "signup.default_time_zone")
}

// SignUp makes a new customer, by visitor by: the user, signed in but
// unverified, who owns a new project whose API credentials answer 401
// until the address is proved through the link mailed to it. The trial
// credit comes at verification (Verify).
//
// An email already registered makes nothing and answers as a sign-up
// does (a nil Result.User): its owner is mailed instead that someone
// tried, so the form tells nobody which addresses have an account. Every
// attempt counts against the limits, for the same reason; only a refused
// input does not. It returns auth.Problems for a bad input,
// auth.ErrThrottled when by's address or the email's domain has signed up
// too often, and auth.ErrBusy.
func (s *Service) SignUp(ctx context.Context, by audit.Actor, in SignUpInput) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone(in.Currency, in.Locale)
	}
	undo, err := s.users.ReserveSignUp(ctx, s.pool, by.IP, in.Email)
	if err != nil {
		return nil, err
	}
	res, err := CreateOwner(ctx, s.pool, s.users, s.accounts, Owner{
		Email: in.Email, Password: in.Password, Name: in.Name, Locale: in.Locale, ProjectName: in.ProjectName,
		Currency: in.Currency, TimeZone: in.TimeZone, Via: "signup", SignIn: true, By: by, unverified: true,
		mail: s.mailVerification,
	})
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		return &Result{}, s.mailSignUpAttempt(ctx, in.Email, in.Locale)
	case err != nil:
		undo() // no sign-up was made: it does not count
		return nil, err
	}
	return res, nil
}

// InvitedSignUpInput is the sign-up form of an invitee: the email is the
// invitation's.
type InvitedSignUpInput struct {
	Name, Password string
	// Locale is the language the invitee reads the console in.
	Locale string
}

// Validate returns every problem with in: a name empty or too long, a
// password outside the rules.
func (in InvitedSignUpInput) Validate() error {
	var ps auth.Problems
	ps.Add(auth.FieldName, auth.NameProblem(in.Name))
	ps.Add(auth.FieldPassword, auth.PasswordProblem(in.Password))
	return ps.Err()
}

// SignUpInvited makes the user inv invites, signed in, and makes them a
// member through inv, in one transaction, by visitor by. It returns
// auth.Problems for a bad input, auth.ErrBusy, auth.ErrEmailTaken (the
// invitee has signed up meanwhile), and what team.Service.Accept returns.
func (s *Service) SignUpInvited(ctx context.Context, by audit.Actor, inv *team.Invitation, in InvitedSignUpInput) (*auth.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// Hashed before the transaction, so no connection waits for a hashing slot.
	hash, err := s.users.HashNewPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var u *auth.User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		u, err = newUser(ctx, tx, s.users, by, user{Email: inv.Email, Name: in.Name, Locale: in.Locale, Hash: hash, SignIn: true},
			audit.On{Project: inv.ProjectSID}, map[string]string{"via": "invitation"})
		if err != nil {
			return err
		}
		by.Kind, by.UserID = audit.ActorUser, u.ID
		return s.team.Join(ctx, tx, by, inv)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
