package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/voice"
	"console/internal/webtest"
)

var callFields = []string{"account_sid", "annotation", "answered_by", "api_version", "caller_name", "date_created", "date_updated", "direction",
	"duration", "end_time", "forwarded_from", "from", "from_formatted", "group_sid", "parent_call_sid", "phone_number_sid", "price", "price_unit",
	"queue_time", "sid", "start_time", "status", "subresource_uris", "to", "to_formatted", "trunk_sid", "uri"}

// testClock is a clock the tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// simulate puts the app's calls on a clock the test moves, with a callee
// who answers (or does what outcome says) and talks for talk.
func simulate(app *webtest.App, outcome string, talk time.Duration) *testClock {
	clock := &testClock{now: time.Now().UTC().Truncate(time.Second)}
	calls := app.Services.Calls
	calls.Now = clock.Now
	calls.Network = voice.Network{Dial: time.Second, Ring: 4 * time.Second,
		Talk: func(string) time.Duration { return talk }, Outcome: func(string) string { return outcome }}
	return clock
}

// advance moves the clock by d and runs the simulated network's pass.
func advance(t *testing.T, app *webtest.App, clock *testClock, d time.Duration) {
	t.Helper()
	clock.Add(d)
	_, err := app.Services.Calls.Advance(context.Background())
	require.NoError(t, err)
}

// A call lives through Twilio's statuses: queued, ringing, in-progress,
// completed. Its start and end times, duration and price appear when they
// become true, and it is charged once, when it completes, per started
// minute.
func TestCallLifecycleIsChargedWhenItCompletes(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "1000")
	clock := simulate(app, voice.OutcomeAnswered, 61*time.Second)
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Calls.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	res := app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {from}, "Twiml": {"<Response><Say>こんにちは</Say></Response>"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	c := res.JSON(t)
	require.Equal(t, callFields, keysOf(c))
	require.Regexp(t, `^CA[0-9a-f]{32}$`, c["sid"])
	require.Equal(t, "queued", c["status"])
	require.Equal(t, from, c["from"])
	for _, f := range []string{"start_time", "end_time", "duration", "price"} {
		require.Nil(t, c[f], f)
	}
	callPath := "/2010-04-01/Accounts/" + o.AccountSID + "/Calls/" + c["sid"].(string) + ".json"
	get := func() map[string]any { return app.API("GET", callPath, o.AccountSID, o.AuthToken, nil).JSON(t) }
	charges := func() int {
		return rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source = $2`, o.AccountSID, "call:"+c["sid"].(string))
	}

	advance(t, app, clock, 999*time.Millisecond)
	require.Equal(t, "queued", get()["status"], "not yet dialled")
	advance(t, app, clock, time.Millisecond)
	require.Equal(t, "ringing", get()["status"])
	advance(t, app, clock, 4*time.Second)
	answered := get()
	require.Equal(t, "in-progress", answered["status"])
	require.Equal(t, clock.Now().Format(time.RFC1123Z), answered["start_time"])
	require.Nil(t, answered["end_time"])
	require.Nil(t, answered["price"])
	require.Zero(t, charges(), "nothing charged while it lasts")

	advance(t, app, clock, 90*time.Second) // a late pass ends it when its time ran out
	done := get()
	require.Equal(t, "completed", done["status"])
	require.Equal(t, "61", done["duration"])
	require.Equal(t, clock.Now().Add(-29*time.Second).Format(time.RFC1123Z), done["end_time"])
	want := decimal.RequireFromString("23.64").Mul(decimal.NewFromInt(2))
	require.Equal(t, want.Neg().StringFixed(5), done["price"], "61 s = 2 started minutes at ¥23.64")
	require.Equal(t, 1, charges())
	require.Equal(t, decimal.NewFromInt(1000).Sub(want).String(), balanceOf(t, app, o.AccountSID))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM usage_events WHERE source = $1 AND category = 'calls-outbound' AND usage = 2`, c["sid"]))
	advance(t, app, clock, time.Minute)
	require.Equal(t, 1, charges(), "charged once")

	list := app.API("GET", path, o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Len(t, list["calls"].([]any), 1)

	for _, tc := range []struct {
		form url.Values
		code int
	}{
		{url.Values{"From": {from}, "Url": {"https://example.com/twiml"}}, 21201},
		{url.Values{"To": {"+819012345678"}, "Url": {"https://example.com/twiml"}}, 21213},
		{url.Values{"To": {"+819012345678"}, "From": {from}}, 21205},
		{url.Values{"To": {"+819012345678"}, "From": {from}, "Url": {"not a url"}}, 21205},
		{url.Values{"To": {"+819012345678"}, "From": {from}, "Url": {"https://example.com/t"}, "StatusCallback": {"ftp://nope"}}, 21609},
		{url.Values{"To": {"+819012345678"}, "From": {from}, "Url": {"https://example.com/t"}, "StatusCallback": {"https://example.com/s"},
			"StatusCallbackEvent": {"initiated hungup"}}, 21626},
		{url.Values{"To": {"+819012345678"}, "From": {from}, "Url": {"https://example.com/t"}, "StatusCallbackMethod": {"PUT"}}, 20001},
		{url.Values{"To": {"03-1234-5678"}, "From": {from}, "Url": {"https://example.com/twiml"}}, 21211},
		{url.Values{"To": {"+819012345678"}, "From": {"050-1234-5678"}, "Url": {"https://example.com/twiml"}}, 21212},
		{url.Values{"To": {"+819012345678"}, "From": {"+815012345678"}, "Url": {"https://example.com/twiml"}}, 21210},
		{url.Values{"To": {"+442071234567"}, "From": {from}, "Url": {"https://example.com/twiml"}}, 21215},
	} {
		res := app.API("POST", path, o.AccountSID, o.AuthToken, tc.form)
		require.Equal(t, http.StatusBadRequest, res.Status, tc.form.Encode())
		require.Equal(t, float64(tc.code), res.JSON(t)["code"], tc.form.Encode())
	}
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM calls`), "refused calls change nothing")

	testSID, testToken, err := app.Services.Accounts.TestCredentials(context.Background(), app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	for to, code := range map[string]float64{"+15005550001": 21211, "+15005550002": 21214, "+15005550003": 21215, "+14155550100": 0} {
		res := app.API("POST", "/2010-04-01/Accounts/"+testSID+"/Calls.json", testSID, testToken, url.Values{"To": {to}, "From": {"+15005550006"}, "Url": {"https://example.com/twiml"}})
		if code == 0 {
			require.Equal(t, http.StatusCreated, res.Status, res.Body)
		} else {
			require.Equal(t, code, res.JSON(t)["code"], to)
		}
	}
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM calls`), "test credentials store nothing")
	require.Equal(t, decimal.NewFromInt(1000).Sub(want).String(), balanceOf(t, app, o.AccountSID), "and charge nothing")
}

