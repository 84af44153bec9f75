package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/usage"
	"console/internal/webtest"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// recordUsage records one event as a metered service does: in a
// transaction holding the project's balance lock.
func recordUsage(t *testing.T, app *webtest.App, project, acct, category string, count int, use, price string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if err := billing.LockProject(ctx, tx, project); err != nil {
			return err
		}
		return usage.Record(ctx, tx, usage.Event{ProjectSID: project, AccountSID: acct, Category: category, Count: count,
			Usage: decimal.RequireFromString(use), Price: decimal.RequireFromString(price), Source: "test-" + at.Format(time.RFC3339Nano) + category + acct, At: at})
	})
	require.NoError(t, err)
}

func createSub(t *testing.T, app *webtest.App, project, name string) string {
	t.Helper()
	ctx := context.Background()
	p, err := app.Services.Accounts.Get(ctx, app.Pool, project, project)
	require.NoError(t, err)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	a, _, err := app.Services.Accounts.CreateSubaccount(ctx, tx, p, name, 1000)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	return a.SID
}

// createdIn moves a project's creation back, so that its usage pages
// offer months before today.
func createdIn(t *testing.T, app *webtest.App, project string, at time.Time) {
	t.Helper()
	_, err := app.Pool.Exec(context.Background(), `UPDATE accounts SET created_at = $2 WHERE project_sid = $1`, project, at)
	require.NoError(t, err)
}

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
)

// rowText is the text of the table row that opens with open, its cells
// joined by " | ".
func rowText(t *testing.T, body, open string) string {
	t.Helper()
	i := strings.Index(body, open)
	require.GreaterOrEqual(t, i, 0, "no row %s", open)
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	row = strings.ReplaceAll(row, "</td>", " | ")
	row = strings.ReplaceAll(row, "</th>", " | ")
	text := spaces.ReplaceAllString(tags.ReplaceAllString(row, " "), " ")
	return strings.TrimSuffix(strings.TrimSpace(text), " |")
}

func usageT(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return at
}

// November 2026 of a JPY project in Asia/Tokyo, figures by hand:
//
//	sms-outbound   Oct 31 23:59:59 JST 1 msg 2 seg 23.5 (October)
//	               Nov 1 00:00:00 JST  1 msg 1 seg 11.75
//	               Nov 15              2 msg 3 seg 35.25    → 3 msg, 4 seg, ¥47
//	calls-outbound Nov 1 09:00         1 call 3 min 70.92
//	               Nov 30 23:59:59     1 call 1 min 23.64   → 2 calls, 4 min, ¥94.56
//	               Dec 1 00:00:00      1 call 2 min 47.28 (December)
//	phonenumbers-local    Nov 20       1 number 675          → ¥675
//	phonenumbers-tollfree Nov 20       1 number 1500         → ¥1,500
//
// Services: SMS ¥47, Voice ¥94.56, Numbers ¥2,175; total ¥2,316.56.
// The subaccount Shop sent 1 message (¥11.75) on Nov 10.
func seedNovember(t *testing.T, app *webtest.App, p, shop string) {
	recordUsage(t, app, p, p, usage.SMSOutbound, 1, "2", "23.5", usageT(t, "2026-10-31T14:59:59Z"))
	recordUsage(t, app, p, p, usage.SMSOutbound, 1, "1", "11.75", usageT(t, "2026-10-31T15:00:00Z"))
	recordUsage(t, app, p, p, usage.SMSOutbound, 2, "3", "35.25", usageT(t, "2026-11-15T03:00:00Z"))
	recordUsage(t, app, p, p, usage.CallsOutbound, 1, "3", "70.92", usageT(t, "2026-11-01T00:00:00Z"))
	recordUsage(t, app, p, p, usage.CallsOutbound, 1, "1", "23.64", usageT(t, "2026-11-30T14:59:59Z"))
	recordUsage(t, app, p, p, usage.CallsOutbound, 1, "2", "47.28", usageT(t, "2026-11-30T15:00:00Z"))
	recordUsage(t, app, p, p, "phonenumbers-local", 1, "1", "675", usageT(t, "2026-11-20T01:00:00Z"))
	recordUsage(t, app, p, p, "phonenumbers-tollfree", 1, "1", "1500", usageT(t, "2026-11-20T02:00:00Z"))
	recordUsage(t, app, p, shop, usage.SMSOutbound, 1, "1", "11.75", usageT(t, "2026-11-10T05:00:00Z"))
}

