package usage

import (
	"context"
	"time"
)

// FirstDay is the first local date (at midnight UTC) on which some of the
// project's accounts had usage: accountSIDs, or every account when nil. It
// is the zero time when they had none. Usage may predate the project's
// creation (history seeded by the demo, imported usage): the month
// pickers start at the earlier of the two.
func (s *Service) FirstDay(ctx context.Context, projectSID string, accountSIDs []string) (time.Time, error) {
	var day *time.Time
	err := s.pool.QueryRow(ctx, `SELECT min(day) FROM usage_local_daily
		WHERE project_sid = $1 AND ($2::text[] IS NULL OR account_sid = ANY($2))`, projectSID, accountSIDs).Scan(&day)
	if err != nil || day == nil {
		return time.Time{}, err
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), nil
}
