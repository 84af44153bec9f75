package console_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/browsertest"
	"console/internal/webtest"
)

// billingLocale is what an owner of one language reads on the Billing
// pages. The labels are copied from internal/i18n/catalog/{en,ja}.json on
// purpose: a wrong translation must fail here, not be echoed. Amounts and
// card labels ("Visa •••• 0002") read the same in both languages.
type billingLocale struct {
	name, lang string

	billing       string   // service.billing (sidebar, Overview's title)
	tabs          []string // billing.overview, .history, .recurring, .methods, .preferences
	noCards       string   // billing.no_cards
	addCard       string   // billing.add_card
	cardAdded     string   // billing.card_added, a format with the card's label
	primary       string   // billing.primary
	backup1       string   // billing.backup, 1
	makePrimary   string   // billing.make_primary
	addFunds      string   // billing.add_funds (heading and button)
	fundsDeclined string   // billing.funds_declined
	fundsAdded    string   // billing.funds_added, a format with the amount
	lastPayment   string   // billing.last_payment, a format with the amount and the card
	failed        string   // payment.status_failed
	succeeded     string   // payment.status_succeeded
	declined      string   // payment.decline_card_declined
	kindManual    string   // payment.kind_manual
	kindAuto      string   // payment.kind_auto
	saved         string   // settings.saved
	receipt       string   // billing.receipt (history link, page title, heading)
	receiptTo     string   // billing.receipt_to, with webtest's "Test Project"
	downloadPDF   string   // billing.download_pdf
	dashboard     string   // dashboard.title
	suspended     string   // shell.suspended_funds
}

var billingLocales = []billingLocale{
	{
		name: "English", lang: "en-US,en;q=0.9",
		billing:       "Billing",
		tabs:          []string{"Overview", "Payment history", "Recurring items", "Payment methods", "Preferences"},
		noCards:       "No card yet.",
		addCard:       "Add a card",
		cardAdded:     "%s was added.",
		primary:       "Primary",
		backup1:       "Backup 1",
		makePrimary:   "Make primary",
		addFunds:      "Add Funds",
		fundsDeclined: "The card was declined; nothing was charged.",
		fundsAdded:    "%s was added to your balance.",
		lastPayment:   "Payment of %s with %s:",
		failed:        "Failed",
		succeeded:     "Succeeded",
		declined:      "The card was declined.",
		kindManual:    "Add Funds",
		kindAuto:      "Auto recharge",
		saved:         "Saved.",
		receipt:       "Receipt",
		receiptTo:     "To: Test Project",
		downloadPDF:   "Download PDF",
		dashboard:     "Dashboard",
		suspended:     "This project is suspended because its balance ran out: API requests that cost money are refused. Add funds to resume at once.",
	},
	{
		name: "Japanese", lang: "ja",
		billing:       "請求",
		tabs:          []string{"概要", "支払い履歴", "定期支払いアイテム", "支払い方法", "設定(Preference)"},
		noCards:       "カードが登録されていません。",
		addCard:       "カードを追加",
		cardAdded:     "%s を追加しました。",
		primary:       "プライマリー",
		backup1:       "予備 1",
		makePrimary:   "プライマリーにする",
		addFunds:      "Add Funds(チャージ)",
		fundsDeclined: "カードが拒否されました。請求は行われていません。",
		fundsAdded:    "残高に %s をチャージしました。",
		lastPayment:   "%s(%s)の支払い:",
		failed:        "失敗",
		succeeded:     "成功",
		declined:      "カードが拒否されました。",
		kindManual:    "手動チャージ",
		kindAuto:      "自動チャージ",
		saved:         "保存しました。",
		receipt:       "領収書",
		receiptTo:     "Test Project 御中",
		downloadPDF:   "PDF をダウンロード",
		dashboard:     "ダッシュボード",
		suspended:     "残高がなくなったため、このプロジェクトは停止中です。料金のかかる API リクエストは拒否されます。チャージするとすぐに再開します。",
	},
}

// Test cards of the test gateway (internal/billing/gateway.go).
const (
	visaDeclined = "4000 0000 0000 0002"
	visaGood     = "4242 4242 4242 4242"
	mastercard   = "5555 5555 5555 4444" // not a test card: any other valid number succeeds
)

