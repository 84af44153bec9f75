package billing

import (
	"context"

	"console/internal/database"
)

// StopRecurring ends every recurring charge of project projectSID: a
// closed project is charged nothing more.
func StopRecurring(ctx context.Context, db database.DBTX, projectSID string) error {
	_, err := db.Exec(ctx, `UPDATE recurring_items SET active = false WHERE project_sid = $1 AND active`, projectSID)
	return err
}
