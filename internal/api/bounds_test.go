package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// Every list answers a page's worth of work whatever range, page number
// or size it is asked for.
const (
	boundTime  = time.Second
	boundAlloc = 48 << 20 // bytes allocated by the whole process during one request
)

// boundedGet sends one API request and checks that it was bounded: answered
// within boundTime, with at most boundAlloc bytes allocated meanwhile
// (runtime.MemStats.TotalAlloc, the server runs in this process).
func boundedGet(t *testing.T, app *webtest.App, path, user, pass string) (int, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, app.URL+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth(user, pass)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err, path)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	require.Less(t, took, webtest.TimeBound(boundTime), "%s took %s", path, took)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(boundAlloc), "%s allocated %d MB", path, (after.TotalAlloc-before.TotalAlloc)>>20)
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s: %.300s", path, body)
	return res.StatusCode, m
}

// requireTwilioError checks Twilio's error body.
func requireTwilioError(t *testing.T, status int, body map[string]any, where string) {
	t.Helper()
	require.Equal(t, []string{"code", "message", "more_info", "status"}, keysOf(body), where)
	require.Equal(t, float64(status), body["status"], where)
	require.NotZero(t, body["code"], where)
	require.NotEmpty(t, body["message"], where)
}

// requireSmallPage checks a list answer: the one list in it holds at most
// max items and at most page_size.
func requireSmallPage(t *testing.T, body map[string]any, max int, where string) {
	t.Helper()
	lists := 0
	for k, v := range body {
		if items, ok := v.([]any); ok {
			lists++
			require.LessOrEqual(t, len(items), max, "%s: %s", where, k)
			if size, ok := body["page_size"].(float64); ok {
				require.LessOrEqual(t, len(items), int(size), where)
				require.LessOrEqual(t, size, 1000.0, where)
			}
		}
	}
	require.Equal(t, 1, lists, "%s: one list in the answer", where)
}

type boundCase struct {
	query  string
	status int // 200: a small page; else a Twilio error
}

