package nav

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/team"
)

// Frame is what every page of a signed-in user shows around its content:
// the user, their projects and pins, the project and the subaccount the
// session names, and the project's balance and suspension.
type Frame struct {
	User     *auth.User // nil for a user who no longer exists
	Projects []team.Project
	Pins     map[string]bool
	// Project and Sub are the project and subaccount asked for, nil when
	// unknown or not asked for; the caller checks the user may see them.
	Project, Sub *account.Account
	// Subs are the project's first open subaccounts by name, for the
	// project menu: MenuSubaccounts of them at most.
	Subs      []*account.Account
	Balance   billing.Money
	Suspended bool
}

// MenuSubaccounts is how many subaccounts a frame reads: one more than
// the project menu lists, which tells it to offer a search.
const MenuSubaccounts = 9

// Frames reads frames, each in one round trip to the database: this runs
// on every page.
type Frames struct {
	pool     *pgxpool.Pool
	users    *auth.Store
	accounts *account.Store
}

// NewFrames returns the reader of frames.
func NewFrames(pool *pgxpool.Pool, users *auth.Store, accounts *account.Store) *Frames {
	return &Frames{pool: pool, users: users, accounts: accounts}
}

// Load reads user userID's frame with project projectSID and its
// subaccount subSID ("" for none of either). more queues the page's own
// reads in the same round trip.
func (f *Frames) Load(ctx context.Context, userID, projectSID, subSID string, more func(b *pgx.Batch)) (*Frame, error) {
	fr := &Frame{}
	b := &pgx.Batch{}
	f.users.QueueByID(b, userID, &fr.User)
	team.QueueProjectsOf(b, userID, &fr.Projects)
	QueuePins(b, userID, &fr.Pins)
	if projectSID != "" {
		f.accounts.QueueGet(b, projectSID, projectSID, &fr.Project)
		billing.QueueState(b, projectSID, &fr.Balance, &fr.Suspended)
		f.accounts.QueueMenuSubaccounts(b, projectSID, MenuSubaccounts, &fr.Subs)
		if subSID != "" {
			f.accounts.QueueGet(b, projectSID, subSID, &fr.Sub)
		}
		if more != nil {
			more(b)
		}
	}
	if err := f.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return fr, nil
}

// Move points fr at project projectSID instead, with no subaccount: the
// project, its balance and its suspension. It returns account.ErrNotFound
// for an unknown project.
func (f *Frames) Move(ctx context.Context, fr *Frame, projectSID string) error {
	p, err := f.accounts.Get(ctx, f.pool, projectSID, projectSID)
	if err != nil {
		return err
	}
	var bal billing.Money
	var suspended bool
	var subs []*account.Account
	b := &pgx.Batch{}
	billing.QueueState(b, projectSID, &bal, &suspended)
	f.accounts.QueueMenuSubaccounts(b, projectSID, MenuSubaccounts, &subs)
	if err := f.pool.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	fr.Project, fr.Sub, fr.Subs, fr.Balance, fr.Suspended = p, nil, subs, bal, suspended
	return nil
}
