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
func TestBrowserDemoLastMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
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
	b.RequireNoConsoleErrors()
}
