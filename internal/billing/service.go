package billing

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
)

// Service is billing as the rest of the program uses it: debits through
// the combining Ledger, credits, payments through a Gateway, auto-recharge,
// alerts and suspension.
type Service struct {
	Pool    *pgxpool.Pool
	Ledger  *Ledger
	Gateway Gateway
	Jobs    mail.Inserter
	// BaseURL makes links in mails.
	BaseURL string
	// Issuer is the operator named on receipts and statements.
	Issuer Issuer
	// PauseAfterCharge, when set, holds a payment between the gateway's
	// answer and its recording: fault injection for the crash test only.
	PauseAfterCharge time.Duration
	Now              func() time.Time
}

// NewService returns the billing service with its ledger.
func NewService(pool *pgxpool.Pool, gw Gateway, jobs mail.Inserter, baseURL string) *Service {
	s := &Service{Pool: pool, Gateway: gw, Jobs: jobs, BaseURL: baseURL, Now: time.Now}
	s.Ledger = NewLedger(pool, s)
	return s
}

// rechargeCooldown keeps a failed recharge from being retried on every
// debit that follows it.
const rechargeCooldown = 10 * time.Minute

// AfterDebit runs in every debit transaction: it opens the one recharge a
// fall below the threshold calls for, fires low-balance alerts, and
// suspends a project that ran out with no recharge under way. What it
// reads goes in b, with the debit's writes: the project's balance row is
// held meanwhile.
func (s *Service) AfterDebit(b *pgx.Batch, st *BalanceState) func(ctx context.Context, tx pgx.Tx) error {
	var ar AutoRecharge
	var alertDue bool
	queueAutoRecharge(b, st.ProjectSID, &ar)
	// The balance is read from its row, not from st: b runs after the
	// debit's update of it, and st.After may be known only then.
	b.Queue(`SELECT EXISTS (SELECT 1 FROM balance_alerts WHERE project_sid = $1 AND fired_at IS NULL
		AND threshold > (SELECT amount FROM balances WHERE project_sid = $1))`,
		st.ProjectSID).QueryRow(func(row pgx.Row) error { return row.Scan(&alertDue) })
	return func(ctx context.Context, tx pgx.Tx) error { return s.afterDebit(ctx, tx, st, ar, alertDue) }
}

func (s *Service) afterDebit(ctx context.Context, tx pgx.Tx, st *BalanceState, ar AutoRecharge, alertDue bool) error {
	if ar.Enabled && ar.PausedAt == nil && st.After.LessThan(ar.Threshold) && (st.After.LessThan(st.Before) || st.Refused) {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO recharges (project_sid, status)
			SELECT $1, 'open' WHERE NOT EXISTS (
				SELECT 1 FROM recharges WHERE project_sid = $1 AND status = 'failed' AND finished_at > now() - $2::interval)
			ON CONFLICT (project_sid) WHERE status = 'open' DO NOTHING RETURNING id`,
			st.ProjectSID, rechargeCooldown.String()).Scan(&id)
		if err == nil {
			if _, err := s.Jobs.InsertTx(ctx, tx, RechargeArgs{RechargeID: id, ProjectSID: st.ProjectSID}, nil); err != nil {
				return err
			}
		} else if err != pgx.ErrNoRows {
			return err
		}
	}
	if alertDue && st.After.LessThan(st.Before) {
		if err := s.fireAlerts(ctx, tx, st); err != nil {
			return err
		}
	}
	if !st.Suspended && (st.After.IsZero() || st.Refused) {
		var open bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM recharges WHERE project_sid = $1 AND status = 'open')`, st.ProjectSID).Scan(&open); err != nil {
			return err
		}
		if !open {
			return s.suspend(ctx, tx, st.ProjectSID)
		}
	}
	return nil
}

// suspend suspends the project for lack of funds, audited, and mailed to
// those who can pay, when it changes.
func (s *Service) suspend(ctx context.Context, tx pgx.Tx, projectSID string) error {
	tag, err := tx.Exec(ctx, `UPDATE balances SET suspended_at = now() WHERE project_sid = $1 AND suspended_at IS NULL`, projectSID)
	if err != nil || tag.RowsAffected() == 0 {
		return err
	}
	if err := audit.Record(ctx, tx, audit.System(ctx), audit.ProjectSuspendedForFunds, audit.On{Project: projectSID, Account: projectSID, Target: projectSID}, nil); err != nil {
		return err
	}
	return s.notify(ctx, tx, projectSID, "suspended", "mail.suspended_subject", "mail.suspended_body")
}

