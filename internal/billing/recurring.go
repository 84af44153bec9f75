package billing

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"console/internal/database"
	"console/internal/sid"
	"console/internal/usage"
)

// RecurringItem is a monthly charge, such as a phone number.
type RecurringItem struct {
	ID          string
	ProjectSID  string
	AccountSID  string
	Description string
	// UsageCategory, when set, records each month's charge as usage.
	UsageCategory string
	Amount        decimal.Decimal
	Anniversary   time.Time
	NextChargeAt  time.Time
	Active        bool
}

// NextAnniversary is the first monthly anniversary of start after t: the
// same day of the month, or the month's last day when it has fewer days.
func NextAnniversary(start, t time.Time) time.Time {
	for n := 1; ; n++ {
		y, m, _ := start.Date()
		first := time.Date(y, m+time.Month(n), 1, start.Hour(), start.Minute(), start.Second(), 0, start.Location())
		last := first.AddDate(0, 1, -1).Day()
		next := first.AddDate(0, 0, min(start.Day(), last)-1)
		if next.After(t) {
			return next
		}
	}
}

// AddRecurringItem records a monthly item whose first month was charged at start.
// A usage category, when given, records each renewal as usage of it.
func AddRecurringItem(ctx context.Context, db database.DBTX, projectSID, accountSID, description, usageCategory string, amount decimal.Decimal, start time.Time) (*RecurringItem, error) {
	it := &RecurringItem{ID: sid.New("RI"), ProjectSID: projectSID, AccountSID: accountSID, Description: description, UsageCategory: usageCategory,
		Amount: amount, Anniversary: start, NextChargeAt: NextAnniversary(start, start), Active: true}
	_, err := db.Exec(ctx, `INSERT INTO recurring_items (id, project_sid, account_sid, description, usage_category, amount, anniversary, next_charge_at)
		VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, $8)`, it.ID, projectSID, accountSID, description, usageCategory, amount.String(), start, it.NextChargeAt)
	return it, err
}

// StopRecurringItem ends an item; it is not charged again.
func StopRecurringItem(ctx context.Context, db database.DBTX, projectSID, id string) error {
	_, err := db.Exec(ctx, `UPDATE recurring_items SET active = false WHERE project_sid = $1 AND id = $2`, projectSID, id)
	return err
}

// RecurringItems lists the project's active items, the next due first.
func (s *Service) RecurringItems(ctx context.Context, projectSID string) ([]*RecurringItem, error) {
	return RecurringItems(ctx, s.Pool, projectSID)
}

// RecurringItems lists a project's active items.
func RecurringItems(ctx context.Context, db database.DBTX, projectSID string) ([]*RecurringItem, error) {
	rows, err := db.Query(ctx, `SELECT id, project_sid, account_sid, description, amount, anniversary, next_charge_at, active
		FROM recurring_items WHERE project_sid = $1 AND active ORDER BY next_charge_at, id`, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByNameLax[RecurringItem])
}

// RecurringArgs is the periodic job that charges due monthly items.
type RecurringArgs struct{}

// Kind names the job in River.
func (RecurringArgs) Kind() string { return "billing_recurring" }

// RecurringWorker charges each due item once per period: the ledger
// source names the item and the period, so running twice charges once.
type RecurringWorker struct {
	river.WorkerDefaults[RecurringArgs]
	Service *Service
}

// Work charges everything due now.
func (w *RecurringWorker) Work(ctx context.Context, _ *river.Job[RecurringArgs]) error {
	return w.Service.ChargeDueItems(ctx, w.Service.Now())
}

// ChargeDueItems charges every active item whose next charge is at or
// before now, each charge and its usage dated now.
func (s *Service) ChargeDueItems(ctx context.Context, now time.Time) error {
	return s.chargeDue(ctx, "", now)
}

// ChargeProjectDueItems is ChargeDueItems for one project's items: seeded
// history (the demo) charges a project's months as its clock passes them,
// without touching other projects.
func (s *Service) ChargeProjectDueItems(ctx context.Context, projectSID string, now time.Time) error {
	if projectSID == "" {
		return errors.New("billing: no project")
	}
	return s.chargeDue(ctx, projectSID, now)
}

// chargeDue charges the items due at now, of one project or ("") of all.
func (s *Service) chargeDue(ctx context.Context, projectSID string, now time.Time) error {
	rows, err := s.Pool.Query(ctx, `SELECT id, project_sid, account_sid, description, usage_category, amount, anniversary, next_charge_at
		FROM recurring_items WHERE active AND next_charge_at <= $1 AND ($2 = '' OR project_sid = $2) ORDER BY next_charge_at LIMIT 1000`, now, projectSID)
	if err != nil {
		return err
	}
	due, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[RecurringItem])
	if err != nil {
		return err
	}
	for _, it := range due {
		period := it.NextChargeAt
		err := s.Ledger.Debit(ctx, Debit{ProjectSID: it.ProjectSID, AccountSID: it.AccountSID, Kind: KindFee,
			Source: "recurring:" + it.ID + ":" + period.UTC().Format("2006-01-02"), Amount: it.Amount, Note: it.Description, At: now,
			Apply: func(ctx context.Context, tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE recurring_items SET next_charge_at = $3 WHERE project_sid = $1 AND id = $2`,
					it.ProjectSID, it.ID, NextAnniversary(it.Anniversary, period)); err != nil {
					return err
				}
				if it.UsageCategory == "" {
					return nil
				}
				return usage.Record(ctx, tx, usage.Event{ProjectSID: it.ProjectSID, AccountSID: it.AccountSID, Category: it.UsageCategory,
					Count: 1, Usage: decimal.NewFromInt(1), Price: it.Amount, Source: it.ID, At: now})
			}})
		switch {
		case errors.Is(err, ErrDuplicate):
			// Charged by an earlier run that died before moving the date: move it now.
			if _, err := s.Pool.Exec(ctx, `UPDATE recurring_items SET next_charge_at = $3 WHERE project_sid = $1 AND id = $2 AND next_charge_at = $4`,
				it.ProjectSID, it.ID, NextAnniversary(it.Anniversary, period), period); err != nil {
				return err
			}
		case errors.Is(err, ErrInsufficientFunds), errors.Is(err, ErrSuspended):
			// Left due: charged when funds return.
		case err != nil:
			return err
		}
	}
	return nil
}

// RecurringItemsByID returns a project's items with the given IDs, active
// or not, keyed by ID: what a page of numbers shows as each one's monthly price.
func RecurringItemsByID(ctx context.Context, db database.DBTX, projectSID string, ids []string) (map[string]*RecurringItem, error) {
	rows, err := db.Query(ctx, `SELECT id, project_sid, account_sid, description, usage_category, amount, anniversary, next_charge_at, active
		FROM recurring_items WHERE project_sid = $1 AND id = ANY($2)`, projectSID, ids)
	if err != nil {
		return nil, err
	}
	items, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[RecurringItem])
	if err != nil {
		return nil, err
	}
	out := make(map[string]*RecurringItem, len(items))
	for _, it := range items {
		out[it.ID] = it
	}
	return out, nil
}
