package account

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// menuSubaccountsSQL lists a project's open subaccounts by name, those
// whose name or SID holds $2 (any with ""), at most $3 of them.
const menuSubaccountsSQL = `SELECT ` + columns + ` FROM accounts
	WHERE project_sid = $1 AND parent_sid = $1 AND status <> 'closed'
	  AND ($2 = '' OR friendly_name ILIKE '%' || $2 || '%' ESCAPE '\' OR sid ILIKE '%' || $2 || '%' ESCAPE '\')
	ORDER BY lower(friendly_name), sid LIMIT $3`

// QueueMenuSubaccounts adds to a batch the first limit open subaccounts of
// project projectSID by name, for the project menu.
func (s *Store) QueueMenuSubaccounts(b *pgx.Batch, projectSID string, limit int, dst *[]*Account) {
	b.Queue(menuSubaccountsSQL, projectSID, "", limit).Query(func(rows pgx.Rows) error {
		var err error
		*dst, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Account, error) { return scanWith(row) })
		return err
	})
}

// SearchSubaccounts returns the open subaccounts of project projectSID
// whose name or SID contains q (case aside), by name, at most limit.
func (s *Store) SearchSubaccounts(ctx context.Context, db database.DBTX, projectSID, q string, limit int) ([]*Account, error) {
	rows, err := db.Query(ctx, menuSubaccountsSQL, projectSID, escapeLike(strings.TrimSpace(q)), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Account, error) { return scanWith(row) })
}

// escapeLike makes q match itself in a LIKE pattern.
func escapeLike(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}

// SearchSubaccounts returns the open subaccounts of project projectSID
// whose name or SID contains q, by name, at most limit: the project
// menu's search.
func (s *Service) SearchSubaccounts(ctx context.Context, projectSID, q string, limit int) ([]*Account, error) {
	return s.store.SearchSubaccounts(ctx, s.pool, projectSID, q, limit)
}
