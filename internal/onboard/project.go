package onboard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/team"
)

// FieldTimeZone is the project form's time zone field, in auth.Problems.
const FieldTimeZone = "time_zone"

// MaxOwnedProjects bounds the projects one person owns: creating one costs
// nothing, so without a bound a script could create them forever.
const MaxOwnedProjects = 20

// ErrTooManyProjects refuses a project beyond MaxOwnedProjects.
var ErrTooManyProjects = errors.New("onboard: too many projects owned")

// openProject creates project np with its balance opened: what every new
// project gets, whether it came with a sign-up or was created later. The
// caller makes someone its Owner in the same transaction.
func openProject(ctx context.Context, tx pgx.Tx, accounts *account.Store, np account.NewProject) (*account.Account, string, error) {
	p, token, err := accounts.CreateProject(ctx, tx, np)
	if err != nil {
		return nil, "", err
	}
	if err := billing.OpenBalance(ctx, tx, p.SID, p.Currency); err != nil {
		return nil, "", err
	}
	return p, token, nil
}

// ProjectInput is the "Create new project" form.
type ProjectInput struct {
	Name, Currency, TimeZone string
}

// Validate returns every problem with in: a name empty or too long, a
// currency the console does not hold, a time zone IANA does not know.
func (in ProjectInput) Validate() error {
	var ps auth.Problems
	ps.Add(auth.FieldProjectName, auth.NameProblem(in.Name))
	if !account.ValidCurrency(in.Currency) {
		ps.Add(auth.FieldCurrency, auth.ReasonInvalid)
	}
	if !account.ValidTimeZone(in.TimeZone) {
		ps.Add(FieldTimeZone, auth.ReasonInvalid)
	}
	return ps.Err()
}

// CreateProject opens a new project owned by user userID, by by (that
// user). It never grants a trial credit: that comes once per person, not
// per project. It returns auth.Problems for a bad input and
// ErrTooManyProjects when the user owns MaxOwnedProjects already.
func (s *Service) CreateProject(ctx context.Context, by audit.Actor, userID string, in ProjectInput) (*account.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *account.Account
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The user's row is the lock: two creations at once cannot both
		// pass the bound.
		if err := s.users.Lock(ctx, tx, userID); err != nil {
			return err
		}
		n, err := team.Owned(ctx, tx, userID)
		if err != nil {
			return err
		}
		if n >= MaxOwnedProjects {
			return ErrTooManyProjects
		}
		p, _, err = openProject(ctx, tx, s.accounts, account.NewProject{FriendlyName: in.Name, TimeZone: in.TimeZone, Currency: in.Currency})
		if err != nil {
			return err
		}
		if err := team.Add(ctx, tx, p.SID, userID, team.RoleOwner); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.ProjectCreated, audit.On{Project: p.SID, Account: p.SID, Target: p.SID},
			map[string]string{"friendly_name": p.FriendlyName, "currency": p.Currency, "time_zone": p.TimeZone})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
