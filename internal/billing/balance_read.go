package billing

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Balance returns project projectSID's cached balance: its subaccounts
// spend it too, so it is theirs as well.
func (s *Service) Balance(ctx context.Context, projectSID string) (Money, error) {
	return Balance(ctx, s.Pool, projectSID)
}

// FundsSuspended reports whether project projectSID is suspended for lack
// of funds (until a payment lifts it): its subaccounts are too.
func (s *Service) FundsSuspended(ctx context.Context, projectSID string) (bool, error) {
	suspended, err := Suspended(ctx, s.Pool, projectSID)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // no balance yet: never debited, never suspended
	}
	return suspended, err
}
