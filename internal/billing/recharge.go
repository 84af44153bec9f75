package billing

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// AutoRecharge is a project's auto-recharge setting and state.
type AutoRecharge struct {
	Enabled   bool
	Threshold decimal.Decimal
	Target    decimal.Decimal
	// MonthlyCap bounds automatic charges per calendar month (UTC); nil: none.
	MonthlyCap          *decimal.Decimal
	ConsecutiveDeclines int
	PausedAt            *time.Time
}

// pauseAfterDeclines is how many failed recharges in a row pause auto-recharge.
const pauseAfterDeclines = 3

// GetAutoRecharge returns the setting; a project without one has it off.
func GetAutoRecharge(ctx context.Context, db database.DBTX, projectSID string) (AutoRecharge, error) {
	var ar AutoRecharge
	err := scanAutoRecharge(db.QueryRow(ctx, autoRechargeSQL, projectSID), &ar)
	return ar, err
}

// queueAutoRecharge queues GetAutoRecharge's lookup in b, into dst.
func queueAutoRecharge(b *pgx.Batch, projectSID string, dst *AutoRecharge) {
	b.Queue(autoRechargeSQL, projectSID).QueryRow(func(row pgx.Row) error { return scanAutoRecharge(row, dst) })
}

const autoRechargeSQL = `SELECT enabled, threshold, target, monthly_cap, consecutive_declines, paused_at
	FROM auto_recharge WHERE project_sid = $1`

func scanAutoRecharge(row pgx.Row, ar *AutoRecharge) error {
	err := row.Scan(&ar.Enabled, &ar.Threshold, &ar.Target, &ar.MonthlyCap, &ar.ConsecutiveDeclines, &ar.PausedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		*ar = AutoRecharge{}
		return nil
	}
	return err
}

// SetAutoRecharge saves the setting; saving it turns a paused
// auto-recharge back on and forgets past declines.
func SetAutoRecharge(ctx context.Context, db database.DBTX, projectSID string, ar AutoRecharge) error {
	var cp *string
	if ar.MonthlyCap != nil {
		c := ar.MonthlyCap.String()
		cp = &c
	}
	_, err := db.Exec(ctx, `
		INSERT INTO auto_recharge (project_sid, enabled, threshold, target, monthly_cap)
		VALUES ($1, $2, $3::numeric, $4::numeric, $5::numeric)
		ON CONFLICT (project_sid) DO UPDATE SET enabled = $2, threshold = $3::numeric, target = $4::numeric, monthly_cap = $5::numeric,
			consecutive_declines = 0, paused_at = NULL, updated_at = now()`,
		projectSID, ar.Enabled, ar.Threshold.String(), ar.Target.String(), cp)
	return err
}

// RechargeArgs is the job that makes one recharge.
type RechargeArgs struct {
	RechargeID int64  `json:"recharge_id"`
	ProjectSID string `json:"project_sid"`
}

// Kind names the job in River.
func (RechargeArgs) Kind() string { return "billing_recharge" }

// RechargeWorker charges the cards for an open recharge: the primary, then
// each backup in order, until one succeeds. Each card is charged through
// its own payment (one per recharge and card), so a retried job never
// charges a card twice.
type RechargeWorker struct {
	river.WorkerDefaults[RechargeArgs]
	Service *Service
}

// Work makes the recharge.
func (w *RechargeWorker) Work(ctx context.Context, job *river.Job[RechargeArgs]) error {
	return w.Service.recharge(ctx, job.Args.ProjectSID, job.Args.RechargeID)
}

func (s *Service) finishRecharge(ctx context.Context, db database.DBTX, id int64, status string) error {
	_, err := db.Exec(ctx, `UPDATE recharges SET status = $2, finished_at = now() WHERE id = $1 AND status = 'open'`, id, status)
	return err
}