// rechargeWait bounds how long the auto-recharge job may take to show in
// the payment history.
const rechargeWait = 15 * time.Second

// TestBrowserRechargeFromBackupCard walks, in real Chromium and in each
// language, a JPY project without trial credit: Billing › Payment methods
// → add a card that declines (it becomes the primary) and a good one (a
// backup) → Add Funds ¥5,000 with the primary is declined, with its
// reason, and changes nothing → ¥5,000 with the backup is added → turn
// on auto recharge (below ¥3,000, to ¥10,000) → usage of ¥2,500 → the
// recharge job tries the primary (declined), then the backup: both show
// in the payment history as automatic payments of ¥7,500 → the balance is
// ¥10,000 → the receipt of the automatic payment, in HTML and as a PDF.
func TestBrowserRechargeFromBackupCard(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range billingLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			c := newBillingTour(t, l, webtest.Workers())
			b := c.b

			// Sidebar › Billing: the Overview, ¥0 and no card yet.
			billingLink := `nav.sidebar a[href="/billing"]`
			require.Equal(t, l.billing, strings.Join(strings.Fields(b.Text(billingLink)), " "))
			require.Equal(t, http.StatusOK, b.Submit(billingLink))
			c.requireBillingPage("/billing", l.billing, l.tabs[0])
			require.Equal(t, l.tabs, b.Texts("nav.tabs a"))
			require.Equal(t, "¥0.00", b.Text(browsertest.TestID("balance")))
			require.Equal(t, l.addFunds, b.Text("#add-funds h2"))
			require.Equal(t, l.noCards+" "+l.addCard, b.Text("#add-funds p.empty"))
			require.Zero(t, b.Count(browsertest.TestID("add-funds-submit")), "no Add Funds form without a card")
			c.screenshot("overview-empty")

			// Payment methods, through the Add Funds panel's link: the
			// declining Visa first (the primary), then the Mastercard.
			require.Equal(t, l.addCard, b.Text(`#add-funds p.empty a[href="/billing/payment-methods"]`))
			require.Equal(t, http.StatusOK, b.Submit(`#add-funds p.empty a[href="/billing/payment-methods"]`))
			c.requireBillingPage("/billing/payment-methods", l.tabs[3], l.tabs[3])
			require.Equal(t, l.noCards, b.Text(browsertest.TestID("methods-empty")))
			visa := c.addCard("Test Owner", visaDeclined, "Visa •••• 0002")
			master := c.addCard("Test Owner", mastercard, "Mastercard •••• 4444")
			require.NotEqual(t, visa, master)
			require.Equal(t, []string{"0002", "4444"}, browsertest.Eval[[]string](b,
				`Array.from(document.querySelectorAll('[data-testid="methods"] tbody tr'), r => r.dataset.last4)`), "the primary first")
			require.Equal(t, l.primary, b.Text(`tr[data-last4="0002"] `+browsertest.TestID("primary")))
			require.Zero(t, b.Count(browsertest.TestID("make-primary-0002")))
			require.Equal(t, l.backup1, b.Text(`tr[data-last4="4444"] td:nth-child(3)`))
			require.Equal(t, l.makePrimary, b.Text(browsertest.TestID("make-primary-4444")))
			require.NotContains(t, b.HTML(), "5555555555554444", "the card number is not echoed")
			c.screenshot("methods")

			// Add Funds ¥5,000 with the primary: declined, with the reason; nothing changes.
			c.openTab("/billing", l.tabs[0])
			require.Equal(t, visa, b.Value(`select[name="method"]`), "the primary is offered first")
			c.addFunds("5000", visa)
			require.Equal(t, l.fundsDeclined, b.Text(".flash"))
			require.Contains(t, b.Attr(".flash", "class"), "flash-error")
			last := browsertest.TestID("last-payment")
			require.True(t, strings.HasPrefix(b.Text(last), fmt.Sprintf(l.lastPayment, "¥5,000", "Visa •••• 0002")), "last payment: %q", b.Text(last))
			require.Equal(t, l.failed, b.Text(last+" "+browsertest.TestID("payment-status")))
			require.Equal(t, l.declined, b.Text(last+" "+browsertest.TestID("payment-reason")))
			require.Equal(t, "¥0.00", b.Text(browsertest.TestID("balance")))
			c.screenshot("overview-declined")

			// ¥5,000 with the Mastercard.
			c.addFunds("5000", master)
			require.Equal(t, fmt.Sprintf(l.fundsAdded, "¥5,000"), b.Text(".flash"))
			require.Contains(t, b.Attr(".flash", "class"), "flash-ok")
			require.True(t, strings.HasPrefix(b.Text(last), fmt.Sprintf(l.lastPayment, "¥5,000", "Mastercard •••• 4444")), "last payment: %q", b.Text(last))
			require.Equal(t, l.succeeded, b.Text(last+" "+browsertest.TestID("payment-status")))
			require.Zero(t, b.Count(last+" "+browsertest.TestID("payment-reason")))
			require.Equal(t, "¥5,000.00", b.Text(browsertest.TestID("balance")))

			// Auto recharge: below ¥3,000, back to ¥10,000.
			require.False(t, browsertest.Eval[bool](b, `document.querySelector('#auto-recharge input[name="enabled"]').checked`), "off at first")
			b.Click(`#auto-recharge input[name="enabled"]`)
			require.True(t, browsertest.Eval[bool](b, `document.querySelector('#auto-recharge input[name="enabled"]').checked`))
			b.Fill(`#auto-recharge input[name="threshold"]`, "3000")
			b.Fill(`#auto-recharge input[name="target"]`, "10000")
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("recharge-save")))
			c.requireBillingPage("/billing", l.billing, l.tabs[0])
			require.Equal(t, l.saved, b.Text(".flash"))
			require.True(t, browsertest.Eval[bool](b, `document.querySelector('#auto-recharge input[name="enabled"]').checked`), "saved on")
			require.Equal(t, "3000", b.Value(`#auto-recharge input[name="threshold"]`))
			require.Equal(t, "10000", b.Value(`#auto-recharge input[name="target"]`))
			require.Equal(t, "", b.Value(`#auto-recharge input[name="cap"]`))
			c.screenshot("overview-recharge-on")

			// Usage of ¥2,500 takes the balance below the threshold.
			spent := time.Now()
			c.spend("usage-2500", "2500")

			// The recharge job: the primary is declined, the backup pays ¥7,500.
			c.openTab("/billing/history", l.tabs[1])
			autoOK := `tr[data-payment][data-kind="auto"][data-status="succeeded"]`
			autoFailed := `tr[data-payment][data-kind="auto"][data-status="failed"]`
			webtest.Eventually(t, "the automatic payment in the history", func() bool {
				if b.Count(autoOK) > 0 {
					return true
				}
				require.Equal(t, http.StatusOK, b.Go("/billing/history"))
				return false
			})
			require.Less(t, time.Since(spent), rechargeWait, "the automatic payment showed late:\n%s",
				strings.Join(b.Texts(`[data-testid="payments"] tbody tr`), "\n"))
			t.Logf("the automatic payment showed in the history %s after the usage", time.Since(spent).Round(time.Millisecond))
			c.requireBillingPage("/billing/history", l.tabs[1], l.tabs[1])
			require.Equal(t, 1, b.Count(autoOK))
			require.Equal(t, 1, b.Count(autoFailed), "the primary was tried first, once")
			require.Equal(t, 4, b.Count(`[data-testid="payments"] tbody tr`), "two by hand, two automatic")
			cells := b.Texts(autoOK + " td")
			require.Len(t, cells, 6)
			require.Equal(t, []string{"Mastercard •••• 4444", "¥7,500", l.succeeded, l.kindAuto, l.receipt}, cells[1:])
			cells = b.Texts(autoFailed + " td")
			require.Len(t, cells, 6)
			require.Equal(t, []string{"Visa •••• 0002", "¥7,500"}, cells[1:3])
			require.Equal(t, l.failed, b.Text(autoFailed+" "+browsertest.TestID("payment-status")))
			require.Equal(t, l.declined, b.Text(autoFailed+" "+browsertest.TestID("payment-reason")))
			require.Equal(t, l.kindAuto, cells[4])
			require.Empty(t, cells[5], "no receipt for a failed payment")
			require.Equal(t, []string{l.kindManual, l.kindManual}, b.Texts(`tr[data-kind="manual"] td:nth-child(5)`))
			require.Equal(t, 1, b.Count(`tr[data-kind="manual"][data-status="failed"]`))
			require.Equal(t, 1, b.Count(`tr[data-kind="manual"][data-status="succeeded"]`))
			require.Equal(t, []string{"auto/succeeded", "auto/failed", "manual/succeeded", "manual/failed"},
				browsertest.Eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="payments"] tbody tr'), r => r.dataset.kind + "/" + r.dataset.status)`),
				"newest first: the backup was charged after the primary declined")
			autoID := b.Attr(autoOK, "data-payment")
			require.NotEmpty(t, autoID)
			c.screenshot("history")

			// The balance is back to the target.
			c.openTab("/billing", l.tabs[0])
			require.Equal(t, "¥10,000.00", b.Text(browsertest.TestID("balance")))
			require.Zero(t, b.Count(browsertest.TestID("recharge-paused")))
			require.Zero(t, b.Count(browsertest.TestID("funds-band")))
			c.screenshot("overview")

			// The receipt of the automatic payment.
			c.openTab("/billing/history", l.tabs[1])
			require.Equal(t, l.receipt, b.Text(browsertest.TestID("receipt-"+autoID)))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("receipt-"+autoID)))
			require.Equal(t, "/billing/receipts/"+autoID, b.URLPath())
			require.Equal(t, l.lang[:2], b.Attr("html", "lang"))
			require.Equal(t, l.receipt, b.Text("main h1"))
			require.Equal(t, l.receiptTo, b.Text(browsertest.TestID("receipt")+" .addressee"))
			require.Equal(t, "¥7,500", b.Text(browsertest.TestID("receipt-amount")))
			info := b.Texts(browsertest.TestID("receipt") + " dl.info dd")
			require.Len(t, info, 4)
			require.Equal(t, autoID, info[0])
			require.Equal(t, []string{"Mastercard •••• 4444", l.kindAuto}, info[2:])
			require.Equal(t, l.downloadPDF, b.Text(browsertest.TestID("receipt-pdf")))
			pdfURL := b.Attr(browsertest.TestID("receipt-pdf"), "href")
			require.Equal(t, "/billing/receipts/"+autoID+"/pdf", pdfURL)
			c.screenshot("receipt")

			// The PDF, fetched with the browser's session.
			pdf := fetchFromPage(t, b, pdfURL)
			require.Equal(t, http.StatusOK, pdf.Status)
			require.Equal(t, "application/pdf", pdf.ContentType)
			require.Equal(t, `attachment; filename="receipt-`+autoID+`.pdf"`, pdf.Disposition)
			body, err := base64.StdEncoding.DecodeString(pdf.Body)
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(body, []byte("%PDF-")), "not a PDF: %q", body[:min(len(body), 16)])
			text := webtest.PDFText(t, body)
			for _, want := range []string{l.receipt, "Test Project", "¥7,500", autoID, "Mastercard •••• 4444", l.kindAuto} {
				require.Contains(t, text, want, "the PDF, in the browser's language")
			}

			b.RequireNoConsoleErrors()
		})
	}
}

