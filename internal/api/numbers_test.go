package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

func TestSearchBuyAndReleaseNumbers(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	other := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "10000")
	credit(t, app, other.AccountSID, "100")
	base := "/2010-04-01/Accounts/" + o.AccountSID

	avail := app.API("GET", base+"/AvailablePhoneNumbers/JP/Local.json?PageSize=5", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusOK, avail.Status, avail.Body)
	list := avail.JSON(t)["available_phone_numbers"].([]any)
	require.Len(t, list, 5)
	first := list[0].(map[string]any)
	phone := first["phone_number"].(string)
	require.True(t, strings.HasPrefix(phone, "+8150") || strings.HasPrefix(phone, "+813"), phone)
	require.Equal(t, "JP", first["iso_country"])
	require.Equal(t, []string{"address_requirements", "beta", "capabilities", "friendly_name", "iso_country", "lata", "latitude", "locality",
		"longitude", "phone_number", "postal_code", "rate_center", "region"}, keysOf(first))
	require.Empty(t, app.API("GET", base+"/AvailablePhoneNumbers/US/Mobile.json", o.AccountSID, o.AuthToken, nil).JSON(t)["available_phone_numbers"])
	require.Equal(t, http.StatusNotFound, app.API("GET", base+"/AvailablePhoneNumbers/JP/Satellite.json", o.AccountSID, o.AuthToken, nil).Status)
	tf := app.API("GET", base+"/AvailablePhoneNumbers/JP/TollFree.json?Contains=0120", o.AccountSID, o.AuthToken, nil).JSON(t)["available_phone_numbers"].([]any)
	require.NotEmpty(t, tf)

	res := app.API("POST", base+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phone}, "FriendlyName": {"大阪サポート"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	n := res.JSON(t)
	require.Regexp(t, `^PN[0-9a-f]{32}$`, n["sid"])
	require.Equal(t, phone, n["phone_number"])
	require.Equal(t, "大阪サポート", n["friendly_name"])
	require.Equal(t, "9325", balanceOf(t, app, o.AccountSID), "the first month (¥675) is charged at once")
	items, err := billing.RecurringItems(context.Background(), app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, phone, items[0].Description)
	require.Equal(t, "675", items[0].Amount.String())
	require.WithinDuration(t, time.Now().AddDate(0, 1, 0), items[0].NextChargeAt, 48*time.Hour)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM usage_events WHERE category = 'phonenumbers-local' AND source = $1`, n["sid"]))

	// Owned: gone from the inventory and refused to anyone else.
	again := app.API("GET", base+"/AvailablePhoneNumbers/JP/Local.json?PageSize=5", o.AccountSID, o.AuthToken, nil).JSON(t)["available_phone_numbers"].([]any)
	for _, a := range again {
		require.NotEqual(t, phone, a.(map[string]any)["phone_number"])
	}
	taken := app.API("POST", "/2010-04-01/Accounts/"+other.AccountSID+"/IncomingPhoneNumbers.json", other.AccountSID, other.AuthToken, url.Values{"PhoneNumber": {phone}})
	require.Equal(t, http.StatusBadRequest, taken.Status)
	require.Equal(t, 21422.0, taken.JSON(t)["code"])
	require.Equal(t, "100", balanceOf(t, app, other.AccountSID), "a refused purchase charges nothing")
	bad := app.API("POST", base+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {"+442071234567"}})
	require.Equal(t, 21422.0, bad.JSON(t)["code"])

	owned := app.API("GET", base+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, nil).JSON(t)["incoming_phone_numbers"].([]any)
	require.Len(t, owned, 1)
	path := base + "/IncomingPhoneNumbers/" + n["sid"].(string) + ".json"
	require.Equal(t, "Osaka", app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"Osaka"}}).JSON(t)["friendly_name"])
	require.Equal(t, http.StatusNotFound, app.API("GET", "/2010-04-01/Accounts/"+other.AccountSID+"/IncomingPhoneNumbers/"+n["sid"].(string)+".json", other.AccountSID, other.AuthToken, nil).Status)

	require.Equal(t, http.StatusNoContent, app.API("DELETE", path, o.AccountSID, o.AuthToken, nil).Status)
	require.Equal(t, http.StatusNotFound, app.API("GET", path, o.AccountSID, o.AuthToken, nil).Status)
	items, err = billing.RecurringItems(context.Background(), app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Empty(t, items, "releasing stops the monthly charge")
	res = app.API("POST", "/2010-04-01/Accounts/"+other.AccountSID+"/IncomingPhoneNumbers.json", other.AccountSID, other.AuthToken, url.Values{"PhoneNumber": {phone}})
	require.Equal(t, http.StatusCreated, res.Status, "a released number can be bought again: %s", res.Body)
	require.Equal(t, "95.5", balanceOf(t, app, other.AccountSID), "4.50 USD for a JP local number")

	testSID, testToken, err := app.Services.Accounts.TestCredentials(context.Background(), app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	tbase := "/2010-04-01/Accounts/" + testSID + "/IncomingPhoneNumbers.json"
	require.Equal(t, 21422.0, app.API("POST", tbase, testSID, testToken, url.Values{"PhoneNumber": {"+15005550000"}}).JSON(t)["code"])
	require.Equal(t, http.StatusCreated, app.API("POST", tbase, testSID, testToken, url.Values{"PhoneNumber": {"+15005550006"}}).Status)
	require.Equal(t, 2, rows(t, app, `SELECT count(*) FROM incoming_phone_numbers`), "test credentials buy nothing")
	require.Equal(t, "9325", balanceOf(t, app, o.AccountSID))
}

// Owned numbers never empty the inventory: with one result per page, each
// buyer in turn still finds a number (the third used to find none, once
// the first two candidates were taken).
func TestAvailableNumbersSkipOwnedOnes(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "100000")
	base := "/2010-04-01/Accounts/" + o.AccountSID
	bought := map[string]bool{}
	for i := range 6 {
		res := app.API("GET", base+"/AvailablePhoneNumbers/JP/Mobile.json?PageSize=1", o.AccountSID, o.AuthToken, nil)
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		list := res.JSON(t)["available_phone_numbers"].([]any)
		require.Len(t, list, 1, "buyer %d", i)
		phone := list[0].(map[string]any)["phone_number"].(string)
		require.False(t, bought[phone], "an owned number was offered: %s", phone)
		buy := app.API("POST", base+"/IncomingPhoneNumbers.json", o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phone}})
		require.Equal(t, http.StatusCreated, buy.Status, buy.Body)
		bought[phone] = true
	}
}
