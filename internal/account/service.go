package account

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service holds the accounts' use cases for the console and the API: each
// method that changes something validates its input, owns its transaction
// and writes its audit entry, so a change made from either side makes the
// same entry. Its reads take the tenant (project, account) they read in.
type Service struct {
	pool  *pgxpool.Pool
	store *Store
	// subaccountLimit bounds the subaccounts of a project.
	subaccountLimit int
}

// NewService returns the service over store; a project may hold at most
// subaccountLimit subaccounts.
func NewService(pool *pgxpool.Pool, store *Store, subaccountLimit int) *Service {
	return &Service{pool: pool, store: store, subaccountLimit: subaccountLimit}
}

// SubaccountLimit is the most subaccounts a project may hold.
func (s *Service) SubaccountLimit() int { return s.subaccountLimit }
