package console_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/sid"
	"console/internal/webtest"
)

// boundedGet fetches a console page and checks that it was bounded:
// answered within a second with at most 32 MB allocated by the whole
// process meanwhile (the server runs in this process).
func boundedGet(t *testing.T, c *webtest.Client, path string) *webtest.Response {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := c.Get(path)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	require.Less(t, took, webtest.TimeBound(time.Second), "%s took %s", path, took)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(32<<20), "%s allocated %d MB", path, (after.TotalAlloc-before.TotalAlloc)>>20)
	return res
}

// Pages that take a month, a range, a position or a filter answer within
// their own page's work whatever they are given: a 4xx for what names
// nothing, else the page.
func TestConsolePagesAreBoundedByThePage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	p := o.AccountSID
	sub := createSub(t, app, p, "Shop")
	app.InsertMessage(p, p)
	app.InsertCall(p, p)
	number := app.EnsureNumber(p, p, "")
	trig := app.EnsureTrigger(p, p, "")
	app.EnsureCardAndPayment(p, "", "")
	thisMonth := time.Now().In(tokyo).Format("2006-01")
	long := strings.Repeat("9", 100000)

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/usage", 200},
		{"/usage?month=" + thisMonth, 200},
		{"/usage?month=9999-12", 422},
		{"/usage?month=0001-01", 422},
		{"/usage?month=-99999999999", 422},
		{"/usage?month=2026-13", 422},
		{"/usage?month=" + long, 422},
		{"/usage?account=" + sub, 200},
		{"/usage?account=ACzz", 404},
		{"/usage?account=" + strings.Repeat("A", 100000), 404},
		{"/usage/summary.csv?month=9999-12", 422},
		{"/usage/summary.csv?month=0001-01&account=" + sub, 422},
		{"/usage/subaccounts?month=9999-12", 422},
		{"/usage/subaccounts?month=" + thisMonth + "&sort=" + long + "&dir=" + long, 200},
		{"/billing/history", 200},
		{"/billing/history?month=" + time.Now().In(tokyo).Format("2006-01"), 200},
		{"/billing/history?month=9999-12", 400},
		{"/billing/history?month=0001-01", 400},
		{"/billing/history?month=1999-12", 400},
		{"/billing/history?month=-99999999999", 400},
		{"/phone-numbers", 200},
		{"/phone-numbers?after=" + number, 200},
		{"/phone-numbers?after=" + long, 400},
		{"/phone-numbers/search?country=US&type=local&contains=" + long, 422},
		{"/usage/triggers", 200},
		{"/usage/triggers?after=" + trig, 200},
		{"/usage/triggers?after=zz", 400},
		{"/usage/triggers/" + trig, 200},
		{"/sms/logs?to=" + long + "&from=" + long, 422},
		{"/voice/logs?to=" + long + "&from=" + long + "&status=" + long + "&since=" + long, 422},
		{"/sms/logs?older=" + long, 400},
		{"/voice/logs?newer=" + long, 400},
		{"/voice/logs/" + sid.New("CA"), 404},
		{"/voice/logs/" + long, 404},
		{"/sms/logs/" + sid.New("SM"), 404},
		{"/sms/logs/" + long, 404},
		{"/settings/subaccounts/" + long, 404},
		{"/dev/mailbox/99999999999999999999999999", 404},
	} {
		res := boundedGet(t, c, tc.path)
		require.Equal(t, tc.status, res.Status, "%.120s: %.300s", tc.path, res.Body)
		require.Less(t, len(res.Body), 1<<20, tc.path)
	}
	// The payment history pages back to the project's first month, not
	// further: that month has no link to the one before.
	res := boundedGet(t, c, "/billing/history?month="+thisMonth)
	require.NotContains(t, res.Body, "/billing/history?month="+time.Now().In(tokyo).AddDate(0, -1, 0).Format("2006-01"))
	createdIn(t, app, p, time.Now().AddDate(0, -3, 0))
	res = boundedGet(t, c, "/billing/history?month="+thisMonth)
	require.Contains(t, res.Body, "/billing/history?month="+time.Now().In(tokyo).AddDate(0, 0, -time.Now().In(tokyo).Day()).Format("2006-01"))
}
