package billing

import (
	"context"

	"github.com/shopspring/decimal"
)

// Overview is what Billing › Overview shows of a project.
type Overview struct {
	Balance   Money
	Suspended bool
	// Methods are the cards, the primary first.
	Methods      []*Method
	AutoRecharge AutoRecharge
	// Alerts are the low-balance alert thresholds, highest first.
	Alerts []decimal.Decimal
	// MinFunds and MaxFunds bound what Add Funds takes.
	MinFunds, MaxFunds Money
}

// Overview reads the project's balance, cards and settings.
func (s *Service) Overview(ctx context.Context, projectSID string) (*Overview, error) {
	bal, err := Balance(ctx, s.Pool, projectSID)
	if err != nil {
		return nil, err
	}
	o := &Overview{Balance: bal}
	if o.Suspended, err = Suspended(ctx, s.Pool, projectSID); err != nil {
		return nil, err
	}
	if o.Methods, err = Methods(ctx, s.Pool, projectSID); err != nil {
		return nil, err
	}
	if o.AutoRecharge, err = GetAutoRecharge(ctx, s.Pool, projectSID); err != nil {
		return nil, err
	}
	if o.Alerts, err = Alerts(ctx, s.Pool, projectSID); err != nil {
		return nil, err
	}
	limits := FundsLimits[bal.Currency]
	o.MinFunds, o.MaxFunds = Money{Amount: limits[0], Currency: bal.Currency}, Money{Amount: limits[1], Currency: bal.Currency}
	return o, nil
}
