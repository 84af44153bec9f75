package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/mailtest"
	"console/internal/trigger"
	"console/internal/webtest"
)

// triggerLocale is what an owner of one language reads on Usage ›
// Triggers, copied from internal/i18n/catalog/{en,ja}.json on purpose so
// that a wrong translation fails here.
type triggerLocale struct {
	name, lang string

	tabs         []string // usage.summary, usage.subaccounts, usage.triggers
	title        string   // triggers.title (heading and tab)
	empty        string   // triggers.empty
	create       string   // "+ " + triggers.create (the list's button, the form's submit without "+ ")
	newTitle     string   // triggers.new
	groups       []string
	totalPrice   string // triggers.category_totalprice
	price        string // triggers.by_price
	monthly      string // triggers.recurring_monthly
	emailTeam    string // triggers.email_team
	created      string // triggers.created, a format with the name
	never        string // triggers.never
	email        string // triggers.email
	historyEmpty string // triggers.history_empty
	sent         string // triggers.email_sent, a format with the time
	month        func(time.Time) string
}

var triggerLocales = []triggerLocale{
	{
		name: "Japanese", lang: "ja", tabs: []string{"サマリー", "サブアカウント", "トリガー"},
		title: "トリガー", empty: "トリガーはまだありません。利用量や利用額が一定の値を超えたときに通知を受け取るには、トリガーを作成してください。",
		create: "トリガーを作成", newTitle: "新しいトリガー", groups: []string{"SMS", "音声通話", "電話番号", "合計金額"},
		totalPrice: "合計金額", price: "料金", monthly: "毎月", emailTeam: "オーナー、管理者、請求管理者",
		created: "トリガー「%s」を作成しました。", never: "なし", email: "メール", historyEmpty: "このトリガーはまだ通知していません。",
		sent: "%s に送信", month: func(t time.Time) string { return t.Format("2006年1月") },
	},
	{
		name: "English", lang: "en-US,en;q=0.9", tabs: []string{"Summary", "Subaccounts", "Triggers"},
		title: "Triggers", empty: "No triggers yet. Create one to be told when usage or spend passes a value.",
		create: "Create new trigger", newTitle: "New trigger", groups: []string{"SMS", "Voice", "Phone Numbers", "Total price"},
		totalPrice: "Total price", price: "Price", monthly: "Monthly", emailTeam: "Owners, Administrators and Billing Managers",
		created: "Trigger \"%s\" was created.", never: "Never", email: "Email", historyEmpty: "This trigger has not fired yet.",
		sent: "Sent %s", month: func(t time.Time) string { return t.Format("January 2006") },
	},
}

