package voice

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/database"
	"console/internal/keyset"
)

// Filter narrows a list of calls; a zero field does not narrow. Each time
// bound is a half-open range [Since, Before) on its column.
type Filter struct {
	To, From, Status            string
	CreatedSince, CreatedBefore *time.Time
	StartedSince, StartedBefore *time.Time
	EndedSince, EndedBefore     *time.Time
}

// Get returns acc's call callSID, or ErrNotFound: the one read of a call,
// for the console's logs and the REST API alike.
func (s *Service) Get(ctx context.Context, acc *account.Account, callSID string) (*Call, error) {
	return get(ctx, s.Pool, acc.ProjectSID, acc.SID, callSID)
}

// List returns acc's calls narrowed by f, newest first, at the position p
// (see keyset.Page): the one list of calls, for the console's logs and
// the REST API alike.
func (s *Service) List(ctx context.Context, acc *account.Account, f Filter, p keyset.Page) ([]*Call, error) {
	return list(ctx, s.Pool, acc.ProjectSID, acc.SID, f, p)
}

func list(ctx context.Context, db database.DBTX, projectSID, accountSID string, f Filter, p keyset.Page) ([]*Call, error) {
	q := keyset.For(projectSID, accountSID)
	for _, c := range []struct {
		cond  string
		value string
	}{{"to_number = ?", f.To}, {"from_number = ?", f.From}, {"status = ?", f.Status}} {
		if c.value != "" {
			q.Where(c.cond, c.value)
		}
	}
	for _, b := range []struct {
		cond string
		at   *time.Time
	}{
		{"date_created >= ?", f.CreatedSince}, {"date_created < ?", f.CreatedBefore},
		{"start_time >= ?", f.StartedSince}, {"start_time < ?", f.StartedBefore},
		{"end_time >= ?", f.EndedSince}, {"end_time < ?", f.EndedBefore},
	} {
		if b.at != nil {
			q.Where(b.cond, *b.at)
		}
	}
	// A call is created before it starts or ends: an upper bound on either
	// bounds date_created too, so the account's time index stops the scan.
	if created := earliest(f.StartedBefore, f.EndedBefore); created != nil {
		q.Where("date_created < ?", *created)
	}
	sql, args := q.SQL(columns, "calls", p)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	calls, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Call, error) { return scan(row) })
	if err != nil {
		return nil, err
	}
	return keyset.Newest(calls, p), nil
}

// earliest is the earlier of two optional times, nil when both are.
func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}
