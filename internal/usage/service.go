package usage

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// Service reads what was used, for the console's usage pages and
// dashboard and for the API's Usage Records: the handlers read through it,
// never from the pool.
type Service struct {
	pool *pgxpool.Pool
}

// NewService returns the reads of usage on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

// LocalDays returns the accounts' usage per local day and category, as
// LocalDays does.
func (s *Service) LocalDays(ctx context.Context, projectSID string, accountSIDs []string, from, to time.Time) ([]LocalRow, error) {
	return LocalDays(ctx, s.pool, projectSID, accountSIDs, from, to)
}

// DailySpend returns the accounts' spend per local day (nil accounts: the
// whole project's), as DailySpend does.
func (s *Service) DailySpend(ctx context.Context, projectSID string, accountSIDs []string, from, to time.Time) ([]DaySpend, error) {
	return DailySpend(ctx, s.pool, projectSID, accountSIDs, from, to)
}

// SpendByAccount returns what each account of the project spent from one
// local day to another, as SpendByAccount does.
func (s *Service) SpendByAccount(ctx context.Context, projectSID string, from, to time.Time) (map[string]decimal.Decimal, error) {
	return SpendByAccount(ctx, s.pool, projectSID, from, to)
}

// Records returns a page of the usage records q asks for and their
// total, as Records does.
func (s *Service) Records(ctx context.Context, q Query, offset, limit int) ([]UsageRecord, int, error) {
	return Records(ctx, s.pool, q, offset, limit)
}