func TestUsageSummary(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
	shop := createSub(t, app, p, "Shop")
	seedNovember(t, app, p, shop)
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	require.Equal(t, "/usage", c.Get("/services/usage").Location(), "the service opens its summary")
	res := c.Get("/usage?month=2026-11")
	require.Equal(t, http.StatusOK, res.Status)
	page := res.Body
	require.NotContains(t, page, "style=", "the CSP allows no inline style")
	require.Contains(t, page, `data-testid="usage-month-title">November 2026<`)
	require.Contains(t, page, `data-testid="usage-account-sid">`+p+`<`)
	require.Contains(t, page, `<option value="2026-11" selected>November 2026</option>`)
	require.Contains(t, page, `<option value="`+shop+`">Shop</option>`, "the main account chooses among its subaccounts")
	require.Equal(t, "Outbound SMS | 3 messages | 4 segments | ¥47.00", rowText(t, page, `<tr data-category="sms-outbound">`))
	require.Equal(t, "Outbound voice minutes | 2 calls | 4 minutes | ¥94.56", rowText(t, page, `<tr data-category="calls-outbound">`))
	require.Equal(t, "Local phone numbers | 1 number | 1 number | ¥675.00", rowText(t, page, `<tr data-category="phonenumbers-local">`))
	require.Equal(t, "Toll-free phone numbers | 1 number | 1 number | ¥1,500.00", rowText(t, page, `<tr data-category="phonenumbers-tollfree">`))
	require.Equal(t, "Subtotal | ¥47.00", rowText(t, page, `<tr class="usage-subtotal" data-subtotal="sms">`))
	require.Equal(t, "Subtotal | ¥94.56", rowText(t, page, `<tr class="usage-subtotal" data-subtotal="calls">`))
	require.Equal(t, "Subtotal | ¥2,175.00", rowText(t, page, `<tr class="usage-subtotal" data-subtotal="phonenumbers">`))
	require.Contains(t, page, `data-testid="usage-total">¥2,316.56<`)
	services := regexp.MustCompile(`<tbody data-service="([a-z]*)">\s*<tr class="usage-service"><th scope="rowgroup" colspan="4">([^<]+)<`).FindAllStringSubmatch(page, -1)
	require.Len(t, services, 3)
	require.Equal(t, []string{"sms", "Programmable SMS"}, services[0][1:])
	require.Equal(t, []string{"calls", "Programmable Voice"}, services[1][1:])
	require.Equal(t, []string{"phonenumbers", "Phone Numbers"}, services[2][1:])
	// The chart: a column per day of November, each focusable and titled
	// with its date and exact amount.
	titles := regexp.MustCompile(`<g class="chart-day" tabindex="0" role="img" aria-label="[^"]+" data-testid="chart-day"><title>([^<]+)</title>`).FindAllStringSubmatch(page, -1)
	require.Len(t, titles, 30)
	require.Equal(t, "Nov 1, 2026: ¥82.67", titles[0][1], "11.75 + 70.92, the first second of November included")
	require.Equal(t, "Nov 2, 2026: ¥0.00", titles[1][1])
	require.Equal(t, "Nov 15, 2026: ¥35.25", titles[14][1])
	require.Equal(t, "Nov 20, 2026: ¥2,175.00", titles[19][1])
	require.Equal(t, "Nov 30, 2026: ¥23.64", titles[29][1], "the last second of November, not the first of December")
	require.Contains(t, page, `<text class="chart-amount" x="87.0" y="14.0" dx="-6" dy="0.35em" text-anchor="end" aria-hidden="true">¥5,000</text>`, "the scale tops at a round figure above ¥2,175")
	require.Contains(t, page, `href="/usage/summary.csv?account=`+p+`&amp;month=2026-11"`)

	// October holds the message sent one second before November in Tokyo.
	oct := c.Get("/usage?month=2026-10").Body
	require.Equal(t, "Outbound SMS | 1 message | 2 segments | ¥23.50", rowText(t, oct, `<tr data-category="sms-outbound">`))
	require.Contains(t, oct, `data-testid="usage-total">¥23.50<`)
	require.NotContains(t, oct, `data-category="calls-outbound"`)
	require.Contains(t, oct, "<title>Oct 31, 2026: ¥23.50</title>")

	// Nothing in September: the empty state, no chart.
	sep := c.Get("/usage?month=2026-09").Body
	require.Contains(t, sep, `data-testid="usage-empty">Nothing was used in September 2026.<`)
	require.NotContains(t, sep, `data-testid="daily-chart"`)
	require.NotContains(t, sep, `data-testid="usage-summary"`)

	// A subaccount of the project, by the account parameter.
	sub := c.Get("/usage?month=2026-11&account=" + shop)
	require.Equal(t, http.StatusOK, sub.Status)
	require.Contains(t, sub.Body, `data-testid="usage-account-sid">`+shop+`<`)
	require.Contains(t, sub.Body, `<option value="`+shop+`" selected>Shop</option>`)
	require.Equal(t, "Outbound SMS | 1 message | 1 segment | ¥11.75", rowText(t, sub.Body, `<tr data-category="sms-outbound">`))
	require.Contains(t, sub.Body, `data-testid="usage-total">¥11.75<`)
	require.Contains(t, sub.Body, "<title>Nov 10, 2026: ¥11.75</title>")

	// Another project's account, or no account at all, is not found.
	other := app.CreateOwner("JPY")
	otherSub := createSub(t, app, other.AccountSID, "Theirs")
	for _, acct := range []string{other.AccountSID, otherSub, "AC00000000000000000000000000000000", "nonsense"} {
		require.Equal(t, http.StatusNotFound, c.Get("/usage?month=2026-11&account="+acct).Status, acct)
		require.Equal(t, http.StatusNotFound, c.Get("/usage/summary.csv?month=2026-11&account="+acct).Status, acct)
	}

	// Months that are malformed, before the project or in the future.
	for _, m := range []string{"2026-13", "nope", "2026-1", "2026-11-01", "2025-12", "2999-01"} {
		res := c.Get("/usage?month=" + m)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, m)
		require.Contains(t, res.Body, "This month cannot be shown.", m)
		require.Equal(t, http.StatusUnprocessableEntity, c.Get("/usage/summary.csv?month="+m).Status, m)
		require.Equal(t, http.StatusUnprocessableEntity, c.Get("/usage/subaccounts?month="+m).Status, m)
	}

	// Without a month: this month of the project's time zone.
	now := c.Get("/usage")
	require.Equal(t, http.StatusOK, now.Status)
	require.Contains(t, now.Body, `data-testid="usage-month-title">`+time.Now().In(tokyo).Format("January 2006")+`<`)

	// In Japanese.
	c.Header.Set("Accept-Language", "ja")
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/language", map[string][]string{"locale": {"ja"}}).Status)
	ja := c.Get("/usage?month=2026-11").Body
	require.Equal(t, "SMS 送信 | 3 通 | 4 セグメント | ¥47.00", rowText(t, ja, `<tr data-category="sms-outbound">`))
	require.Contains(t, ja, "<title>2026年11月1日: ¥82.67</title>")
	require.Contains(t, ja, `data-testid="usage-month-title">2026年11月<`)
}

func TestUsageSummaryViewingASubaccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
	shop := createSub(t, app, p, "Shop")
	seedNovember(t, app, p, shop)
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+shop+"/view", nil).Status)

	page := c.Get("/usage?month=2026-11").Body
	require.Contains(t, page, `data-testid="usage-account-sid">`+shop+`<`, "the viewed subaccount by default")
	require.Contains(t, page, `data-testid="usage-total">¥11.75<`)
	require.NotContains(t, page, `data-testid="usage-account"`, "no other account to choose")
	require.Equal(t, http.StatusOK, c.Get("/usage?month=2026-11&account="+shop).Status)
	require.Equal(t, http.StatusNotFound, c.Get("/usage?month=2026-11&account="+p).Status, "a subaccount never sees its parent")
	require.Equal(t, http.StatusNotFound, c.Get("/usage/summary.csv?month=2026-11&account="+p).Status)

	subs := c.Get("/usage/subaccounts")
	require.Equal(t, http.StatusOK, subs.Status)
	require.Contains(t, subs.Body, `data-testid="usage-main-only">Usage by subaccount belongs to the main account.`)
	require.NotContains(t, subs.Body, `data-testid="usage-subaccounts"`)

	csv := c.Get("/usage/summary.csv?month=2026-11")
	require.Equal(t, http.StatusOK, csv.Status)
	require.Equal(t, "date,category,description,count,count_unit,usage,usage_unit,price,price_unit\n"+
		"2026-11-10,sms-outbound,Outbound SMS,1,messages,1,segments,11.75,jpy\n", csv.Body)
}

