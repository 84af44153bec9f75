package usage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Granularities of a records query.
const (
	Whole = ""      // one record per category over the whole range
	Day   = "day"   // one per category and day
	Month = "month" // one per category and month
	Year  = "year"  // one per category and year
)

// Roll-up categories sum the concrete categories that start with their
// prefix; totalprice sums every price.
var rollups = map[string]string{"sms": "sms-", "calls": "calls-", "phonenumbers": "phonenumbers-"}

// TotalPrice is the category of everything's price.
const TotalPrice = "totalprice"

// CategoryInfo describes a category for people and says its units.
type CategoryInfo struct {
	Description, CountUnit, UsageUnit string
}

// Categories are the categories the console meters, concrete and rolled up.
var Categories = map[string]CategoryInfo{
	SMSOutbound:             {"Outbound SMS", "messages", "segments"},
	CallsOutbound:           {"Outbound Voice Minutes", "calls", "minutes"},
	"phonenumbers-local":    {"Local Phone Numbers", "numbers", "numbers"},
	"phonenumbers-tollfree": {"Toll-Free Phone Numbers", "numbers", "numbers"},
	"phonenumbers-mobile":   {"Mobile Phone Numbers", "numbers", "numbers"},
	"sms":                   {"SMS Messages", "messages", "segments"},
	"calls":                 {"Voice Minutes", "calls", "minutes"},
	"phonenumbers":          {"Phone Numbers", "numbers", "numbers"},
	TotalPrice:              {"Total Price", "", ""},
}

// UsageRecord is usage of one category over one period.
type UsageRecord struct {
	Category   string
	Start, End time.Time // UTC dates, both included
	Count      int64
	Usage      decimal.Decimal
	Price      decimal.Decimal
}

// Query asks for usage of some accounts of a project between two UTC
// dates, both included.
type Query struct {
	ProjectSID  string
	AccountSIDs []string
	Category    string // concrete, roll-up, or "" for all with usage
	Start, End  time.Time
	Granularity string
}

// FirstDate and LastDate bound the dates a records query may name: usage
// exists within them and nothing outside them is a date a client means.
// Bounding them keeps date arithmetic and PostgreSQL's date type far from
// their limits.
var (
	FirstDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	LastDate  = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
)

// InRange reports whether the UTC date d lies between FirstDate and
// LastDate, both included.
func InRange(d time.Time) bool { return !d.Before(FirstDate) && !d.After(LastDate) }

// ErrRange is a records query outside FirstDate..LastDate, ending before it
// starts, or with a negative position.
var ErrRange = errors.New("usage: records query out of range")

// periods is how many periods of its granularity q covers; the number is
// computed, never enumerated.
func periods(q Query) int {
	switch q.Granularity {
	case Day:
		return int(q.End.Sub(q.Start)/(24*time.Hour)) + 1
	case Month:
		return (q.End.Year()-q.Start.Year())*12 + int(q.End.Month()) - int(q.Start.Month()) + 1
	case Year:
		return q.End.Year() - q.Start.Year() + 1
	}
	return 1
}