// A callee who is busy, does not answer, or a call that fails ends
// without a charge: duration 0, no price.
func TestUnconnectedCallsCostNothing(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "10")
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	for _, outcome := range []string{voice.OutcomeBusy, voice.OutcomeNoAnswer, voice.OutcomeFailed} {
		clock := simulate(app, outcome, time.Minute)
		res := app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/Calls.json", o.AccountSID, o.AuthToken,
			url.Values{"To": {"+14155550100"}, "From": {from}, "Url": {"https://example.com/twiml"}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		for range 3 {
			advance(t, app, clock, 5*time.Second)
		}
		c := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/Calls/"+res.JSON(t)["sid"].(string)+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
		require.Equal(t, outcome, c["status"])
		require.Equal(t, "0", c["duration"], outcome)
		require.Nil(t, c["price"], outcome)
		require.Nil(t, c["start_time"], outcome)
		require.NotNil(t, c["end_time"], outcome)
	}
	require.Zero(t, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID))
	require.Equal(t, "10", balanceOf(t, app, o.AccountSID))
}

// Ending a call early: canceled while queued or ringing costs nothing;
// completed while in progress is charged for the minutes it lasted; any
// other change is refused with Twilio's 21220, an unknown Status with
// 20001. Each hang-up is audited.
func TestUpdateCallEndsItEarly(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "10")
	clock := simulate(app, voice.OutcomeAnswered, 5*time.Minute)
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Calls"
	place := func() string {
		res := app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"}, "From": {from}, "Url": {"https://example.com/twiml"}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		return res.JSON(t)["sid"].(string)
	}
	update := func(sid, status string) *webtest.Response {
		return app.API("POST", base+"/"+sid+".json", o.AccountSID, o.AuthToken, url.Values{"Status": {status}})
	}

	queued, ringing, talking := place(), place(), place()
	res := update(queued, "completed")
	require.Equal(t, http.StatusBadRequest, res.Status)
	require.Equal(t, 21220.0, res.JSON(t)["code"], "a queued call is canceled, not completed")
	res = update(queued, "canceled")
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Equal(t, "canceled", res.JSON(t)["status"])
	require.Nil(t, res.JSON(t)["price"])

	advance(t, app, clock, time.Second)
	res = update(ringing, "canceled")
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Equal(t, "canceled", res.JSON(t)["status"])

	advance(t, app, clock, 4*time.Second)
	res = update(talking, "canceled")
	require.Equal(t, 21220.0, res.JSON(t)["code"], "an answered call is completed, not canceled")
	require.Equal(t, 20001.0, update(talking, "busy").JSON(t)["code"])
	require.Equal(t, http.StatusNotFound, update("CA"+strconv.Itoa(1)+"0000000000000000000000000000000", "completed").Status)
	clock.Add(75 * time.Second)
	res = update(talking, "completed")
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	c := res.JSON(t)
	require.Equal(t, "completed", c["status"])
	require.Equal(t, "75", c["duration"])
	require.Equal(t, "-0.02800", c["price"], "2 started minutes at $0.014")
	require.Equal(t, 21220.0, update(talking, "completed").JSON(t)["code"], "already over")
	require.Equal(t, 21220.0, update(queued, "canceled").JSON(t)["code"], "already over")

	advance(t, app, clock, 10*time.Minute)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID), "the answered call alone")
	require.Equal(t, "9.972", balanceOf(t, app, o.AccountSID))
	require.Equal(t, 3, rows(t, app, `SELECT count(*) FROM audit_log WHERE project_sid = $1 AND action = 'call.ended'`, o.AccountSID))
}

func TestSimulatedDuration(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"CA00000000000000000000000000000000", "CAffffffffffffffffffffffffffffffff", "CA0123456789abcdef0123456789abcdef"} {
		d := voice.SimulatedDuration(s)
		require.GreaterOrEqual(t, d, 5)
		require.LessOrEqual(t, d, 300)
		require.Equal(t, d, voice.SimulatedDuration(s), "stable")
	}
	require.Equal(t, 1, voice.Minutes(1))
	require.Equal(t, 1, voice.Minutes(60))
	require.Equal(t, 2, voice.Minutes(61))
}
