package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/trigger"
	"console/internal/webtest"
)

var triggerFields = []string{"account_sid", "api_version", "callback_method", "callback_url", "current_value", "date_created", "date_fired",
	"date_updated", "friendly_name", "recurring", "sid", "trigger_by", "trigger_value", "uri", "usage_category", "usage_record_uri"}

// sendSMS spends through the Messages API: ¥1.2 per message to +1 in JPY.
func sendSMS(t *testing.T, app *webtest.App, o *webtest.Owner, n int) {
	t.Helper()
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	for range n {
		res := app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/Messages.json", o.AccountSID, o.AuthToken,
			url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"hi"}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
	}
}

func settleTriggers(t *testing.T, app *webtest.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, app.Services.Triggers.Idle(ctx))
}

func TestUsageTriggersCreateFetchListUpdateDelete(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "1000")
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Usage/Triggers"
	call := func(method, path string, form url.Values) *webtest.Response {
		return app.API(method, path, o.AccountSID, o.AuthToken, form)
	}

	res := call("POST", base+".json", url.Values{"CallbackUrl": {"https://example.com/usage"}, "TriggerValue": {"100"},
		"UsageCategory": {"totalprice"}, "TriggerBy": {"price"}, "Recurring": {"monthly"}, "FriendlyName": {"月間の利用額"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	tr := res.JSON(t)
	require.Equal(t, triggerFields, keysOf(tr))
	sid := tr["sid"].(string)
	require.Regexp(t, `^UT[0-9a-f]{32}$`, sid)
	require.Equal(t, o.AccountSID, tr["account_sid"])
	require.Equal(t, "2010-04-01", tr["api_version"])
	require.Equal(t, "POST", tr["callback_method"])
	require.Equal(t, "https://example.com/usage", tr["callback_url"])
	require.Equal(t, "0", tr["current_value"])
	require.Nil(t, tr["date_fired"])
	require.Equal(t, "月間の利用額", tr["friendly_name"])
	require.Equal(t, "monthly", tr["recurring"])
	require.Equal(t, "price", tr["trigger_by"])
	require.Equal(t, "100", tr["trigger_value"])
	require.Equal(t, base+"/"+sid+".json", tr["uri"])
	require.Equal(t, "totalprice", tr["usage_category"])
	require.Equal(t, "/2010-04-01/Accounts/"+o.AccountSID+"/Usage/Records.json?Category=totalprice", tr["usage_record_uri"])
	_, err := time.Parse(time.RFC1123Z, tr["date_created"].(string))
	require.NoError(t, err)

	// Defaults as Twilio's: usage, non-recurring (alltime), POST.
	sendSMS(t, app, o, 5) // 5 messages, 5 segments, ¥6
	res = call("POST", base+".json", url.Values{"CallbackUrl": {"https://example.com/sms"}, "TriggerValue": {"+10"}, "UsageCategory": {"sms"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sms := res.JSON(t)
	require.Equal(t, "usage", sms["trigger_by"])
	require.Equal(t, "alltime", sms["recurring"])
	require.Equal(t, "15", sms["trigger_value"], "+10 over the 5 segments sent")
	require.Equal(t, "5", sms["current_value"])
	require.Equal(t, "", sms["friendly_name"])

	got := call("GET", base+"/"+sid+".json", nil)
	require.Equal(t, http.StatusOK, got.Status, got.Body)
	require.Equal(t, "6", got.JSON(t)["current_value"], "¥1.2 × 5")

	list := call("GET", base+".json?PageSize=1", nil)
	require.Equal(t, http.StatusOK, list.Status, list.Body)
	page := list.JSON(t)
	items := page["usage_triggers"].([]any)
	require.Len(t, items, 1)
	require.Equal(t, sms["sid"], items[0].(map[string]any)["sid"], "newest first")
	next := page["next_page_uri"].(string)
	page2 := call("GET", next, nil).JSON(t)
	require.Equal(t, sid, page2["usage_triggers"].([]any)[0].(map[string]any)["sid"])
	require.Nil(t, page2["next_page_uri"])
	filtered := call("GET", base+".json?Recurring=monthly&TriggerBy=price&UsageCategory=totalprice", nil).JSON(t)["usage_triggers"].([]any)
	require.Len(t, filtered, 1)
	require.Equal(t, sid, filtered[0].(map[string]any)["sid"])
	require.Empty(t, call("GET", base+".json?Recurring=daily", nil).JSON(t)["usage_triggers"])
	require.Equal(t, http.StatusBadRequest, call("GET", base+".json?TriggerBy=minutes", nil).Status)

	// Only the callback and the name change through the API, as Twilio's.
	up := call("POST", base+"/"+sid+".json", url.Values{"FriendlyName": {"renamed"}, "CallbackUrl": {"https://example.com/v2"},
		"CallbackMethod": {"GET"}, "TriggerValue": {"1"}, "Recurring": {"daily"}})
	require.Equal(t, http.StatusOK, up.Status, up.Body)
	u := up.JSON(t)
	require.Equal(t, "renamed", u["friendly_name"])
	require.Equal(t, "https://example.com/v2", u["callback_url"])
	require.Equal(t, "GET", u["callback_method"])
	require.Equal(t, "100", u["trigger_value"])
	require.Equal(t, "monthly", u["recurring"])
	require.Equal(t, http.StatusBadRequest, call("POST", base+"/"+sid+".json", url.Values{"CallbackUrl": {""}}).Status,
		"a trigger with neither webhook nor email would do nothing")

	require.Equal(t, http.StatusNoContent, call("DELETE", base+"/"+sid+".json", nil).Status)
	require.Equal(t, http.StatusNotFound, call("GET", base+"/"+sid+".json", nil).Status)
	require.Equal(t, http.StatusNotFound, call("DELETE", base+"/"+sid+".json", nil).Status)
	require.Equal(t, http.StatusNotFound, call("GET", base+"/UT00000000000000000000000000000000.json", nil).Status)

	for _, action := range []string{"usage_trigger.created", "usage_trigger.updated", "usage_trigger.deleted"} {
		require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM audit_log WHERE action = $1 AND target = $2 AND actor = 'api' AND credential_sid = $3`,
			action, sid, o.AccountSID), action)
	}
}

func TestUsageTriggerValidation(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Usage/Triggers.json"
	valid := func(change func(url.Values)) url.Values {
		v := url.Values{"CallbackUrl": {"https://example.com/u"}, "TriggerValue": {"10"}, "UsageCategory": {"calls"}}
		change(v)
		return v
	}
	for _, c := range []struct {
		name string
		form url.Values
		code int
	}{
		{"no CallbackUrl", valid(func(v url.Values) { v.Del("CallbackUrl") }), 20001},
		{"no TriggerValue", valid(func(v url.Values) { v.Del("TriggerValue") }), 20001},
		{"no UsageCategory", valid(func(v url.Values) { v.Del("UsageCategory") }), 20001},
		{"relative CallbackUrl", valid(func(v url.Values) { v.Set("CallbackUrl", "/hook") }), 21502},
		{"ftp CallbackUrl", valid(func(v url.Values) { v.Set("CallbackUrl", "ftp://example.com/") }), 21502},
		{"unknown category", valid(func(v url.Values) { v.Set("UsageCategory", "fax") }), 20001},
		{"word value", valid(func(v url.Values) { v.Set("TriggerValue", "ten") }), 20001},
		{"zero value", valid(func(v url.Values) { v.Set("TriggerValue", "0") }), 20001},
		{"negative value", valid(func(v url.Values) { v.Set("TriggerValue", "-5") }), 20001},
		{"+0 with no usage", valid(func(v url.Values) { v.Set("TriggerValue", "+0") }), 20001},
		{"exponent", valid(func(v url.Values) { v.Set("TriggerValue", "1e3") }), 20001},
		{"recurring", valid(func(v url.Values) { v.Set("Recurring", "weekly") }), 20001},
		{"trigger by", valid(func(v url.Values) { v.Set("TriggerBy", "minutes") }), 20001},
		{"method", valid(func(v url.Values) { v.Set("CallbackMethod", "PUT") }), 20001},
		{"long name", valid(func(v url.Values) { v.Set("FriendlyName", string(make([]rune, 65))) }), 20001},
		// The console refuses it too: total price has no count to reach.
		{"count of total price", valid(func(v url.Values) { v.Set("UsageCategory", "totalprice"); v.Set("TriggerBy", "count") }), 20001},
	} {
		res := app.API("POST", base, o.AccountSID, o.AuthToken, c.form)
		require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", c.name, res.Body)
		require.Equal(t, float64(c.code), res.JSON(t)["code"], c.name)
	}
	require.Zero(t, rows(t, app, `SELECT count(*) FROM usage_triggers`))
	res := app.API("POST", base, o.AccountSID, o.AuthToken, valid(func(v url.Values) { v.Set("TriggerValue", "0.5"); v.Set("CallbackMethod", "get") }))
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	require.Equal(t, "0.5", res.JSON(t)["trigger_value"])
	require.Equal(t, "GET", res.JSON(t)["callback_method"])
}

// End to end: a trigger made with the API, usage through the Messages
// API crosses it, and the callback arrives signed, once.
func TestUsageTriggerWebhookEndToEnd(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []*http.Request
	var forms []url.Values
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(b))
		mu.Lock()
		got, forms = append(got, r), append(forms, f)
		mu.Unlock()
	}))
	defer rcv.Close()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "1000")
	res := app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/Usage/Triggers.json", o.AccountSID, o.AuthToken,
		url.Values{"CallbackUrl": {rcv.URL + "/trigger"}, "TriggerValue": {"3"}, "UsageCategory": {"sms-outbound"}, "TriggerBy": {"count"},
			"Recurring": {"daily"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sid := res.JSON(t)["sid"].(string)

	sendSMS(t, app, o, 4)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 }, 20*time.Second, 20*time.Millisecond)
	settleTriggers(t, app)
	// Every webhook job has run: a second firing would have arrived.
	app.WaitJobs(trigger.WebhookArgs{}.Kind())
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1, "fired once")
	params := map[string]string{}
	for k := range forms[0] {
		params[k] = forms[0].Get(k)
	}
	validator := client.NewRequestValidator(o.AuthToken)
	require.True(t, validator.Validate(rcv.URL+"/trigger", params, got[0].Header.Get("X-Twilio-Signature")))
	require.Equal(t, sid, params["UsageTriggerSid"])
	require.Contains(t, []string{"3", "4"}, params["CurrentValue"])

	fetched := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/Usage/Triggers/"+sid+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.NotNil(t, fetched["date_fired"])
	require.Equal(t, "4", fetched["current_value"])
}

// The official twilio-go SDK manages triggers on this server unchanged.
func TestUsageTriggersWithTwilioGoSDK(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	tw := sdk(t, app, o.AccountSID, o.AuthToken)

	created, err := tw.Api.CreateUsageTrigger(&openapi.CreateUsageTriggerParams{CallbackUrl: ptr("https://example.com/t"), TriggerValue: ptr("25.5"),
		UsageCategory: ptr("calls"), TriggerBy: ptr("price"), Recurring: ptr("daily"), FriendlyName: ptr("calls per day")})
	require.NoError(t, err)
	require.Equal(t, "25.5", *created.TriggerValue)
	require.Equal(t, "daily", *created.Recurring)
	for range 2 {
		_, err := tw.Api.CreateUsageTrigger(&openapi.CreateUsageTriggerParams{CallbackUrl: ptr("https://example.com/t"), TriggerValue: ptr("1"),
			UsageCategory: ptr("sms")})
		require.NoError(t, err)
	}
	all, err := tw.Api.ListUsageTrigger(&openapi.ListUsageTriggerParams{PageSize: ptr(2)})
	require.NoError(t, err)
	require.Len(t, all, 3, "the SDK follows next_page_uri")
	daily, err := tw.Api.ListUsageTrigger(&openapi.ListUsageTriggerParams{Recurring: ptr("daily")})
	require.NoError(t, err)
	require.Len(t, daily, 1)

	up, err := tw.Api.UpdateUsageTrigger(*created.Sid, &openapi.UpdateUsageTriggerParams{FriendlyName: ptr("renamed"), CallbackMethod: ptr("GET")})
	require.NoError(t, err)
	require.Equal(t, "renamed", *up.FriendlyName)
	require.Equal(t, "GET", *up.CallbackMethod)
	f, err := tw.Api.FetchUsageTrigger(*created.Sid, &openapi.FetchUsageTriggerParams{})
	require.NoError(t, err)
	require.Equal(t, "0", *f.CurrentValue)
	require.Equal(t, "https://example.com/t", *f.CallbackUrl)
	require.NoError(t, tw.Api.DeleteUsageTrigger(*created.Sid, &openapi.DeleteUsageTriggerParams{}))
	_, err = tw.Api.FetchUsageTrigger(*created.Sid, &openapi.FetchUsageTriggerParams{})
	var tErr *client.TwilioRestError
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20404, tErr.Code)

	_, err = tw.Api.CreateUsageTrigger(&openapi.CreateUsageTriggerParams{CallbackUrl: ptr("not a url"), TriggerValue: ptr("1"), UsageCategory: ptr("sms")})
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 21502, tErr.Code)
}
