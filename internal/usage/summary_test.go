package usage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/usage"
	"console/internal/webtest"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestSummarizeGroupsByServiceAndDay(t *testing.T) {
	t.Parallel()
	d1, d2 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	rows := []usage.LocalRow{
		{AccountSID: "A", Category: "phonenumbers-tollfree", Day: d1, Count: 1, Usage: dec("1"), Price: dec("1500")},
		{AccountSID: "A", Category: usage.SMSOutbound, Day: d1, Count: 2, Usage: dec("3"), Price: dec("35.25")},
		{AccountSID: "A", Category: "video-rooms", Day: d1, Count: 1, Usage: dec("7"), Price: dec("0.5")},
		{AccountSID: "A", Category: usage.CallsOutbound, Day: d2, Count: 1, Usage: dec("3"), Price: dec("70.92")},
		{AccountSID: "A", Category: "phonenumbers-local", Day: d2, Count: 1, Usage: dec("1"), Price: dec("675")},
		{AccountSID: "A", Category: usage.SMSOutbound, Day: d2, Count: 1, Usage: dec("1"), Price: dec("11.75")},
	}
	s := usage.Summarize(rows)
	require.False(t, s.Empty())
	// Figures as text: decimals equal in value may differ in exponent.
	var got []string
	for _, su := range s.Services {
		got = append(got, fmt.Sprintf("service %q %s", su.Service, su.Price))
		for _, l := range su.Lines {
			got = append(got, fmt.Sprintf("  %s %d %s %s", l.Category, l.Count, l.Usage, l.Price))
		}
	}
	require.Equal(t, []string{
		`service "sms" 47`,
		"  sms-outbound 3 4 47",
		`service "calls" 70.92`,
		"  calls-outbound 1 3 70.92",
		`service "phonenumbers" 2175`,
		"  phonenumbers-local 1 1 675",
		"  phonenumbers-tollfree 1 1 1500",
		`service "" 0.5`,
		"  video-rooms 1 7 0.5",
	}, got, "services in their order, categories by name, unknown ones last")
	require.Equal(t, "2293.42", s.Total.String())
	require.Len(t, s.Days, 2)
	require.Equal(t, d1, s.Days[0].Day)
	require.Equal(t, "1535.75", s.Days[0].Price.String())
	require.Equal(t, d2, s.Days[1].Day)
	require.Equal(t, "757.67", s.Days[1].Price.String())

	require.True(t, usage.Summarize(nil).Empty())
	require.Equal(t, "0", usage.Summarize(nil).Total.String())

	first, last := usage.MonthDays(time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC), first)
	require.Equal(t, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), last, "a leap year")
}

// A nil account list is the whole project: the main account and every
// subaccount, and nothing of another project.
func TestDailySpendOfTheWholeProject(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o, other := app.CreateOwner("JPY"), app.CreateOwner("JPY")
	p := o.AccountSID
	project, err := app.Services.Accounts.Get(ctx, app.Pool, p, p)
	require.NoError(t, err)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	sub, _, err := app.Services.Accounts.CreateSubaccount(ctx, tx, project, "Shop", 1000)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	at := time.Date(2026, 11, 3, 3, 0, 0, 0, time.UTC)
	record(t, app, p, usage.Event{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: dec("1"), Price: dec("11.75"), Source: "SM1", At: at})
	record(t, app, p, usage.Event{ProjectSID: p, AccountSID: sub.SID, Category: usage.SMSOutbound, Count: 1, Usage: dec("2"), Price: dec("23.5"), Source: "SM2", At: at})
	record(t, app, other.AccountSID, usage.Event{ProjectSID: other.AccountSID, AccountSID: other.AccountSID, Category: usage.SMSOutbound,
		Count: 1, Usage: dec("1"), Price: dec("999"), Source: "SM3", At: at})

	nov1, nov30 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	nov3 := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	all, err := usage.DailySpend(ctx, app.Pool, p, nil, nov1, nov30)
	require.NoError(t, err)
	require.Equal(t, []usage.DaySpend{{Day: nov3, Price: dec("35.25")}}, all)
	one, err := usage.DailySpend(ctx, app.Pool, p, []string{sub.SID}, nov1, nov30)
	require.NoError(t, err)
	require.Equal(t, []usage.DaySpend{{Day: nov3, Price: dec("23.5")}}, one)
	none, err := usage.DailySpend(ctx, app.Pool, p, []string{}, nov1, nov30)
	require.NoError(t, err)
	require.Empty(t, none, "an empty list is no account, not every account")
}
