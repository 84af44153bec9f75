package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/numbers"
	"console/internal/webtest"
)

func fund(t *testing.T, app *webtest.App, project, amount string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, project, billing.KindAdjustment, "test-"+amount+time.Now().String(), decimal.RequireFromString(amount), "")
	}))
}

var resultRow = regexp.MustCompile(`<tr data-number="([^"]+)">`)
var resultPrice = regexp.MustCompile(`data-testid="result-price">([^<]+)<`)

// results returns the numbers a search page offers and the price shown on each.
func results(t *testing.T, body string) ([]string, []string) {
	t.Helper()
	var ns, prices []string
	for _, m := range resultRow.FindAllStringSubmatch(body, -1) {
		ns = append(ns, m[1])
	}
	for _, m := range resultPrice.FindAllStringSubmatch(body, -1) {
		prices = append(prices, m[1])
	}
	require.Len(t, prices, len(ns), "one price per number")
	return ns, prices
}

func buy(c *webtest.Client, phone, name string) *webtest.Response {
	return c.Post("/phone-numbers/buy", url.Values{"phone_number": {phone}, "friendly_name": {name}, "country": {"JP"}, "type": {"local"}})
}

func TestNumberSearchFiltersAndPrices(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	first := c.Get("/phone-numbers/search")
	require.Equal(t, http.StatusOK, first.Status)
	require.Contains(t, first.Body, `<option value="JP" selected>`, "a JPY project starts with Japan")
	require.NotContains(t, first.Body, "numbers-results")
	require.NotContains(t, first.Body, "numbers-no-results", "no search yet, so no empty result either")

	for _, tc := range []struct {
		query    string
		prefixes []string
		price    string
	}{
		{"country=JP&type=local", []string{"+8150", "+813"}, "¥675.00"},
		{"country=jp&type=mobile", []string{"+8170", "+8180", "+8190"}, "¥900.00"},
		{"country=JP&type=tollfree", []string{"+81120"}, "¥2,250.00"},
		{"country=US&type=local", []string{"+1415", "+1212", "+1312"}, "¥172.00"},
		{"country=US&type=tollfree", []string{"+1800", "+1888"}, "¥322.00"},
	} {
		res := c.Get("/phone-numbers/search?" + tc.query)
		require.Equal(t, http.StatusOK, res.Status, tc.query)
		ns, prices := results(t, res.Body)
		require.Len(t, ns, 20, tc.query)
		for i, n := range ns {
			country, _, ok := numbers.Lookup(n)
			require.True(t, ok, n)
			require.Equal(t, strings.ToUpper(tc.query[8:10]), country, n)
			require.True(t, hasAnyPrefix(n, tc.prefixes), "%s: %s", tc.query, n)
			require.Equal(t, tc.price, prices[i], tc.query)
			require.Contains(t, res.Body, numbers.Format(n))
		}
	}

	res := c.Get("/phone-numbers/search?country=JP&type=local&contains=" + url.QueryEscape("12-34"))
	require.Equal(t, http.StatusOK, res.Status)
	ns, _ := results(t, res.Body)
	require.NotEmpty(t, ns)
	for _, n := range ns {
		require.Contains(t, n[1:], "1234", "separators are ignored and every result holds the digits")
	}
	require.Contains(t, res.Body, `value="1234"`)

	none := c.Get("/phone-numbers/search?country=US&type=mobile")
	require.Equal(t, http.StatusOK, none.Status)
	require.Contains(t, none.Body, "No available numbers match.")
	require.NotContains(t, none.Body, "numbers-results")

	for q, msg := range map[string]string{
		"country=FR&type=local":                        "Choose Japan or the United States.",
		"country=JP&type=satellite":                    "Choose local, mobile or toll-free.",
		"country=JP&type=local&contains=12a4":          "Enter digits only (12 at most).",
		"country=JP&type=local&contains=1234567890123": "Enter digits only (12 at most).",
	} {
		res := c.Get("/phone-numbers/search?" + q)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, q)
		require.Contains(t, res.Body, msg, q)
		require.NotContains(t, res.Body, "numbers-results", q)
	}

	// A type the price list does not sell in the currency is said so, and
	// cannot be bought.
	_, err := app.Pool.Exec(context.Background(), `DELETE FROM prices WHERE category = 'phonenumbers-mobile' AND country = 'JP' AND currency = 'JPY'`)
	require.NoError(t, err)
	res = c.Get("/phone-numbers/search?country=JP&type=mobile")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "Numbers of this type are not sold in this project&#39;s currency.")
	fund(t, app, o.AccountSID, "5000")
	before := app.Fingerprint()
	refused := c.Post("/phone-numbers/buy", url.Values{"phone_number": {"+819012345678"}, "country": {"JP"}, "type": {"mobile"}})
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status)
	require.Contains(t, refused.Body, `data-testid="buy-refused">Numbers of this type are not sold in this project&#39;s currency.<`)
	require.Equal(t, before, app.Fingerprint())
	_, err = app.Pool.Exec(context.Background(), `INSERT INTO prices (category, country, currency, price, unit) VALUES ('phonenumbers-mobile', 'JP', 'JPY', 900, 'numbers')`)
	require.NoError(t, err)

	// A USD project sees dollar prices; an owned number is not offered.
	u := app.CreateOwner("USD")
	cu := app.Client()
	cu.SignIn(u.Email, u.Password)
	require.Contains(t, cu.Get("/phone-numbers/search").Body, `<option value="US" selected>`)
	res = cu.Get("/phone-numbers/search?country=JP&type=mobile")
	ns, prices := results(t, res.Body)
	require.Len(t, ns, 20)
	require.Equal(t, "$6.0000", prices[0], "a unit price, at the price list's precision")
	require.Equal(t, http.StatusSeeOther, c.Post("/phone-numbers/buy", url.Values{"phone_number": {ns[0]}}).Status)
	again, _ := results(t, cu.Get("/phone-numbers/search?country=JP&type=mobile").Body)
	require.NotContains(t, again, ns[0], "a number someone owns is not offered")
	require.Contains(t, again, ns[1])
}

