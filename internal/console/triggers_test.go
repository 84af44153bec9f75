package console_test

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/mailtest"
	"console/internal/sid"
	"console/internal/team"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webtest"
	"console/web"
)

// seedForm is what the new trigger form sends for the seed's example
// (『月間の利用額が10万円を超えたらメールで通知を出す』) when the user types
// a name and the value and keeps every default.
func seedForm() url.Values {
	return url.Values{"friendly_name": {"月間の利用額"}, "usage_category": {"totalprice"}, "trigger_by": {"price"},
		"trigger_value": {"100000"}, "recurring": {"monthly"}, "email_team": {"1"}, "email_to": {""}, "callback_url": {""},
		"callback_method": {"POST"}}
}

// testID returns the text of the element with data-testid=id, tags
// stripped and spaces collapsed; "" when there is none.
func testID(body, id string) string {
	m := regexp.MustCompile(`data-testid="` + regexp.QuoteMeta(id) + `"[^>]*>((?s:.*?))</`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], " "))), " ")
}

// rowCells returns the texts of the cells of the table row with data-sid=sid.
func rowCells(body, sid string) []string {
	m := regexp.MustCompile(`<tr data-sid="` + sid + `">((?s:.*?))</tr>`).FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var out []string
	for _, c := range regexp.MustCompile(`(?s)<td>(.*?)</td>`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(c[1], " "))), " "))
	}
	return out
}

// giveCredit adds money to a project's balance, as an operator's credit would.
func giveCredit(t *testing.T, app *webtest.App, project, amount string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return billing.Post(ctx, tx, project, project, billing.KindCredit, "test-credit-"+sid.Hex32()[:12], decimal.RequireFromString(amount), "test credit")
	}))
}

// spendSMS charges an account for outbound SMS worth amount through the
// ledger with its usage event, as the Messages API does, and waits until
// the triggers it may cross are evaluated.
func spendSMS(t *testing.T, app *webtest.App, project, account, amount string) {
	t.Helper()
	ctx := context.Background()
	price := decimal.RequireFromString(amount)
	src := "test-sms-" + sid.Hex32()[:12]
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: project, AccountSID: account, Kind: billing.KindUsage,
		Source: src, Amount: price, Apply: func(ctx context.Context, tx pgx.Tx) error {
			return usage.Record(ctx, tx, usage.Event{ProjectSID: project, AccountSID: account, Category: usage.SMSOutbound, Count: 1,
				Usage: decimal.NewFromInt(1), Price: price, Source: src})
		}}))
	idle(t, app)
}

// idle waits until the evaluations queued by committed usage have run.
func idle(t *testing.T, app *webtest.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, app.Services.Triggers.Idle(ctx))
}

var triggerLocation = regexp.MustCompile(`^/usage/triggers/(UT[0-9a-f]{32})$`)

// createTrigger posts the new trigger form and returns the trigger's SID.
func createTrigger(t *testing.T, c *webtest.Client, form url.Values) string {
	t.Helper()
	res := c.Post("/usage/triggers", form)
	require.Equal(t, http.StatusSeeOther, res.Status, "%.2000s", res.Body)
	m := triggerLocation.FindStringSubmatch(res.Location())
	require.NotNil(t, m, res.Location())
	return m[1]
}

