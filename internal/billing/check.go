package billing

import (
	"context"

	"console/internal/database"
)

// Mismatch is a project whose cached balance differs from its ledger.
type Mismatch struct {
	ProjectSID string
	Balance    string
	LedgerSum  string
}

// CheckLedger compares every cached balance with the sum of its entries.
// It is an operator's check across projects, never run on a request path.
func CheckLedger(ctx context.Context, db database.DBTX) ([]Mismatch, error) {
	rows, err := db.Query(ctx, `
		SELECT b.project_sid, b.amount::text, coalesce(l.total, 0)::text
		FROM balances b LEFT JOIN (SELECT project_sid, sum(amount) AS total FROM ledger_entries GROUP BY project_sid) l
		  ON l.project_sid = b.project_sid
		WHERE b.amount <> coalesce(l.total, 0) ORDER BY b.project_sid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mismatch
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.ProjectSID, &m.Balance, &m.LedgerSum); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
