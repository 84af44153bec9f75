package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/browsertest"
	"console/internal/numbers"
	"console/internal/webtest"
)

// meteredLocale is what an owner of one language reads on the pages of
// the metered services, copied from internal/i18n/catalog/{en,ja}.json on
// purpose so that a wrong translation fails here.
type meteredLocale struct {
	name, lang string

	numbersEmpty string            // numbers.empty
	numberType   string            // numbers.country_jp · numbers.type_mobile
	bought       string            // numbers.bought_flash, a format with the number
	smsLogs      string            // sms.logs
	logColumns   []string          // billing.date, sms.to, sms.from, field.status, sms.segments, sms.price
	message      string            // sms.message
	body         string            // sms.body
	usageTabs    []string          // usage.summary, usage.subaccounts, usage.triggers
	services     []string          // service.sms, service.numbers: the summary's groups
	catSMS       string            // usage.cat_sms_outbound
	catMobile    string            // usage.cat_phonenumbers_mobile
	catLocal     string            // usage.cat_phonenumbers_local
	messages     string            // usage.unit_messages.other
	one          map[string]string // the .one forms of the units, English only
	segments     string            // usage.unit_segments
	numbersUnit  string            // usage.unit_numbers
	subtotal     string            // usage.subtotal
	mainAccount  string            // usage.main_account, a format with the project's name
	mainOnly     string            // usage.main_only
	active       string            // status.active
	delivered    string            // sms.status_delivered
	month        func(time.Time) string
}

var meteredLocales = []meteredLocale{
	{
		name: "English", lang: "en-US,en;q=0.9",
		numbersEmpty: "This account has no phone numbers yet. Buy one to send messages and make calls from it.",
		numberType:   "Japan · Mobile",
		bought:       "%s is yours. The first month was charged to the balance.",
		smsLogs:      "SMS logs",
		logColumns:   []string{"Date", "To", "From", "Status", "Segments", "Price"},
		message:      "Message",
		body:         "Body",
		usageTabs:    []string{"Summary", "Subaccounts", "Triggers"},
		services:     []string{"Programmable SMS", "Phone Numbers"},
		catSMS:       "Outbound SMS", catMobile: "Mobile phone numbers", catLocal: "Local phone numbers",
		messages: "messages", segments: "segments", numbersUnit: "numbers",
		one:         map[string]string{"messages": "message", "segments": "segment", "numbers": "number"},
		subtotal:    "Subtotal",
		mainAccount: "%s (main account)",
		mainOnly:    "Usage by subaccount belongs to the main account. Switch to the main account to see what each subaccount spent.",
		active:      "Active",
		delivered:   "delivered",
		month:       func(t time.Time) string { return t.Format("January 2006") },
	},
	{
		name: "Japanese", lang: "ja",
		numbersEmpty: "このアカウントにはまだ電話番号がありません。番号を購入すると、その番号から SMS の送信や発信ができます。",
		numberType:   "日本 · モバイル",
		bought:       "%s を購入しました。初月分を残高から差し引きました。",
		smsLogs:      "SMS ログ",
		logColumns:   []string{"日時", "宛先", "送信元", "ステータス", "セグメント数", "料金"},
		message:      "メッセージ",
		body:         "本文",
		usageTabs:    []string{"サマリー", "サブアカウント", "トリガー"},
		services:     []string{"Programmable SMS", "Phone Numbers"},
		catSMS:       "SMS 送信", catMobile: "モバイル番号", catLocal: "ローカル番号",
		messages: "通", segments: "セグメント", numbersUnit: "番号",
		subtotal:    "小計",
		mainAccount: "%s（親アカウント）",
		mainOnly:    "サブアカウントごとの利用額は親アカウントの画面で確認できます。親アカウントに切り替えてください。",
		active:      "有効",
		delivered:   "配信済み",
		month:       func(t time.Time) string { return t.Format("2006年1月") },
	},
}

