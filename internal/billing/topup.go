package billing

import (
	"context"
	"errors"

	"github.com/shopspring/decimal"

	"console/internal/audit"
)

// AddFundsInput is an Add Funds request as a person made it.
type AddFundsInput struct {
	// Amount is as typed, read with ParseAmount in the project's currency.
	Amount string
	// MethodID is the card to charge, one of the project's.
	MethodID string
	// Key is the form's idempotency key (32 characters): a double submit
	// of one form charges once.
	Key string
}

// keyLen is the length of an Add Funds form's idempotency key.
const keyLen = 32

// Validate reports every problem of in for a project in currency: the
// amount must be one ParseAmount reads and within FundsLimits, the key
// must be a form's. Whether the card exists is the service's to check.
func (in AddFundsInput) Validate(currency string) error {
	_, errs := in.parse(currency)
	return errs.err()
}

func (in AddFundsInput) parse(currency string) (decimal.Decimal, FieldErrors) {
	var errs FieldErrors
	amount := parseAmount(&errs, FieldAmount, in.Amount, currency)
	if limits := FundsLimits[currency]; len(errs) == 0 && (amount.LessThan(limits[0]) || amount.GreaterThan(limits[1])) {
		errs.add(FieldAmount, ReasonOutOfRange)
	}
	if len(in.Key) != keyLen {
		errs.add(FieldKey, ReasonInvalid)
	}
	if in.MethodID == "" {
		errs.add(FieldMethod, ReasonRequired)
	}
	return amount, errs
}

// TopUp is Add Funds: it charges one of the project's cards once per
// in.Key and credits the balance on success. A decline returns the failed
// payment with its reason and changes no balance. Bad input is a
// FieldErrors and charges nothing; a card that is not the project's is
// FieldMethod's problem. Every attempt is audited as funds.added by by,
// once the payment has its outcome.
func (s *Service) TopUp(ctx context.Context, by audit.Actor, projectSID string, in AddFundsInput) (*Payment, error) {
	bal, err := Balance(ctx, s.Pool, projectSID)
	if err != nil {
		return nil, err
	}
	amount, errs := in.parse(bal.Currency)
	var m *Method
	if in.MethodID != "" {
		m, err = GetMethod(ctx, s.Pool, projectSID, in.MethodID)
		if errors.Is(err, ErrNotFound) {
			errs.add(FieldMethod, ReasonRequired)
		} else if err != nil {
			return nil, err
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	pay, err := s.AddFunds(ctx, m, amount, bal.Currency, "form:"+in.Key)
	if err != nil {
		return nil, err
	}
	// The payment commits on its own (the gateway sits between its
	// opening and its outcome); its entry follows it.
	if err := audit.Record(ctx, s.Pool, by, audit.FundsAdded, audit.On{Project: projectSID, Account: projectSID, Target: pay.ID},
		map[string]string{"amount": amount.String(), "status": pay.Status, "card": m.Label()}); err != nil {
		return nil, err
	}
	return pay, nil
}
