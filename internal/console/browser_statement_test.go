package console_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/webtest"
)

// The statement in a real browser, in Japanese, on a desktop and on a
// phone: Payment history leads to the month's statement, which shows its
// figures and tax line without scrolling sideways.
func TestBrowserStatement(t *testing.T) {
	browsertest.SkipShort(t)
	app := webtest.Start(t, issuerEnv...)
	o := app.CreateOwner("JPY")
	last, _ := seedStatementMonth(t, app, o)
	month := last.Format("2006-01")
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1400, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			b := browsertest.New(t, app.URL, browsertest.Lang("ja"), browsertest.WindowSize(size.width, size.height))
			signInAs(t, b, o.Email, o.Password)
			require.Equal(t, http.StatusOK, b.Go("/billing/history?month="+month))
			require.Equal(t, last.Format("2006年1月")+"の利用明細", b.Text(browsertest.TestID("history-statement")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("history-statement")), "a link: wait for the page it leads to")
			require.Equal(t, "/billing/statement", b.URLPath())
			require.Equal(t, "請求書（利用明細）", b.Text("main h1"))
			require.Equal(t, "株式会社テスト 御中", b.Text(browsertest.TestID("statement-addressee")))
			requireYen(t, "¥315", b.Text(browsertest.TestID("statement-total")))
			requireYen(t, "¥28", b.Text(browsertest.TestID("statement-tax")))
			require.Equal(t, "登録番号: T7000012050002", b.Text(browsertest.TestID("issuer-registration")))
			require.Equal(t, 3, b.Count(`[data-testid="statement-lines"] tr[data-category]`))
			require.True(t, browsertest.Eval[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`),
				"the page fits the window's width")
			screenshot(t, b, "statement-"+size.name)
			b.RequireNoConsoleErrors()
		})
	}
}