// The JPY price list of migrations/00005_messages.sql and
// 00007_numbers.sql, written out: the expected figures below are
// worked out from these by hand, and the test first checks that the
// database holds the same prices.
var (
	smsToJP     = decimal.RequireFromString("11.75") // sms-outbound, JP, per segment
	smsToUS     = decimal.RequireFromString("1.2")   // sms-outbound, US, per segment
	mobileJP    = decimal.RequireFromString("900")   // phonenumbers-mobile, JP, per month
	localUS     = decimal.RequireFromString("172")   // phonenumbers-local, US, per month
	meteredFund = decimal.RequireFromString("10000") // what the owner adds with Add Funds
)

// sentMessage is a message the test sends and what it expects of it.
type sentMessage struct {
	to, body string
	segments int64
	unit     decimal.Decimal // the price of one segment to its destination
	sid      string
	created  time.Time
}

func (m *sentMessage) price() decimal.Decimal { return m.unit.Mul(decimal.NewFromInt(m.segments)) }

// TestBrowserMetered walks issue 6's story in real Chromium, in each
// language: an owner adds funds, creates a subaccount in Settings, views
// it, buys a Japanese mobile number in Phone Numbers (the balance drops
// by exactly the monthly price shown) and copies its credentials; a
// program sends messages through the REST API with them, from that
// number — ASCII, Japanese over two segments, to Japan and to the US —
// while the main account buys a number and sends a message of its own.
// Then the SMS log, a message's page, Usage › Summary, Usage ›
// Subaccounts, the dashboard and Billing all show the figures worked out
// by hand from the price list: count × segments × unit price.
func TestBrowserMetered(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range meteredLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			zone := clearOfMonthEnd(t, time.Now(), 3*time.Minute)
			app := webtest.Start(t, webtest.Workers()) // the workers move messages to delivered
			o := app.CreateOwner("JPY")
			_, err := app.Pool.Exec(context.Background(), `UPDATE accounts SET time_zone = $2 WHERE sid = $1`, o.AccountSID, zone.String())
			require.NoError(t, err)
			requirePrices(t, app)
			c := &consoleTour{t: t, app: app, owner: o, lang: l.lang, b: browsertest.New(t, app.URL, browsertest.Lang(l.lang))}
			b := c.b
			signInAs(t, b, o.Email, o.Password)
			bl, sl := billingLocaleOf(t, l.lang), subaccountLocaleOf(t, l.lang)

			// Billing: a card, then Add Funds.
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/billing"]`))
			c.openTab("/billing/payment-methods", bl.tabs[3])
			card := c.addCard("Taro Yamada", visaGood, "Visa •••• 4242")
			c.openTab("/billing", bl.tabs[0])
			c.addFunds(meteredFund.String(), card)
			require.Equal(t, fmt.Sprintf(bl.fundsAdded, billing.Money{Amount: meteredFund, Currency: "JPY"}.FormatCharge()), b.Text(".flash"), "a card charge, in whole yen")
			require.Equal(t, yen(meteredFund), b.Text(browsertest.TestID("balance")))

			// Settings › Subaccounts: create one and view it.
			require.Equal(t, http.StatusOK, b.Submit(settingsLink))
			c.openTab("/settings/subaccounts", sl.subaccounts)
			b.Click(browsertest.TestID("subaccount-new"))
			b.Fill(`details.create input[name="friendly_name"]`, sl.shop)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-create")))
			require.Equal(t, sl.created, b.Text(".flash"))
			sub := b.Attr(`[data-testid="subaccounts"] tbody tr`, "data-sid")
			require.Regexp(t, accountSIDPattern, sub)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("view-"+sub)))
			require.Equal(t, "/", b.URLPath())
			b.WaitVisible(browsertest.TestID("subaccount-band"))
			require.Equal(t, sl.shop, b.Text(browsertest.TestID("subaccount-band")+" strong"))
			require.Equal(t, sub, b.Text(browsertest.TestID("account-sid")))
			require.Equal(t, yen(meteredFund), b.Text(browsertest.TestID("balance")), "a subaccount spends its project's balance")
			require.Equal(t, yen(decimal.Zero), b.Text(browsertest.TestID("month-spend")))

			// Its credentials, from Settings › API credentials.
			require.Equal(t, http.StatusOK, b.Submit(settingsLink))
			c.openTab("/settings/credentials", sl.credentials)
			require.Equal(t, sub, b.Text(browsertest.TestID("live-sid")))
			subToken := c.revealPrimary()
			require.NotEqual(t, o.AuthToken, subToken)

			// Phone Numbers: search Japanese mobile numbers and buy one.
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/phone-numbers"]`))
			require.Equal(t, "/phone-numbers", b.URLPath())
			require.Equal(t, l.numbersEmpty, b.Text(browsertest.TestID("numbers-empty")+" p"))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("numbers-empty-search")))
			require.Equal(t, "/phone-numbers/search", b.URLPath())
			require.Equal(t, "JP", b.Value(`select[name="country"]`), "a JPY project searches Japan first")
			b.Select(`select[name="type"]`, numbers.Mobile)
			// htmx swaps the results in place, then pushes the search's URL.
			b.Click(browsertest.TestID("numbers-search"))
			webtest.Eventually(t, "the mobile numbers' results", func() bool { return strings.Contains(b.URL(), "type=mobile") })
			require.Equal(t, "mobile", b.Value(`select[name="type"]`))
			from := b.Attr(`[data-testid="numbers-results"] tbody tr`, "data-number")
			require.Regexp(t, `^\+81[789]0\d{8}$`, from, "a Japanese mobile number: 070, 080 or 090")
			row := fmt.Sprintf(`tr[data-number=%q]`, from)
			require.Equal(t, []string{numbers.Format(from), l.numberType, yen(mobileJP)}, b.Texts(row+" td:not(:last-child)"))
			shown := parseYen(t, b.Text(row+" "+browsertest.TestID("result-price")))
			require.True(t, mobileJP.Equal(shown), "the search shows the list price: %s", shown)
			c.screenshot("metered-search")
			b.Click(browsertest.TestID("buy-" + from))
			b.WaitVisible(browsertest.TestID("buy-confirm-" + from))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("buy-confirm-"+from)))
			require.Regexp(t, `^/phone-numbers/PN[0-9a-f]{32}$`, b.URLPath())
			require.Equal(t, fmt.Sprintf(l.bought, numbers.Format(from)), b.Text(".flash"))
			require.Equal(t, from, b.Text(browsertest.TestID("number-e164")))
			require.Equal(t, yen(mobileJP), b.Text(browsertest.TestID("number-price")))
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/phone-numbers"]`))
			require.Equal(t, []string{numbers.Format(from)}, b.Texts(`[data-testid="numbers"] tbody td:first-child`))

			// The balance dropped by exactly the price shown.
			require.Equal(t, http.StatusOK, b.Go("/"))
			afterBuy := meteredFund.Sub(shown)
			require.Equal(t, yen(afterBuy), b.Text(browsertest.TestID("balance")))
			require.Equal(t, yen(mobileJP), b.Text(browsertest.TestID("month-spend")))
			c.screenshot("metered-dashboard-bought")

			api := func(acct, token, method, path string, form url.Values, want int) map[string]any {
				t.Helper()
				res := app.API(method, "/2010-04-01/Accounts/"+acct+path, acct, token, form)
				require.Equal(t, want, res.Status, "%s %s: %s", method, path, res.Body)
				return res.JSON(t)
			}

			// The main account, with its own credentials: a US local number
			// (Japanese local numbers carry voice only) and one message from it.
			avail := api(o.AccountSID, o.AuthToken, http.MethodGet, "/AvailablePhoneNumbers/US/Local.json", nil, http.StatusOK)["available_phone_numbers"].([]any)
			require.NotEmpty(t, avail)
			mainFrom := avail[0].(map[string]any)["phone_number"].(string)
			pn := api(o.AccountSID, o.AuthToken, http.MethodPost, "/IncomingPhoneNumbers.json", url.Values{"PhoneNumber": {mainFrom}}, http.StatusCreated)
			require.Equal(t, o.AccountSID, pn["account_sid"])
			mainMsg := &sentMessage{to: "+819011112222", body: "Main account test", segments: 1, unit: smsToJP}

			// The subaccount may not send from its parent's number.
			refused := api(sub, subToken, http.MethodPost, "/Messages.json",
				url.Values{"From": {mainFrom}, "To": {"+819012345678"}, "Body": {"Not my number"}}, http.StatusBadRequest)
			require.EqualValues(t, 21606, refused["code"])

			// The subaccount's messages from its number. Segments by hand:
			// GSM-7 fits 160 characters in one, 153 per part beyond; UCS-2
			// (Japanese) 70 in one, 67 per part.
			sent := []*sentMessage{
				{to: "+819012345678", body: "Your verification code is 482193.", segments: 1, unit: smsToJP},
				{to: "+818098765432", body: "ご注文ありがとうございます。商品は明日の午前中にお届けします。配達状況はマイページからいつでもご確認いただけます。またのご利用をお待ちしております。",
					segments: 2, unit: smsToJP},
				{to: "+14155550100", body: "Hello from Tokyo!", segments: 1, unit: smsToUS},
				{to: "+14155550199", body: "Hi Ann, your order 4821 has shipped and will arrive tomorrow between 9:00 and 12:00. Track it any time at example.com/t/4821 or reply STOP to opt out of updates.",
					segments: 2, unit: smsToUS},
			}
			require.Equal(t, 33, utf8.RuneCountInString(sent[0].body))
			require.Equal(t, 74, utf8.RuneCountInString(sent[1].body), "over 70: two UCS-2 parts of at most 67")
			require.Equal(t, 161, utf8.RuneCountInString(sent[3].body), "over 160: two GSM-7 parts of at most 153")
			send := func(acct, token, from string, m *sentMessage) {
				t.Helper()
				res := api(acct, token, http.MethodPost, "/Messages.json", url.Values{"From": {from}, "To": {m.to}, "Body": {m.body}}, http.StatusCreated)
				require.Equal(t, acct, res["account_sid"])
				require.Equal(t, from, res["from"])
				require.Equal(t, m.to, res["to"])
				require.Equal(t, m.body, res["body"])
				require.Equal(t, fmt.Sprint(m.segments), res["num_segments"])
				require.Equal(t, m.price().Neg().StringFixed(5), res["price"])
				require.Equal(t, "JPY", res["price_unit"])
				m.sid = res["sid"].(string)
				var err error
				m.created, err = time.Parse(time.RFC1123Z, res["date_created"].(string))
				require.NoError(t, err)
			}
			for _, m := range sent {
				send(sub, subToken, from, m)
			}
			send(o.AccountSID, o.AuthToken, mainFrom, mainMsg)
			for _, m := range append(sent, mainMsg) {
				acct, token := sub, subToken
				if m == mainMsg {
					acct, token = o.AccountSID, o.AuthToken
				}
				waitDelivered(t, app, acct, token, m.sid)
			}

			// The figures, by hand.
			var smsCount, smsSegments int64
			smsCost := decimal.Zero
			for _, m := range sent {
				smsCount++
				smsSegments += m.segments
				smsCost = smsCost.Add(m.price())
			}
			require.Equal(t, int64(4), smsCount)
			require.Equal(t, int64(6), smsSegments)
			require.Equal(t, "38.85", smsCost.String(), "11.75 + 2 × 11.75 + 1.2 + 2 × 1.2")
			subTotal := smsCost.Add(mobileJP)
			mainTotal := localUS.Add(mainMsg.price())
			projectTotal := subTotal.Add(mainTotal)
			balance := meteredFund.Sub(projectTotal)
			require.Equal(t, "938.85", subTotal.String())
			require.Equal(t, "183.75", mainTotal.String(), "172 + 11.75")
			require.Equal(t, "8877.4", balance.String())

			// Programmable SMS › Logs: the subaccount's four messages, newest first.
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/sms/logs"]`))
			require.Equal(t, "/sms/logs", b.URLPath())
			require.Equal(t, l.smsLogs, b.Text("main h1"))
			require.Equal(t, l.logColumns, browsertest.Eval[[]string](b, // textContent: the headers are upper-cased by CSS
				`Array.from(document.querySelectorAll('[data-testid="sms-logs"] thead th'), h => h.textContent.trim())`))
			var newestFirst []string
			for i := len(sent) - 1; i >= 0; i-- {
				newestFirst = append(newestFirst, sent[i].sid)
			}
			require.Equal(t, newestFirst, browsertest.Eval[[]string](b,
				`Array.from(document.querySelectorAll('[data-testid="sms-logs"] tbody tr'), r => r.dataset.sid)`),
				"the main account's message is not the subaccount's")
			for _, m := range sent {
				require.Equal(t, []string{m.created.In(zone).Format("2006-01-02 15:04 MST"), m.to, from, l.delivered, fmt.Sprint(m.segments), yen(m.price())},
					b.Texts(fmt.Sprintf(`[data-testid="sms-logs"] tr[data-sid=%q] td`, m.sid)))
			}
			c.screenshot("metered-sms-logs")

			// Filtered by To.
			b.Fill(`input[name="to"]`, sent[2].to)
			b.Click(browsertest.TestID("sms-filter")) // htmx swaps the list in place
			webtest.Eventually(t, "the filtered list", func() bool { return strings.Contains(b.URL(), "to=") })
			require.Equal(t, []string{sent[2].sid}, browsertest.Eval[[]string](b,
				`Array.from(document.querySelectorAll('[data-testid="sms-logs"] tbody tr'), r => r.dataset.sid)`))
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/sms/logs"]`))

			// The Japanese message's page.
			jp := sent[1]
			require.Equal(t, http.StatusOK, b.Submit(fmt.Sprintf(`tr[data-sid=%q] td:first-child a`, jp.sid)))
			require.Equal(t, "/sms/logs/"+jp.sid, b.URLPath())
			require.Equal(t, l.message, b.Text("main h1"))
			require.Equal(t, []string{jp.sid, l.delivered, jp.to, from, "2 (UCS-2)", yen(jp.price()), jp.created.In(zone).Format("2006-01-02 15:04 MST")},
				b.Texts(`[data-testid="sms-message"] dd`))
			require.Equal(t, l.body, b.Text("main h2"))
			require.Equal(t, jp.body, b.Text(browsertest.TestID("sms-body")))
			c.screenshot("metered-sms-message")

			// Usage › Summary of the subaccount.
			month := time.Now().In(zone)
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/usage"]`))
			require.Equal(t, "/usage", b.URLPath())
			require.Equal(t, l.usageTabs, b.Texts("nav.tabs a"))
			require.Equal(t, l.month(month), b.Text(browsertest.TestID("usage-month-title")))
			require.Equal(t, sub, b.Text(browsertest.TestID("usage-account-sid")))
			require.Equal(t, sl.shop, b.Text(browsertest.TestID("usage-account-name")))
			require.Zero(t, b.Count(browsertest.TestID("usage-account")), "a subaccount sees itself only")
			require.Equal(t, l.services, b.Texts(`[data-testid="usage-summary"] tr.usage-service th`))
			require.Equal(t, []string{l.catSMS, l.count(smsCount, l.messages), l.count(smsSegments, l.segments), yen(smsCost)},
				b.Texts(`[data-testid="usage-summary"] tr[data-category="sms-outbound"] td`))
			require.Equal(t, []string{l.subtotal, yen(smsCost)}, b.Texts(`tr[data-subtotal="sms"] td`))
			require.Equal(t, []string{l.catMobile, l.count(1, l.numbersUnit), l.count(1, l.numbersUnit), yen(mobileJP)},
				b.Texts(`[data-testid="usage-summary"] tr[data-category="phonenumbers-mobile"] td`))
			require.Equal(t, []string{l.subtotal, yen(mobileJP)}, b.Texts(`tr[data-subtotal="phonenumbers"] td`))
			require.Equal(t, 2, b.Count(`[data-testid="usage-summary"] tr[data-category]`), "nothing else was used")
			require.Equal(t, yen(subTotal), b.Text(browsertest.TestID("usage-total")))
			require.Equal(t, 1, b.Count(`svg.chart-wide .chart-bar`), "everything was spent today")
			c.screenshot("metered-usage-subaccount")

			// Usage › Subaccounts belongs to the main account.
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("tab-usage-subaccounts")))
			require.Equal(t, "/usage/subaccounts", b.URLPath())
			require.Equal(t, l.mainOnly, b.Text(browsertest.TestID("usage-main-only")))

			// The subaccount's dashboard: its own spend, the project's balance.
			require.Equal(t, http.StatusOK, b.Go("/"))
			require.Equal(t, yen(subTotal), b.Text(browsertest.TestID("month-spend")))
			require.Equal(t, yen(balance), b.Text(browsertest.TestID("balance")))

			// Back to the main account: Usage › Subaccounts.
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("band-switch-to-master")))
			require.Equal(t, "/", b.URLPath())
			require.Zero(t, b.Count(browsertest.TestID("subaccount-band")))
			require.Equal(t, o.AccountSID, b.Text(browsertest.TestID("account-sid")))
			require.Equal(t, yen(balance), b.Text(browsertest.TestID("balance")), "start − everything, exactly")
			require.Equal(t, yen(projectTotal), b.Text(browsertest.TestID("month-spend")), "the whole project's month")
			c.screenshot("metered-dashboard")
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/usage"]`))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("tab-usage-subaccounts")))
			require.Equal(t, "/usage/subaccounts", b.URLPath())
			require.Equal(t, l.month(month), b.Text(browsertest.TestID("usage-month-title")))
			require.Equal(t, yen(mainTotal), b.Text(browsertest.TestID("usage-main-total")))
			require.Equal(t, yen(projectTotal), b.Text(browsertest.TestID("usage-project-total")))
			subRow := fmt.Sprintf(`[data-testid="usage-subaccounts"] tr[data-sid=%q] td`, sub)
			require.Equal(t, []string{sl.shop, sub, l.active, yen(subTotal)}, b.Texts(subRow))
			require.Equal(t, 1, b.Count(`[data-testid="usage-subaccounts"] tbody tr`))
			c.screenshot("metered-usage-subaccounts")

			// The subaccount's row leads to its summary, seen from the main account.
			require.Equal(t, http.StatusOK, b.Submit(subRow+" a"))
			require.Equal(t, "/usage", b.URLPath())
			require.Equal(t, sub, b.Text(browsertest.TestID("usage-account-sid")))
			require.Equal(t, sub, b.Value(browsertest.TestID("usage-account")))
			require.Equal(t, yen(subTotal), b.Text(browsertest.TestID("usage-total")))

			// The main account's own summary: its number and its message.
			b.Select(browsertest.TestID("usage-account"), o.AccountSID)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("usage-show")))
			require.Equal(t, o.AccountSID, b.Text(browsertest.TestID("usage-account-sid")))
			require.Equal(t, fmt.Sprintf(l.mainAccount, "Test Project"), b.Text(browsertest.TestID("usage-account-name")))
			require.Equal(t, []string{l.catSMS, l.count(1, l.messages), l.count(1, l.segments), yen(mainMsg.price())},
				b.Texts(`[data-testid="usage-summary"] tr[data-category="sms-outbound"] td`))
			require.Equal(t, []string{l.catLocal, l.count(1, l.numbersUnit), l.count(1, l.numbersUnit), yen(localUS)},
				b.Texts(`[data-testid="usage-summary"] tr[data-category="phonenumbers-local"] td`))
			require.Equal(t, yen(mainTotal), b.Text(browsertest.TestID("usage-total")))

			// Billing shows the same balance.
			require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/billing"]`))
			require.Equal(t, "/billing", b.URLPath())
			require.Equal(t, yen(balance), b.Text(browsertest.TestID("balance")))
			c.screenshot("metered-billing")

			b.RequireNoConsoleErrors()
		})
	}
}

