package usage

import (
	"context"
	"sort"
	"strings"
	"time"

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

func bucketStart(t time.Time, g string) time.Time {
	switch g {
	case Day:
		return t
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case Year:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

func bucketEnd(start time.Time, g string) time.Time {
	switch g {
	case Day:
		return start
	case Month:
		return start.AddDate(0, 1, -1)
	case Year:
		return start.AddDate(1, 0, -1)
	}
	return start
}

// Records reads the daily roll-ups and returns one record per period and
// category, periods in order, zeros included for a requested category.
func Records(ctx context.Context, db database.DBTX, q Query) ([]UsageRecord, error) {
	rows, err := db.Query(ctx, `SELECT category, day, sum(count), sum(usage)::text, sum(price)::text FROM usage_daily
		WHERE project_sid = $1 AND account_sid = ANY($2) AND day BETWEEN $3::date AND $4::date
		GROUP BY category, day`, q.ProjectSID, q.AccountSIDs, q.Start.Format("2006-01-02"), q.End.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		category string
		bucket   time.Time
	}
	sums := map[key]*UsageRecord{}
	seen := map[string]bool{}
	add := func(category string, bucket time.Time, count int64, use, price decimal.Decimal) {
		k := key{category, bucket}
		r := sums[k]
		if r == nil {
			r = &UsageRecord{Category: category}
			sums[k] = r
		}
		r.Count += count
		r.Usage = r.Usage.Add(use)
		r.Price = r.Price.Add(price)
		seen[category] = true
	}
	for rows.Next() {
		var category, use, price string
		var day time.Time
		var count int64
		if err := rows.Scan(&category, &day, &count, &use, &price); err != nil {
			return nil, err
		}
		u, p := decimal.RequireFromString(use), decimal.RequireFromString(price)
		b := bucketStart(day, q.Granularity)
		add(category, b, count, u, p)
		for group, prefix := range rollups {
			if strings.HasPrefix(category, prefix) {
				add(group, b, count, u, p)
			}
		}
		add(TotalPrice, b, 0, p, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var categories []string
	if q.Category != "" {
		categories = []string{q.Category}
	} else {
		for c := range seen {
			categories = append(categories, c)
		}
		sort.Strings(categories)
	}
	var buckets []time.Time
	if q.Granularity == Whole {
		buckets = []time.Time{{}}
	} else {
		for b := bucketStart(q.Start, q.Granularity); !b.After(q.End); b = bucketEnd(b, q.Granularity).AddDate(0, 0, 1) {
			buckets = append(buckets, b)
		}
	}
	var out []UsageRecord
	for _, b := range buckets {
		for _, c := range categories {
			r := UsageRecord{Category: c}
			if s := sums[key{c, b}]; s != nil {
				r = *s
			}
			if q.Granularity == Whole {
				r.Start, r.End = q.Start, q.End
			} else {
				r.Start, r.End = maxTime(b, q.Start), minTime(bucketEnd(b, q.Granularity), q.End)
			}
			out = append(out, r)
		}
	}
	return out, nil
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
