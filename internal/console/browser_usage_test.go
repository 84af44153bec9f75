package console_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/usage"
	"console/internal/webtest"
)

// The usage pages in a real browser: the sidebar leads to them, the month
// and account pickers and the sort links work without script, and the
// server-drawn charts break no rule of the CSP.
func TestBrowserUsagePages(t *testing.T) {
	browsertest.SkipShort(t)
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
	shop := createSub(t, app, p, "Shop")
	seedNovember(t, app, p, shop)
	// Today's usage, for the dashboard's chart, on an account of its own so
	// that November's figures hold whatever month this runs in.
	recordUsage(t, app, p, createSub(t, app, p, "Zed"), usage.SMSOutbound, 1, "1", "11.75", time.Now())

	b := browsertest.New(t, app.URL)
	signInAs(t, b, o.Email, o.Password)
	b.WaitVisible(`svg.chart-small`)
	screenshot(t, b, "dashboard")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("dashboard-usage")), "a link: wait for the page it leads to")
	require.Equal(t, "/usage", b.URLPath())

	b.Select(browsertest.TestID("usage-month"), "2026-11")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("usage-show")))
	require.Equal(t, "November 2026", b.Text(browsertest.TestID("usage-month-title")))
	require.Equal(t, "¥2,316.56", b.Text(browsertest.TestID("usage-total")))
	require.Equal(t, 30, b.Count(`svg.chart-wide .chart-day`))
	require.Equal(t, 4, b.Count(`svg.chart-wide .chart-bar`), "Nov 1, 15, 20 and 30 spent something")
	screenshot(t, b, "usage-summary")

	b.Select(browsertest.TestID("usage-account"), shop)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("usage-show")))
	require.Equal(t, shop, b.Text(browsertest.TestID("usage-account-sid")))
	require.Equal(t, "¥11.75", b.Text(browsertest.TestID("usage-total")))
	require.Equal(t, "2026-11", b.Value(browsertest.TestID("usage-month")), "the month is kept")

	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("tab-usage-subaccounts")), "a link: wait for the page it leads to")
	require.Equal(t, "/usage/subaccounts", b.URLPath())
	b.Select(browsertest.TestID("usage-month"), "2026-11")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("usage-show")))
	require.Equal(t, "¥2,316.56", b.Text(browsertest.TestID("usage-main-total")))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("sort-name")), "a link: wait for the page it leads to")
	require.Equal(t, "¥11.75", b.Text(browsertest.TestID("subaccount-total")))
	screenshot(t, b, "usage-subaccounts")
	require.Equal(t, http.StatusOK, b.Submit(`tr[data-sid="`+shop+`"] a`), "a link: wait for the page it leads to")
	require.Equal(t, "/usage", b.URLPath())
	require.Equal(t, shop, b.Text(browsertest.TestID("usage-account-sid")))
	b.RequireNoConsoleErrors()
}
