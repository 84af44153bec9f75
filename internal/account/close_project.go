package account

import (
	"context"

	"console/internal/database"
)

// CloseProject closes project projectSID and every subaccount of it: no
// credential of theirs works again (closing is final). Their rows stay,
// with the usage, payments and receipts that name them.
func (s *Store) CloseProject(ctx context.Context, db database.DBTX, projectSID string) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET status = 'closed', updated_at = now() WHERE project_sid = $1 AND status <> 'closed'`, projectSID)
	return err
}
