package demo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/demo"
	"console/internal/webtest"
)

// A newcomer who seeded the demo picks last month on Usage › Summary in a
// real browser and sees its figures: a total and a bar for most days.
// Billing › Payment history then pages back through every month of the
// history, each linking to its statement.
func TestBrowserDemoLastMonth(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	app := webtest.Start(t)
	s := app.Services
	now := time.Now()
	_, err := demo.Seed(context.Background(), demo.Deps{Pool: app.Pool, Users: s.Users, Accounts: s.Accounts, Billing: s.Billing, Numbers: s.Numbers,
		Messages: s.Messages, Calls: s.Calls, Triggers: s.Triggers, SubaccountLimit: app.Config.MaxSubaccounts},
		demo.Options{Email: "browser@example.com", Password: "console-demo", Days: days, Now: now})
	require.NoError(t, err)
	tokyo, err := time.LoadLocation(demo.TimeZone)
	require.NoError(t, err)
	local := now.In(tokyo)
	lastMonth := time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, tokyo)

	b := browsertest.New(t, app.URL)
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, "browser@example.com")
	b.Fill(`input[name="password"]`, "console-demo")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))
	require.Equal(t, http.StatusOK, b.Go("/usage"))
	b.Select(browsertest.TestID("usage-month"), lastMonth.Format("2006-01"))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("usage-show")))
	require.Equal(t, lastMonth.Format("2006-01"), b.Value(browsertest.TestID("usage-month")))
	require.Regexp(t, `^¥[1-9][0-9,]*(\.[0-9]+)?$`, b.Text(browsertest.TestID("usage-total")))
	require.Greater(t, b.Count(`svg.chart-wide .chart-bar`), 25, "a bar for (nearly) every day of the month")

	// Payment history, from this month back to the one the project was
	// opened in: each month's payments and its statement.
	require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/billing"]`))
	require.Equal(t, http.StatusOK, b.Go("/billing/history"))
	first := time.Date(local.Year(), local.Month(), local.Day()-days, 0, 0, 0, 0, tokyo) // the project's day
	firstMonth := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, tokyo)
	months := 0 // the demo's owner reads Japanese: months are 2006年1月
	for month := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, tokyo); !month.Before(firstMonth); month = month.AddDate(0, -1, 0) {
		key := month.Format("2006-01")
		if months > 0 {
			require.Equal(t, http.StatusOK, b.Submit(`nav.pager a[href="/billing/history?month=`+key+`"]`), "the pager leads back to "+key)
		}
		months++
		require.Equal(t, month.Format("2006年1月"), b.Text(browsertest.TestID("history-month")))
		if months > 1 { // payments are made before the month they fund: this one may have none yet
			require.Positive(t, b.Count(`[data-testid="payments"] tbody tr`), "a payment in "+key)
		}
		require.Equal(t, "/billing/statement?month="+key, b.Attr(browsertest.TestID("history-statement"), "href"))
		require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("history-statement")))
		require.Equal(t, month.Format("2006年1月"), b.Text(browsertest.TestID("statement-month")))
		require.Regexp(t, `^¥[0-9,]+(\.[0-9]+)?$`, b.Text(browsertest.TestID("statement-total")))
		if month.Equal(lastMonth) {
			require.NotRegexp(t, `^¥0(\.0+)?$`, b.Text(browsertest.TestID("statement-total")), "last month was used")
		}
		require.Equal(t, http.StatusOK, b.Go("/billing/history?month="+key))
	}
	require.GreaterOrEqual(t, months, 2, "the history spans a past month")
	require.Zero(t, b.Count(`nav.pager a[href="/billing/history?month=`+firstMonth.AddDate(0, -1, 0).Format("2006-01")+`"]`),
		"nothing before the project")
	b.RequireNoConsoleErrors()
}
