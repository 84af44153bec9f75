// Package onboard creates new users: a customer who owns a new project,
// with its balance opened, the trial credit posted and the default pins
// set, or an invitee who joins a project through the invitation's link,
// each in one transaction. Both go through newUser, the one place a user
// is made.
package onboard

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/database"
	"console/internal/nav"
	"console/internal/team"
)

// Owner describes the user and project to create.
type Owner struct {
	Email, Password, Name string
	Locale                string
	ProjectName           string
	Currency, TimeZone    string
	// TrialCredit posts the currency's trial credit to the new balance.
	TrialCredit bool
	// Via is recorded in the audit log: how the user came ("signup", "cli").
	Via string
	// SignIn records the creation as the user's first sign-in (sign-up
	// signs them in at once).
	SignIn bool
	// By is who asked for the user, with their IP: the visitor signing
	// up; zero for the CLI and fixtures, which act as the system
	// (audit.ActorFrom). The entry is the new user's either way.
	By audit.Actor
	// At dates the user, the project, its trial credit and the
	// membership; zero means now. Only seeded history (the demo) creates
	// one in the past.
	At time.Time
	// unverified makes a sign-up's user, who proves their address before
	// the console lets them in, and holds the project's API credentials
	// until then. The operator's tools and fixtures make verified users.
	unverified bool
	// mail writes the new user's verification link in the transaction.
	mail func(ctx context.Context, tx pgx.Tx, u *auth.User) error
}

// Result is what was created. A sign-up with a registered address
// creates nothing: its Result is empty.
type Result struct {
	User      *auth.User
	Project   *account.Account
	AuthToken string
}

// Validation errors, by field.
var (
	ErrCurrency = errors.New("onboard: unsupported currency")
	ErrTimeZone = errors.New("onboard: unknown time zone")
)

// CreateOwner creates the user, the project and the Owner membership.
func CreateOwner(ctx context.Context, pool *pgxpool.Pool, users *auth.Store, accounts *account.Store, o Owner) (*Result, error) {
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if !account.ValidCurrency(o.Currency) {
		return nil, ErrCurrency
	}
	if !account.ValidTimeZone(o.TimeZone) {
		return nil, ErrTimeZone
	}
	by := o.By
	if by.Kind == "" {
		by = audit.ActorFrom(ctx)
	}
	// Hashed before the transaction, so no connection waits for a hashing
	// slot (auth.ErrBusy when none comes free in time).
	hash, err := users.HashNewPassword(ctx, o.Password)
	if err != nil {
		return nil, err
	}
	var res Result
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		p, token, err := openProject(ctx, tx, accounts, account.NewProject{FriendlyName: o.ProjectName, TimeZone: o.TimeZone, Currency: o.Currency,
			CreatedAt: o.At})
		if err != nil {
			return err
		}
		u, err := newUser(ctx, tx, users, by, user{Email: o.Email, Name: o.Name, Locale: o.Locale, Hash: hash, SignIn: o.SignIn, At: o.At,
			Unverified: o.unverified}, audit.On{Project: p.SID, Account: p.SID}, map[string]string{"via": o.Via, "project": p.SID})
		if err != nil {
			return err
		}
		if o.unverified {
			if err := account.HoldUntilVerified(ctx, tx, p.SID); err != nil {
				return err
			}
		}
		if o.mail != nil {
			if err := o.mail(ctx, tx, u); err != nil {
				return err
			}
		}
		if err := team.AddAt(ctx, tx, p.SID, u.ID, team.RoleOwner, o.At); err != nil {
			return err
		}
		if o.TrialCredit && !o.unverified {
			at := o.At
			if at.IsZero() {
				at = users.Now()
			}
			claimed, err := auth.ClaimTrial(ctx, tx, u.ID, at)
			if err != nil {
				return err
			}
			if !claimed {
				return errors.New("onboard: a new user had a trial credit already")
			}
			if err := billing.PostAt(ctx, tx, p.SID, p.SID, billing.KindCredit, "trial", billing.TrialCredit[p.Currency], "trial credit", o.At); err != nil {
				return err
			}
		}
		res = Result{User: u, Project: p, AuthToken: token}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// user is a user to make, their password already hashed.
type user struct {
	Email, Name, Locale string
	Hash                auth.PasswordHash
	// SignIn records the creation as the user's first sign-in.
	SignIn bool
	// At dates the user and their entry; zero means now.
	At time.Time
	// Unverified makes a user who has yet to prove their address.
	Unverified bool
}

// newUser makes user n in tx with the default pins, and records that they
// signed up, by actor by becoming the new user, in project on (its Target
// is the user) with details. It returns auth.ErrEmailTaken for an email
// another user has.
func newUser(ctx context.Context, tx pgx.Tx, users *auth.Store, by audit.Actor, n user, on audit.On, details map[string]string) (*auth.User, error) {
	create := users.CreateHashedAt
	if n.Unverified {
		create = func(ctx context.Context, db database.DBTX, email, name string, h auth.PasswordHash, locale string, _ time.Time) (*auth.User, error) {
			return users.CreateUnverified(ctx, db, email, name, h, locale)
		}
	}
	u, err := create(ctx, tx, n.Email, n.Name, n.Hash, n.Locale, n.At)
	if err != nil {
		return nil, err
	}
	if err := nav.PinDefaults(ctx, tx, u.ID); err != nil {
		return nil, err
	}
	if n.SignIn {
		if err := users.TouchSignIn(ctx, tx, u.ID); err != nil {
			return nil, err
		}
	}
	by.Kind, by.UserID = audit.ActorUser, u.ID
	on.Target, on.At = u.ID, n.At
	if err := audit.Record(ctx, tx, by, audit.UserSignedUp, on, details); err != nil {
		return nil, err
	}
	return u, nil
}
