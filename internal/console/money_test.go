package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/team"
	"console/internal/webtest"
)

// The dashboard's balance card: the balance as an amount, Add Funds for
// those who may add funds, the auto-recharge state and the low-balance
// state, in both languages.
func TestDashboardBalanceCard(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	page := c.Get("/").Body
	require.Equal(t, "¥0.00", testID(page, "balance"))
	require.Equal(t, "No balance left: add funds to keep sending.", testID(page, "balance-low"))

	fund(t, app, o.AccountSID, "2000")
	page = c.Get("/").Body
	require.Equal(t, "¥2,000.00", testID(page, "balance"))
	require.Equal(t, "Auto recharge off Settings", testIDAll(page, "recharge-state"))
	require.Contains(t, page, `<a class="button primary" href="/billing#add-funds" data-testid="dashboard-add-funds">Add Funds</a>`)
	require.Empty(t, testID(page, "balance-low"), "above every threshold")

	require.Equal(t, http.StatusSeeOther, c.Post("/billing/alerts", url.Values{"threshold": {"5,000"}}).Status)
	page = c.Get("/").Body
	require.Equal(t, "Low balance: below ¥5,000.00.", testID(page, "balance-low"))
	require.Contains(t, page, `class="figure figure-low"`)

	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true,
		Threshold: dec("3000"), Target: dec("10000")}))
	page = c.Get("/").Body
	require.Equal(t, "Auto recharge on Settings", testIDAll(page, "recharge-state"))
	require.Equal(t, "Low balance: below ¥3,000.00.", testID(page, "balance-low"), "the nearest threshold below which it is")

	_, err := app.Pool.Exec(ctx, `UPDATE auto_recharge SET paused_at = now() WHERE project_sid = $1`, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "Auto recharge paused Settings", testIDAll(c.Get("/").Body, "recharge-state"))
	c.Header.Set("Accept-Language", "ja")
	page = c.Get("/").Body
	require.Equal(t, "自動チャージ: 一時停止中 設定", testIDAll(page, "recharge-state"))
	require.Equal(t, "残高が少なくなっています(¥3,000.00 未満)。", testID(page, "balance-low"))
	require.Contains(t, page, `data-testid="dashboard-add-funds">Add Funds(チャージ)<`)

	// A Billing Manager adds funds too; a Developer sees no balance.
	bm := member(t, app, o, "billing@example.com", team.RoleBilling).Get("/").Body
	require.Contains(t, bm, `data-testid="dashboard-add-funds"`)
	require.Contains(t, bm, `data-testid="recharge-state"`)
	dev := member(t, app, o, "dev@example.com", team.RoleDeveloper).Get("/").Body
	require.NotContains(t, dev, `data-testid="balance-card"`)
	require.NotContains(t, dev, `data-testid="dashboard-add-funds"`)
}

// testIDAll is testID for an element holding others: the text of
// everything up to its own closing tag.
func testIDAll(body, id string) string {
	m := regexp.MustCompile(`(?s)data-testid="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return testID(`<p data-testid="x">`+regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], " ")+`</p>`, "x")
}

var quickAmount = regexp.MustCompile(`data-testid="quick-amount-(\d+)">([^<]+)<`)

// Add Funds offers quick amounts beside its field, per currency, as card
// charges; without the script, a quick amount's link fills the field.
func TestAddFundsQuickAmounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	for _, cur := range []struct {
		currency string
		want     [][2]string
		limits   string
	}{
		{"JPY", [][2]string{{"3000", "¥3,000"}, {"5000", "¥5,000"}, {"10000", "¥10,000"}, {"30000", "¥30,000"}}, "From ¥1,000 to ¥1,000,000."},
		{"USD", [][2]string{{"20", "$20"}, {"50", "$50"}, {"100", "$100"}, {"500", "$500"}}, "From $10.00 to $10,000.00."},
	} {
		o := app.CreateOwner(cur.currency)
		app.EnsureCardAndPayment(o.AccountSID, "", "none")
		c := app.Client()
		c.SignIn(o.Email, o.Password)
		page := c.Get("/billing").Body
		var got [][2]string
		for _, m := range quickAmount.FindAllStringSubmatch(page, -1) {
			got = append(got, [2]string{m[1], m[2]})
		}
		require.Equal(t, cur.want, got, cur.currency)
		require.Contains(t, page, `href="/billing?amount=`+cur.want[0][0]+`#add-funds" data-fill="add-funds-amount" data-value="`+cur.want[0][0]+`"`)
		require.Contains(t, page, cur.limits, "the limits are card charges")
		require.Contains(t, page, `id="add-funds-amount" name="amount" inputmode="decimal" value=""`)

		filled := c.Get("/billing?amount=" + cur.want[1][0]).Body
		require.Contains(t, filled, `id="add-funds-amount" name="amount" inputmode="decimal" value="`+cur.want[1][0]+`"`)
		other := c.Get("/billing?amount=1234").Body
		require.Contains(t, other, `id="add-funds-amount" name="amount" inputmode="decimal" value=""`, "only a quick amount fills the field")
	}
}

// Billing › Recurring names each item's number (its friendly name, linked
// to it) and adds up the month.
func TestRecurringItemsNameTheirNumbers(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	fund(t, app, o.AccountSID, "10000")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ns, _ := results(t, c.Get("/phone-numbers/search?country=JP&type=local").Body)
	named := buy(c, ns[0], "東京サポート")
	require.Equal(t, http.StatusSeeOther, named.Status, named.Body)
	plain := buy(c, ns[1], "")
	require.Equal(t, http.StatusSeeOther, plain.Status, plain.Body)

	page := c.Get("/billing/recurring").Body
	require.Contains(t, page, `<a href="`+named.Location()+`" data-testid="recurring-number">東京サポート</a>`)
	require.Contains(t, page, `<a href="`+plain.Location()+`" data-testid="recurring-number">`)
	require.Equal(t, []string{"¥675.00", "¥675.00"}, allTestIDs(page, "recurring-amount"))
	require.Equal(t, "¥1,350.00", testID(page, "recurring-total"))
	c.Header.Set("Accept-Language", "ja")
	require.Contains(t, c.Get("/billing/recurring").Body, "月額合計")
}

func allTestIDs(body, id string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-testid="`+regexp.QuoteMeta(id)+`"[^>]*>([^<]*)<`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}