// Suspended reports whether the project is suspended for lack of funds.
func Suspended(ctx context.Context, db database.DBTX, projectSID string) (bool, error) {
	var s bool
	err := db.QueryRow(ctx, suspendedSQL, projectSID).Scan(&s)
	return s, err
}

const suspendedSQL = `SELECT suspended_at IS NOT NULL FROM balances WHERE project_sid = $1`

// QueueState adds to a batch the lookup of the project's balance and
// whether it is suspended, which every console page shows.
func QueueState(b *pgx.Batch, projectSID string, bal *Money, suspended *bool) {
	b.Queue(`SELECT amount, currency, suspended_at IS NOT NULL FROM balances WHERE project_sid = $1`, projectSID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&bal.Amount, &bal.Currency, suspended)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
}

// Credit adds money (a payment, a support credit) in the caller's
// transaction. A balance that becomes positive lifts a suspension at
// once, and alerts above the new balance are re-armed.
func (s *Service) Credit(ctx context.Context, tx pgx.Tx, projectSID, kind, source string, amount decimal.Decimal, note string) error {
	return s.creditAt(ctx, tx, projectSID, kind, source, amount, note, time.Time{})
}

// creditAt is Credit with the entry dated at (zero: now).
func (s *Service) creditAt(ctx context.Context, tx pgx.Tx, projectSID, kind, source string, amount decimal.Decimal, note string, at time.Time) error {
	if err := PostAt(ctx, tx, projectSID, projectSID, kind, source, amount, note, at); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE balances SET suspended_at = NULL WHERE project_sid = $1 AND amount > 0 AND suspended_at IS NOT NULL`, projectSID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 1 {
		// The system lifts it, whoever paid: the payment has its own entry.
		if err := audit.Record(ctx, tx, audit.System(ctx), audit.ProjectSuspensionLifted, audit.On{Project: projectSID, Account: projectSID, Target: projectSID},
			map[string]string{"by": source}); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE balance_alerts a SET fired_at = NULL FROM balances b
		WHERE a.project_sid = $1 AND b.project_sid = $1 AND a.fired_at IS NOT NULL AND a.threshold <= b.amount`, projectSID)
	return err
}

// fireAlerts mails the low-balance alerts the balance just fell below.
func (s *Service) fireAlerts(ctx context.Context, tx pgx.Tx, st *BalanceState) error {
	rows, err := tx.Query(ctx, `UPDATE balance_alerts SET fired_at = now()
		WHERE project_sid = $1 AND fired_at IS NULL AND threshold > $2::numeric RETURNING threshold`, st.ProjectSID, st.After.String())
	if err != nil {
		return err
	}
	fired, err := pgx.CollectRows(rows, pgx.RowTo[decimal.Decimal])
	if err != nil {
		return err
	}
	for _, th := range fired {
		bal := Money{Amount: st.After, Currency: st.Currency}.Format()
		limit := Money{Amount: th, Currency: st.Currency}.Format()
		if err := s.notify(ctx, tx, st.ProjectSID, "low_balance", "mail.low_balance_subject", "mail.low_balance_body", limit, bal); err != nil {
			return err
		}
	}
	return nil
}

// notify mails the project's Owners and Billing Managers, each in their
// own language. The body's arguments are the project's name, the time
// (now, in the project's zone), then args.
func (s *Service) notify(ctx context.Context, tx pgx.Tx, projectSID, kind, subjectKey, bodyKey string, args ...any) error {
	members, err := team.Members(ctx, tx, projectSID)
	if err != nil {
		return err
	}
	var project, zone string
	if err := tx.QueryRow(ctx, `SELECT friendly_name, time_zone FROM accounts WHERE sid = $1 AND project_sid = $1`, projectSID).Scan(&project, &zone); err != nil {
		return err
	}
	now := s.Now()
	for _, m := range members {
		if m.Role != team.RoleOwner && m.Role != team.RoleBilling {
			continue
		}
		locale := mail.Language(m.Locale, "")
		body := i18n.Translate(locale, bodyKey, append([]any{project, mail.Time(locale, zone, now)}, args...)...) + "\n" + s.BaseURL + "/billing\n"
		if _, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{ProjectSID: projectSID, Kind: kind, To: m.Email, Locale: locale,
			Subject: i18n.Translate(locale, subjectKey, project), Body: body}); err != nil {
			return err
		}
	}
	return nil
}
