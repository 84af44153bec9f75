package console_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// The number search and the message and call logs answer htmx with the
// part of the page their form or link replaces, and anyone else (a
// browser without JavaScript, a reload of the pushed URL, htmx restoring
// history) with the whole page holding that same part.
func TestFragmentsForHTMXWholePagesOtherwise(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	var oldest string
	for i := 0; i < 51; i++ { // one more than a page
		sid := app.InsertMessage(o.AccountSID, o.AccountSID)
		if i == 0 {
			oldest = sid
		}
	}
	app.InsertCall(o.AccountSID, o.AccountSID)
	sidUT := app.EnsureTrigger(o.AccountSID, o.AccountSID, "")
	// One more firing than the history shows at once, the oldest first.
	_, err := app.Pool.Exec(context.Background(), `
		INSERT INTO usage_trigger_firings (project_sid, account_sid, trigger_sid, revision, period_start, fired_at, usage_category,
			trigger_by, recurring, trigger_value, current_value, idempotency_token)
		SELECT $1, $1, $2, 1, date '2026-01-01' + g, now() - (52 - g) * interval '1 hour', 'totalprice', 'price', 'monthly', 1000, 1000, 'token' || g
		FROM generate_series(1, 51) g`, o.AccountSID, sidUT)
	require.NoError(t, err)

	get := func(path string, header map[string]string) *webtest.Response {
		t.Helper()
		for k, v := range header {
			c.Header.Set(k, v)
		}
		defer func() {
			for k := range header {
				c.Header.Del(k)
			}
		}()
		return c.Get(path)
	}
	htmx := map[string]string{"HX-Request": "true"}
	restore := map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"}
	for _, tc := range []struct {
		path, id string
		status   int
	}{
		{"/phone-numbers/search?country=JP&type=local&contains=", "number-search", http.StatusOK},
		{"/phone-numbers/search?country=XX&type=local", "number-search", http.StatusUnprocessableEntity},
		{"/sms/logs?to=%2B14155550100", "sms-logs-page", http.StatusOK},
		{"/voice/logs", "voice-logs-page", http.StatusOK},
		{"/usage/triggers/" + sidUT, "history", http.StatusOK},
	} {
		part := get(tc.path, htmx)
		require.Equal(t, tc.status, part.Status, tc.path)
		require.Regexp(t, `^<(div|section class="panel") id="`+tc.id+`">`, part.Body, "%s: the part alone", tc.path)
		require.NotContains(t, part.Body, "<html", tc.path)
		require.Contains(t, part.Header.Values("Vary"), "HX-Request", tc.path)

		for _, h := range []map[string]string{nil, restore} {
			page := get(tc.path, h)
			require.Equal(t, tc.status, page.Status, tc.path)
			require.Contains(t, page.Body, "<html", "%s: the whole page", tc.path)
			require.Contains(t, page.Body, part.Body, "%s: holding the same part", tc.path)
		}
	}

	// The form and the page links ask htmx for the part, pushing the URL.
	part := get("/sms/logs", htmx).Body
	require.Contains(t, part, `hx-get="/sms/logs" hx-target="#sms-logs-page" hx-swap="outerHTML" hx-push-url="true"`)
	older := regexp.MustCompile(`<a href="([^"]+)" hx-get="([^"]+)" hx-target="#sms-logs-page" hx-swap="outerHTML" hx-push-url="true" rel="next" data-testid="sms-older">`).
		FindStringSubmatch(part)
	require.NotNil(t, older, "a full page has a link to older messages")
	require.Equal(t, older[1], older[2])
	next := get(html.UnescapeString(older[1]), htmx)
	require.Equal(t, http.StatusOK, next.Status)
	require.Contains(t, next.Body, `data-sid="`+oldest+`"`, "the next page has the oldest message")
	require.Equal(t, 1, strings.Count(next.Body, `<tr data-sid=`))
	require.NotContains(t, next.Body, `data-testid="sms-older"`, "and no page after it")
	require.Contains(t, get("/phone-numbers/search?country=JP&type=local", htmx).Body,
		`hx-get="/phone-numbers/search" hx-target="#number-search" hx-swap="outerHTML" hx-push-url="true"`)

	// The trigger's history pages the same way, the trigger's page around it.
	history := get("/usage/triggers/"+sidUT, htmx).Body
	require.Equal(t, 50, strings.Count(history, `<li class="firing"`))
	older = regexp.MustCompile(`<a href="([^"]+)" hx-get="[^"]+" hx-target="#history" hx-swap="outerHTML" hx-push-url="true" data-testid="history-older">`).
		FindStringSubmatch(history)
	require.NotNil(t, older)
	page := get(html.UnescapeString(older[1]), nil)
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `data-testid="trigger-save"`, "without htmx, the whole trigger page")
	require.Equal(t, 1, strings.Count(page.Body, `<li class="firing"`), "with the oldest firing")
	require.Equal(t, http.StatusBadRequest, get("/usage/triggers/"+sidUT+"?before=x", htmx).Status)
}
