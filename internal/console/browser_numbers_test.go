package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/browsertest"
	"console/internal/numbers"
)

// In a real browser, in Japanese: from the empty list to a search, a
// purchase through the row's confirmation, the number's page, and its
// release after typing the number.
func TestBrowserBuyAndReleaseNumber(t *testing.T) {
	browsertest.SkipShort(t)
	c := newConsoleTour(t, "ja-JP", "JPY")
	b, app := c.b, c.app
	fund(t, app, c.owner.AccountSID, "5000")

	require.Equal(t, http.StatusOK, b.Go("/phone-numbers"))
	require.Equal(t, "Phone Numbers", b.Text("main h1"), "the product name, as Twilio's Japanese console keeps it")
	c.screenshot("numbers-empty")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("numbers-empty-search")))
	require.Equal(t, "/phone-numbers/search", b.URLPath())
	require.Equal(t, "JP", b.Value(`select[name="country"]`))
	b.Select(`select[name="type"]`, numbers.Mobile)
	b.Fill(`input[name="contains"]`, "777")
	// htmx swaps the results in place and pushes the search's URL.
	heading := b.Text("main h1")
	b.Click(browsertest.TestID("numbers-search"))
	b.WaitVisible(`[data-testid="numbers-results"] tr[data-number*="777"]`)
	require.Contains(t, b.URL(), "contains=777")
	require.Equal(t, heading, b.Text("main h1"), "the page around the results stays")
	rows := b.Texts(`[data-testid="numbers-results"] tbody td:first-child`)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		require.Contains(t, strings.ReplaceAll(r, " ", ""), "777")
	}
	require.Equal(t, "¥900.00", b.Text(browsertest.TestID("result-price")))
	phone := b.Attr(`[data-testid="numbers-results"] tbody tr`, "data-number")

	b.Click(browsertest.TestID("buy-" + phone))
	b.WaitVisible(browsertest.TestID("buy-confirm-" + phone))
	c.screenshot("numbers-buy-confirm")
	b.Fill(`tr[data-number="`+phone+`"] input[name="friendly_name"]`, "営業用")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("buy-confirm-"+phone)))
	require.True(t, strings.HasPrefix(b.URLPath(), "/phone-numbers/PN"), b.URLPath())
	require.Contains(t, b.Text(".flash"), numbers.Format(phone)+" を購入しました。")
	require.Equal(t, "¥900.00", b.Text(browsertest.TestID("number-price")))
	require.Equal(t, "営業用", b.Text(browsertest.TestID("number-name")))
	c.screenshot("numbers-detail")
	bal, err := billing.Balance(context.Background(), app.Pool, c.owner.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "4100", bal.Amount.String())

	require.Equal(t, http.StatusOK, b.Go("/phone-numbers"))
	require.Equal(t, []string{numbers.Format(phone)}, b.Texts(`[data-testid="numbers"] tbody td:first-child`))
	c.screenshot("numbers-list")
	require.Equal(t, http.StatusOK, b.Submit(`[data-testid="numbers"] tbody td:first-child a`))

	b.Click(".danger-zone summary")
	b.Fill(`input[name="confirm_number"]`, numbers.Format(phone))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("number-release")))
	require.Equal(t, "/phone-numbers", b.URLPath())
	require.Contains(t, b.Text(".flash"), "リリースしました")
	b.WaitVisible(browsertest.TestID("numbers-empty"))
	b.RequireNoConsoleErrors()
}
