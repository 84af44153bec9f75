package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// Text PostgreSQL cannot store — a NUL character, invalid UTF-8 — is bad
// input wherever it arrives: a form field is a 422 naming the field, a
// query a 400, a URL a 404; nothing changes and nothing is a 500.
func TestConsoleRefusesTextThatCannotBeStored(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	sub := createSub(t, app, o.AccountSID, "Shop")
	before := app.Fingerprint()
	for _, bad := range []string{"Sh\x00op", "Sh\xffop", "\xe6\x97"} {
		res := c.Post("/settings/subaccounts", url.Values{"friendly_name": {bad}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%q: %.300s", bad, res.Body)
		require.Contains(t, res.Body, "friendly_name")
		require.Contains(t, res.Body, "UTF-8")

		res = c.Post("/settings/subaccounts/"+sub+"/rename", url.Values{"friendly_name": {bad}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status)
		res = c.Post("/settings/users/invite", url.Values{"email": {"x" + bad + "@example.com"}, "role": {"developer"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status)
		res = c.Post("/settings/subaccounts", url.Values{"friendly_name": {"Fine"}, bad: {"x"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "a bad field name")

		esc := url.PathEscape(bad)
		require.Equal(t, http.StatusBadRequest, c.Get("/sms/logs?to="+url.QueryEscape(bad)).Status)
		require.Equal(t, http.StatusBadRequest, c.Get("/usage?account="+url.QueryEscape(bad)).Status)
		require.Equal(t, http.StatusNotFound, c.Get("/settings/subaccounts/"+esc).Status)
		require.Equal(t, http.StatusNotFound, c.Get("/settings/subaccounts/"+sub[:33]+esc).Status)
		require.Equal(t, http.StatusNotFound, c.Get("/sms/logs/SM"+esc).Status)
		require.Equal(t, http.StatusNotFound, c.Post("/billing/payment-methods/PM"+esc+"/primary", nil).Status)
		require.Equal(t, http.StatusNotFound, c.Post("/settings/users/US"+esc+"/role", url.Values{"role": {"support"}}).Status)
	}
	// Signed out, the same: the sign-in form's fields are checked first.
	anon := app.Client()
	res := anon.Post("/signin", url.Values{"email": {"a\x00@example.com"}, "password": {"x"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, "email")
	require.Equal(t, before, app.Fingerprint(), "bad input changed nothing")

	// A trigger value PostgreSQL's numeric cannot hold is the field's error.
	res = c.Post("/usage/triggers", url.Values{"friendly_name": {"Spend"}, "usage_category": {"totalprice"}, "trigger_by": {"price"},
		"trigger_value": {"1" + strings.Repeat("0", 200000)}, "recurring": {"monthly"}, "email_team": {"1"}, "callback_method": {"POST"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Equal(t, before, app.Fingerprint())
}
