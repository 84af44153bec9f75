package console_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// Usage recorded before the project's creation (the demo's history, dated
// in the past) is offered by the month pickers: they start at the first
// month with usage when it is earlier than the creation.
func TestUsageMonthsStartAtTheFirstUsage(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	p := o.AccountSID
	now := time.Now().In(tokyo)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, tokyo)
	first, between, before := thisMonth.AddDate(0, -2, 0), thisMonth.AddDate(0, -1, 0), thisMonth.AddDate(0, -3, 0)
	recordUsage(t, app, p, p, "sms-outbound", 2, "2", "1234", first.AddDate(0, 0, 3).Add(12*time.Hour))
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	res := c.Get("/usage?month=" + first.Format("2006-01"))
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, `<option value="`+first.Format("2006-01")+`" selected>`)
	require.Contains(t, res.Body, `<option value="`+between.Format("2006-01")+`">`, "the months between")
	require.NotContains(t, res.Body, `<option value="`+before.Format("2006-01")+`"`)
	require.Regexp(t, `data-testid="usage-total">¥1,234(\.00)?<`, res.Body, "the month's figures (in either money format)")
	for _, path := range []string{"/usage", "/usage/summary.csv", "/usage/subaccounts"} {
		require.Equal(t, http.StatusOK, c.Get(path+"?month="+first.Format("2006-01")).Status, path)
		require.Equal(t, http.StatusUnprocessableEntity, c.Get(path+"?month="+before.Format("2006-01")).Status, path)
	}
}
