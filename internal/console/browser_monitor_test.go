package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
)

// TestBrowserMonitorEvents walks, in real Chromium: rename the project
// and create an API key → Monitor in the sidebar → Events lists them,
// newest first → filter by action → open the entry: the name before and
// after → a filter that matches nothing says so → clear the filters.
func TestBrowserMonitorEvents(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	c := newConsoleTour(t, "en-US,en;q=0.9", "USD")
	b := c.b

	require.Equal(t, http.StatusOK, b.Go("/settings/general"))
	b.Fill(`input[name="friendly_name"]`, "Tokyo Project")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("general-save")))
	require.Equal(t, http.StatusOK, b.Go("/settings/keys"))
	keySID, _ := c.createKey("Deploy bot", "main", "Main")

	require.Equal(t, http.StatusOK, b.Submit(`nav.sidebar a[href="/monitor/events"]`))
	require.Equal(t, "/monitor/events", b.URLPath())
	require.Equal(t, "Events", b.Text("main h1"))
	require.Equal(t, []string{"API key created", "Project renamed", "Signed up"}, b.Texts(`[data-testid="event-action"]`))
	owner := "Test Owner (" + c.owner.Email + ")"
	require.Equal(t, []string{owner, owner, owner}, b.Texts(`[data-testid="event-actor"]`))
	require.Zero(t, b.Count(`details.event[open]`), "entries start closed")

	b.Select(browsertest.TestID("events-action"), "project.renamed")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("events-apply")))
	u, err := url.Parse(b.URL())
	require.NoError(t, err)
	require.Equal(t, "project.renamed", u.Query().Get("action"))
	require.Equal(t, []string{"Project renamed"}, b.Texts(`[data-testid="event-action"]`))
	require.Equal(t, "project.renamed", b.Value(browsertest.TestID("events-action")), "the filter stays selected")

	b.Click(`details.event > summary`)
	b.WaitVisible(browsertest.TestID("event-before"))
	require.Equal(t, "Test Project", b.Text(browsertest.TestID("event-before")))
	require.Equal(t, "Tokyo Project", b.Text(browsertest.TestID("event-after")))
	require.Equal(t, c.owner.AccountSID, b.Text(browsertest.TestID("event-target")))
	require.Regexp(t, `^[0-9a-f]{16}$`, b.Text(browsertest.TestID("event-request-id")))
	c.screenshot("monitor-events-open")

	b.Select(browsertest.TestID("events-action"), "card.removed")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("events-apply")))
	require.Equal(t, "No events match these filters.", b.Text(browsertest.TestID("events-empty")))

	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("events-clear")))
	require.Equal(t, "", b.Value(browsertest.TestID("events-action")))
	require.Equal(t, 3, b.Count(`[data-testid="event"]`))
	b.Click(`details.event[data-action="key.created"] > summary`)
	require.Equal(t, keySID, b.Text(`details.event[data-action="key.created"] [data-testid="event-target"]`))

	b.RequireNoConsoleErrors()
}
