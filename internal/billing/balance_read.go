package billing

import "context"

// Balance returns project projectSID's cached balance: its subaccounts
// spend it too, so it is theirs as well.
func (s *Service) Balance(ctx context.Context, projectSID string) (Money, error) {
	return Balance(ctx, s.Pool, projectSID)
}
