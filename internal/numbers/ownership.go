package numbers

import (
	"context"

	"console/internal/database"
)

// OwnedBy reports whether the account itself owns phone now. A number of
// a sibling subaccount, of the parent or of another project is not the
// account's: messages and calls go out From the account's own numbers.
func OwnedBy(ctx context.Context, db database.DBTX, projectSID, accountSID, phone string) (bool, error) {
	var owned bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM incoming_phone_numbers
		WHERE project_sid = $1 AND account_sid = $2 AND phone_number = $3 AND released_at IS NULL)`,
		projectSID, accountSID, phone).Scan(&owned)
	return owned, err
}
