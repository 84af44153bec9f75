package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/voice"
	"console/internal/webtest"
)

var callFields = []string{"account_sid", "annotation", "answered_by", "api_version", "caller_name", "date_created", "date_updated", "direction",
	"duration", "end_time", "forwarded_from", "from", "from_formatted", "group_sid", "parent_call_sid", "phone_number_sid", "price", "price_unit",
	"queue_time", "sid", "start_time", "status", "subresource_uris", "to", "to_formatted", "trunk_sid", "uri"}

func TestPlaceCallIsPricedPerStartedMinute(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "1000")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Calls.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	res := app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {from}, "Twiml": {"<Response><Say>こんにちは</Say></Response>"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	c := res.JSON(t)
	require.Equal(t, callFields, keysOf(c))
	require.Regexp(t, `^CA[0-9a-f]{32}$`, c["sid"])
	require.Equal(t, "completed", c["status"])
	require.Equal(t, from, c["from"])
	seconds := voice.SimulatedDuration(c["sid"].(string))
	require.Equal(t, strconv.Itoa(seconds), c["duration"])
	minutes := (seconds + 59) / 60
	want := decimal.RequireFromString("23.64").Mul(decimal.NewFromInt(int64(minutes)))
	require.Equal(t, want.Neg().StringFixed(5), c["price"], "%d s = %d started minutes at ¥23.64", seconds, minutes)
	require.Equal(t, decimal.NewFromInt(1000).Sub(want).String(), webtest.Balance(t, app, o.AccountSID).String())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM usage_events WHERE source = $1 AND category = 'calls-outbound' AND usage = $2`, c["sid"], minutes))

	fetched := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/Calls/"+c["sid"].(string)+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Equal(t, c["sid"], fetched["sid"])
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
		{url.Values{"To": {"03-1234-5678"}, "From": {from}, "Url": {"https://example.com/twiml"}}, 21211},
		{url.Values{"To": {"+819012345678"}, "From": {"050-1234-5678"}, "Url": {"https://example.com/twiml"}}, 21212},
		{url.Values{"To": {"+819012345678"}, "From": {"+815012345678"}, "Url": {"https://example.com/twiml"}}, 21210},
		{url.Values{"To": {"+442071234567"}, "From": {from}, "Url": {"https://example.com/twiml"}}, 21215},
	} {
		res := app.API("POST", path, o.AccountSID, o.AuthToken, tc.form)
		require.Equal(t, http.StatusBadRequest, res.Status, tc.form.Encode())
		require.Equal(t, float64(tc.code), res.JSON(t)["code"], tc.form.Encode())
	}
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM calls`), "refused calls change nothing")

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
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM calls`), "test credentials store nothing")
	require.Equal(t, decimal.NewFromInt(1000).Sub(want).String(), webtest.Balance(t, app, o.AccountSID).String(), "and charge nothing")
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