// period is q's i-th period: the first day the roll-ups group it by, and
// the days it covers within q.
func period(q Query, i int) (key, start, end time.Time) {
	switch q.Granularity {
	case Day:
		d := q.Start.AddDate(0, 0, i)
		return d, d, d
	case Month:
		m := time.Date(q.Start.Year(), q.Start.Month()+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		return m, maxTime(m, q.Start), minTime(m.AddDate(0, 1, -1), q.End)
	case Year:
		y := time.Date(q.Start.Year()+i, 1, 1, 0, 0, 0, 0, time.UTC)
		return y, maxTime(y, q.Start), minTime(y.AddDate(1, 0, -1), q.End)
	}
	return time.Time{}, q.Start, q.End
}

// periodSQL groups the roll-ups' days into periods: each is the key that
// period returns ($3 is the query's start; Whole's key is replaced).
var periodSQL = map[string]string{
	Day:   "day",
	Month: "date_trunc('month', day)::date",
	Year:  "date_trunc('year', day)::date",
	Whole: "$3::date",
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Records returns the records from position offset, at most limit of
// them, and how many the query has in all: one per period and category,
// periods in order, categories sorted within each, zeros included for a
// requested category. The list is computed, not read: a page costs its
// own periods' roll-ups (and a scan of the categories the accounts used in
// the range), never a walk over every day of the range.
func Records(ctx context.Context, db database.DBTX, q Query, offset, limit int) ([]UsageRecord, int, error) {
	q.Start, q.End = dateOnly(q.Start), dateOnly(q.End)
	if !InRange(q.Start) || !InRange(q.End) || q.End.Before(q.Start) || offset < 0 || limit < 0 {
		return nil, 0, ErrRange
	}
	groupBy, ok := periodSQL[q.Granularity]
	if !ok {
		return nil, 0, fmt.Errorf("usage: granularity %q", q.Granularity)
	}
	categories, err := recordCategories(ctx, db, q)
	if err != nil {
		return nil, 0, err
	}
	nc := len(categories)
	total := periods(q) * nc
	if offset >= total || limit == 0 {
		return nil, total, nil
	}
	end := total
	if limit < total-offset {
		end = offset + limit
	}
	_, from, _ := period(q, offset/nc)
	_, _, to := period(q, (end-1)/nc)

	rows, err := db.Query(ctx, `SELECT category, `+groupBy+`, sum(count), sum(usage), sum(price) FROM usage_daily
		WHERE project_sid = $1 AND account_sid = ANY($2) AND day BETWEEN $3::date AND $4::date
		GROUP BY 1, 2`, q.ProjectSID, q.AccountSIDs, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	type key struct {
		category string
		period   time.Time
	}
	sums := map[key]*UsageRecord{}
	add := func(category string, period time.Time, count int64, use, price decimal.Decimal) {
		k := key{category, period}
		r := sums[k]
		if r == nil {
			r = &UsageRecord{Category: category}
			sums[k] = r
		}
		r.Count += count
		r.Usage = r.Usage.Add(use)
		r.Price = r.Price.Add(price)
	}
	for rows.Next() {
		var category string
		var p time.Time
		var count int64
		var u, pr decimal.Decimal
		if err := rows.Scan(&category, &p, &count, &u, &pr); err != nil {
			return nil, 0, err
		}
		if q.Granularity == Whole {
			p = time.Time{}
		}
		add(category, p, count, u, pr)
		for group, prefix := range rollups {
			if strings.HasPrefix(category, prefix) {
				add(group, p, count, u, pr)
			}
		}
		add(TotalPrice, p, 0, pr, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out := make([]UsageRecord, 0, end-offset)
	for pos := offset; pos < end; pos++ {
		k, start, stop := period(q, pos/nc)
		c := categories[pos%nc]
		r := UsageRecord{Category: c}
		if s := sums[key{c, k}]; s != nil {
			r = *s
		}
		r.Start, r.End = start, stop
		out = append(out, r)
	}
	return out, total, nil
}

// recordCategories are the categories a query lists: the one it asks for,
// or every category the accounts used in its range with the roll-ups they
// count in, sorted.
func recordCategories(ctx context.Context, db database.DBTX, q Query) ([]string, error) {
	if q.Category != "" {
		return []string{q.Category}, nil
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT category FROM usage_daily
		WHERE project_sid = $1 AND account_sid = ANY($2) AND day BETWEEN $3::date AND $4::date`,
		q.ProjectSID, q.AccountSIDs, q.Start.Format(time.DateOnly), q.End.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	used, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range used {
		seen[c] = true
		for group, prefix := range rollups {
			if strings.HasPrefix(c, prefix) {
				seen[group] = true
			}
		}
		seen[TotalPrice] = true
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
