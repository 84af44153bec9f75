// Package monitor reads what Monitor shows: the project's audit trail,
// with the people who acted in it.
package monitor

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/team"
)

// Events reads Monitor › Events: the trail and the names in it.
type Events struct {
	pool  *pgxpool.Pool
	users *auth.Store
}

// NewEvents returns the reads of Monitor › Events on pool.
func NewEvents(pool *pgxpool.Pool, users *auth.Store) *Events {
	return &Events{pool: pool, users: users}
}

// List returns a page of the project's events, as audit.List does.
func (e *Events) List(ctx context.Context, projectSID string, f audit.Filter, limit int) ([]audit.Event, *audit.Cursor, error) {
	return audit.List(ctx, e.pool, projectSID, f, limit)
}

// Members lists the project's members, whom the actor filter offers.
func (e *Events) Members(ctx context.Context, projectSID string) ([]*team.Member, error) {
	return team.Members(ctx, e.pool, projectSID)
}

// Users returns the users of ids that still exist, by ID, read in one
// round trip: who acted in events, when they are no longer members.
func (e *Events) Users(ctx context.Context, ids []string) (map[string]*auth.User, error) {
	if len(ids) == 0 {
		return map[string]*auth.User{}, nil
	}
	var b pgx.Batch
	found := make([]*auth.User, len(ids))
	for i, id := range ids {
		e.users.QueueByID(&b, id, &found[i])
	}
	if err := e.pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	out := map[string]*auth.User{}
	for i, id := range ids {
		if found[i] != nil {
			out[id] = found[i]
		}
	}
	return out, nil
}