func hasAnyPrefix(s string, ps []string) bool {
	return slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(s, p) })
}

func TestBuyNumberChargesTheFirstMonthOnce(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	fund(t, app, o.AccountSID, "10000")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	empty := c.Get("/phone-numbers")
	require.Equal(t, http.StatusOK, empty.Status)
	require.Contains(t, empty.Body, `data-testid="numbers-empty"`)
	require.Contains(t, empty.Body, `href="/phone-numbers/search"`)

	ns, _ := results(t, c.Get("/phone-numbers/search?country=JP&type=local").Body)
	phone := ns[0]
	res := buy(c, phone, "東京サポート")
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	n, err := numbers.GetByPhone(ctx, app.Pool, o.AccountSID, o.AccountSID, phone)
	require.NoError(t, err)
	require.Equal(t, "/phone-numbers/"+n.SID, res.Location())
	require.Equal(t, "東京サポート", n.FriendlyName)
	require.Equal(t, "JP", n.Country)
	require.Equal(t, numbers.Local, n.Type)

	require.Equal(t, "9325", webtest.Balance(t, app, o.AccountSID).String(), "exactly the monthly price is charged")
	var amount, kind string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT amount::text, kind FROM ledger_entries WHERE project_sid = $1 AND account_sid = $1 AND note = $2`,
		o.AccountSID, phone).Scan(&amount, &kind))
	require.Equal(t, "-675", amount)
	require.Equal(t, billing.KindFee, kind)
	var ucount int
	var uprice string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count, price::text FROM usage_events WHERE project_sid = $1 AND account_sid = $1 AND category = 'phonenumbers-local' AND source = $2`,
		o.AccountSID, n.SID).Scan(&ucount, &uprice))
	require.Equal(t, 1, ucount)
	require.True(t, decimal.RequireFromString("675").Equal(decimal.RequireFromString(uprice)), uprice)
	items, err := billing.RecurringItemsByID(ctx, app.Pool, o.AccountSID, []string{n.RecurringItem})
	require.NoError(t, err)
	it := items[n.RecurringItem]
	require.NotNil(t, it)
	require.True(t, it.Active)
	require.Equal(t, phone, it.Description)
	require.Equal(t, "phonenumbers-local", it.UsageCategory)
	require.Equal(t, "675", it.Amount.String())
	require.Equal(t, o.AccountSID, it.AccountSID)
	require.Equal(t, 1, webtest.CountAudit(t, app, "number.bought"))

	page := c.Get(res.Location())
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, numbers.Format(phone)+" is yours. The first month was charged to the balance.")
	require.Contains(t, page.Body, `data-testid="number-price">¥675.00<`)
	require.Contains(t, page.Body, `data-testid="number-e164">`+phone+`<`)
	require.Contains(t, page.Body, "Japan")
	require.Contains(t, page.Body, "¥675.00 a month")

	list := c.Get("/phone-numbers")
	require.Equal(t, http.StatusOK, list.Status)
	require.Contains(t, list.Body, `href="/phone-numbers/`+n.SID+`">`+numbers.Format(phone)+`<`)
	require.Contains(t, list.Body, "東京サポート")
	require.Contains(t, list.Body, ">¥675.00<")
	require.Contains(t, list.Body, ">Japan · Local<")
	require.Contains(t, list.Body, n.DateCreated.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02"), "the day in the project's time zone")

	// The same purchase again (a second click, a resubmitted form) buys
	// and charges nothing and says the number is already there.
	again := buy(c, phone, "東京サポート")
	require.Equal(t, http.StatusSeeOther, again.Status)
	require.Equal(t, "/phone-numbers/"+n.SID, again.Location())
	require.Contains(t, c.Get(again.Location()).Body, numbers.Format(phone)+" is already yours: it was not bought or charged again.")
	require.Equal(t, "9325", webtest.Balance(t, app, o.AccountSID).String())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND note = $2`, o.AccountSID, phone))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM incoming_phone_numbers WHERE phone_number = $1`, phone))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM recurring_items WHERE project_sid = $1`, o.AccountSID))

	// Two submits at once: one purchase, one charge.
	second := ns[1]
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = buy(c, second, "").Status
		}()
	}
	wg.Wait()
	require.Equal(t, []int{303, 303, 303, 303}, statuses)
	require.Equal(t, "8650", webtest.Balance(t, app, o.AccountSID).String())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND note = $2`, o.AccountSID, second))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM incoming_phone_numbers WHERE phone_number = $1`, second))
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM usage_events WHERE project_sid = $1 AND source IN (SELECT sid FROM incoming_phone_numbers WHERE phone_number = $2)`, o.AccountSID, second))
	require.Equal(t, 2, webtest.Count(t, app, `SELECT count(*) FROM recurring_items WHERE project_sid = $1 AND active`, o.AccountSID))

	// Someone else's number is refused with a clear message and no charge.
	u := app.CreateOwner("USD")
	fund(t, app, u.AccountSID, "100")
	cu := app.Client()
	cu.SignIn(u.Email, u.Password)
	before := app.Fingerprint()
	taken := buy(cu, phone, "")
	require.Equal(t, http.StatusUnprocessableEntity, taken.Status)
	require.Contains(t, taken.Body, numbers.Format(phone)+" was just bought by someone else. Choose another number; nothing was charged.")
	require.Contains(t, taken.Body, `data-testid="numbers-results"`, "the search is shown again to choose another")
	require.NotContains(t, taken.Body, `data-number="`+phone+`"`)
	require.Equal(t, before, app.Fingerprint())
	require.Equal(t, "100", webtest.Balance(t, app, u.AccountSID).String())
}

