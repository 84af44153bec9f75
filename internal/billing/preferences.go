package billing

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Preferences are what receipts carry.
type Preferences struct {
	CompanyName        string
	Address            string
	RegistrationNumber string // Japan's qualified invoice registration number (T + 13 digits)
	ReceiptEmail       string
}

// GetPreferences returns the project's preferences, empty when never set.
func GetPreferences(ctx context.Context, db database.DBTX, projectSID string) (Preferences, error) {
	var p Preferences
	err := db.QueryRow(ctx, `SELECT company_name, address, registration_number, receipt_email FROM billing_preferences WHERE project_sid = $1`,
		projectSID).Scan(&p.CompanyName, &p.Address, &p.RegistrationNumber, &p.ReceiptEmail)
	if errors.Is(err, pgx.ErrNoRows) {
		return Preferences{}, nil
	}
	return p, err
}

// SetPreferences saves the project's preferences.
func SetPreferences(ctx context.Context, db database.DBTX, projectSID string, p Preferences) error {
	_, err := db.Exec(ctx, `
		INSERT INTO billing_preferences (project_sid, company_name, address, registration_number, receipt_email) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (project_sid) DO UPDATE SET company_name = $2, address = $3, registration_number = $4, receipt_email = $5, updated_at = now()`,
		projectSID, p.CompanyName, p.Address, p.RegistrationNumber, p.ReceiptEmail)
	return err
}

// Alerts lists the project's low-balance alert thresholds, highest first.
func Alerts(ctx context.Context, db database.DBTX, projectSID string) ([]decimal.Decimal, error) {
	rows, err := db.Query(ctx, `SELECT threshold::text FROM balance_alerts WHERE project_sid = $1 ORDER BY threshold DESC`, projectSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []decimal.Decimal
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, decimal.RequireFromString(s))
	}
	return out, rows.Err()
}

// AddAlert adds a threshold; it is armed unless the balance is already below it.
func AddAlert(ctx context.Context, db database.DBTX, projectSID string, threshold decimal.Decimal) error {
	_, err := db.Exec(ctx, `INSERT INTO balance_alerts (project_sid, threshold, fired_at)
		SELECT $1, $2::numeric, CASE WHEN b.amount < $2::numeric THEN now() END FROM balances b WHERE b.project_sid = $1
		ON CONFLICT (project_sid, threshold) DO NOTHING`, projectSID, threshold.String())
	return err
}

// RemoveAlert deletes a threshold.
func RemoveAlert(ctx context.Context, db database.DBTX, projectSID string, threshold decimal.Decimal) error {
	_, err := db.Exec(ctx, `DELETE FROM balance_alerts WHERE project_sid = $1 AND threshold = $2::numeric`, projectSID, threshold.String())
	return err
}