// TestBrowserSuspendedThenAddFunds: a project that spends its last yen
// without auto recharge is suspended; the red band shows on every page,
// its Add Funds button leads to the form, and a payment lifts the
// suspension at once.
func TestBrowserSuspendedThenAddFunds(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	l := billingLocales[0]
	c := newBillingTour(t, l)
	b := c.b
	band := browsertest.TestID("funds-band")

	require.Equal(t, http.StatusOK, b.Go("/billing/payment-methods"))
	c.addCard("Test Owner", visaGood, "Visa •••• 4242")
	c.openTab("/billing", l.tabs[0])
	c.addFunds("1000", "")
	require.Equal(t, fmt.Sprintf(l.fundsAdded, "¥1,000"), b.Text(".flash"))
	require.Equal(t, "¥1,000.00", b.Text(browsertest.TestID("balance")))
	require.Zero(t, b.Count(band))

	// Spend it all: the band shows on every page, the dashboard first.
	c.spend("usage-all", "1000")
	require.Equal(t, http.StatusOK, b.Go("/"))
	require.Equal(t, l.dashboard, b.Text("main h1"))
	c.requireFundsBand(l)
	require.Equal(t, "¥0.00", b.Text(browsertest.TestID("balance")))
	c.screenshot("dashboard-suspended")
	for _, path := range []string{"/billing/history", "/billing/payment-methods", "/settings/general", "/user/settings"} {
		require.Equal(t, http.StatusOK, b.Go(path))
		require.Equal(t, path, b.URLPath())
		c.requireFundsBand(l)
	}
	require.Equal(t, http.StatusOK, b.Go("/billing"))
	c.requireBillingPage("/billing", l.billing, l.tabs[0])
	c.requireFundsBand(l)
	require.Equal(t, "¥0.00", b.Text(browsertest.TestID("balance")))
	c.screenshot("billing-suspended")

	// The band's Add Funds, from the dashboard: ¥2,000 lifts the suspension.
	require.Equal(t, http.StatusOK, b.Go("/"))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("funds-band-add")))
	require.Equal(t, "/billing", b.URLPath())
	require.True(t, strings.HasSuffix(b.URL(), "#add-funds"), "the band leads to the form: %s", b.URL())
	c.addFunds("2000", "")
	require.Equal(t, fmt.Sprintf(l.fundsAdded, "¥2,000"), b.Text(".flash"))
	require.Zero(t, b.Count(band), "a payment lifts the suspension at once")
	require.Equal(t, "¥2,000.00", b.Text(browsertest.TestID("balance")))
	require.Equal(t, http.StatusOK, b.Go("/"))
	require.Zero(t, b.Count(band))
	require.Equal(t, "¥2,000.00", b.Text(browsertest.TestID("balance")))

	b.RequireNoConsoleErrors()
}

