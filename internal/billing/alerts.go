package billing

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/audit"
	"console/internal/database"
)

// AlertInput is a low-balance alert's threshold as a person typed it.
type AlertInput struct {
	// Threshold is read with ParseAmount in the project's currency.
	Threshold string
}

// Validate reports the threshold's problem for a project in currency.
func (in AlertInput) Validate(currency string) error {
	_, errs := in.parse(currency)
	return errs.err()
}

func (in AlertInput) parse(currency string) (decimal.Decimal, FieldErrors) {
	var errs FieldErrors
	th := parseAmount(&errs, FieldThreshold, in.Threshold, currency)
	return th, errs
}

// AddAlert adds a low-balance alert to the project, by by; it is armed
// unless the balance is already below it. Bad input is a FieldErrors.
func (s *Service) AddAlert(ctx context.Context, by audit.Actor, projectSID string, in AlertInput) error {
	return s.changeAlert(ctx, by, projectSID, in, addAlert, audit.FundsAlertAdded)
}

// RemoveAlert removes a low-balance alert of the project, by by.
func (s *Service) RemoveAlert(ctx context.Context, by audit.Actor, projectSID string, in AlertInput) error {
	return s.changeAlert(ctx, by, projectSID, in, removeAlert, audit.FundsAlertRemoved)
}

func (s *Service) changeAlert(ctx context.Context, by audit.Actor, projectSID string, in AlertInput,
	change func(context.Context, database.DBTX, string, decimal.Decimal) error, action string) error {
	bal, err := Balance(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	th, errs := in.parse(bal.Currency)
	if len(errs) > 0 {
		return errs
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := change(ctx, tx, projectSID, th); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, action, audit.On{Project: projectSID, Account: projectSID, Target: projectSID},
			map[string]string{"threshold": th.String()})
	})
}

// Alerts lists the project's low-balance alert thresholds, highest first.
func Alerts(ctx context.Context, db database.DBTX, projectSID string) ([]decimal.Decimal, error) {
	rows, err := db.Query(ctx, alertsSQL, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[decimal.Decimal])
}

const alertsSQL = `SELECT threshold FROM balance_alerts WHERE project_sid = $1 ORDER BY threshold DESC`

// addAlert adds a threshold; it is armed unless the balance is already below it.
func addAlert(ctx context.Context, db database.DBTX, projectSID string, threshold decimal.Decimal) error {
	_, err := db.Exec(ctx, `INSERT INTO balance_alerts (project_sid, threshold, fired_at)
		SELECT $1, $2::numeric, CASE WHEN b.amount < $2::numeric THEN now() END FROM balances b WHERE b.project_sid = $1
		ON CONFLICT (project_sid, threshold) DO NOTHING`, projectSID, threshold.String())
	return err
}

// removeAlert deletes a threshold.
func removeAlert(ctx context.Context, db database.DBTX, projectSID string, threshold decimal.Decimal) error {
	_, err := db.Exec(ctx, `DELETE FROM balance_alerts WHERE project_sid = $1 AND threshold = $2::numeric`, projectSID, threshold.String())
	return err
}
