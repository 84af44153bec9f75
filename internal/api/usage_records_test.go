package api_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

func recordsBy(t *testing.T, res *webtest.Response) map[string]map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	out := map[string]map[string]any{}
	for _, r := range res.JSON(t)["usage_records"].([]any) {
		rec := r.(map[string]any)
		out[rec["category"].(string)+"/"+rec["start_date"].(string)] = rec
	}
	return out
}

func TestUsageRecords(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "100")
	sub := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"shop"}}).JSON(t)
	subSID, subToken := sub["sid"].(string), sub["auth_token"].(string)
	// Uncharged fixture numbers to send From, so that the only number in
	// the totals is the one bought below.
	from := map[string]string{o.AccountSID: app.OwnNumber(o.AccountSID, o.AccountSID), subSID: app.OwnNumber(o.AccountSID, subSID)}
	send := func(user, pass, acc, to, body string) {
		res := app.API("POST", "/2010-04-01/Accounts/"+acc+"/Messages.json", user, pass, url.Values{"To": {to}, "From": {from[acc]}, "Body": {body}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
	}
	send(o.AccountSID, o.AuthToken, o.AccountSID, "+14155550100", "one")          // 1 segment, 0.0079
	send(o.AccountSID, o.AuthToken, o.AccountSID, "+819012345678", "日本語のメッセージです") // 1 segment, 0.0783
	send(subSID, subToken, subSID, "+14155550101", "subaccount message")          // 1 segment, 0.0079
	avail := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/AvailablePhoneNumbers/US/Local.json?PageSize=1", o.AccountSID, o.AuthToken, nil).JSON(t)
	phone := avail["available_phone_numbers"].([]any)[0].(map[string]any)["phone_number"].(string)
	require.Equal(t, http.StatusCreated, app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phone}}).Status)

	today := time.Now().UTC().Format("2006-01-02")
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Usage/Records"
	all := recordsBy(t, app.API("GET", base+".json", o.AccountSID, o.AuthToken, nil))
	// Records.json runs from the account's creation, today.
	sms := all["sms/"+today]
	require.NotNil(t, sms)
	require.Equal(t, "3", sms["count"], "subaccounts included by default")
	require.Equal(t, "3", sms["usage"])
	require.Equal(t, "0.0941", sms["price"])
	require.Equal(t, "messages", sms["count_unit"])
	require.Equal(t, "segments", sms["usage_unit"])
	require.Equal(t, "usd", sms["price_unit"])
	require.Equal(t, "SMS Messages", sms["description"])
	require.Equal(t, []string{"account_sid", "api_version", "as_of", "category", "count", "count_unit", "description", "end_date", "price",
		"price_unit", "start_date", "subresource_uris", "uri", "usage", "usage_unit"}, keysOf(sms))
	total := all["totalprice/"+sms["start_date"].(string)]
	require.Equal(t, "1.2441", total["price"], "0.0941 for SMS + 1.15 for the number")
	require.Equal(t, "1.2441", total["usage"])
	numbers := all["phonenumbers/"+sms["start_date"].(string)]
	require.Equal(t, "1", numbers["count"])

	own := recordsBy(t, app.API("GET", base+".json?Category=sms&IncludeSubaccounts=false", o.AccountSID, o.AuthToken, nil))
	require.Len(t, own, 1)
	for _, rec := range own {
		require.Equal(t, "2", rec["count"])
		require.Equal(t, "0.0862", rec["price"])
	}
	subOnly := recordsBy(t, app.API("GET", "/2010-04-01/Accounts/"+subSID+"/Usage/Records/Today.json?Category=sms", subSID, subToken, nil))
	require.Equal(t, "1", subOnly["sms/"+today]["count"])

	daily := recordsBy(t, app.API("GET", base+"/Daily.json?Category=sms-outbound&StartDate=-2days&EndDate=%2B0days", o.AccountSID, o.AuthToken, nil))
	require.Len(t, daily, 3, "one record a day, zeros included")
	require.Equal(t, "3", daily["sms-outbound/"+today]["count"])
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	require.Equal(t, "0", daily["sms-outbound/"+yesterday]["count"])
	require.Equal(t, "0", daily["sms-outbound/"+yesterday]["price"])

	month := recordsBy(t, app.API("GET", base+"/ThisMonth.json?Category=totalprice", o.AccountSID, o.AuthToken, nil))
	require.Len(t, month, 1)
	last := recordsBy(t, app.API("GET", base+"/LastMonth.json?Category=totalprice", o.AccountSID, o.AuthToken, nil))
	for _, rec := range last {
		require.Equal(t, "0", rec["price"])
	}
	paged := app.API("GET", base+"/Daily.json?Category=sms&StartDate=-9days&PageSize=4", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Len(t, paged["usage_records"].([]any), 4)
	require.Contains(t, paged["next_page_uri"], "Page=1")

	for _, q := range []string{"?Category=nope", "?StartDate=yesterday", "?StartDate=2026-11-10&EndDate=2026-11-01"} {
		require.Equal(t, http.StatusBadRequest, app.API("GET", base+".json"+q, o.AccountSID, o.AuthToken, nil).Status, q)
	}
	require.Equal(t, http.StatusNotFound, app.API("GET", base+"/Weekly.json", o.AccountSID, o.AuthToken, nil).Status)
}