// requirePrices checks that the price list holds the figures the test
// works its totals out from.
func requirePrices(t *testing.T, app *webtest.App) {
	t.Helper()
	for _, p := range []struct {
		category, country string
		want              decimal.Decimal
	}{
		{"sms-outbound", "JP", smsToJP},
		{"sms-outbound", "US", smsToUS},
		{"phonenumbers-mobile", "JP", mobileJP},
		{"phonenumbers-local", "US", localUS},
	} {
		var got decimal.Decimal
		require.NoError(t, app.Pool.QueryRow(context.Background(),
			`SELECT price FROM prices WHERE category = $1 AND country = $2 AND currency = 'JPY'`, p.category, p.country).Scan(&got))
		require.True(t, p.want.Equal(got), "%s to %s costs %s in the price list; the test's figures assume %s", p.category, p.country, got, p.want)
	}
}

// waitDelivered waits until the simulated carrier has delivered message
// sid, as the REST API reports it.
func waitDelivered(t *testing.T, app *webtest.App, acct, token, sid string) {
	t.Helper()
	webtest.Eventually(t, "message "+sid+" delivered", func() bool {
		res := app.API(http.MethodGet, "/2010-04-01/Accounts/"+acct+"/Messages/"+sid+".json", acct, token, nil)
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		return res.JSON(t)["status"] == "delivered"
	})
}

