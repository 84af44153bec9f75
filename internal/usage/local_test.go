package usage_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/usage"
	"console/internal/webtest"
)

func record(t *testing.T, app *webtest.App, project string, e usage.Event) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		if err := billing.LockProject(context.Background(), tx, project); err != nil {
			return err
		}
		return usage.Record(context.Background(), tx, e)
	})
	require.NoError(t, err)
}

// Local days follow the project's time zone while the API's days stay GMT,
// and changing the zone moves the usage already recorded.
func TestLocalDaysFollowTheProjectsTimeZone(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY") // Asia/Tokyo
	ctx := context.Background()
	p := o.AccountSID
	lateOct31 := time.Date(2026, 10, 31, 14, 0, 0, 0, time.UTC)  // 23:00 on Oct 31 in Tokyo
	earlyNov1 := time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC) // 01:30 on Nov 1 in Tokyo
	record(t, app, p, usage.Event{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: decimal.NewFromInt(2),
		Price: decimal.RequireFromString("22"), Source: "SM1", At: lateOct31})
	record(t, app, p, usage.Event{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: decimal.NewFromInt(1),
		Price: decimal.RequireFromString("11"), Source: "SM2", At: earlyNov1})
	record(t, app, p, usage.Event{ProjectSID: p, AccountSID: p, Category: usage.CallsOutbound, Count: 1, Usage: decimal.NewFromInt(3),
		Price: decimal.RequireFromString("45"), Source: "CA1", At: earlyNov1})

	oct1, nov30 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	oct31, nov1 := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows, err := usage.LocalDays(ctx, app.Pool, p, []string{p}, oct1, nov30)
	require.NoError(t, err)
	require.Equal(t, []usage.LocalRow{
		{AccountSID: p, Category: usage.SMSOutbound, Day: oct31, Count: 1, Usage: decimal.RequireFromString("2"), Price: decimal.RequireFromString("22")},
		{AccountSID: p, Category: usage.CallsOutbound, Day: nov1, Count: 1, Usage: decimal.RequireFromString("3"), Price: decimal.RequireFromString("45")},
		{AccountSID: p, Category: usage.SMSOutbound, Day: nov1, Count: 1, Usage: decimal.RequireFromString("1"), Price: decimal.RequireFromString("11")},
	}, rows)
	spend, err := usage.DailySpend(ctx, app.Pool, p, []string{p}, oct1, nov30)
	require.NoError(t, err)
	require.Equal(t, []usage.DaySpend{{Day: oct31, Price: decimal.RequireFromString("22")}, {Day: nov1, Price: decimal.RequireFromString("56")}}, spend)
	byAccount, err := usage.SpendByAccount(ctx, app.Pool, p, nov1, nov30)
	require.NoError(t, err)
	require.Equal(t, map[string]decimal.Decimal{p: decimal.RequireFromString("56")}, byAccount)

	// The API's GMT days: everything on Oct 31.
	recs, _, err := usage.Records(ctx, app.Pool, usage.Query{ProjectSID: p, AccountSIDs: []string{p}, Category: usage.TotalPrice,
		Start: oct31, End: oct31}, 0, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "78", recs[0].Price.String())

	// Changing the zone to UTC in Settings › General rebuilds the local days.
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	res := c.Post("/settings/general", url.Values{"friendly_name": {"Test Project"}, "time_zone": {"UTC"}, "currency": {"JPY"}})
	require.Equal(t, 303, res.Status, res.Body)
	spend, err = usage.DailySpend(ctx, app.Pool, p, []string{p}, oct1, nov30)
	require.NoError(t, err)
	require.Equal(t, []usage.DaySpend{{Day: oct31, Price: decimal.RequireFromString("78")}}, spend)

	require.Equal(t, nov1, usage.LocalDate(earlyNov1, time.FixedZone("JST", 9*3600)))
	require.Equal(t, oct31, usage.LocalDate(earlyNov1, time.UTC))
}

// MonthAnywhere holds the current month of every time zone, from the
// farthest behind UTC to the farthest ahead, at every moment around a
// month's end; in the middle of a month it is that month alone.
func TestMonthAnywhereHoldsEveryZonesMonth(t *testing.T) {
	t.Parallel()
	zones := []string{"Etc/GMT+12", "Pacific/Pago_Pago", "America/Los_Angeles", "UTC", "Asia/Kolkata", "Asia/Tokyo", "Pacific/Chatham", "Pacific/Kiritimati"}
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for at := start; at.Before(start.AddDate(0, 0, 4)); at = at.Add(15 * time.Minute) {
		from, to := usage.MonthAnywhere(at)
		for _, z := range zones {
			loc, err := time.LoadLocation(z)
			require.NoError(t, err)
			first, last := usage.MonthDays(usage.LocalDate(at, loc))
			require.False(t, first.Before(from), "%s in %s: month from %s, window from %s", at, z, first, from)
			require.False(t, last.After(to), "%s in %s: month to %s, window to %s", at, z, last, to)
		}
	}
	from, to := usage.MonthAnywhere(time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC))
	require.Equal(t, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), from)
	require.Equal(t, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), to)
	from, to = usage.MonthAnywhere(time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC))
	require.Equal(t, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), from)
	require.Equal(t, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), to, "already December in Kiritimati")
}