// newBillingTour starts a server with opts, makes a JPY owner (no trial
// credit) and signs in through the browser, landing on the dashboard.
func newBillingTour(t *testing.T, l billingLocale, opts ...webtest.Option) *consoleTour {
	t.Helper()
	app := webtest.Start(t, opts...)
	c := &consoleTour{t: t, app: app, owner: app.CreateOwner("JPY"), lang: l.lang,
		b: browsertest.New(t, app.URL, browsertest.Lang(l.lang))}
	signInAs(t, c.b, c.owner.Email, c.owner.Password)
	require.Equal(t, l.dashboard, c.b.Text("main h1"))
	require.Equal(t, c.owner.AccountSID, c.b.Text(browsertest.TestID("account-sid")))
	return c
}

// requireBillingPage checks the path, the document's language, the
// heading, and which Billing tab is marked current.
func (c *consoleTour) requireBillingPage(path, heading, tab string) {
	c.t.Helper()
	c.requireSettingsPage(path, heading, tab) // the same tabs component
}

// addCard adds a card on Billing › Payment methods, where the browser
// is, and returns its id.
func (c *consoleTour) addCard(holder, number, label string) string {
	c.t.Helper()
	t, b := c.t, c.b
	require.Equal(t, "/billing/payment-methods", b.URLPath())
	b.Fill(`input[name="holder"]`, holder)
	b.Fill(`input[name="number"]`, number)
	b.Fill(`input[name="exp_month"]`, "12")
	b.Fill(`input[name="exp_year"]`, fmt.Sprint(time.Now().Year()+3))
	b.Fill(`input[name="cvc"]`, "123")
	l := billingLocaleOf(t, c.lang)
	require.Equal(t, l.addCard, b.Text(browsertest.TestID("card-add")))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("card-add")))
	require.Equal(t, "/billing/payment-methods", b.URLPath())
	require.Equal(t, fmt.Sprintf(l.cardAdded, label), b.Text(".flash"))
	last4 := label[len(label)-4:]
	row := fmt.Sprintf(`[data-testid="methods"] tr[data-last4=%q]`, last4)
	require.Equal(t, 1, b.Count(row))
	require.Equal(t, label+" "+holder, b.Text(row+" td:first-child"))
	id := b.Attr(row, "data-method")
	require.NotEmpty(t, id)
	return id
}

