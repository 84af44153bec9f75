package nav

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/audit"
)

// Shortcuts pins services to users' dashboards and unpins them.
type Shortcuts struct {
	pool *pgxpool.Pool
}

// NewShortcuts returns the use cases of pins on pool.
func NewShortcuts(pool *pgxpool.Pool) *Shortcuts { return &Shortcuts{pool: pool} }

// Pin pins service serviceID for user userID, or unpins it when pinned
// is false, with the audit entry of by in the same transaction.
func (s *Shortcuts) Pin(ctx context.Context, by audit.Actor, userID, serviceID string, pinned bool) error {
	action := audit.UserServiceUnpinned
	if pinned {
		action = audit.UserServicePinned
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := SetPin(ctx, tx, userID, serviceID, pinned); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, action, audit.On{Target: serviceID}, nil)
	})
}