// TestBrowserSeedTriggerFiresByEmail walks the seed's example in real
// Chromium, in each language: the sidebar's Usage › Triggers → "+" → a name and the
// value, everything else as the form comes (Total price, Price, Monthly,
// mail to the Owners, Administrators and Billing Managers) → save. Then
// the project spends through the REST API with its own credentials: it
// buys a Japanese mobile number (¥900) and sends 10-segment messages from
// it (¥117.5 each); the third takes the month's total past ¥1,200. The mail
// arrives at the test SMTP server, and the trigger's page shows the
// firing with the mail sent. (¥1,200 instead of the seed's ¥100,000
// keeps the spend small; the form path is the same.)
func TestBrowserSeedTriggerFiresByEmail(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range triggerLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
			o := app.CreateOwner("JPY")
			giveCredit(t, app, o.AccountSID, "5000")
			c := &consoleTour{t: t, app: app, owner: o, lang: l.lang, b: browsertest.New(t, app.URL, browsertest.Lang(l.lang))}
			b := c.b
			signInAs(t, b, o.Email, o.Password)
			tokyo, err := time.LoadLocation("Asia/Tokyo")
			require.NoError(t, err)

			// Sidebar › Usage › Triggers: nothing yet, and the "+".
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/usage"]`))
			require.Equal(t, "/usage", b.URLPath())
			require.Equal(t, l.tabs, b.Texts("nav.tabs a"))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("tab-usage-triggers")))
			c.requireSettingsPage("/usage/triggers", l.title, l.title) // the same tabs markup
			require.Equal(t, l.empty, b.Text(browsertest.TestID("triggers-empty")))
			require.Equal(t, "+ "+l.create, b.Text(browsertest.TestID("trigger-new")))
			c.screenshot("triggers-empty")
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("trigger-new")))
			require.Equal(t, "/usage/triggers/new", b.URLPath())
			require.Equal(t, l.newTitle, b.Text("main h1"))

			// The form comes set for the seed's trigger.
			require.Equal(t, l.groups, browsertest.Eval[[]string](b, `Array.from(document.querySelectorAll('select[name="usage_category"] optgroup'), g => g.label)`))
			require.Equal(t, "totalprice", b.Value(`select[name="usage_category"]`))
			require.Equal(t, l.totalPrice, selectedText(b, `select[name="usage_category"]`))
			require.Equal(t, "price", browsertest.Eval[string](b, `document.querySelector('input[name="trigger_by"]:checked').value`))
			require.Equal(t, l.price, strings.TrimSpace(b.Text(`label:has(> input[name="trigger_by"]:checked)`)))
			require.Equal(t, "monthly", b.Value(`select[name="recurring"]`))
			require.Equal(t, l.monthly, selectedText(b, `select[name="recurring"]`))
			require.True(t, browsertest.Eval[bool](b, `document.querySelector('input[name="email_team"]').checked`))
			require.Equal(t, l.emailTeam, strings.TrimSpace(b.Text(`label:has(> input[name="email_team"])`)))
			require.Equal(t, "", b.Value(`input[name="callback_url"]`))

			// A name and the value; save.
			b.Fill(`input[name="friendly_name"]`, "月間の利用額")
			b.Fill(`input[name="trigger_value"]`, "1200")
			require.Equal(t, l.create, b.Text(browsertest.TestID("trigger-create")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("trigger-create")))
			m := triggerLocation.FindStringSubmatch(b.URLPath())
			require.NotNil(t, m, "the trigger's page: %s", b.URLPath())
			sidUT := m[1]
			require.Equal(t, fmt.Sprintf(l.created, "月間の利用額"), b.Text(".flash"))
			require.Equal(t, "月間の利用額", b.Text("main h1"))
			require.Equal(t, l.price+" ≥ ¥1,200.00", b.Text(browsertest.TestID("trigger-value")))
			require.Equal(t, l.monthly, b.Text(browsertest.TestID("trigger-recurring")))
			require.Equal(t, "¥0.00", b.Text(browsertest.TestID("trigger-current")))
			require.Equal(t, l.never, b.Text(browsertest.TestID("trigger-fired")))
			require.Equal(t, l.historyEmpty, b.Text(browsertest.TestID("history-empty")))
			c.screenshot("trigger-created")

			// Spend through the API with the project's own credentials: a
			// number, then messages from it.
			api := func(method, path string, form url.Values, want int) map[string]any {
				t.Helper()
				res := app.API(method, "/2010-04-01/Accounts/"+o.AccountSID+path, o.AccountSID, o.AuthToken, form)
				require.Equal(t, want, res.Status, "%s %s: %s", method, path, res.Body)
				return res.JSON(t)
			}
			avail := api(http.MethodGet, "/AvailablePhoneNumbers/JP/Mobile.json", nil, http.StatusOK)["available_phone_numbers"].([]any)
			require.NotEmpty(t, avail)
			from := avail[0].(map[string]any)["phone_number"].(string)
			api(http.MethodPost, "/IncomingPhoneNumbers.json", url.Values{"PhoneNumber": {from}}, http.StatusCreated)
			send := func(i int) {
				body := strings.Repeat(fmt.Sprint(i), 153*10) // GSM-7: ten segments
				msg := api(http.MethodPost, "/Messages.json", url.Values{"From": {from}, "To": {"+819012345678"}, "Body": {body}}, http.StatusCreated)
				require.Equal(t, "10", msg["num_segments"])
				require.Equal(t, "-117.50000", msg["price"])
			}
			send(1)
			send(2)
			idle(t, app)
			require.Equal(t, http.StatusOK, b.Go("/usage/triggers/"+sidUT))
			require.Equal(t, "¥1,135.00", b.Text(browsertest.TestID("trigger-current")), "¥900.00 + 2 × ¥117.50")
			require.Equal(t, l.historyEmpty, b.Text(browsertest.TestID("history-empty")), "not past ¥1,200.00 yet")
			require.Empty(t, smtp.Messages())
			send(3)

			// The mail, over SMTP.
			mails := smtp.WaitFor(t, o.Email, 1, 15*time.Second)
			require.Len(t, mails, 1)
			require.Contains(t, mails[0].Subject, "月間の利用額")
			require.Contains(t, mails[0].Body, "¥1,200.00")
			require.Contains(t, mails[0].Body, "¥1,252.50")
			link := app.URL + "/usage/triggers/" + sidUT
			require.Contains(t, mails[0].Body, link)

			// The firing in the trigger's history, with the mail sent.
			h := waitHistory(t, app, o.AccountSID, o.AccountSID, sidUT, func(h []*trigger.Firing) bool {
				return len(h) == 1 && len(h[0].Emails) == 1 && h[0].Emails[0].SentAt != nil
			})
			require.Equal(t, http.StatusOK, b.Go(strings.TrimPrefix(link, app.URL)), "the mail's link opens the trigger")
			fired := h[0].FiredAt.In(tokyo).Format("2006-01-02 15:04 MST")
			require.Equal(t, fired, b.Text(browsertest.TestID("trigger-fired")))
			require.Equal(t, "¥1,252.50", b.Text(browsertest.TestID("trigger-current")))
			require.Zero(t, b.Count(browsertest.TestID("history-empty")))
			require.Equal(t, 1, b.Count("ol.firings > li.firing"))
			require.Equal(t, fired, b.Text(browsertest.TestID("firing-at")))
			require.Equal(t, l.month(time.Now().In(tokyo)), b.Text(browsertest.TestID("firing-period")))
			require.Equal(t, l.price+" ≥ ¥1,200.00", b.Text(browsertest.TestID("firing-trigger-value")))
			require.Equal(t, "¥1,252.50", b.Text(browsertest.TestID("firing-value")))
			mail := fmt.Sprintf(`[data-testid="firing-emails"] li[data-to=%q]`, o.Email)
			require.Equal(t, 1, b.Count(mail))
			require.Equal(t, fmt.Sprintf(l.sent, h[0].Emails[0].SentAt.In(tokyo).Format("2006-01-02 15:04 MST")),
				b.Text(mail+" "+browsertest.TestID("email-status")))
			require.Zero(t, b.Count(browsertest.TestID("firing-attempts")), "no webhook")
			c.screenshot("trigger-fired")

			// The list says when it last fired.
			require.Equal(t, http.StatusOK, b.Go("/usage/triggers"))
			row := fmt.Sprintf(`tr[data-sid=%q] td`, sidUT)
			require.Equal(t, []string{"月間の利用額", l.totalPrice, l.price, "¥1,200.00", l.monthly, l.email, "¥1,252.50", fired}, b.Texts(row))
			c.screenshot("triggers")

			b.RequireNoConsoleErrors()
		})
	}
}
