package account

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/audit"
)

// ErrBadKeyType is a key type other than Standard or Main.
var ErrBadKeyType = errors.New("account: bad key type")

// Service holds the accounts' use cases for the console and the API: each
// method owns its transaction and its audit entry, so a change made from
// either side makes the same entry.
type Service struct {
	pool  *pgxpool.Pool
	store *Store
}

// NewService returns the service over store.
func NewService(pool *pgxpool.Pool, store *Store) *Service {
	return &Service{pool: pool, store: store}
}

// CreateKey makes an API key of account acc, by actor by, and returns it
// with its secret, which is shown once.
func (s *Service) CreateKey(ctx context.Context, by audit.Actor, acc *Account, friendlyName, keyType string) (*Key, string, error) {
	if !ValidKeyType(keyType) {
		return nil, "", ErrBadKeyType
	}
	var k *Key
	var secret string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if k, secret, err = s.store.CreateKey(ctx, tx, acc, friendlyName, keyType); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.KeyCreated, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: k.SID},
			map[string]string{"friendly_name": k.FriendlyName, "type": k.Type})
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}