// addFunds fills the Add Funds form on the Overview, where the browser
// is, with the card methodID ("": the one offered), and submits it.
func (c *consoleTour) addFunds(amount, methodID string) {
	c.t.Helper()
	t, b := c.t, c.b
	require.Equal(t, "/billing", b.URLPath())
	b.Fill(`#add-funds input[name="amount"]`, amount)
	if methodID != "" {
		b.Select(`#add-funds select[name="method"]`, methodID)
	}
	l := billingLocaleOf(t, c.lang)
	require.Equal(t, l.addFunds, b.Text(browsertest.TestID("add-funds-submit")))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("add-funds-submit")))
	require.Equal(t, "/billing", b.URLPath())
}

// spend debits the project through the ledger, as paid API usage will.
func (c *consoleTour) spend(source, amount string) {
	c.t.Helper()
	o := c.owner
	require.NoError(c.t, c.app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{
		ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage, Source: source,
		Amount: decimal.RequireFromString(amount)}))
}

// requireFundsBand checks the red "suspended for lack of funds" band and
// its Add Funds button.
func (c *consoleTour) requireFundsBand(l billingLocale) {
	c.t.Helper()
	b, band := c.b, browsertest.TestID("funds-band")
	b.WaitVisible(band)
	require.Equal(c.t, 1, b.Count(band))
	require.Equal(c.t, "alert", b.Attr(band, "role"))
	require.Equal(c.t, l.addFunds, b.Text(browsertest.TestID("funds-band-add")))
	require.Equal(c.t, "/billing#add-funds", b.Attr(browsertest.TestID("funds-band-add"), "href"))
	text := b.Text(band)
	require.True(c.t, strings.HasPrefix(text, l.suspended), "band: %q", text)
	rgb := browsertest.Eval[[]int](b, `getComputedStyle(document.querySelector('[data-testid="funds-band"]')).
		backgroundColor.match(/\d+/g).slice(0, 3).map(Number)`)
	require.True(c.t, len(rgb) == 3 && rgb[0] > 150 && rgb[1] < 100 && rgb[2] < 100, "the band is red: rgb%v", rgb)
	requireLegible(c.t, b, browsertest.TestID("funds-band"))
	requireLegible(c.t, b, browsertest.TestID("funds-band-add"))
}

