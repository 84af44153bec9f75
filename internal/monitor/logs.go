package monitor

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/messaging"
	"console/internal/voice"
)

// Logs reads Monitor › Logs: an account's messages and calls.
type Logs struct {
	pool *pgxpool.Pool
}

// NewLogs returns the reads of Monitor › Logs on pool.
func NewLogs(pool *pgxpool.Pool) *Logs { return &Logs{pool: pool} }

// Messages returns an account's messages that f keeps, newest first,
// after the message with SID after ("" for the newest), at most limit.
func (l *Logs) Messages(ctx context.Context, projectSID, accountSID string, f messaging.Filter, after string, limit int) ([]*messaging.Message, error) {
	return messaging.List(ctx, l.pool, projectSID, accountSID, f, after, 0, limit)
}

// Message returns an account's message; messaging.ErrNotFound for any other.
func (l *Logs) Message(ctx context.Context, projectSID, accountSID, sid string) (*messaging.Message, error) {
	return messaging.Get(ctx, l.pool, projectSID, accountSID, sid)
}

// Calls returns an account's calls to and from (when set), newest first,
// after the call with SID after ("" for the newest), at most limit.
func (l *Logs) Calls(ctx context.Context, projectSID, accountSID, to, from, after string, limit int) ([]*voice.Call, error) {
	return voice.List(ctx, l.pool, projectSID, accountSID, voice.Filter{To: to, From: from}, after, 0, limit)
}
