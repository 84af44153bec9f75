package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

// buyNumber buys the first available US local number for acc through the
// API and returns it and its SID.
func buyNumber(t *testing.T, app *webtest.App, user, pass, acc string) (string, string) {
	t.Helper()
	avail := app.API("GET", "/2010-04-01/Accounts/"+acc+"/AvailablePhoneNumbers/US/Local.json?PageSize=10", user, pass, nil).JSON(t)
	phone := avail["available_phone_numbers"].([]any)[0].(map[string]any)["phone_number"].(string)
	res := app.API("POST", "/2010-04-01/Accounts/"+acc+"/IncomingPhoneNumbers.json", user, pass, url.Values{"PhoneNumber": {phone}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	return phone, res.JSON(t)["sid"].(string)
}

// Live messages and calls go out From a number the sending account itself
// owns. A number nobody owns, a released one, the parent's, a sibling
// subaccount's or another project's is refused with Twilio's 21606 (SMS)
// or 21210 (voice), and nothing is stored or charged.
func TestFromMustBeANumberTheAccountOwns(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "20")
	credit(t, app, other.AccountSID, "20")
	newSub := func(name string) (string, string) {
		res := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {name}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		return res.JSON(t)["sid"].(string), res.JSON(t)["auth_token"].(string)
	}
	subSID, subToken := newSub("shop")
	sub2SID, sub2Token := newSub("depot")
	mainPhone, _ := buyNumber(t, app, o.AccountSID, o.AuthToken, o.AccountSID)
	subPhone, _ := buyNumber(t, app, subSID, subToken, subSID)
	sub2Phone, _ := buyNumber(t, app, sub2SID, sub2Token, sub2SID)
	otherPhone, _ := buyNumber(t, app, other.AccountSID, other.AuthToken, other.AccountSID)
	releasedPhone, releasedSID := buyNumber(t, app, o.AccountSID, o.AuthToken, o.AccountSID)
	require.Equal(t, http.StatusNoContent, app.API("DELETE", "/2010-04-01/Accounts/"+o.AccountSID+"/IncomingPhoneNumbers/"+releasedSID+".json", o.AccountSID, o.AuthToken, nil).Status)
	before := balanceOf(t, app, o.AccountSID)

	type sender struct{ user, pass, acc string }
	asMain := sender{o.AccountSID, o.AuthToken, o.AccountSID}
	asSub := sender{subSID, subToken, subSID}
	parentForSub := sender{o.AccountSID, o.AuthToken, subSID}
	message := func(s sender, from string) *webtest.Response {
		return app.API("POST", "/2010-04-01/Accounts/"+s.acc+"/Messages.json", s.user, s.pass, url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"hi"}})
	}
	call := func(s sender, from string) *webtest.Response {
		return app.API("POST", "/2010-04-01/Accounts/"+s.acc+"/Calls.json", s.user, s.pass, url.Values{"To": {"+14155550100"}, "From": {from}, "Url": {"https://example.com/twiml"}})
	}

	for _, ok := range []struct {
		s    sender
		from string
	}{{asMain, mainPhone}, {asSub, subPhone}, {parentForSub, subPhone}} {
		res := message(ok.s, ok.from)
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		require.Equal(t, ok.from, res.JSON(t)["from"])
		require.Equal(t, ok.s.acc, res.JSON(t)["account_sid"])
		res = call(ok.s, ok.from)
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		require.Equal(t, ok.from, res.JSON(t)["from"])
	}

	for _, bad := range []struct {
		name string
		s    sender
		from string
	}{
		{"a subaccount's number, from the parent", asMain, subPhone},
		{"the parent's number, from a subaccount", asSub, mainPhone},
		{"a sibling subaccount's number", asSub, sub2Phone},
		{"a sibling subaccount's number, with the parent's credentials", parentForSub, sub2Phone},
		{"another project's number", asMain, otherPhone},
		{"a released number", asMain, releasedPhone},
		{"a number nobody owns", asMain, "+15017122661"},
	} {
		res := message(bad.s, bad.from)
		require.Equal(t, http.StatusBadRequest, res.Status, bad.name)
		body := res.JSON(t)
		require.Equal(t, 21606.0, body["code"], bad.name)
		require.Equal(t, "The From phone number "+bad.from+" is not a valid, SMS-capable inbound phone number or short code for your account.", body["message"], bad.name)
		require.Equal(t, "https://www.twilio.com/docs/errors/21606", body["more_info"])

		res = call(bad.s, bad.from)
		require.Equal(t, http.StatusBadRequest, res.Status, bad.name)
		body = res.JSON(t)
		require.Equal(t, 21210.0, body["code"], bad.name)
		require.Equal(t, "The source phone number provided, "+bad.from+", is not yet verified for your account. "+
			"You may only make calls from phone numbers that you've verified or purchased from Twilio.", body["message"], bad.name)
	}

	require.Equal(t, 3, rows(t, app, `SELECT count(*) FROM messages`), "only the owned numbers' messages are stored")
	require.Equal(t, 3, rows(t, app, `SELECT count(*) FROM calls`))
	require.Equal(t, 3, rows(t, app, `SELECT count(*) FROM usage_events WHERE category = 'sms-outbound'`))
	require.Zero(t, rows(t, app, `SELECT count(*) FROM usage_events WHERE category = 'calls-outbound'`), "calls are charged when they complete")
	require.Equal(t, 3, rows(t, app, `SELECT count(*) FROM messages WHERE status IN ('queued', 'sent')`), "for the carrier")
	spent := decimal.RequireFromString("0.0079").Mul(decimal.NewFromInt(3))
	require.Equal(t, decimal.RequireFromString(before).Sub(spent).String(), balanceOf(t, app, o.AccountSID), "only they are charged")
	require.Equal(t, "18.85", balanceOf(t, app, other.AccountSID), "the other project paid for its number only")
	bad, err := billing.CheckLedger(context.Background(), app.Pool)
	require.NoError(t, err)
	require.Empty(t, bad)
}

