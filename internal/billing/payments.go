package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/sid"
	"console/internal/team"
)

// Payment kinds and statuses.
const (
	PaymentManual    = "manual"
	PaymentAuto      = "auto"
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentFailed    = "failed"
)

// Payment is one charge of a card.
type Payment struct {
	ID            string
	ProjectSID    string
	MethodID      string
	CardLabel     string
	Amount        decimal.Decimal
	Currency      string
	Kind          string
	Status        string
	FailureReason string
	CreatedAt     time.Time
	CompletedAt   *time.Time
}

// Money is the payment's amount with its currency.
func (p *Payment) Money() Money { return Money{Amount: p.Amount, Currency: p.Currency} }

// FundsLimits are the smallest and largest Add Funds amounts, per currency.
var FundsLimits = map[string][2]decimal.Decimal{
	"USD": {decimal.NewFromInt(10), decimal.NewFromInt(10000)},
	"JPY": {decimal.NewFromInt(1000), decimal.NewFromInt(1000000)},
}

// QuickAmounts are the amounts Add Funds offers beside its field, per
// currency: common top-ups, each within FundsLimits.
var QuickAmounts = map[string][]decimal.Decimal{
	"USD": {decimal.NewFromInt(20), decimal.NewFromInt(50), decimal.NewFromInt(100), decimal.NewFromInt(500)},
	"JPY": {decimal.NewFromInt(3000), decimal.NewFromInt(5000), decimal.NewFromInt(10000), decimal.NewFromInt(30000)},
}

// QuickAmount reports whether s is one of currency's quick amounts, as
// written in a link ("3000"), and returns it.
func QuickAmount(s, currency string) (decimal.Decimal, bool) {
	for _, q := range QuickAmounts[currency] {
		if q.String() == s {
			return q, true
		}
	}
	return decimal.Zero, false
}

const paymentColumns = `id, project_sid, coalesce(method_id, ''), card_label, amount, currency, kind, status, failure_reason, created_at, completed_at`

func scanPayment(row pgx.Row) (*Payment, error) {
	var p Payment
	err := row.Scan(&p.ID, &p.ProjectSID, &p.MethodID, &p.CardLabel, &p.Amount, &p.Currency, &p.Kind, &p.Status, &p.FailureReason, &p.CreatedAt, &p.CompletedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// GetPayment returns one of a project's payments.
func GetPayment(ctx context.Context, db database.DBTX, projectSID, id string) (*Payment, error) {
	return scanPayment(db.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE project_sid = $1 AND id = $2`, projectSID, id))
}

// Payments lists a project's payments in [from, to), newest first.
func Payments(ctx context.Context, db database.DBTX, projectSID string, from, to time.Time) ([]*Payment, error) {
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE project_sid = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at DESC, id`,
		projectSID, from, to)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Payment, error) { return scanPayment(row) })
}

