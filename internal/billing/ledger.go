// Package billing owns the money of a project: an append-only ledger and
// the cached balance that always equals the sum of its entries.
package billing

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Entry kinds.
const (
	KindCredit     = "credit"
	KindPayment    = "payment"
	KindUsage      = "usage"
	KindFee        = "fee"
	KindAdjustment = "adjustment"
)

// ErrDuplicate is returned when an entry's source was already recorded.
var ErrDuplicate = errors.New("billing: entry already recorded")

// Money is an exact amount in a currency.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// TrialCredit is what a new project receives at sign-up, per currency.
var TrialCredit = map[string]decimal.Decimal{
	"USD": decimal.RequireFromString("15.50"),
	"JPY": decimal.RequireFromString("2000"),
}

// OpenBalance creates the zero balance of a new project.
func OpenBalance(ctx context.Context, db database.DBTX, projectSID, currency string) error {
	_, err := db.Exec(ctx, `INSERT INTO balances (project_sid, currency) VALUES ($1, $2)`, projectSID, currency)
	return err
}

// Post appends an entry and moves the cached balance by amount in the same
// statement, so the two never disagree. It must run in the caller's
// transaction together with whatever caused the entry.
func Post(ctx context.Context, tx pgx.Tx, projectSID, accountSID, kind, source string, amount decimal.Decimal, note string) error {
	return PostAt(ctx, tx, projectSID, accountSID, kind, source, amount, note, time.Time{})
}

// PostAt is Post with the entry dated at; the zero time means now (the
// database's clock). Only seeded history (the demo) dates an entry in the
// past, with what it pays for; the balance moves now all the same.
func PostAt(ctx context.Context, tx pgx.Tx, projectSID, accountSID, kind, source string, amount decimal.Decimal, note string, at time.Time) error {
	tag, err := tx.Exec(ctx, `
		WITH e AS (
			INSERT INTO ledger_entries (project_sid, account_sid, kind, source, amount, note, created_at)
			VALUES ($1, $2, $3, $4, $5::numeric, $6, coalesce($7::timestamptz, now()))
			ON CONFLICT (project_sid, source) DO NOTHING
			RETURNING amount
		)
		UPDATE balances b SET amount = b.amount + e.amount, updated_at = now()
		FROM e WHERE b.project_sid = $1`,
		projectSID, accountSID, kind, source, amount.String(), note, optionalTime(at))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrDuplicate
	}
	return nil
}

// optionalTime is a timestamptz parameter: nil (the database's now()) for
// the zero time.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Balance returns the project's cached balance.
func Balance(ctx context.Context, db database.DBTX, projectSID string) (Money, error) {
	return scanBalance(db.QueryRow(ctx, balanceSQL, projectSID))
}

const balanceSQL = `SELECT amount, currency FROM balances WHERE project_sid = $1`

func scanBalance(row pgx.Row) (Money, error) {
	var m Money
	err := row.Scan(&m.Amount, &m.Currency)
	return m, err
}

// MonthStart is the first instant of t's month in loc.
func MonthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// trialSources are the entries a project holds before any money moves.
const trialSourcePrefix = "trial"

// MoneyMoved reports whether the project's ledger holds anything but its
// trial credit: once it does, the currency is fixed.
func MoneyMoved(ctx context.Context, db database.DBTX, projectSID string) (bool, error) {
	var moved bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE project_sid = $1 AND source NOT LIKE $2 || '%')`,
		projectSID, trialSourcePrefix).Scan(&moved)
	return moved, err
}

// ChangeCurrency re-denominates a project whose money has not moved: the
// balance takes the new currency and the trial credit is replaced by the
// new currency's, through an entry so that the ledger still sums to the
// balance. It locks the balance row; the caller checks MoneyMoved in the
// same transaction.
func ChangeCurrency(ctx context.Context, tx pgx.Tx, projectSID, currency string) error {
	var cur string
	var bal decimal.Decimal
	if err := tx.QueryRow(ctx, `SELECT currency, amount FROM balances WHERE project_sid = $1 FOR UPDATE`, projectSID).Scan(&cur, &bal); err != nil {
		return err
	}
	if cur == currency {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE balances SET currency = $2, updated_at = now() WHERE project_sid = $1`, projectSID, currency); err != nil {
		return err
	}
	if bal.IsZero() {
		return nil
	}
	// The trial credit in the old currency becomes the new currency's.
	target := TrialCredit[currency]
	return Post(ctx, tx, projectSID, projectSID, KindCredit, trialSourcePrefix+"-"+currency+"-"+time.Now().UTC().Format("20060102150405.000000"),
		target.Sub(bal), "trial credit re-denominated from "+cur+" to "+currency)
}
