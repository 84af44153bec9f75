package usage_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/database"
	"console/internal/usage"
	"console/internal/webtest"
)

// naiveRecords is the records list built the obvious way — every period
// of the range enumerated, every roll-up row read — as Records was built
// before it paged: the reference the paged list must equal.
func naiveRecords(t *testing.T, db database.DBTX, q usage.Query) []usage.UsageRecord {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT category, day, count, usage::text, price::text FROM usage_daily
		WHERE project_sid = $1 AND account_sid = ANY($2) AND day BETWEEN $3::date AND $4::date`, q.ProjectSID, q.AccountSIDs, q.Start, q.End)
	require.NoError(t, err)
	type key struct {
		c string
		b time.Time
	}
	bucketOf := func(d time.Time) time.Time {
		switch q.Granularity {
		case usage.Day:
			return d
		case usage.Month:
			return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		case usage.Year:
			return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return time.Time{}
	}
	endOf := func(b time.Time) time.Time {
		switch q.Granularity {
		case usage.Month:
			return b.AddDate(0, 1, -1)
		case usage.Year:
			return b.AddDate(1, 0, -1)
		}
		return b
	}
	sums := map[key]*usage.UsageRecord{}
	seen := map[string]bool{}
	add := func(c string, b time.Time, n int64, u, p decimal.Decimal) {
		r := sums[key{c, b}]
		if r == nil {
			r = &usage.UsageRecord{Category: c}
			sums[key{c, b}] = r
		}
		r.Count += n
		r.Usage, r.Price = r.Usage.Add(u), r.Price.Add(p)
		seen[c] = true
	}
	for rows.Next() {
		var c, u, p string
		var day time.Time
		var n int64
		require.NoError(t, rows.Scan(&c, &day, &n, &u, &p))
		ud, pd := decimal.RequireFromString(u), decimal.RequireFromString(p)
		b := bucketOf(day)
		add(c, b, n, ud, pd)
		if g := map[string]string{"sms-": "sms", "calls-": "calls", "phonenumbers-": "phonenumbers"}[c[:strings.Index(c, "-")+1]]; g != "" {
			add(g, b, n, ud, pd)
		}
		add(usage.TotalPrice, b, 0, pd, pd)
	}
	require.NoError(t, rows.Err())
	cats := []string{q.Category}
	if q.Category == "" {
		cats = nil
		for c := range seen {
			cats = append(cats, c)
		}
		sort.Strings(cats)
	}
	var buckets []time.Time
	if q.Granularity == usage.Whole {
		buckets = []time.Time{{}}
	} else {
		for b := bucketOf(q.Start); !b.After(q.End); b = endOf(b).AddDate(0, 0, 1) {
			buckets = append(buckets, b)
		}
	}
	var out []usage.UsageRecord
	for _, b := range buckets {
		for _, c := range cats {
			r := usage.UsageRecord{Category: c}
			if s := sums[key{c, b}]; s != nil {
				r = *s
			}
			r.Start, r.End = q.Start, q.End
			if q.Granularity != usage.Whole {
				r.Start, r.End = maxT(b, q.Start), minT(endOf(b), q.End)
			}
			out = append(out, r)
		}
	}
	return out
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Paged records equal the whole list built the obvious way, page by page
// and in all, for every granularity, category and page size, across
// month and year boundaries; a page anywhere in the widest range costs
// one page.
func TestRecordsPagesEqualTheWholeList(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	p := o.AccountSID
	d := decimal.RequireFromString
	var events []usage.Event
	for i, e := range []struct {
		cat string
		at  time.Time
		n   int
		use string
		pr  string
	}{
		{usage.SMSOutbound, date(2025, 12, 31), 2, "3", "0.0237"},
		{usage.SMSOutbound, date(2026, 1, 1), 1, "1", "0.0079"},
		{usage.CallsOutbound, date(2026, 1, 31), 1, "4", "0.056"},
		{usage.SMSOutbound, date(2026, 2, 28), 5, "7", "0.0553"},
		{"phonenumbers-local", date(2026, 3, 1), 1, "1", "1.15"},
		{usage.CallsOutbound, date(2026, 12, 31), 3, "9", "0.126"},
		{usage.SMSOutbound, date(2027, 1, 2), 1, "1", "0.0079"},
	} {
		events = append(events, usage.Event{ProjectSID: p, AccountSID: p, Category: e.cat, Count: e.n, Usage: d(e.use), Price: d(e.pr),
			Source: fmt.Sprintf("EV%d", i), At: e.at.Add(12 * time.Hour)})
	}
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if err := billing.LockProject(ctx, tx, p); err != nil {
			return err
		}
		return usage.RecordAll(ctx, tx, events)
	}))

	ranges := [][2]time.Time{
		{date(2025, 12, 15), date(2027, 1, 10)},
		{date(2026, 2, 10), date(2026, 2, 10)},
		{date(2026, 1, 31), date(2026, 3, 1)},
		{date(2024, 6, 1), date(2024, 6, 30)}, // no usage at all
	}
	for _, g := range []string{usage.Whole, usage.Day, usage.Month, usage.Year} {
		for _, cat := range []string{"", "sms", usage.TotalPrice, usage.SMSOutbound, "phonenumbers"} {
			for _, rg := range ranges {
				q := usage.Query{ProjectSID: p, AccountSIDs: []string{p}, Category: cat, Start: rg[0], End: rg[1], Granularity: g}
				want := naiveRecords(t, app.Pool, q)
				name := fmt.Sprintf("%q %q %s..%s", g, cat, rg[0].Format(time.DateOnly), rg[1].Format(time.DateOnly))
				all, total, err := usage.Records(ctx, app.Pool, q, 0, 1_000_000)
				require.NoError(t, err, name)
				require.Equal(t, len(want), total, name)
				require.Equal(t, fmt.Sprint(want), fmt.Sprint(all), name)
				for _, size := range []int{1, 3, 7} {
					var got []usage.UsageRecord
					for off := 0; off < total+size; off += size {
						page, n, err := usage.Records(ctx, app.Pool, q, off, size)
						require.NoError(t, err)
						require.Equal(t, total, n)
						require.LessOrEqual(t, len(page), size)
						got = append(got, page...)
					}
					require.Equal(t, fmt.Sprint(want), fmt.Sprint(got), "%s by %d", name, size)
				}
			}
		}
	}

	// The widest range: a page at its very end is computed, not reached by
	// walking 36,525 days.
	q := usage.Query{ProjectSID: p, AccountSIDs: []string{p}, Category: usage.SMSOutbound, Start: usage.FirstDate, End: usage.LastDate, Granularity: usage.Day}
	page, total, err := usage.Records(ctx, app.Pool, q, 0, 2)
	require.NoError(t, err)
	require.Equal(t, 36525, total)
	require.Equal(t, usage.FirstDate, page[0].Start)
	page, _, err = usage.Records(ctx, app.Pool, q, total-1, 1000)
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.Equal(t, usage.LastDate, page[0].Start)
	q.Start, q.End = date(2025, 12, 31), usage.LastDate
	page, total, err = usage.Records(ctx, app.Pool, q, 0, 3)
	require.NoError(t, err)
	require.Equal(t, int(usage.LastDate.Sub(q.Start).Hours()/24)+1, total)
	require.Equal(t, []int64{2, 1, 0}, []int64{page[0].Count, page[1].Count, page[2].Count})
	page, _, err = usage.Records(ctx, app.Pool, q, total, 10)
	require.NoError(t, err)
	require.Empty(t, page, "past the end: an empty page")

	for _, bad := range []usage.Query{
		{Start: date(1999, 12, 31), End: date(2026, 1, 1)},
		{Start: date(2026, 1, 1), End: date(2100, 1, 1)},
		{Start: date(1, 1, 1), End: date(9999, 12, 31)},
		{Start: date(2026, 1, 2), End: date(2026, 1, 1)},
	} {
		bad.ProjectSID, bad.AccountSIDs, bad.Granularity = p, []string{p}, usage.Day
		_, _, err := usage.Records(ctx, app.Pool, bad, 0, 10)
		require.ErrorIs(t, err, usage.ErrRange, "%v..%v", bad.Start, bad.End)
	}
	_, _, err = usage.Records(ctx, app.Pool, q, -1, 10)
	require.ErrorIs(t, err, usage.ErrRange)
}