// The seed's example is one sign-in and one POST with the form's defaults:
// the new form comes set to the month's total price, by price, mailed to
// the team; the user types a name and 100000.
func TestTriggerSeedExample(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.Header.Set("Accept-Language", "ja")
	c.SignIn(o.Email, o.Password)

	list := c.Get("/usage/triggers")
	require.Equal(t, http.StatusOK, list.Status)
	require.Contains(t, list.Body, `<h1>トリガー</h1>`)
	require.Equal(t, "トリガーはまだありません。利用量や利用額が一定の値を超えたときに通知を受け取るには、トリガーを作成してください。", testID(list.Body, "triggers-empty"))
	require.Equal(t, "+ トリガーを作成", testID(list.Body, "trigger-new"))
	require.Contains(t, list.Body, `<a href="/usage/triggers/new" class="button primary" data-testid="trigger-new">`)
	require.Contains(t, list.Body, `<a href="/usage/triggers" class="active" aria-current="page" data-testid="tab-usage-triggers">トリガー</a>`)

	form := c.Get("/usage/triggers/new")
	require.Equal(t, http.StatusOK, form.Status)
	body := form.Body
	// The grouped category list, in Japanese, with Total price chosen.
	require.Equal(t, []string{"SMS", "音声通話", "電話番号", "合計金額"}, submatches(body, `<optgroup label="([^"]*)">`))
	require.Equal(t, []string{"sms", "sms-outbound", "calls", "calls-outbound", "phonenumbers", "phonenumbers-local", "phonenumbers-mobile",
		"phonenumbers-tollfree", "totalprice"}, submatches(body, `<option value="([a-z-]+)"[^>]*>[^<]*</option>`)[:9])
	require.Contains(t, body, `<option value="totalprice" selected>合計金額</option>`)
	require.Contains(t, body, `<input type="radio" name="trigger_by" value="price" checked> 料金`)
	require.Contains(t, body, `<option value="monthly" selected>毎月</option>`)
	require.Contains(t, body, `<input type="checkbox" name="email_team" value="1" checked> オーナー、管理者、請求管理者`)
	require.Contains(t, body, `<label>トリガー値 <input type="text" name="trigger_value"`)
	require.Contains(t, body, `<label>頻度 <select name="recurring">`)
	require.Contains(t, body, `<option value="POST" selected>POST</option>`)

	before := app.Fingerprint()
	sidUT := createTrigger(t, c, seedForm())
	require.NotEqual(t, before, app.Fingerprint())
	tr, err := trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, sidUT)
	require.NoError(t, err)
	require.Equal(t, o.AccountSID, tr.ProjectSID)
	require.Equal(t, o.AccountSID, tr.AccountSID)
	require.Equal(t, "月間の利用額", tr.FriendlyName)
	require.Equal(t, usage.TotalPrice, tr.UsageCategory)
	require.Equal(t, trigger.ByPrice, tr.TriggerBy)
	require.Equal(t, "100000", tr.TriggerValue.String())
	require.Equal(t, trigger.Monthly, tr.Recurring)
	require.True(t, tr.EmailTeam)
	require.Empty(t, tr.EmailTo)
	require.Equal(t, "ja", tr.EmailLocale, "extra addresses get the language of whoever set the trigger")
	require.Equal(t, "", tr.CallbackURL)
	require.Equal(t, "POST", tr.CallbackMethod)
	require.Equal(t, 1, tr.Revision)
	require.Nil(t, tr.DateFired)
	var actor, ip string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT actor_user_id, ip FROM audit_log WHERE action = 'usage_trigger.created' AND target = $1`, sidUT).Scan(&actor, &ip))
	require.Equal(t, o.UserID, actor)
	require.NotEmpty(t, ip)

	page := c.Get("/usage/triggers/" + sidUT)
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `<div class="flash flash-ok" role="status">トリガー「月間の利用額」を作成しました。</div>`)
	require.Contains(t, page.Body, `<h1>月間の利用額</h1>`)
	require.Equal(t, sidUT, testID(page.Body, "trigger-sid"))
	require.Equal(t, "合計金額", testID(page.Body, "trigger-category"))
	require.Equal(t, "料金 ≥ ¥100,000.00", testID(page.Body, "trigger-value"))
	require.Equal(t, "毎月", testID(page.Body, "trigger-recurring"))
	require.Equal(t, "¥0.00", testID(page.Body, "trigger-current"))
	require.Equal(t, "なし", testID(page.Body, "trigger-fired"))
	require.Equal(t, "このトリガーはまだ通知していません。", testID(page.Body, "history-empty"))
	require.Contains(t, page.Body, `<input type="text" name="trigger_value" inputmode="decimal" value="100000"`, "the edit form holds the value")

	// The list, with the month's spend so far.
	giveCredit(t, app, o.AccountSID, "10000")
	spendSMS(t, app, o.AccountSID, o.AccountSID, "1234.5")
	list = c.Get("/usage/triggers")
	require.Equal(t, []string{"月間の利用額", "合計金額", "料金", "¥100,000.00", "毎月", "メール", "¥1,234.50", "なし"}, rowCells(list.Body, sidUT))
	require.Empty(t, testID(list.Body, "triggers-empty"))
}

// A form with errors is shown again with every error next to its field and
// what was typed, and changes nothing: on create and on edit.
func TestTriggerValidation(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	for name, tc := range map[string]struct {
		change func(url.Values)
		errors map[string]string // field → message
	}{
		"no action": {func(f url.Values) { f.Del("email_team") }, map[string]string{"action": "Choose how to notify: email, webhook, or both."}},
		"bad value": {func(f url.Values) { f.Set("trigger_value", "100,000円") }, map[string]string{"trigger_value": "Enter a number such as 100000 or 12.5, or +N."}},
		"zero":      {func(f url.Values) { f.Set("trigger_value", "0") }, map[string]string{"trigger_value": "The trigger value must be more than zero."}},
		"no value":  {func(f url.Values) { f.Set("trigger_value", " ") }, map[string]string{"trigger_value": "Enter a trigger value."}},
		"bad URL": {func(f url.Values) { f.Set("callback_url", "ftp://example.com/hook") },
			map[string]string{"callback_url": "Enter a URL starting with http:// or https://."}},
		"bad email": {func(f url.Values) { f.Set("email_to", "ops@example.com\nnot-an-email") },
			map[string]string{"email_to": "Enter valid email addresses, separated by commas or new lines."}},
		"count of total":   {func(f url.Values) { f.Set("trigger_by", "count") }, map[string]string{"trigger_by": "Total price has no count: trigger it by price."}},
		"unknown category": {func(f url.Values) { f.Set("usage_category", "mms") }, map[string]string{"usage_category": "Choose a usage category."}},
		"everything at once": {func(f url.Values) {
			f.Del("email_team")
			f.Set("trigger_value", "ten")
			f.Set("recurring", "hourly")
			f.Set("callback_url", "example.com/hook")
			f.Set("callback_method", "PUT")
			f.Set("email_to", "a@example.com, b@")
			f.Set("friendly_name", strings.Repeat("x", 65))
		}, map[string]string{
			"friendly_name":   "Use at most 64 characters.",
			"trigger_value":   "Enter a number such as 100000 or 12.5, or +N.",
			"recurring":       "Choose a frequency.",
			"callback_url":    "Enter a URL starting with http:// or https://.",
			"callback_method": "Choose GET or POST.",
			"email_to":        "Enter valid email addresses, separated by commas or new lines.",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			form := seedForm()
			form.Set("friendly_name", "Spend")
			tc.change(form)
			before := app.Fingerprint()
			res := c.Post("/usage/triggers", form)
			require.Equal(t, http.StatusUnprocessableEntity, res.Status)
			require.Equal(t, before, app.Fingerprint(), "nothing is saved")
			got := map[string]string{}
			for _, m := range regexp.MustCompile(`<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>`).FindAllStringSubmatch(res.Body, -1) {
				got[m[1]] = html.UnescapeString(m[2])
			}
			require.Equal(t, tc.errors, got)
			// What was typed is kept.
			require.Contains(t, res.Body, `name="friendly_name" value="`+html.EscapeString(form.Get("friendly_name"))+`"`)
			require.Contains(t, res.Body, `name="trigger_value" inputmode="decimal" value="`+html.EscapeString(strings.TrimSpace(form.Get("trigger_value")))+`"`)
			require.Contains(t, res.Body, `name="callback_url" value="`+html.EscapeString(form.Get("callback_url"))+`"`)
			require.Contains(t, res.Body, `autocomplete="off">`+html.EscapeString(strings.TrimSpace(form.Get("email_to")))+`</textarea>`)
			require.Equal(t, form.Get("email_team") != "", strings.Contains(res.Body, `name="email_team" value="1" checked`))
		})
	}
	list, err := trigger.List(ctx, app.Pool, o.AccountSID, o.AccountSID, trigger.Filter{}, "", 0, 10)
	require.NoError(t, err)
	require.Empty(t, list)
	require.Zero(t, webtest.CountAudit(t, app, "usage_trigger.created"))

	// The same on edit: a 422 on the trigger's page, the trigger unchanged.
	sidUT := createTrigger(t, c, seedForm())
	form := seedForm()
	form.Del("email_team")
	form.Set("trigger_value", "-5")
	form.Set("friendly_name", "Changed")
	before := app.Fingerprint()
	res := c.Post("/usage/triggers/"+sidUT, form)
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Equal(t, before, app.Fingerprint())
	require.Contains(t, res.Body, `<p class="field-error" id="action-error">Choose how to notify: email, webhook, or both.</p>`)
	require.Contains(t, res.Body, `<p class="field-error" id="trigger_value-error">The trigger value must be more than zero.</p>`)
	require.Contains(t, res.Body, `name="friendly_name" value="Changed"`)
	require.Contains(t, res.Body, `<h1>月間の利用額</h1>`, "the page still shows the trigger as saved")
	require.Equal(t, "Price ≥ $100,000.00", testID(res.Body, "trigger-value"))
	tr, err := trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, sidUT)
	require.NoError(t, err)
	require.Equal(t, "月間の利用額", tr.FriendlyName)
	require.Equal(t, 1, tr.Revision)
	require.Zero(t, webtest.CountAudit(t, app, "usage_trigger.updated"))
}

// Every field can be edited, the value included; a +N value is counted
// from the period's value so far; deleting asks first and leaves nothing.
func TestTriggerEditAndDelete(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	sidUT := createTrigger(t, c, seedForm())

	form := url.Values{"friendly_name": {"SMS this year"}, "usage_category": {"sms"}, "trigger_by": {"count"}, "trigger_value": {"2500"},
		"recurring": {"yearly"}, "email_to": {"ops@example.com, billing@example.com\nOPS@example.com"},
		"callback_url": {"https://hooks.example.com/usage?team=1"}, "callback_method": {"GET"}}
	res := c.Post("/usage/triggers/"+sidUT, form)
	require.Equal(t, http.StatusSeeOther, res.Status, "%.2000s", res.Body)
	require.Equal(t, "/usage/triggers/"+sidUT, res.Location())
	tr, err := trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, sidUT)
	require.NoError(t, err)
	require.Equal(t, "SMS this year", tr.FriendlyName)
	require.Equal(t, "sms", tr.UsageCategory)
	require.Equal(t, trigger.ByCount, tr.TriggerBy)
	require.Equal(t, "2500", tr.TriggerValue.String())
	require.Equal(t, trigger.Yearly, tr.Recurring)
	require.False(t, tr.EmailTeam)
	require.Equal(t, []string{"ops@example.com", "billing@example.com"}, tr.EmailTo, "split, each once")
	require.Equal(t, "https://hooks.example.com/usage?team=1", tr.CallbackURL)
	require.Equal(t, "GET", tr.CallbackMethod)
	require.Equal(t, 2, tr.Revision, "a new value arms the trigger again")
	require.Equal(t, 1, webtest.CountAudit(t, app, "usage_trigger.updated"))

	page := c.Get("/usage/triggers/" + sidUT)
	require.Contains(t, page.Body, `<div class="flash flash-ok" role="status">Trigger &#34;SMS this year&#34; was saved.</div>`)
	require.Equal(t, "Count ≥ 2,500 messages", testID(page.Body, "trigger-value"))
	require.Equal(t, "All SMS", testID(page.Body, "trigger-category"))
	require.Equal(t, "Yearly", testID(page.Body, "trigger-recurring"))
	require.Equal(t, "0 messages", testID(page.Body, "trigger-current"))
	require.Contains(t, page.Body, `<option value="sms" selected>All SMS</option>`)
	require.Contains(t, page.Body, `<option value="GET" selected>GET</option>`)
	require.Contains(t, page.Body, `autocomplete="off">ops@example.com`+"\n"+`billing@example.com</textarea>`)
	require.NotContains(t, page.Body, `name="email_team" value="1" checked`)
	list := c.Get("/usage/triggers")
	require.Equal(t, []string{"SMS this year", "All SMS", "Count", "2,500 messages", "Yearly", "Email Webhook GET", "0 messages", "Never"},
		rowCells(list.Body, sidUT))

	// +N: N more than this period's value so far ($12.50 spent this month).
	giveCredit(t, app, o.AccountSID, "100")
	spendSMS(t, app, o.AccountSID, o.AccountSID, "12.5")
	plus := seedForm()
	plus.Set("trigger_value", "+7.5")
	res = c.Post("/usage/triggers/"+sidUT, plus)
	require.Equal(t, http.StatusSeeOther, res.Status, "%.2000s", res.Body)
	tr, err = trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, sidUT)
	require.NoError(t, err)
	require.Equal(t, "20", tr.TriggerValue.String())
	require.Equal(t, usage.TotalPrice, tr.UsageCategory)
	page = c.Get("/usage/triggers/" + sidUT)
	require.Equal(t, "Price ≥ $20.00", testID(page.Body, "trigger-value"))
	require.Equal(t, "$12.50", testID(page.Body, "trigger-current"))
	require.Equal(t, "Never", testID(page.Body, "trigger-fired"))
	plusNew := seedForm()
	plusNew.Set("friendly_name", "Ten more")
	plusNew.Set("trigger_value", "+10")
	other := createTrigger(t, c, plusNew)
	tr, err = trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, other)
	require.NoError(t, err)
	require.Equal(t, "22.5", tr.TriggerValue.String())

	// Delete sits behind a confirmation.
	require.Contains(t, page.Body, `<summary data-testid="trigger-delete-open">Delete trigger</summary>`)
	require.Contains(t, page.Body, `<form method="post" action="/usage/triggers/`+sidUT+`/delete">`)
	res = c.Post("/usage/triggers/"+sidUT+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/usage/triggers", res.Location())
	_, err = trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, sidUT)
	require.ErrorIs(t, err, trigger.ErrNotFound)
	require.Equal(t, 1, webtest.CountAudit(t, app, "usage_trigger.deleted"))
	list = c.Get("/usage/triggers")
	require.Contains(t, list.Body, `<div class="flash flash-ok" role="status">Trigger &#34;月間の利用額&#34; was deleted.</div>`)
	require.Nil(t, rowCells(list.Body, sidUT))
	require.NotNil(t, rowCells(list.Body, other))
	require.Equal(t, http.StatusNotFound, c.Get("/usage/triggers/"+sidUT).Status)
	require.Equal(t, http.StatusNotFound, c.Post("/usage/triggers/"+sidUT+"/delete", nil).Status)
}

