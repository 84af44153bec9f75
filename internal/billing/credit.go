package billing

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/sid"
)

// CreditInput is an operator's credit (a support credit, a trial top-up)
// as typed on the command line.
type CreditInput struct {
	// AccountSID is the project's, or a subaccount's: its project is credited.
	AccountSID string
	// Amount is read with ParseAmount in the project's currency.
	Amount string
	// Note says why, for the ledger and the audit log.
	Note string
}

// Validate reports every problem of in for a project in currency: an
// Account SID, a note, and an amount as the console's forms read money
// ("1,500" is 1500, "15,00" is refused). With currency "" (the account
// is not known yet) only the amount's presence is checked.
func (in CreditInput) Validate(currency string) error {
	_, errs := in.parse(currency)
	return errs.err()
}

func (in CreditInput) parse(currency string) (Money, FieldErrors) {
	var errs FieldErrors
	m := Money{Currency: currency}
	if !sid.Valid(in.AccountSID, sid.Account) {
		errs.add(FieldAccount, ReasonInvalid)
	}
	switch {
	case strings.TrimSpace(in.Amount) == "":
		errs.add(FieldAmount, ReasonRequired)
	case currency != "":
		m.Amount = parseAmount(&errs, FieldAmount, in.Amount, currency)
	}
	if strings.TrimSpace(in.Note) == "" {
		errs.add(FieldNote, ReasonRequired)
	}
	return m, errs
}

// Credited is what an operator's credit did.
type Credited struct {
	ProjectSID string
	Amount     Money
	// Balance is the project's balance with the credit.
	Balance Money
}

// CreditByOperator credits the project of in.AccountSID with an
// adjustment, by by (the operator's command line: audit.System), and
// audits it as funds.credited. A credit that makes the balance positive
// lifts a suspension. Bad input is a FieldErrors, an unknown account
// ErrNotFound; neither changes anything.
func (s *Service) CreditByOperator(ctx context.Context, by audit.Actor, in CreditInput) (*Credited, error) {
	var projectSID, currency string
	if sid.Valid(in.AccountSID, sid.Account) {
		err := s.Pool.QueryRow(ctx, `SELECT project_sid, currency FROM accounts WHERE sid = $1`, in.AccountSID).Scan(&projectSID, &currency)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
	}
	amount, errs := in.parse(currency)
	if len(errs) > 0 {
		return nil, errs
	}
	out := &Credited{ProjectSID: projectSID, Amount: amount}
	source := "admin:" + sid.Hex32()
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := s.Credit(ctx, tx, projectSID, KindAdjustment, source, amount.Amount, in.Note); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, by, audit.FundsCredited, audit.On{Project: projectSID, Account: in.AccountSID, Target: source},
			map[string]string{"amount": amount.Amount.String(), "note": in.Note}); err != nil {
			return err
		}
		var err error
		out.Balance, err = Balance(ctx, tx, projectSID)
		out.Amount.Currency = out.Balance.Currency
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
