package billing

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Mismatch is a project whose cached balance differs from its ledger.
type Mismatch struct {
	ProjectSID string
	Balance    decimal.Decimal
	LedgerSum  decimal.Decimal
}

// CheckLedger compares every cached balance with the sum of its entries.
// It is an operator's check across projects, never run on a request path.
func CheckLedger(ctx context.Context, db database.DBTX) ([]Mismatch, error) {
	rows, err := db.Query(ctx, `
		SELECT b.project_sid, b.amount, coalesce(l.total, 0)
		FROM balances b LEFT JOIN (SELECT project_sid, sum(amount) AS total FROM ledger_entries GROUP BY project_sid) l
		  ON l.project_sid = b.project_sid
		WHERE b.amount <> coalesce(l.total, 0) ORDER BY b.project_sid`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Mismatch, error) {
		var m Mismatch
		err := row.Scan(&m.ProjectSID, &m.Balance, &m.LedgerSum)
		return m, err
	})
}
