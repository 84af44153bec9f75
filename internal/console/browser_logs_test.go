package console_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/webtest"
)

// TestBrowserLogsPaging walks, in real Chromium: 130 messages → SMS logs
// shows the newest 50 → Older, twice, swapped in place by htmx, reaches
// the 101st and the end of the log → Newer leads back → the status filter
// keeps the failed ones → Voice › Logs links a call to its page.
func TestBrowserLogsPaging(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	c := newConsoleTour(t, "en-US,en;q=0.9", "USD")
	b := c.b
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var entries []logMessage
	for i := range 130 {
		status := "delivered"
		if i%10 == 9 {
			status = "failed"
		}
		entries = append(entries, logMessage{"+14155550100", "+15017122661", status, base.Add(-time.Duration(i) * time.Minute)})
	}
	sids := insertMessages(t, c.app, c.owner.AccountSID, entries) // newest first already
	rows := func() []string {
		return browsertest.Eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="sms-logs"] tbody tr'), r => r.dataset.sid)`)
	}
	waitRows := func(what string, want []string) {
		t.Helper()
		webtest.Eventually(t, what, func() bool { return slices.Equal(rows(), want) })
	}

	require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/sms/logs"]`))
	require.Equal(t, sids[:50], rows())
	require.Zero(t, b.Count(browsertest.TestID("sms-newer")), "the newest page has nothing newer")
	c.screenshot("logs-sms-first")

	b.Click(browsertest.TestID("sms-older"))
	waitRows("the second page", sids[50:100])
	require.Contains(t, b.URL(), "older=", "htmx pushes the page's URL")
	b.Click(browsertest.TestID("sms-older"))
	waitRows("the third page, past 100", sids[100:])
	require.Zero(t, b.Count(browsertest.TestID("sms-older")), "the oldest page has nothing older")
	b.Click(browsertest.TestID("sms-newer"))
	waitRows("back to the second page", sids[50:100])

	// Reloaded, the pushed URL shows the same page, whole.
	require.Equal(t, http.StatusOK, b.Go(strings.TrimPrefix(b.URL(), c.app.URL)))
	require.Equal(t, sids[50:100], rows())
	require.Equal(t, "SMS logs", b.Text("main h1"))

	b.Select(browsertest.TestID("sms-status"), "failed")
	b.Click(browsertest.TestID("sms-filter"))
	var failed []string
	for i, s := range sids {
		if i%10 == 9 {
			failed = append(failed, s)
		}
	}
	waitRows("the failed messages", failed)
	require.NotContains(t, b.URL(), "older=", "a new filter starts from the newest")
	require.Equal(t, "failed", b.Value(browsertest.TestID("sms-status")), "the filter stays selected")
	b.IgnoreConsoleErrors(`/sms/logs\?to=nope&`) // the 422 the filter is shown again with
	b.Fill(browsertest.TestID("sms-to"), "nope")
	b.Click(browsertest.TestID("sms-filter"))
	b.WaitVisible("#to-error")
	require.Equal(t, "Enter a phone number in E.164 format, like +14155550100.", b.Text("#to-error"))
	require.Equal(t, "nope", b.Value(browsertest.TestID("sms-to")), "the field keeps what was typed")
	c.screenshot("logs-sms-invalid")

	calls := insertCalls(t, c.app, c.owner.AccountSID, []logMessage{{"+14155550123", "+15017122661", "completed", base}})
	require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/voice/logs"]`))
	require.Equal(t, http.StatusOK, b.Submit(`tr[data-sid="`+calls[0]+`"] td:first-child a`))
	require.Equal(t, "/voice/logs/"+calls[0], b.URLPath())
	require.Equal(t, "Call", b.Text("main h1"))
	require.Equal(t, "+14155550123", b.Texts(`[data-testid="voice-call"] dd`)[4])
	c.screenshot("logs-call")

	b.RequireNoConsoleErrors()
}
