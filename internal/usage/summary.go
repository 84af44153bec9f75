package usage

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Services are the roll-up categories the console groups usage by, in the
// order Usage › Summary shows them.
var Services = []string{"sms", "calls", "phonenumbers"}

// ServiceOf is the roll-up category (an entry of Services) that category
// belongs to, or "" for a category no service meters.
func ServiceOf(category string) string {
	for group, prefix := range rollups {
		if strings.HasPrefix(category, prefix) {
			return group
		}
	}
	return ""
}

// Line is one category's usage over a period.
type Line struct {
	Category string
	Count    int64
	Usage    decimal.Decimal
	Price    decimal.Decimal
}

// ServiceUsage is a service's categories with usage and what they cost.
type ServiceUsage struct {
	Service string // an entry of Services, "" for the categories of none
	Lines   []Line // by category
	Price   decimal.Decimal
}

// Summary is what accounts used over a period: by service and category,
// in total, and per day.
type Summary struct {
	Services []ServiceUsage // in the order of Services, those with usage only
	Total    decimal.Decimal
	Days     []DaySpend // days with usage, in order
}

// Empty reports whether nothing was used.
func (s Summary) Empty() bool { return len(s.Services) == 0 }

// Summarize adds local-day rows up by service and category, and by day.
// Rows come from LocalDays, ordered by day.
func Summarize(rows []LocalRow) Summary {
	var s Summary
	lines := map[string]*Line{}
	for _, r := range rows {
		l := lines[r.Category]
		if l == nil {
			l = &Line{Category: r.Category}
			lines[r.Category] = l
		}
		l.Count += r.Count
		l.Usage = l.Usage.Add(r.Usage)
		l.Price = l.Price.Add(r.Price)
		s.Total = s.Total.Add(r.Price)
		if n := len(s.Days); n > 0 && s.Days[n-1].Day.Equal(r.Day) {
			s.Days[n-1].Price = s.Days[n-1].Price.Add(r.Price)
		} else {
			s.Days = append(s.Days, DaySpend{Day: r.Day, Price: r.Price})
		}
	}
	categories := slices.Sorted(maps.Keys(lines))
	for _, service := range append(slices.Clone(Services), "") {
		su := ServiceUsage{Service: service}
		for _, c := range categories {
			if ServiceOf(c) == service {
				su.Lines = append(su.Lines, *lines[c])
				su.Price = su.Price.Add(lines[c].Price)
			}
		}
		if len(su.Lines) > 0 {
			s.Services = append(s.Services, su)
		}
	}
	return s
}

// MonthDays is the first and last local date of the month that starts at
// month, in the midnight-UTC form the local roll-ups use.
func MonthDays(month time.Time) (first, last time.Time) {
	first = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	return first, first.AddDate(0, 1, -1)
}