// clearOfMonthEnd is the time zone the walk's project is in: Asia/Tokyo,
// unless Tokyo's month ends within margin of now, when it is
// Pacific/Honolulu, nineteen hours behind. The usage pages show the
// current month, and spend split across two would not add up to one
// month's totals; a zone whose month goes on needs no waiting for the turn.
func clearOfMonthEnd(t *testing.T, now time.Time, margin time.Duration) *time.Location {
	t.Helper()
	for _, name := range []string{"Asia/Tokyo", "Pacific/Honolulu"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		local := now.In(loc)
		if next := time.Date(local.Year(), local.Month()+1, 1, 0, 0, 0, 0, loc); next.Sub(now) >= margin {
			return loc
		}
	}
	t.Fatal("no zone's month goes on")
	return nil
}

func TestClearOfMonthEnd(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		now  string
		want string
	}{
		{"2026-12-02T06:00:00Z", "Asia/Tokyo"},
		{"2026-11-30T14:56:59Z", "Asia/Tokyo"},       // 23:56:59 in Tokyo: three minutes to go
		{"2026-11-30T14:58:00Z", "Pacific/Honolulu"}, // 23:58 in Tokyo, 04:58 in Honolulu
		{"2026-12-31T14:59:59Z", "Pacific/Honolulu"},
		{"2026-12-31T15:00:00Z", "Asia/Tokyo"}, // the new year has begun in Tokyo
	} {
		now, err := time.Parse(time.RFC3339, c.now)
		require.NoError(t, err)
		require.Equal(t, c.want, clearOfMonthEnd(t, now, 3*time.Minute).String(), c.now)
	}
}

// count writes n of a unit in the plural form the language asks for.
func (l meteredLocale) count(n int64, other string) string {
	if one, ok := l.one[other]; ok && n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, other)
}

// yen writes an amount of yen as the console shows amounts: thousands
// apart, and exactly two decimals (¥8,374.40).
func yen(d decimal.Decimal) string {
	s := d.Abs().StringFixed(2)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if d.Sign() < 0 {
		b.WriteByte('-')
	}
	b.WriteString("¥")
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// parseYen reads an amount shown as yen.
func parseYen(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(strings.ReplaceAll(strings.TrimPrefix(s, "¥"), ",", ""))
	require.NoError(t, err, "not an amount of yen: %q", s)
	return d
}

// subaccountLocaleOf finds the Settings labels for the browser's language.
func subaccountLocaleOf(t *testing.T, lang string) subaccountLocale {
	t.Helper()
	for _, l := range subaccountLocales {
		if l.lang == lang {
			return l
		}
	}
	t.Fatalf("no subaccount locale for %q", lang)
	return subaccountLocale{}
}
