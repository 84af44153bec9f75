package billing

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
)

// AutoRechargeInput is the auto-recharge setting as a person typed it.
type AutoRechargeInput struct {
	Enabled bool
	// Threshold, Target and Cap are amounts as typed, read with
	// ParseAmount in the project's currency; a blank Cap is no cap.
	Threshold, Target, Cap string
}

// Validate reports every problem of in for a project in currency: each
// amount must be one ParseAmount reads, the target above the threshold,
// and every recharge (target − balance, the balance being under the
// threshold) within what Add Funds allows.
func (in AutoRechargeInput) Validate(currency string) error {
	_, errs := in.parse(currency)
	return errs.err()
}

func (in AutoRechargeInput) parse(currency string) (AutoRecharge, FieldErrors) {
	var errs FieldErrors
	ar := AutoRecharge{Enabled: in.Enabled}
	ar.Threshold = parseAmount(&errs, FieldThreshold, in.Threshold, currency)
	ar.Target = parseAmount(&errs, FieldTarget, in.Target, currency)
	limits := FundsLimits[currency]
	switch {
	case len(errs) > 0:
	case !ar.Target.GreaterThan(ar.Threshold):
		errs.add(FieldTarget, ReasonNotAboveThreshold)
	case ar.Target.Sub(ar.Threshold).LessThan(limits[0]) || ar.Target.GreaterThan(limits[1]):
		errs.add(FieldTarget, ReasonRechargeRange)
	}
	if strings.TrimSpace(in.Cap) != "" {
		c := parseAmount(&errs, FieldCap, in.Cap, currency)
		ar.MonthlyCap = &c
	}
	return ar, errs
}

// SaveAutoRecharge changes the project's auto-recharge setting, by by.
// Saving turns a paused auto-recharge back on and forgets past declines.
// Bad input is a FieldErrors and changes nothing.
func (s *Service) SaveAutoRecharge(ctx context.Context, by audit.Actor, projectSID string, in AutoRechargeInput) error {
	bal, err := Balance(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	ar, errs := in.parse(bal.Currency)
	if len(errs) > 0 {
		return errs
	}
	details := map[string]string{"enabled": strconv.FormatBool(ar.Enabled), "threshold": ar.Threshold.String(), "target": ar.Target.String(), "cap": ""}
	if ar.MonthlyCap != nil {
		details["cap"] = ar.MonthlyCap.String()
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := SetAutoRecharge(ctx, tx, projectSID, ar); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.FundsAutoRechargeChanged, audit.On{Project: projectSID, Account: projectSID, Target: projectSID}, details)
	})
}
