package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/usage"
	"console/internal/webtest"
)

// issuerEnv configures the operator as a qualified invoice issuer.
var issuerEnv = []webtest.Option{
	webtest.Env("CONSOLE_ISSUER_NAME", "株式会社コンソール"),
	webtest.Env("CONSOLE_ISSUER_ADDRESS", `東京都港区芝公園4-2-8\n通信ビル 10F`),
	webtest.Env("CONSOLE_ISSUER_REGISTRATION", "T7000012050002"),
}

// cell finds the text of the first element with the data-testid in body.
func cell(t *testing.T, body, testID string) string {
	t.Helper()
	m := regexp.MustCompile(`data-testid="` + regexp.QuoteMeta(testID) + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	require.NotNil(t, m, "no %s in the page", testID)
	return strings.TrimSpace(m[1])
}

// requireYen checks a yen amount written with or without two decimals.
func requireYen(t *testing.T, want, got string) {
	t.Helper()
	require.Contains(t, []string{want, want + ".00"}, got)
}

// The statement of last month: its usage by service and category, the
// project's subaccounts included, with one tax figure for the 10% rate
// worked out from the rate's total (three lines of ¥105 include ¥9.54
// each: ¥27 rounded line by line, ¥28 once), the issuer and its
// registration number, the company name from the preferences; as a page
// and as a PDF, in English and Japanese.
func TestStatementOfLastMonth(t *testing.T) {
	app := webtest.Start(t, issuerEnv...)
	o := app.CreateOwner("JPY")
	last, thisMonth := seedStatementMonth(t, app, o)

	c := app.Client()
	c.SignIn(o.Email, o.Password)
	month := last.Format("2006-01")

	res := c.Get("/billing/statement?month=" + month)
	require.Equal(t, http.StatusOK, res.Status)
	b := res.Body
	requireYen(t, "¥315", cell(t, b, "statement-total"))
	require.Equal(t, "Billed to: 株式会社テスト", cell(t, b, "statement-addressee"))
	require.Contains(t, b, "株式会社コンソール")
	require.Contains(t, b, "通信ビル 10F")
	require.Equal(t, "Registration number: T7000012050002", cell(t, b, "issuer-registration"))
	require.Equal(t, last.Format("January 2, 2006")+" – "+thisMonth.AddDate(0, 0, -1).Format("January 2, 2006"), cell(t, b, "statement-period"))
	require.Equal(t, thisMonth.AddDate(0, 0, -1).Format("January 2, 2006"), cell(t, b, "statement-issued"))
	require.NotContains(t, b, `data-testid="statement-in-progress"`, "last month is over")
	// One line per category, all accounts together, under its service.
	for category, want := range map[string]string{usage.SMSOutbound: "¥105", usage.CallsOutbound: "¥105", "phonenumbers-local": "¥105"} {
		m := regexp.MustCompile(`<tr data-category="` + category + `">(?s:.*?)data-amount>([^<]*)<`).FindStringSubmatch(b)
		require.NotNil(t, m, category)
		requireYen(t, want, m[1])
	}
	require.Equal(t, 3, strings.Count(b, "<tr data-category="))
	require.Contains(t, b, "3 <span")         // SMS: three messages
	require.Contains(t, b, `data-rate="10%"`) // one rate
	require.Equal(t, 1, strings.Count(b, "<tr data-rate="))
	requireYen(t, "¥315", cell(t, b, "statement-taxable"))
	requireYen(t, "¥28", cell(t, b, "statement-tax"))
	require.NotContains(t, b, "¥999")
	require.NotContains(t, b, "¥777")
	require.Equal(t, "/billing/statement/pdf?month="+month, regexp.MustCompile(`href="([^"]*)" data-testid="statement-pdf"`).FindStringSubmatch(b)[1])

	pdf := c.Get("/billing/statement/pdf?month=" + month)
	require.Equal(t, http.StatusOK, pdf.Status)
	require.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="statement-`+month+`.pdf"`, pdf.Header.Get("Content-Disposition"))
	text := webtest.PDFText(t, []byte(pdf.Body))
	for _, want := range []string{
		"Monthly statement", "Billed to: 株式会社テスト", "東京都千代田区1-2-3",
		"株式会社コンソール", "東京都港区芝公園4-2-8", "通信ビル 10F", "Registration number: T7000012050002",
		"Outbound SMS", "Outbound voice minutes", "Local phone numbers", "Usage total (tax included)",
		"Consumption tax by rate", "Taxed at 10%", o.AccountSID,
	} {
		require.Contains(t, text, want)
	}
	requireLine(t, text, "Taxed at 10%", "¥315", "¥28")
	requireLine(t, text, "Usage total (tax included)", "¥315")
	require.NotContains(t, text, "¥999")

	// In Japanese.
	require.Equal(t, http.StatusSeeOther, c.Post("/language", url.Values{"locale": {"ja"}}).Status)
	res = c.Get("/billing/statement?month=" + month)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "株式会社テスト 御中", cell(t, res.Body, "statement-addressee"))
	require.Equal(t, "登録番号: T7000012050002", cell(t, res.Body, "issuer-registration"))
	require.Contains(t, res.Body, "10%対象")
	requireYen(t, "¥28", cell(t, res.Body, "statement-tax"))
	text = webtest.PDFText(t, []byte(c.Get("/billing/statement/pdf?month="+month).Body))
	for _, want := range []string{"請求書（利用明細）", "株式会社テスト 御中", "発行者", "株式会社コンソール", "登録番号: T7000012050002",
		"税率別内訳", "消費税額", "ご利用金額（税込）", last.Format("2006年1月2日")} {
		require.Contains(t, text, want)
	}
	requireLine(t, text, "10%対象", "¥315", "¥28")
}

// seedStatementMonth gives a JPY project created last month usage there
// worth ¥315 in three categories of ¥105, one of them shared with a
// subaccount, usage just outside the month on either side, and a company
// name; it returns the first instants of last month and this one in Tokyo.
func seedStatementMonth(t *testing.T, app *webtest.App, o *webtest.Owner) (last, thisMonth time.Time) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().In(tokyo)
	thisMonth = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, tokyo)
	last = thisMonth.AddDate(0, -1, 0)
	createdIn(t, app, o.AccountSID, last.AddDate(0, 0, 3))
	sub := createSub(t, app, o.AccountSID, "Shop")

	mid := last.AddDate(0, 0, 10)
	recordUsage(t, app, o.AccountSID, o.AccountSID, usage.SMSOutbound, 2, "3", "52.5", mid)
	recordUsage(t, app, o.AccountSID, sub, usage.SMSOutbound, 1, "1", "52.5", mid.Add(time.Hour))
	recordUsage(t, app, o.AccountSID, o.AccountSID, usage.CallsOutbound, 1, "2", "105", mid)
	recordUsage(t, app, o.AccountSID, sub, "phonenumbers-local", 1, "1", "105", mid)
	// Neither the month before nor this one is last month's: a second
	// before last month in Tokyo, and its first second this month.
	recordUsage(t, app, o.AccountSID, o.AccountSID, usage.CallsOutbound, 1, "1", "999", last.Add(-time.Second))
	recordUsage(t, app, o.AccountSID, o.AccountSID, usage.CallsOutbound, 1, "1", "777", thisMonth)
	require.NoError(t, billing.SetPreferences(ctx, app.Pool, o.AccountSID, billing.Preferences{CompanyName: "株式会社テスト", Address: "東京都千代田区1-2-3"}))
	return last, thisMonth
}

// requireLine checks that one line of a PDF's text holds every part, in
// order.
func requireLine(t *testing.T, text string, parts ...string) {
	t.Helper()
	pattern := ""
	for i, p := range parts {
		if i > 0 {
			pattern += `\s+`
		}
		pattern += regexp.QuoteMeta(p)
		if strings.HasPrefix(p, "¥") {
			pattern += `(?:\.00)?`
		}
	}
	require.Regexp(t, regexp.MustCompile(`(?m)`+pattern+`\s*$`), text, "a line with %q", parts)
}

// The current month's statement is the default, says the month is not
// over, and shows a zero tax line without usage; months before the
// project or after this one, and malformed months, are a 404.
func TestStatementMonths(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	now := time.Now().In(tokyo)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, tokyo)

	res := c.Get("/billing/statement")
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, now.Format("January 2006"), cell(t, res.Body, "statement-month"))
	require.Contains(t, res.Body, `data-testid="statement-in-progress"`)
	require.Contains(t, res.Body, `data-testid="statement-empty"`)
	require.Equal(t, "$0.00", cell(t, res.Body, "statement-tax"))
	require.Equal(t, "Billed to: Test Project", cell(t, res.Body, "statement-addressee"), "no company name: the project's")
	require.Contains(t, res.Body, "Console", "no issuer configured: the development default")
	require.NotContains(t, res.Body, `data-testid="issuer-registration"`)
	require.NotContains(t, res.Body, `data-testid="statement-prev"`, "the project's first month")
	require.NotContains(t, res.Body, `data-testid="statement-next"`, "the current month")
	require.Equal(t, http.StatusOK, c.Get("/billing/statement?month="+thisMonth.Format("2006-01")).Status)
	pdf := c.Get("/billing/statement/pdf")
	require.Equal(t, http.StatusOK, pdf.Status)
	require.Contains(t, webtest.PDFText(t, []byte(pdf.Body)), "Taxed at 10%")

	for _, month := range []string{
		thisMonth.AddDate(0, -1, 0).Format("2006-01"), // before the project
		thisMonth.AddDate(0, 1, 0).Format("2006-01"),  // not yet
		"2026-13", "2026-1", "202601", "2026-01-01", "abc", "9999-12", "0000-01", "-2026-01",
	} {
		for _, path := range []string{"/billing/statement?month=", "/billing/statement/pdf?month="} {
			res := c.Get(path + url.QueryEscape(month))
			require.Equal(t, http.StatusNotFound, res.Status, path+month)
		}
	}

	// Payment history links to the month's statement.
	res = c.Get("/billing/history")
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, `href="/billing/statement?month=`+thisMonth.Format("2006-01")+`" data-testid="history-statement"`)
}

// A receipt names the configured issuer and its registration number.
func TestReceiptNamesTheIssuer(t *testing.T) {
	app := webtest.Start(t, issuerEnv...)
	o := app.CreateOwner("JPY")
	_, payment := app.EnsureCardAndPayment(o.AccountSID, "", "")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	res := c.Get("/billing/receipts/" + payment)
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "株式会社コンソール")
	require.Contains(t, res.Body, "東京都港区芝公園4-2-8\n通信ビル 10F")
	require.Equal(t, "Registration number: T7000012050002", cell(t, res.Body, "issuer-registration"))
	text := webtest.PDFText(t, []byte(c.Get("/billing/receipts/"+payment+"/pdf").Body))
	for _, want := range []string{"Issued by", "株式会社コンソール", "東京都港区芝公園4-2-8", "通信ビル 10F", "Registration number: T7000012050002"} {
		require.Contains(t, text, want)
	}
}

// Usage dated before the project's creation (the demo's history) has its
// statements: months start at the first usage when it is earlier.
func TestStatementStartsAtFirstUsage(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	now := time.Now().In(tokyo)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, tokyo)
	early := thisMonth.AddDate(0, -2, 0)
	recordUsage(t, app, o.AccountSID, o.AccountSID, usage.SMSOutbound, 1, "1", "11.75", early.AddDate(0, 0, 1))
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	res := c.Get("/billing/statement?month=" + early.Format("2006-01"))
	require.Equal(t, http.StatusOK, res.Status)
	requireYen(t, "¥11.75", cell(t, res.Body, "statement-total"))
	require.NotContains(t, res.Body, `data-testid="statement-prev"`)
	require.Equal(t, thisMonth.AddDate(0, -1, 0).Format("2006-01"), cell(t, res.Body, "statement-next"))
	require.Equal(t, http.StatusNotFound, c.Get("/billing/statement?month="+early.AddDate(0, -1, 0).Format("2006-01")).Status)
}
