package trigger

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/database"
	"console/internal/usage"
)

// Period is the period of recurring that holds the instant now in loc, as
// local dates at midnight UTC (the form of the local roll-ups): start is
// included, end excluded. For AllTime both are the zero time, which stands
// for "from the beginning" and "without end".
func Period(recurring string, now time.Time, loc *time.Location) (start, end time.Time) {
	d := usage.LocalDate(now, loc)
	switch recurring {
	case Daily:
		return d, d.AddDate(0, 0, 1)
	case Monthly:
		s := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 1, 0)
	case Yearly:
		s := time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(1, 0, 0)
	}
	return time.Time{}, time.Time{}
}

// sqlDate spells a period bound for a ::date parameter; the zero time is
// the earliest date as a start and infinity as an end.
func sqlDate(t time.Time, isEnd bool) string {
	if t.IsZero() {
		if isEnd {
			return "infinity"
		}
		return "0001-01-01"
	}
	return t.Format(time.DateOnly)
}

// valueSQL sums one account's local-day roll-ups of a category over a
// period: the category itself, the concrete categories a roll-up sums, or
// every price for totalprice (whose count is 0 and whose usage is its
// price, as in Usage Records).
const valueSQL = `SELECT CASE $7
		WHEN 'count' THEN CASE WHEN $5 = 'totalprice' THEN 0 ELSE coalesce(sum(count), 0) END
		WHEN 'usage' THEN CASE WHEN $5 = 'totalprice' THEN coalesce(sum(price), 0) ELSE coalesce(sum(usage), 0) END
		ELSE coalesce(sum(price), 0) END
	FROM usage_local_daily
	WHERE project_sid = $1 AND account_sid = $2 AND day >= $3::date AND day < $4::date
	  AND ($5 = 'totalprice' OR category = $5 OR ($6 <> '' AND starts_with(category, $6)))`

func valueArgs(projectSID, accountSID, category, triggerBy string, start, end time.Time) []any {
	return []any{projectSID, accountSID, sqlDate(start, false), sqlDate(end, true), category, usage.RollupPrefix(category), triggerBy}
}

// Value is what an account used of category, counted by triggerBy, in the
// period of recurring that holds now in the project's time zone loc.
func Value(ctx context.Context, db database.DBTX, projectSID, accountSID, category, triggerBy, recurring string, now time.Time, loc *time.Location) (decimal.Decimal, error) {
	start, end := Period(recurring, now, loc)
	var v decimal.Decimal
	err := db.QueryRow(ctx, valueSQL, valueArgs(projectSID, accountSID, category, triggerBy, start, end)...).Scan(&v)
	return v, err
}

// values computes the current period's value of several triggers of one
// project in one round trip. Triggers that watch the same account,
// category, field and period (thresholds of one budget: 50 %, 80 %,
// 100 %) share one query: evaluation after each charge reads each value
// once, however many triggers compare with it.
func values(ctx context.Context, db DB, ts []*Trigger, now time.Time, loc *time.Location) ([]decimal.Decimal, error) {
	out := make([]decimal.Decimal, len(ts))
	if len(ts) == 0 {
		return out, nil
	}
	type key struct {
		account, category, by string
		start, end            time.Time
	}
	same := map[key][]int{} // the triggers, by index, that each query answers
	b := &pgx.Batch{}
	// Usage up to now's local day only: the same as the whole period's
	// when now is the present, the value then when it is in the past.
	upTo := usage.LocalDate(now, loc).AddDate(0, 0, 1)
	for i, t := range ts {
		start, end := Period(t.Recurring, now, loc)
		if end.IsZero() || end.After(upTo) {
			end = upTo
		}
		k := key{t.AccountSID, t.UsageCategory, t.TriggerBy, start, end}
		if _, queued := same[k]; queued {
			same[k] = append(same[k], i)
			continue
		}
		same[k] = []int{i}
		b.Queue(valueSQL, valueArgs(t.ProjectSID, t.AccountSID, t.UsageCategory, t.TriggerBy, start, end)...).QueryRow(func(row pgx.Row) error {
			var v decimal.Decimal
			if err := row.Scan(&v); err != nil {
				return err
			}
			for _, j := range same[k] {
				out[j] = v
			}
			return nil
		})
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// DB is a pool or a transaction: what runs a query or a batch.
type DB interface {
	database.DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// projectLocation reads the project's time zone.
func projectLocation(ctx context.Context, db database.DBTX, projectSID string) (*time.Location, error) {
	var tz string
	if err := db.QueryRow(ctx, `SELECT time_zone FROM accounts WHERE sid = $1 AND project_sid = $1`, projectSID).Scan(&tz); err != nil {
		return nil, err
	}
	return projectLoc(tz), nil
}

// projectLoc loads a time zone through the accounts' cache.
func projectLoc(tz string) *time.Location { return (&account.Account{TimeZone: tz}).Location() }
