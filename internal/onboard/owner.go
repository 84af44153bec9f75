// Package onboard creates a new customer: a user who owns a new project,
// with its balance opened, the trial credit posted and the default pins
// set, all in one transaction.
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
	// IP and Via are recorded in the audit log ("signup", "cli").
	IP, Via string
	// SignIn records the creation as the user's first sign-in (sign-up
	// signs them in at once).
	SignIn bool
	// At dates the user, the project, its trial credit, the membership
	// and the audit entry; zero
	// means now. Only seeded history (the demo) creates one in the past.
	At time.Time
}

// Result is what was created.
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
	// Hashed before the transaction, so no connection waits for a hashing
	// slot (auth.ErrBusy when none comes free in time).
	hash, err := users.HashNewPassword(ctx, o.Password)
	if err != nil {
		return nil, err
	}
	var res Result
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		u, err := users.CreateHashedAt(ctx, tx, o.Email, o.Name, hash, o.Locale, o.At)
		if err != nil {
			return err
		}
		p, token, err := accounts.CreateProject(ctx, tx, account.NewProject{FriendlyName: o.ProjectName, TimeZone: o.TimeZone, Currency: o.Currency,
			CreatedAt: o.At})
		if err != nil {
			return err
		}
		if err := team.AddAt(ctx, tx, p.SID, u.ID, team.RoleOwner, o.At); err != nil {
			return err
		}
		if err := billing.OpenBalance(ctx, tx, p.SID, p.Currency); err != nil {
			return err
		}
		if o.TrialCredit {
			if err := billing.PostAt(ctx, tx, p.SID, p.SID, billing.KindCredit, "trial", billing.TrialCredit[p.Currency], "trial credit", o.At); err != nil {
				return err
			}
		}
		if err := nav.PinDefaults(ctx, tx, u.ID); err != nil {
			return err
		}
		if o.SignIn {
			if err := users.TouchSignIn(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		res = Result{User: u, Project: p, AuthToken: token}
		return audit.Write(ctx, tx, audit.Entry{
			ProjectSID: p.SID, AccountSID: p.SID, ActorUserID: u.ID, Action: "user.signed_up", Target: u.ID, IP: o.IP,
			Details: map[string]string{"via": o.Via, "project": p.SID}, At: o.At,
		})
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}
