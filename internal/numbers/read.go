package numbers

import (
	"context"
	"errors"

	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/usage"
)

// List returns an account's numbers as List does.
func (s *Service) List(ctx context.Context, projectSID, accountSID, after string, offset, limit int) ([]*Number, error) {
	return List(ctx, s.Pool, projectSID, accountSID, after, offset, limit)
}

// Get returns an account's number; ErrNotFound for any other.
func (s *Service) Get(ctx context.Context, projectSID, accountSID, sid string) (*Number, error) {
	return Get(ctx, s.Pool, projectSID, accountSID, sid)
}

// GetByPhone returns the account's number phone, ErrNotFound when the
// account does not own it.
func (s *Service) GetByPhone(ctx context.Context, projectSID, accountSID, phone string) (*Number, error) {
	return GetByPhone(ctx, s.Pool, projectSID, accountSID, phone)
}

// Available returns up to n numbers of the inventory that match and that
// nobody owns (see Available).
func (s *Service) Available(ctx context.Context, country, numberType, contains string, n int) ([]string, error) {
	return Available(ctx, s.Pool, country, numberType, contains, n)
}

// MonthlyPrice is what a number of the country and type costs a month in
// currency; ErrNoPrice when such numbers are not sold in it.
func (s *Service) MonthlyPrice(ctx context.Context, country, numberType, currency string) (decimal.Decimal, error) {
	price, _, err := usage.Price(ctx, s.Pool, Category(numberType), country, currency)
	if errors.Is(err, usage.ErrNoPrice) {
		return decimal.Zero, ErrNoPrice
	}
	return price, err
}

// ByRecurringItems returns the project's kept numbers charged by the
// recurring items ids, by item ID: Billing › Recurring names each item's
// number.
func (s *Service) ByRecurringItems(ctx context.Context, projectSID string, ids []string) (map[string]*Number, error) {
	return ByRecurringItems(ctx, s.Pool, projectSID, ids)
}

// RecurringItems returns the monthly charges of numbers ns of one
// project, by item ID.
func (s *Service) RecurringItems(ctx context.Context, projectSID string, ns ...*Number) (map[string]*billing.RecurringItem, error) {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.RecurringItem
	}
	return billing.RecurringItemsByID(ctx, s.Pool, projectSID, ids)
}
