package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/webtest"
)

// An owned number's capabilities have lowercase keys, as Twilio's OpenAPI
// description has them (SDKs read capabilities.sms); an available number
// keeps Twilio's SMS and MMS in capitals.
func TestNumberCapabilitiesKeys(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	credit(t, app, o.AccountSID, "10000")
	tw := sdk(t, app, o.AccountSID, o.AuthToken)

	avail, err := tw.Api.ListAvailablePhoneNumberMobile("JP", &openapi.ListAvailablePhoneNumberMobileParams{PageSize: ptr(1)})
	require.NoError(t, err)
	require.NotEmpty(t, avail)
	require.True(t, avail[0].Capabilities.Sms, "Go decodes SMS into Sms, whatever the case")
	base := "/2010-04-01/Accounts/" + o.AccountSID
	raw := app.API("GET", base+"/AvailablePhoneNumbers/JP/Mobile.json?PageSize=1", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusOK, raw.Status, raw.Body)
	caps := raw.JSON(t)["available_phone_numbers"].([]any)[0].(map[string]any)["capabilities"].(map[string]any)
	require.Equal(t, []string{"MMS", "SMS", "fax", "voice"}, keysOf(caps))

	n, err := tw.Api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: avail[0].PhoneNumber})
	require.NoError(t, err)
	require.True(t, n.Capabilities.Sms)
	require.True(t, n.Capabilities.Voice)
	owned, err := tw.Api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{})
	require.NoError(t, err)
	require.Len(t, owned, 1)
	require.True(t, owned[0].Capabilities.Sms)

	// Go's decoder ignores a key's case, other SDKs do not: check the bytes.
	raw = app.API("GET", base+"/IncomingPhoneNumbers/"+*n.Sid+".json", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusOK, raw.Status, raw.Body)
	caps = raw.JSON(t)["capabilities"].(map[string]any)
	require.Equal(t, map[string]any{"voice": true, "sms": true, "mms": false, "fax": false}, caps)
}