// Another project's trigger, a subaccount's seen from the master and the
// master's seen from a subaccount are 404s, and nothing changes.
func TestTriggerOfAnotherAccountIsNotFound(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	a, b := app.CreateOwner("USD"), app.CreateOwner("USD")
	ca, cb := app.Client(), app.Client()
	ca.SignIn(a.Email, a.Password)
	cb.SignIn(b.Email, b.Password)
	theirs := createTrigger(t, cb, seedForm())
	mine := createTrigger(t, ca, seedForm())
	project, err := app.Services.Accounts.Get(ctx, app.Pool, a.AccountSID, a.AccountSID)
	require.NoError(t, err)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	sub, _, err := app.Services.Accounts.CreateSubaccount(ctx, tx, project, "Shop", 10)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	subs := app.EnsureTrigger(a.AccountSID, sub.SID, "")

	check := func(c *webtest.Client, sidUT string) {
		t.Helper()
		before := app.Fingerprint()
		require.Equal(t, http.StatusNotFound, c.Get("/usage/triggers/"+sidUT).Status)
		require.Equal(t, http.StatusNotFound, c.Post("/usage/triggers/"+sidUT, seedForm()).Status)
		require.Equal(t, http.StatusNotFound, c.Post("/usage/triggers/"+sidUT+"/delete", nil).Status)
		require.Equal(t, before, app.Fingerprint())
	}
	check(ca, theirs)
	check(ca, subs)
	require.Nil(t, rowCells(ca.Get("/usage/triggers").Body, subs), "the master's list shows the master's triggers")

	// Viewing the subaccount: its own trigger, not the master's.
	require.Equal(t, http.StatusSeeOther, ca.Post("/settings/subaccounts/"+sub.SID+"/view", nil).Status)
	list := ca.Get("/usage/triggers").Body
	require.NotNil(t, rowCells(list, subs))
	require.Nil(t, rowCells(list, mine))
	require.Equal(t, http.StatusOK, ca.Get("/usage/triggers/"+subs).Status)
	check(ca, mine)
	created := createTrigger(t, ca, seedForm())
	tr, err := trigger.Get(ctx, app.Pool, a.AccountSID, sub.SID, created)
	require.NoError(t, err)
	require.Equal(t, sub.SID, tr.AccountSID, "a trigger made while viewing a subaccount is the subaccount's")
}

