package billing

import (
	"errors"
	"strings"

	"github.com/shopspring/decimal"
)

// FieldError says which field of an input is wrong and why. Field is one
// of the Field… constants, Reason one of the Reason… constants; the
// console turns the pair into a message next to the field.
type FieldError struct {
	Field  string
	Reason string
}

func (e FieldError) Error() string { return "billing: " + e.Field + ": " + e.Reason }

// FieldErrors is every problem of one input, at most one per field, in the
// order of the form's fields: a person fixes them all at once.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Reason
	}
	return "billing: " + strings.Join(parts, ", ")
}

// Reason is why field is wrong, "" when it is not named.
func (e FieldErrors) Reason(field string) string {
	for _, f := range e {
		if f.Field == field {
			return f.Reason
		}
	}
	return ""
}

// add records field's problem unless it has one already.
func (e *FieldErrors) add(field, reason string) {
	if e.Reason(field) == "" {
		*e = append(*e, FieldError{field, reason})
	}
}

// err is e as an error: nil when there is no problem.
func (e FieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Fields a FieldError names: the form fields they come from.
const (
	FieldAmount    = "amount"
	FieldMethod    = "method"
	FieldKey       = "key"
	FieldThreshold = "threshold"
	FieldTarget    = "target"
	FieldCap       = "cap"

	FieldHolder = "holder"
	FieldNumber = "number"
	FieldExpiry = "expiry"
	FieldCVC    = "cvc"

	FieldCompanyName        = "company_name"
	FieldAddress            = "address"
	FieldRegistrationNumber = "registration_number"
	FieldReceiptEmail       = "receipt_email"

	FieldAccount = "account"
	FieldNote    = "note"
)

// Reasons a FieldError gives.
const (
	// ReasonRequired: nothing given where something must be (a card to
	// charge, a holder's name, a note).
	ReasonRequired = "required"
	// ReasonInvalid: not a value of the field's kind (an amount that is
	// not a number, a card number failing its check, a malformed email).
	ReasonInvalid = "invalid"
	// ReasonGrouping: an amount's comma does not separate thousands ("10,50").
	ReasonGrouping = "grouping"
	// ReasonPrecision: an amount has more decimals than its currency.
	ReasonPrecision = "precision"
	// ReasonNotPositive: an amount of zero.
	ReasonNotPositive = "not_positive"
	// ReasonOutOfRange: an amount outside what Add Funds takes, or too
	// large to be any amount.
	ReasonOutOfRange = "out_of_range"
	// ReasonTooLong: text over the field's length limit.
	ReasonTooLong = "too_long"
	// ReasonNotAboveThreshold: an auto-recharge target at or below its threshold.
	ReasonNotAboveThreshold = "not_above_threshold"
	// ReasonRechargeRange: a recharge (target − threshold, up to the
	// target) that Add Funds would not take.
	ReasonRechargeRange = "recharge_range"
	// ReasonExpired: a card whose expiry month has passed.
	ReasonExpired = "expired"
)

// amountReason is why ParseAmount refused an amount, as a Reason.
func amountReason(err error) string {
	switch {
	case errors.Is(err, ErrAmountGrouping):
		return ReasonGrouping
	case errors.Is(err, ErrAmountPrecision):
		return ReasonPrecision
	case errors.Is(err, ErrAmountZero):
		return ReasonNotPositive
	case errors.Is(err, ErrAmountTooLarge):
		return ReasonOutOfRange
	}
	return ReasonInvalid
}

// parseAmount reads field's amount with ParseAmount, adding the field's
// problem to errs when it is refused.
func parseAmount(errs *FieldErrors, field, s, currency string) decimal.Decimal {
	d, err := ParseAmount(s, currency)
	if err != nil {
		errs.add(field, amountReason(err))
	}
	return d
}