// openPayment records a pending payment for requestKey, or returns the
// one already recorded for it (created=false): one payment per key, so a
// double submit or a retried request never charges twice. A settle job is
// enqueued with it, to finish the payment if this process dies midway.
func (s *Service) openPayment(ctx context.Context, m *Method, amount decimal.Decimal, currency, kind, requestKey string, rechargeID *int64, at time.Time) (*Payment, bool, error) {
	if amount.Sign() <= 0 || !WholeUnits(amount, currency) {
		// Every caller rounds first (ChargeAmount) or parses a typed
		// amount (ParseAmount); a fraction here is a bug, not a charge.
		return nil, false, fmt.Errorf("billing: %s %s is not a whole, positive amount to charge a card", amount, currency)
	}
	var p *Payment
	created := false
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		p, err = scanPayment(tx.QueryRow(ctx, `
			INSERT INTO payments (id, project_sid, method_id, card_label, amount, currency, kind, status, request_key, recharge_id, created_at)
			VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, 'pending', $8, $9, coalesce($10::timestamptz, now()))
			ON CONFLICT (project_sid, request_key) DO NOTHING RETURNING `+paymentColumns,
			sid.New("PY"), m.ProjectSID, m.ID, m.Label(), amount.String(), currency, kind, requestKey, rechargeID, optionalTime(at)))
		if errors.Is(err, ErrNotFound) {
			p, err = scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE project_sid = $1 AND request_key = $2`, m.ProjectSID, requestKey))
			return err
		}
		if err != nil {
			return err
		}
		created = true
		_, err = s.Jobs.InsertTx(ctx, tx, SettleArgs{PaymentID: p.ID, ProjectSID: p.ProjectSID}, &river.InsertOpts{ScheduledAt: s.Now().Add(settleDelay)})
		return err
	})
	return p, created, err
}

// settleDelay is how long a payment may stay pending before the settle
// job finishes it; long enough for the request that made it to do so.
const settleDelay = 20 * time.Second

// charge asks the gateway for a pending payment's money and records the
// answer, dated at (zero: now). Calling it again for the same payment is
// safe: the gateway answers the same key the same way, and only a pending
// payment changes.
func (s *Service) charge(ctx context.Context, p *Payment, token string, at time.Time) (*Payment, error) {
	// A payment opened before charges were rounded may hold a fraction:
	// the card is charged the amount rounded up, and the payment records,
	// and the balance is credited, exactly that.
	amount := ChargeAmount(p.Amount, p.Currency)
	res, err := s.Gateway.Charge(ctx, Charge{Token: token, Amount: amount, Currency: p.Currency, IdempotencyKey: p.ID})
	if err != nil {
		return nil, err
	}
	if s.PauseAfterCharge > 0 {
		time.Sleep(s.PauseAfterCharge)
	}
	var out *Payment
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		status, reason := PaymentSucceeded, ""
		if !res.Succeeded {
			status, reason = PaymentFailed, res.DeclineCode
		}
		updated, err := scanPayment(tx.QueryRow(ctx, `
			UPDATE payments SET status = $3, failure_reason = $4, gateway_charge = $5, amount = $6::numeric,
				completed_at = coalesce($7::timestamptz, now())
			WHERE project_sid = $1 AND id = $2 AND status = 'pending' RETURNING `+paymentColumns,
			p.ProjectSID, p.ID, status, reason, res.ID, amount.String(), optionalTime(at)))
		if errors.Is(err, ErrNotFound) {
			out, err = GetPayment(ctx, tx, p.ProjectSID, p.ID) // settled meanwhile
			return err
		}
		if err != nil {
			return err
		}
		out = updated
		if updated.Kind == PaymentAuto {
			// A manual payment is audited by TopUp with its actor; an
			// automatic one is the system's doing, audited all the same.
			action := audit.FundsAutoRechargeSucceeded
			if status != PaymentSucceeded {
				action = audit.FundsAutoRechargeFailed
			}
			if err := audit.Record(ctx, tx, audit.System(ctx), action, audit.On{Project: p.ProjectSID, Account: p.ProjectSID, Target: p.ID},
				map[string]string{"amount": updated.Amount.String(), "card": p.CardLabel, "reason": reason}); err != nil {
				return err
			}
		}
		if status != PaymentSucceeded {
			return nil
		}
		if err := s.creditAt(ctx, tx, p.ProjectSID, KindPayment, "payment:"+p.ID, updated.Amount, p.CardLabel, at); err != nil {
			return err
		}
		return s.mailReceipt(ctx, tx, updated)
	})
	return out, err
}

// AddFunds charges a card for amount once per requestKey and credits the
// balance on success. A decline returns the failed payment with its
// reason and changes no balance.
func (s *Service) AddFunds(ctx context.Context, m *Method, amount decimal.Decimal, currency, requestKey string) (*Payment, error) {
	return s.AddFundsAt(ctx, m, amount, currency, requestKey, time.Time{})
}

// AddFundsAt is AddFunds with the payment, its ledger credit and so its
// receipt dated at; the zero time means now. Only seeded history (the
// demo) pays in the past: the card is charged and the balance credited
// now all the same.
func (s *Service) AddFundsAt(ctx context.Context, m *Method, amount decimal.Decimal, currency, requestKey string, at time.Time) (*Payment, error) {
	p, created, err := s.openPayment(ctx, m, amount, currency, PaymentManual, requestKey, nil, at)
	if err != nil {
		return nil, err
	}
	if !created {
		return s.awaitSettled(ctx, p)
	}
	return s.charge(ctx, p, m.Token, at)
}

// awaitSettled waits briefly for a payment another request is making.
func (s *Service) awaitSettled(ctx context.Context, p *Payment) (*Payment, error) {
	deadline := s.Now().Add(10 * time.Second)
	for p.Status == PaymentPending && s.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		var err error
		if p, err = GetPayment(ctx, s.Pool, p.ProjectSID, p.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SettleArgs finishes a payment left pending.
type SettleArgs struct {
	PaymentID  string `json:"payment_id"`
	ProjectSID string `json:"project_sid"`
}

// Kind names the job in River.
func (SettleArgs) Kind() string { return "billing_settle_payment" }

// SettleWorker finishes pending payments: after a crash between the
// gateway's answer and its recording, the same idempotency key gets the
// same answer, and the credit is made once.
type SettleWorker struct {
	river.WorkerDefaults[SettleArgs]
	Service *Service
}

// Work settles one payment.
func (w *SettleWorker) Work(ctx context.Context, job *river.Job[SettleArgs]) error {
	p, err := GetPayment(ctx, w.Service.Pool, job.Args.ProjectSID, job.Args.PaymentID)
	if errors.Is(err, ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil || p.Status != PaymentPending {
		return err
	}
	var token string
	if err := w.Service.Pool.QueryRow(ctx, `SELECT gateway_token FROM payment_methods WHERE project_sid = $1 AND id = $2`, p.ProjectSID, p.MethodID).Scan(&token); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = w.Service.Pool.Exec(ctx, `UPDATE payments SET status = 'failed', failure_reason = 'card_removed', completed_at = now() WHERE id = $1 AND status = 'pending'`, p.ID)
		}
		return err
	}
	_, err = w.Service.charge(ctx, p, token, time.Time{})
	return err
}

// mailReceipt sends a succeeded payment's receipt link to the receipt email
// of the project's preferences, when one is set: in the language of the
// member with that address, else the Owner's, else the currency's, with
// the payment's time in the project's zone.
func (s *Service) mailReceipt(ctx context.Context, tx pgx.Tx, p *Payment) error {
	prefs, err := GetPreferences(ctx, tx, p.ProjectSID)
	if err != nil || prefs.ReceiptEmail == "" {
		return err
	}
	var project, zone string
	if err := tx.QueryRow(ctx, `SELECT friendly_name, time_zone FROM accounts WHERE sid = $1 AND project_sid = $1`, p.ProjectSID).Scan(&project, &zone); err != nil {
		return err
	}
	members, err := team.Members(ctx, tx, p.ProjectSID)
	if err != nil {
		return err
	}
	locale := currencyLanguage(p.Currency)
	if len(members) > 0 && members[0].Role == team.RoleOwner {
		locale = mail.Language(members[0].Locale, locale)
	}
	for _, m := range members {
		if strings.EqualFold(m.Email, prefs.ReceiptEmail) {
			locale = mail.Language(m.Locale, locale)
		}
	}
	paid := p.CreatedAt
	if p.CompletedAt != nil {
		paid = *p.CompletedAt
	}
	_, err = mail.Enqueue(ctx, tx, s.Jobs, mail.Message{ProjectSID: p.ProjectSID, Kind: "receipt", To: prefs.ReceiptEmail, Locale: locale,
		Subject: i18n.Translate(locale, "mail.receipt_subject", project, p.Money().FormatCharge()),
		Body: i18n.Translate(locale, "mail.receipt_body", p.Money().FormatCharge(), p.CardLabel, mail.Time(locale, zone, paid),
			s.BaseURL+"/billing/receipts/"+p.ID)})
	return err
}

// currencyLanguage is the language a project's mails fall back to when
// nobody's choice says otherwise: Japanese for a yen project.
func currencyLanguage(currency string) string {
	if currency == "JPY" {
		return i18n.Japanese
	}
	return i18n.English
}