// The category select offers every category the console meters, once.
func TestTriggerCategoriesAreTheMeteredOnes(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for _, g := range web.TriggerCategories {
		for _, c := range g.Categories {
			seen[c]++
		}
	}
	want := map[string]int{}
	for c := range usage.Categories {
		want[c] = 1
	}
	require.Equal(t, want, seen)
}

func submatches(body, expr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// waitHistory polls a trigger's history until ok says it is complete.
func waitHistory(t *testing.T, app *webtest.App, project, account, sidUT string, ok func([]*trigger.Firing) bool) []*trigger.Firing {
	t.Helper()
	var h []*trigger.Firing
	webtest.Eventually(t, "the history of "+sidUT, func() bool {
		var err error
		h, err = app.Services.Triggers.History(context.Background(), project, account, sidUT, 0, 10)
		require.NoError(t, err)
		return ok(h)
	})
	return h
}

// A trigger's page lists each firing (when, the period, the value then)
// with every webhook attempt and every mail, as the workers deliver them.
func TestTriggerHistory(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	var mu sync.Mutex
	var calls []url.Values
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		calls = append(calls, r.PostForm)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	// An address nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + ln.Addr().String() + "/hook"
	require.NoError(t, ln.Close())

	monthly := seedForm()
	monthly.Set("trigger_value", "500")
	monthly.Set("email_to", "ops@example.com")
	monthly.Set("callback_url", hook.URL+"/usage")
	m := createTrigger(t, c, monthly)
	daily := seedForm()
	daily.Set("friendly_name", "Daily spend")
	daily.Set("trigger_value", "500")
	daily.Set("recurring", "daily")
	daily.Del("email_team")
	daily.Set("callback_url", refusedURL)
	daily.Set("callback_method", "GET")
	d := createTrigger(t, c, daily)

	giveCredit(t, app, o.AccountSID, "10000")
	spendSMS(t, app, o.AccountSID, o.AccountSID, "400")
	require.Equal(t, "This trigger has not fired yet.", testID(c.Get("/usage/triggers/"+m).Body, "history-empty"))
	spendSMS(t, app, o.AccountSID, o.AccountSID, "250")

	h := waitHistory(t, app, o.AccountSID, o.AccountSID, m, func(h []*trigger.Firing) bool {
		if len(h) != 1 || len(h[0].Attempts) != 1 || len(h[0].Emails) != 2 {
			return false
		}
		for _, e := range h[0].Emails {
			if e.SentAt == nil {
				return false
			}
		}
		return true
	})
	f := h[0]
	mails := smtp.WaitFor(t, "ops@example.com", 1, 10*time.Second)
	require.Contains(t, mails[0].Subject, "月間の利用額")
	require.Len(t, smtp.WaitFor(t, o.Email, 1, 10*time.Second), 1)
	mu.Lock()
	require.Len(t, calls, 1)
	require.Equal(t, m, calls[0].Get("UsageTriggerSid"))
	require.Equal(t, "650", calls[0].Get("CurrentValue"))
	mu.Unlock()

	page := c.Get("/usage/triggers/" + m).Body
	fired := f.FiredAt.In(tokyo).Format("2006-01-02 15:04 MST")
	require.Equal(t, fired, testID(page, "trigger-fired"))
	require.Equal(t, "¥650.00", testID(page, "trigger-current"))
	require.Empty(t, testID(page, "history-empty"))
	require.Equal(t, 1, strings.Count(page, `<li class="firing"`))
	require.Contains(t, page, fmt.Sprintf(`<li class="firing" data-firing="%d">`, f.ID))
	require.Equal(t, fired, testID(page, "firing-at"))
	require.Equal(t, time.Now().In(tokyo).Format("January 2006"), testID(page, "firing-period"))
	require.Equal(t, "Price ≥ ¥500.00", testID(page, "firing-trigger-value"))
	require.Equal(t, "¥650.00", testID(page, "firing-value"))
	for _, e := range f.Emails {
		sent := regexp.MustCompile(`<li data-to="` + regexp.QuoteMeta(e.To) + `">\s*<span class="addr">[^<]*</span>\s*<span class="status status-succeeded" data-testid="email-status">([^<]*)</span>`).FindStringSubmatch(page)
		require.NotNil(t, sent, "mail to %s shown as sent", e.To)
		require.Equal(t, "Sent "+e.SentAt.In(tokyo).Format("2006-01-02 15:04 MST"), sent[1])
	}
	require.ElementsMatch(t, []string{o.Email, "ops@example.com"}, []string{f.Emails[0].To, f.Emails[1].To})
	a := f.Attempts[0]
	row := regexp.MustCompile(`<tr data-attempt="1" data-status="204">((?s:.*?))</tr>`).FindStringSubmatch(page)
	require.NotNil(t, row, "the attempt's row")
	require.Contains(t, row[1], "<td>"+a.At.In(tokyo).Format("2006-01-02 15:04 MST")+"</td>")
	require.Contains(t, row[1], `<code>POST</code> <span class="url">`+hook.URL+`/usage</span>`)
	require.Contains(t, row[1], `<span class="status status-succeeded" data-testid="attempt-outcome">HTTP 204</span>`)
	require.Equal(t, []string{"月間の利用額", "Total price", "Price", "¥500.00", "Monthly", "Email Webhook POST", "¥650.00", fired},
		rowCells(c.Get("/usage/triggers").Body, m))

	// The webhook that finds nobody: each failed attempt with its reason.
	h = waitHistory(t, app, o.AccountSID, o.AccountSID, d, func(h []*trigger.Firing) bool { return len(h) == 1 && len(h[0].Attempts) >= 1 })
	page = c.Get("/usage/triggers/" + d).Body
	require.Equal(t, time.Now().In(tokyo).Format(time.DateOnly), testID(page, "firing-period"))
	row = regexp.MustCompile(`<tr data-attempt="1" data-status="0">((?s:.*?))</tr>`).FindStringSubmatch(page)
	require.NotNil(t, row, "the failed attempt's row")
	require.Contains(t, row[1], `<code>GET</code> <span class="url">`+refusedURL+`</span>`)
	require.Contains(t, row[1], `<span class="status status-failed" data-testid="attempt-outcome">Connection refused</span>`)
	require.Contains(t, row[1], `<code class="error-detail">`)
	require.Contains(t, h[0].Attempts[0].Error, "connection refused")
	require.NotContains(t, page, `data-testid="firing-emails"`, "this trigger mails nobody")

	// A new value arms the trigger again within the month: it fires anew,
	// and the history shows both firings, newest first.
	again := monthly
	again.Set("trigger_value", "600")
	require.Equal(t, http.StatusSeeOther, c.Post("/usage/triggers/"+m, again).Status)
	idle(t, app)
	h = waitHistory(t, app, o.AccountSID, o.AccountSID, m, func(h []*trigger.Firing) bool { return len(h) == 2 })
	page = c.Get("/usage/triggers/" + m).Body
	require.Equal(t, []string{fmt.Sprint(h[0].ID), fmt.Sprint(f.ID)}, submatches(page, `<li class="firing" data-firing="(\d+)">`))
	require.Equal(t, []string{"Price ≥ ¥600.00", "Price ≥ ¥500.00"}, submatches(page, `data-testid="firing-trigger-value">([^<]*)<`))
}

// Usage shows the Triggers tab to the roles that manage triggers only.
func TestUsageTabsShowTriggersToWhoManagesThem(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	for role, shown := range map[string]bool{team.RoleBilling: true, team.RoleDeveloper: true, team.RoleSupport: false} {
		u, err := app.Services.Users.Create(ctx, app.Pool, role+"@example.com", role, "member password", "")
		require.NoError(t, err)
		require.NoError(t, team.Add(ctx, app.Pool, o.AccountSID, u.ID, role))
		c := app.Client()
		c.SignIn(role+"@example.com", "member password")
		page := c.Get("/usage")
		require.Equal(t, http.StatusOK, page.Status, role)
		require.Contains(t, page.Body, `data-testid="tab-usage-subaccounts"`, role)
		require.Equal(t, shown, strings.Contains(page.Body, `<a href="/usage/triggers" data-testid="tab-usage-triggers">Triggers</a>`), role)
	}
}