func TestUsageCSV(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
	shop := createSub(t, app, p, "Shop")
	seedNovember(t, app, p, shop)
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	res := c.Get("/usage/summary.csv?month=2026-11")
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="usage-`+p+`-2026-11.csv"`, res.Header.Get("Content-Disposition"))
	require.Equal(t, "date,category,description,count,count_unit,usage,usage_unit,price,price_unit\n"+
		"2026-11-01,calls-outbound,Outbound Voice Minutes,1,calls,3,minutes,70.92,jpy\n"+
		"2026-11-01,sms-outbound,Outbound SMS,1,messages,1,segments,11.75,jpy\n"+
		"2026-11-15,sms-outbound,Outbound SMS,2,messages,3,segments,35.25,jpy\n"+
		"2026-11-20,phonenumbers-local,Local Phone Numbers,1,numbers,1,numbers,675.00,jpy\n"+
		"2026-11-20,phonenumbers-tollfree,Toll-Free Phone Numbers,1,numbers,1,numbers,1500.00,jpy\n"+
		"2026-11-30,calls-outbound,Outbound Voice Minutes,1,calls,1,minutes,23.64,jpy\n", res.Body)

	oct := c.Get("/usage/summary.csv?month=2026-10&account=" + p)
	require.Equal(t, "date,category,description,count,count_unit,usage,usage_unit,price,price_unit\n"+
		"2026-10-31,sms-outbound,Outbound SMS,1,messages,2,segments,23.50,jpy\n", oct.Body)
	sub := c.Get("/usage/summary.csv?month=2026-11&account=" + shop)
	require.Equal(t, `attachment; filename="usage-`+shop+`-2026-11.csv"`, sub.Header.Get("Content-Disposition"))
	require.Equal(t, "date,category,description,count,count_unit,usage,usage_unit,price,price_unit\n"+
		"2026-11-10,sms-outbound,Outbound SMS,1,messages,1,segments,11.75,jpy\n", sub.Body)
	require.Equal(t, "date,category,description,count,count_unit,usage,usage_unit,price,price_unit\n",
		c.Get("/usage/summary.csv?month=2026-09").Body, "a month without usage: the header alone")
}

func TestUsageSubaccounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	createdIn(t, app, p, usageT(t, "2026-01-01T00:00:00Z"))
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	empty := c.Get("/usage/subaccounts?month=2026-11")
	require.Equal(t, http.StatusOK, empty.Status)
	require.Contains(t, empty.Body, `data-testid="usage-no-subaccounts"`)
	require.Contains(t, empty.Body, `data-testid="usage-project-total">¥0.00<`)

	bravo := createSub(t, app, p, "bravo")
	alpha := createSub(t, app, p, "Alpha")
	charlie := createSub(t, app, p, "charlie")
	seedNovember(t, app, p, bravo) // bravo: ¥11.75
	recordUsage(t, app, p, alpha, usage.CallsOutbound, 4, "10", "236.4", usageT(t, "2026-11-05T00:00:00Z"))
	recordUsage(t, app, p, alpha, usage.SMSOutbound, 1, "1", "11.75", usageT(t, "2026-10-31T14:59:59Z"))   // October in Tokyo
	recordUsage(t, app, p, charlie, usage.SMSOutbound, 1, "1", "11.75", usageT(t, "2026-11-30T15:00:00Z")) // December in Tokyo

	order := regexp.MustCompile(`<tr data-sid="(AC[0-9a-f]{32})">`)
	sids := func(body string) []string {
		var out []string
		for _, m := range order.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	page := c.Get("/usage/subaccounts?month=2026-11").Body
	require.NotContains(t, page, "style=")
	require.Equal(t, []string{alpha, bravo, charlie}, sids(page), "by total, largest first")
	require.Contains(t, page, `data-testid="usage-main-total">¥2,316.56<`)
	require.Contains(t, page, `data-testid="usage-project-total">¥2,564.71<`, "2,316.56 + 236.4 + 11.75")
	require.Equal(t, "Alpha | "+alpha+" | Active | ¥236.40", rowText(t, page, `<tr data-sid="`+alpha+`">`))
	require.Equal(t, "bravo | "+bravo+" | Active | ¥11.75", rowText(t, page, `<tr data-sid="`+bravo+`">`))
	require.Equal(t, "charlie | "+charlie+" | Active | ¥0.00", rowText(t, page, `<tr data-sid="`+charlie+`">`))
	require.Contains(t, page, `<a href="/usage?account=`+alpha+`&amp;month=2026-11">Alpha</a>`)
	require.Contains(t, page, `<th scope="col" aria-sort="descending"><a href="/usage/subaccounts?dir=asc&amp;month=2026-11&amp;sort=total" data-testid="sort-total">`)
	require.Contains(t, page, `<a href="/usage/subaccounts?dir=asc&amp;month=2026-11&amp;sort=name" data-testid="sort-name">`)

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"sort=total&dir=asc", []string{charlie, bravo, alpha}},
		{"sort=total&dir=desc", []string{alpha, bravo, charlie}},
		{"sort=name&dir=asc", []string{alpha, bravo, charlie}},
		{"sort=name&dir=desc", []string{charlie, bravo, alpha}},
		{"sort=name", []string{alpha, bravo, charlie}},
		{"sort=bogus&dir=sideways", []string{alpha, bravo, charlie}},
	} {
		body := c.Get("/usage/subaccounts?month=2026-11&" + tc.query).Body
		require.Equal(t, tc.want, sids(body), tc.query)
	}
	nameAsc := c.Get("/usage/subaccounts?month=2026-11&sort=name&dir=asc").Body
	require.Contains(t, nameAsc, `<th scope="col" aria-sort="ascending"><a href="/usage/subaccounts?dir=desc&amp;month=2026-11&amp;sort=name" data-testid="sort-name">`)
	require.Contains(t, nameAsc, `<input type="hidden" name="sort" value="name"> <input type="hidden" name="dir" value="asc">`, "the month picker keeps the order")

	// October: Alpha's message one second before November in Tokyo, and the main account's.
	oct := c.Get("/usage/subaccounts?month=2026-10").Body
	require.Equal(t, "Alpha | "+alpha+" | Active | ¥11.75", rowText(t, oct, `<tr data-sid="`+alpha+`">`))
	require.Contains(t, oct, `data-testid="usage-main-total">¥23.50<`)
	require.Contains(t, oct, `data-testid="usage-project-total">¥35.25<`)
}

// The dashboard's spend is this month's usage: the whole project's on the
// main account, the subaccount's own in a subaccount.
func TestDashboardSpendFromUsage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	shop := createSub(t, app, p, "Shop")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	dash := c.Get("/").Body
	require.Contains(t, dash, `data-testid="month-spend">¥0.00<`)
	require.Contains(t, dash, `data-testid="month-spend-none"`)
	require.NotContains(t, dash, `data-testid="daily-chart"`)

	now := time.Now()
	y, m, _ := now.In(tokyo).Date()
	monthStart := time.Date(y, m, 1, 0, 0, 0, 0, tokyo)
	recordUsage(t, app, p, p, usage.SMSOutbound, 1, "1", "11.75", now)
	recordUsage(t, app, p, p, usage.CallsOutbound, 1, "2", "47.28", now)
	recordUsage(t, app, p, shop, usage.SMSOutbound, 2, "2", "23.5", now)
	recordUsage(t, app, p, p, usage.SMSOutbound, 1, "1", "999", monthStart.Add(-time.Second))    // last month in Tokyo
	recordUsage(t, app, p, shop, usage.SMSOutbound, 1, "1", "888", monthStart.Add(-time.Second)) // last month in Tokyo

	today := now.In(tokyo).Format("Jan 2, 2006")
	dash = c.Get("/").Body
	require.NotContains(t, dash, "style=")
	require.Contains(t, dash, `data-testid="month-spend">¥82.53<`, "11.75 + 47.28 + 23.5, subaccounts included")
	require.Contains(t, dash, "<title>"+today+": ¥82.53</title>")
	require.Contains(t, dash, `<svg class="chart chart-small"`)

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+shop+"/view", nil).Status)
	dash = c.Get("/").Body
	require.Contains(t, dash, `data-testid="month-spend">¥23.50<`, "the subaccount alone")
	require.Contains(t, dash, "<title>"+today+": ¥23.50</title>")
}