func TestListsAreBoundedByThePage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	acc := o.AccountSID
	credit(t, app, acc, "100")
	sub := app.API("POST", "/2010-04-01/Accounts.json", acc, o.AuthToken, url.Values{"FriendlyName": {"shop"}}).JSON(t)["sid"].(string)
	msg := app.InsertMessage(acc, acc)
	app.InsertMessage(acc, acc)
	call := app.InsertCall(acc, acc)
	number := app.EnsureNumber(acc, acc, "")
	trig := app.EnsureTrigger(acc, acc, "")
	from := app.OwnNumber(acc, acc)
	require.Equal(t, http.StatusCreated, app.API("POST", "/2010-04-01/Accounts/"+acc+"/Messages.json", acc, o.AuthToken,
		url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"usage today"}}).Status)
	require.Equal(t, http.StatusCreated, app.API("POST", "/2010-04-01/Accounts/"+acc+"/Keys.json", acc, o.AuthToken, url.Values{"FriendlyName": {"k"}}).Status)
	base := "/2010-04-01/Accounts/" + acc

	pages := []boundCase{
		{"?Page=9223372036854775807&PageSize=1000", 400},
		{"?Page=9223372036854775807", 400},
		{"?Page=10000001&PageSize=1", 400},
		{"?Page=-1", 400},
		{"?PageSize=9223372036854775807", 200},
		{"?PageSize=99999999999999999999", 400},
		{"?PageSize=-9223372036854775808", 400},
		{"?Page=100&PageSize=1000", 200}, // skips 100,000 rows: the most a page number may
		{"?Page=101&PageSize=1000", 400},
		{"?PageToken=PA" + strings.Repeat("9", 34), 400},
	}
	// A token pins the position: the page number is then only a label.
	token := func(sid string) []boundCase {
		return append([]boundCase{{"?Page=10000000&PageSize=1000&PageToken=PA" + sid, 200}}, pages...)
	}
	families := map[string][]boundCase{
		"/Messages.json": append([]boundCase{
			{"?DateSent=9999-12-31", 400}, {"?DateSent=0001-01-01", 400}, {"?DateSent=1999-12-31", 400}, {"?DateSent=2026-01-01", 200},
		}, token(msg)...),
		"/Calls.json":                token(call),
		"/IncomingPhoneNumbers.json": token(number),
		"/Keys.json":                 token(sub),
		"/Usage/Triggers.json":       token(trig),
		"/AvailablePhoneNumbers/US/Local.json": {
			{"?PageSize=9223372036854775807", 200}, {"?PageSize=99999999999999999999", 400}, {"?PageSize=0", 400},
			{"?Contains=" + strings.Repeat("5", 10000), 200}, {"?Contains=" + strings.Repeat("*", 10000), 200},
		},
		"/AvailablePhoneNumbers/ZZ/Mobile.json": {{"?PageSize=50", 200}},
	}
	ranged := []boundCase{
		{"?EndDate=9999-12-31&PageSize=1", 400},
		{"?StartDate=0001-01-01", 400},
		{"?StartDate=0001-01-01&EndDate=9999-12-31&PageSize=1000", 400},
		{"?StartDate=-99999999999days", 400},
		{"?StartDate=-9223372036854775808days", 400},
		{"?EndDate=%2B99999999999days", 400},
		{"?StartDate=-36500days", 400}, // 1926
		{"?StartDate=1999-12-31", 400},
		{"?EndDate=2100-01-01", 400},
		{"?StartDate=2000-01-01&EndDate=2099-12-31&PageSize=1000", 200},
		{"?StartDate=2000-01-01&EndDate=2099-12-31&PageSize=1000&Page=36", 200},
		{"?StartDate=2000-01-01&EndDate=2099-12-31&PageSize=1000&Page=10000000", 200}, // past the end: empty
		{"?StartDate=2000-01-01&EndDate=2099-12-31&Category=sms-outbound&PageSize=1000&Page=36", 200},
		{"?Page=9223372036854775807&PageSize=1000", 400},
		{"?Page=10000001", 400},
		{"?PageSize=9223372036854775807", 200},
		{"?PageSize=99999999999999999999", 400},
	}
	fixed := []boundCase{
		{"?EndDate=9999-12-31&PageSize=1", 200}, // the named periods ignore dates, as Twilio's do
		{"?StartDate=0001-01-01&PageSize=1000", 200},
		{"?Page=9223372036854775807&PageSize=1000", 400},
		{"?Page=10000000&PageSize=1000", 200},
	}
	for _, s := range []string{".json", "/AllTime.json", "/Daily.json", "/Monthly.json", "/Yearly.json"} {
		families["/Usage/Records"+s] = ranged
	}
	for _, s := range []string{"/Today.json", "/Yesterday.json", "/ThisMonth.json", "/LastMonth.json"} {
		families["/Usage/Records"+s] = fixed
	}

	check := func(path string, c boundCase) {
		t.Helper()
		status, body := boundedGet(t, app, path, acc, o.AuthToken)
		require.Equal(t, c.status, status, "%s: %v", path, body)
		if c.status == http.StatusOK {
			requireSmallPage(t, body, 1000, path)
		} else {
			requireTwilioError(t, c.status, body, path)
		}
	}
	suffixes := make([]string, 0, len(families))
	for suffix := range families {
		suffixes = append(suffixes, suffix)
	}
	sort.Strings(suffixes)
	for _, suffix := range suffixes {
		for _, c := range families[suffix] {
			check(base+suffix+c.query, c)
		}
	}
	for _, c := range token(sub) {
		check("/2010-04-01/Accounts.json"+c.query, c)
	}
	// A subaccount's credentials are bounded the same way.
	subToken := app.API("GET", "/2010-04-01/Accounts/"+sub+".json", acc, o.AuthToken, nil).JSON(t)["auth_token"].(string)
	status, body := boundedGet(t, app, "/2010-04-01/Accounts/"+sub+"/Usage/Records/Daily.json?EndDate=9999-12-31&PageSize=1", sub, subToken)
	require.Equal(t, http.StatusBadRequest, status)
	requireTwilioError(t, status, body, "subaccount")

	// The widest daily range pages to its last day, figures included.
	status, body = boundedGet(t, app, base+"/Usage/Records/Daily.json?Category=sms-outbound&StartDate=2000-01-01&EndDate=2099-12-31&PageSize=1000&Page=36", acc, o.AuthToken)
	require.Equal(t, http.StatusOK, status)
	recs := body["usage_records"].([]any)
	require.Len(t, recs, 36525-36000)
	require.Equal(t, "2099-12-31", recs[len(recs)-1].(map[string]any)["start_date"])
	require.Nil(t, body["next_page_uri"])
	today := time.Now().UTC()
	idx := int(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	status, body = boundedGet(t, app, base+"/Usage/Records/Daily.json?Category=sms-outbound&StartDate=2000-01-01&EndDate=2099-12-31&PageSize=1&Page="+
		strconv.Itoa(idx), acc, o.AuthToken)
	require.Equal(t, http.StatusOK, status)
	rec := body["usage_records"].([]any)[0].(map[string]any)
	require.Equal(t, today.Format(time.DateOnly), rec["start_date"])
	require.Equal(t, "1", rec["count"], "today's message, found on its page")
	require.Contains(t, body["next_page_uri"], "Page="+strconv.Itoa(idx+1))
}