func TestRefusedPurchaseChangesNothing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	fund(t, app, o.AccountSID, "100")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ns, _ := results(t, c.Get("/phone-numbers/search?country=JP&type=local").Body)

	before := app.Fingerprint()
	res := buy(c, ns[0], "")
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "The balance (¥100.00) does not cover the first month. Add funds and try again; nothing was charged.")
	require.Equal(t, before, app.Fingerprint())

	c.Header.Set("Accept-Language", "ja")
	res = buy(c, ns[0], "")
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "残高（¥100.00）が初月分に足りません。")
	c.Header.Del("Accept-Language")

	for _, bad := range []struct{ phone, name, msg string }{
		{"", "", "Choose a number to buy from the results."},
		{"+442071234567", "", "+442071234567 is not a number of the inventory."},
		{ns[0], strings.Repeat("x", 65), "The friendly name is too long (64 characters at most); nothing was bought."},
	} {
		res := buy(c, bad.phone, bad.name)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, bad.phone)
		require.Contains(t, res.Body, bad.msg)
	}
	require.Equal(t, before, app.Fingerprint())

	fund(t, app, o.AccountSID, "10000")
	_, err := app.Pool.Exec(ctx, `UPDATE balances SET suspended_at = now() WHERE project_sid = $1`, o.AccountSID)
	require.NoError(t, err)
	before = app.Fingerprint()
	res = buy(c, ns[0], "")
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "The project is suspended for lack of funds, so it cannot buy numbers.")
	require.Equal(t, before, app.Fingerprint())
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM incoming_phone_numbers`))
	require.Equal(t, 0, webtest.CountAudit(t, app, "number.bought"))

	// A suspended subaccount may not buy either, though the project may.
	_, err = app.Pool.Exec(ctx, `UPDATE balances SET suspended_at = NULL WHERE project_sid = $1`, o.AccountSID)
	require.NoError(t, err)
	sub := createSubInConsole(t, c, "Shop")
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/view", nil).Status)
	_, err = app.Pool.Exec(ctx, `UPDATE accounts SET status = 'suspended' WHERE sid = $1`, sub)
	require.NoError(t, err)
	before = app.Fingerprint()
	res = buy(c, ns[0], "")
	require.Equal(t, http.StatusForbidden, res.Status)
	require.Contains(t, res.Body, "This account is suspended: nothing can be bought, sent or changed in it until it is reactivated.")
	require.Equal(t, before, app.Fingerprint())
}

// createSubInConsole creates a subaccount through the console and returns its SID.
func createSubInConsole(t *testing.T, c *webtest.Client, name string) string {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts", url.Values{"friendly_name": {name}}).Status)
	m := regexp.MustCompile(`<tr data-sid="(AC[0-9a-f]{32})">\s*<td><a[^>]*>` + regexp.QuoteMeta(name) + `<`).FindStringSubmatch(c.Get("/settings/subaccounts").Body)
	require.NotNil(t, m)
	return m[1]
}

func TestRenameAndReleaseNumber(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	fund(t, app, o.AccountSID, "100")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ns, _ := results(t, c.Get("/phone-numbers/search?country=US&type=tollfree").Body)
	res := c.Post("/phone-numbers/buy", url.Values{"phone_number": {ns[0]}, "country": {"US"}, "type": {"tollfree"}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	require.Equal(t, "97.85", webtest.Balance(t, app, o.AccountSID).String())
	path := res.Location()
	n, err := numbers.GetByPhone(ctx, app.Pool, o.AccountSID, o.AccountSID, ns[0])
	require.NoError(t, err)
	require.Equal(t, ns[0], n.FriendlyName, "the friendly name defaults to the number")

	bad := c.Post(path, url.Values{"friendly_name": {"  "}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	require.Contains(t, bad.Body, "This field is required.")
	require.Equal(t, http.StatusSeeOther, c.Post(path, url.Values{"friendly_name": {"Support line"}}).Status)
	page := c.Get(path)
	require.Contains(t, page.Body, `data-testid="number-name">Support line<`)
	require.Contains(t, c.Get("/phone-numbers").Body, "Support line")
	require.Equal(t, 1, webtest.CountAudit(t, app, "number.renamed"))

	wrong := c.Post(path+"/release", url.Values{"confirm_number": {"+18005550000"}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.Status)
	require.Contains(t, wrong.Body, "The number does not match.")
	_, err = numbers.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, n.SID)
	require.NoError(t, err, "still owned")

	rel := c.Post(path+"/release", url.Values{"confirm_number": {numbers.Format(ns[0])}})
	require.Equal(t, http.StatusSeeOther, rel.Status)
	require.Equal(t, "/phone-numbers", rel.Location())
	list := c.Get("/phone-numbers")
	require.Contains(t, list.Body, numbers.Format(ns[0])+" was released; it is no longer charged.")
	require.Contains(t, list.Body, `data-testid="numbers-empty"`, "the number left the list")
	require.Equal(t, http.StatusNotFound, c.Get(path).Status)
	items, err := billing.RecurringItemsByID(ctx, app.Pool, o.AccountSID, []string{n.RecurringItem})
	require.NoError(t, err)
	require.False(t, items[n.RecurringItem].Active, "the monthly charge stopped")
	active, err := billing.RecurringItems(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Empty(t, active)
	require.Equal(t, 1, webtest.CountAudit(t, app, "number.released"))
	require.Equal(t, "97.85", webtest.Balance(t, app, o.AccountSID).String(), "releasing refunds nothing and charges nothing")
	require.Equal(t, http.StatusNotFound, c.Post(path+"/release", url.Values{"confirm_number": {ns[0]}}).Status, "a second release finds nothing")
}

func TestNumbersBelongToTheViewedAccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	fund(t, app, o.AccountSID, "10000")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	sub := createSubInConsole(t, c, "Shop")
	subNumber := app.EnsureNumber(o.AccountSID, sub, "")
	other := app.CreateOwner("JPY")
	foreign := app.EnsureNumber(other.AccountSID, other.AccountSID, "")

	ns, _ := results(t, c.Get("/phone-numbers/search?country=JP&type=local").Body)
	res := buy(c, ns[0], "Master line")
	require.Equal(t, http.StatusSeeOther, res.Status)
	mine := strings.TrimPrefix(res.Location(), "/phone-numbers/")

	list := c.Get("/phone-numbers").Body
	require.Contains(t, list, "Master line")
	require.NotContains(t, list, subNumber)
	before := app.Fingerprint()
	for _, sid := range []string{subNumber, foreign, "PN00000000000000000000000000000000"} {
		require.Equal(t, http.StatusNotFound, c.Get("/phone-numbers/"+sid).Status, sid)
		require.Equal(t, http.StatusNotFound, c.Post("/phone-numbers/"+sid, url.Values{"friendly_name": {"x"}}).Status, sid)
		require.Equal(t, http.StatusNotFound, c.Post("/phone-numbers/"+sid+"/release", url.Values{"confirm_number": {"x"}}).Status, sid)
	}
	require.Equal(t, before, app.Fingerprint())

	// Viewing the subaccount: its numbers, not the project's; a purchase
	// is the subaccount's and is paid from the project's balance.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/view", nil).Status)
	list = c.Get("/phone-numbers").Body
	require.Contains(t, list, `href="/phone-numbers/`+subNumber+`"`)
	require.NotContains(t, list, "Master line")
	require.Equal(t, http.StatusNotFound, c.Get("/phone-numbers/"+mine).Status)
	require.Equal(t, http.StatusOK, c.Get("/phone-numbers/"+subNumber).Status)
	res = buy(c, ns[1], "Shop line")
	require.Equal(t, http.StatusSeeOther, res.Status)
	n, err := numbers.GetByPhone(ctx, app.Pool, o.AccountSID, sub, ns[1])
	require.NoError(t, err)
	require.Equal(t, sub, n.AccountSID)
	require.Equal(t, "8650", webtest.Balance(t, app, o.AccountSID).String())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND account_sid = $2 AND note = $3`, o.AccountSID, sub, ns[1]))
}