// A message goes out From a number that sends SMS: the account's own
// Japanese 050 number or US toll-free number carries voice only, as the
// API's capabilities say, and is refused with 21606 for SMS; it still
// places calls. A Japanese mobile sends both.
func TestSMSNeedsAnSMSCapableNumber(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "100")
	base := "/2010-04-01/Accounts/" + o.AccountSID
	buy := func(country, resource, contains string) (string, map[string]any) {
		t.Helper()
		avail := app.API("GET", base+"/AvailablePhoneNumbers/"+country+"/"+resource+"?PageSize=1&Contains="+contains, o.AccountSID, o.AuthToken, nil).JSON(t)
		phone := avail["available_phone_numbers"].([]any)[0].(map[string]any)["phone_number"].(string)
		res := app.API("POST", base+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phone}})
		require.Equal(t, http.StatusCreated, res.Status, res.Body)
		return phone, res.JSON(t)["capabilities"].(map[string]any)
	}
	ipPhone, ipCaps := buy("JP", "Local.json", "050")
	tollFree, tfCaps := buy("US", "TollFree.json", "")
	mobile, mobileCaps := buy("JP", "Mobile.json", "")
	require.Equal(t, false, ipCaps["sms"])
	require.Equal(t, false, tfCaps["sms"])
	require.Equal(t, true, mobileCaps["sms"])
	before := balanceOf(t, app, o.AccountSID)

	for _, from := range []string{ipPhone, tollFree} {
		res := app.API("POST", base+"/Messages.json", o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {from}, "Body": {"hi"}})
		require.Equal(t, http.StatusBadRequest, res.Status, from)
		require.Equal(t, 21606.0, res.JSON(t)["code"], from)
	}
	require.Zero(t, rows(t, app, `SELECT count(*) FROM messages`))
	require.Zero(t, rows(t, app, `SELECT count(*) FROM usage_events WHERE category = 'sms-outbound'`))
	require.Equal(t, before, balanceOf(t, app, o.AccountSID), "nothing charged for the refused messages")

	res := app.API("POST", base+"/Calls.json", o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {ipPhone}, "Url": {"https://example.com/twiml"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	res = app.API("POST", base+"/Messages.json", o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {mobile}, "Body": {"hi"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM messages`))
}
