package console_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/webtest"
)

// Money and counts in a real browser on a 390 px phone, in English and
// Japanese: amounts with two decimals, counts in the language's plural
// form, the chart's labels whole and its days focusable with their exact
// amounts, a text alternative, and Add Funds' quick amounts filling the
// field through the script.
func TestBrowserMoneyAndPlurals(t *testing.T) {
	browsertest.SkipShort(t)
	app := webtest.Start(t)
	for _, l := range []struct {
		lang, oneMessage, oneSegment, threeMessages, twoCalls, oneNumber string
		nov15, nov2, chartCaption                                        string
	}{
		{"en", "1 message", "1 segment", "3 messages", "2 calls", "1 number",
			"Nov 15, 2026: ¥35.25", "Nov 2, 2026: ¥0.00", "Spend per day, November 2026"},
		{"ja", "1 通", "1 セグメント", "3 通", "2 件", "1 番号",
			"2026年11月15日: ¥35.25", "2026年11月2日: ¥0.00", "2026年11月の日別利用額"},
	} {
		t.Run(l.lang, func(t *testing.T) {
			o := app.CreateOwner("JPY")
			p := o.AccountSID
			createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
			shop := createSub(t, app, p, "Shop")
			seedNovember(t, app, p, shop)
			fund(t, app, p, "1153.2")
			app.EnsureCardAndPayment(p, "", "none")

			b := browsertest.New(t, app.URL, browsertest.Lang(l.lang), browsertest.WindowSize(390, 844))
			signInAs(t, b, o.Email, o.Password)
			require.Equal(t, "¥1,153.20", b.Text(browsertest.TestID("balance")), "an amount has two decimals")
			screenshot(t, b, "money-dashboard-"+l.lang)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("dashboard-add-funds")), "a link: wait for the page it leads to")
			require.Equal(t, "/billing", b.URLPath())

			require.Equal(t, http.StatusOK, b.Go("/usage?month=2026-11"))
			row := func(category string) []string {
				return b.Texts(`[data-testid="usage-summary"] tr[data-category="` + category + `"] td`)[1:]
			}
			require.Equal(t, []string{l.threeMessages, "4 " + map[string]string{"en": "segments", "ja": "セグメント"}[l.lang], "¥47.00"}, row("sms-outbound"))
			require.Equal(t, l.twoCalls, row("calls-outbound")[0])
			require.Equal(t, []string{l.oneNumber, l.oneNumber, "¥675.00"}, row("phonenumbers-local"))
			require.Equal(t, "¥2,316.56", b.Text(browsertest.TestID("usage-total")))

			// The chart: every label whole left of the plot at phone size,
			// each day focusable with its date and exact amount.
			left := browsertest.Eval[float64](b, `Math.min(...[...document.querySelectorAll("svg.chart-wide .chart-amount")].map(t => t.getBBox().x))`)
			require.GreaterOrEqual(t, left, 0.0, "no label is clipped at the chart's left edge")
			require.Equal(t, []any{"¥0", "¥2,500", "¥5,000"}, browsertest.Eval[[]any](b, `[...document.querySelectorAll("svg.chart-wide .chart-amount")].map(t => t.textContent)`))
			px := browsertest.Eval[float64](b, `parseFloat(getComputedStyle(document.querySelector("svg.chart-wide .chart-amount")).fontSize) * document.querySelector("svg.chart-wide").getBoundingClientRect().width / 720`)
			require.GreaterOrEqual(t, px, 9.0, "labels readable at 390 px")
			require.Equal(t, l.nov15, browsertest.Eval[string](b, `(() => { const d = document.querySelectorAll("svg.chart-wide .chart-day")[14]; d.focus(); return document.activeElement === d ? d.querySelector("title").textContent : "not focused" })()`))
			require.Equal(t, l.nov2, browsertest.Eval[string](b, `document.querySelectorAll("svg.chart-wide .chart-day")[1].querySelector("title").textContent`))
			require.Equal(t, l.chartCaption, browsertest.Eval[string](b, `document.querySelector('[data-testid="chart-table"] caption').textContent`))
			require.Equal(t, 4, b.Count(`[data-testid="chart-table"] tbody tr`), "the days that spent, for screen readers")
			screenshot(t, b, "money-usage-"+l.lang)

			require.Equal(t, http.StatusOK, b.Go("/usage?month=2026-11&account="+shop))
			require.Equal(t, []string{l.oneMessage, l.oneSegment, "¥11.75"}, row("sms-outbound"))

			// Add Funds: a quick amount fills the field in place.
			require.Equal(t, http.StatusOK, b.Go("/billing"))
			require.Equal(t, []string{"¥3,000", "¥5,000", "¥10,000", "¥30,000"}, b.Texts(".quick-amounts a"))
			b.Click(browsertest.TestID("quick-amount-10000"))
			require.Equal(t, "10000", b.Value("#add-funds-amount"))
			require.Equal(t, "/billing", b.URLPath(), "filled by the script, no page load")
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("add-funds-submit")))
			require.Contains(t, b.Text(".flash"), "¥10,000", "a card charge in whole yen")
			require.Equal(t, "¥11,153.20", b.Text(browsertest.TestID("balance")))
			screenshot(t, b, fmt.Sprintf("money-billing-%s", l.lang))
			b.RequireNoConsoleErrors()
		})
	}
}