func (s *Service) recharge(ctx context.Context, projectSID string, id int64) error {
	var status string
	if err := s.Pool.QueryRow(ctx, `SELECT status FROM recharges WHERE project_sid = $1 AND id = $2`, projectSID, id).Scan(&status); err != nil {
		return err
	}
	if status != "open" {
		return nil
	}
	ar, err := GetAutoRecharge(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	bal, err := Balance(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	if !ar.Enabled || ar.PausedAt != nil || !bal.Amount.LessThan(ar.Threshold) {
		return s.finishRecharge(ctx, s.Pool, id, "skipped")
	}
	// What brings the balance to the target, rounded up to what a card
	// can be charged: a balance of ¥182.08 under a target of ¥5,000 is
	// charged ¥4,818 (not ¥4,817.92) and ends at ¥5,000.08. The settings
	// keep it within the Add Funds limits: target − threshold is at least
	// the minimum, and the target at most the maximum.
	amount := ChargeAmount(ar.Target.Sub(bal.Amount), bal.Currency)
	if ar.MonthlyCap != nil {
		spent, err := s.autoSpentThisMonth(ctx, projectSID)
		if err != nil {
			return err
		}
		// What is left of the cap, in whole units: rounding down keeps
		// the month's charges within it.
		amount = decimal.Min(amount, ar.MonthlyCap.Sub(spent).RoundFloor(MinorUnits(bal.Currency)))
		if amount.Sign() <= 0 {
			return s.failRecharge(ctx, projectSID, id, "cap")
		}
	}
	methods, err := Methods(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	for _, m := range methods {
		p, created, err := s.openPayment(ctx, m, amount, bal.Currency, PaymentAuto, "recharge:"+strconv.FormatInt(id, 10)+":"+m.ID, &id, time.Time{})
		if err != nil {
			return err
		}
		if created || p.Status == PaymentPending {
			if p, err = s.charge(ctx, p, m.Token, time.Time{}); err != nil {
				return err
			}
		}
		if p.Status == PaymentSucceeded {
			return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE auto_recharge SET consecutive_declines = 0 WHERE project_sid = $1`, projectSID); err != nil {
					return err
				}
				return s.finishRecharge(ctx, tx, id, "succeeded")
			})
		}
	}
	return s.failRecharge(ctx, projectSID, id, "declined")
}

// failRecharge ends a recharge that charged nothing. Declines count
// towards the pause: the Owners and Billing Managers hear of the first
// one and of the pause after three. A recharge stopped by the monthly cap
// is no decline. Either way a project with nothing left is suspended.
func (s *Service) failRecharge(ctx context.Context, projectSID string, id int64, why string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := s.finishRecharge(ctx, tx, id, "failed"); err != nil {
			return err
		}
		if why == "declined" {
			var declines int
			if err := tx.QueryRow(ctx, `UPDATE auto_recharge SET consecutive_declines = consecutive_declines + 1,
				paused_at = CASE WHEN consecutive_declines + 1 >= $2 THEN now() ELSE paused_at END
				WHERE project_sid = $1 RETURNING consecutive_declines`, projectSID, pauseAfterDeclines).Scan(&declines); err != nil {
				return err
			}
			switch declines {
			case 1:
				if err := s.notify(ctx, tx, projectSID, "recharge_declined", "mail.recharge_declined_subject", "mail.recharge_declined_body"); err != nil {
					return err
				}
			case pauseAfterDeclines:
				if err := s.notify(ctx, tx, projectSID, "recharge_paused", "mail.recharge_paused_subject", "mail.recharge_paused_body"); err != nil {
					return err
				}
			}
		}
		var empty bool
		if err := tx.QueryRow(ctx, `SELECT amount <= 0 FROM balances WHERE project_sid = $1`, projectSID).Scan(&empty); err != nil {
			return err
		}
		if empty {
			return s.suspend(ctx, tx, projectSID)
		}
		return nil
	})
}

func (s *Service) autoSpentThisMonth(ctx context.Context, projectSID string) (decimal.Decimal, error) {
	var sum decimal.Decimal
	err := s.Pool.QueryRow(ctx, `SELECT coalesce(sum(amount), 0) FROM payments
		WHERE project_sid = $1 AND kind = 'auto' AND status = 'succeeded' AND created_at >= date_trunc('month', now())`, projectSID).Scan(&sum)
	return sum, err
}