// requireLegible checks that the text of the element matching sel stands
// out from what is behind it: a WCAG contrast ratio of at least 4.5 between
// its color and the first opaque background among it and its ancestors.
func requireLegible(t *testing.T, b *browsertest.Browser, sel string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const rgb = s => s.match(/[\d.]+/g).map(Number);
		const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
			.reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
		const el = document.querySelector(%q);
		let bg = [255, 255, 255];
		for (let e = el; e; e = e.parentElement) {
			const c = rgb(getComputedStyle(e).backgroundColor);
			if (c.length < 4 || c[3] > 0) { bg = c.slice(0, 3); break; }
		}
		const fg = rgb(getComputedStyle(el).color).slice(0, 3);
		const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
		return {ratio: (hi + 0.05) / (lo + 0.05), fg: "rgb(" + fg + ")", bg: "rgb(" + bg + ")"};
	})()`, sel)
	c := browsertest.Eval[struct {
		Ratio  float64 `json:"ratio"`
		FG, BG string
	}](b, js)
	require.GreaterOrEqual(t, c.Ratio, 4.5, "the text of %s is hard to read: %s on %s", sel, c.FG, c.BG)
}

// billingLocaleOf finds the labels for the browser's language.
func billingLocaleOf(t *testing.T, lang string) billingLocale {
	t.Helper()
	for _, l := range billingLocales {
		if l.lang == lang {
			return l
		}
	}
	t.Fatalf("no billing locale for %q", lang)
	return billingLocale{}
}

// fetched is what fetchFromPage saw.
type fetched struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"` // base64
}

// fetchFromPage fetches path from the page, with the browser's cookies,
// as the Download PDF link would (a link to an attachment downloads
// instead of navigating, so it is fetched rather than followed).
func fetchFromPage(t *testing.T, b *browsertest.Browser, path string) fetched {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), browsertest.DefaultTimeout)
	defer cancel()
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => {
		const body = new Uint8Array(await r.arrayBuffer());
		let bin = "";
		for (let i = 0; i < body.length; i += 0x8000) bin += String.fromCharCode(...body.subarray(i, i + 0x8000));
		return {status: r.status, type: r.headers.get("Content-Type") || "", disposition: r.headers.get("Content-Disposition") || "", body: btoa(bin)};
	})`, path)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[fetched](js, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "fetch %s", path)
	return res
}
