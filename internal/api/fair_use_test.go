package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/webtest"
)

// With a low limit, an account's requests beyond its bucket get 429,
// Twilio's 20429 and Retry-After, as the SDK reports; another account is
// not held back, and the account gets in again once its bucket refills.
func TestFairUseRateLimit(t *testing.T) {
	app := webtest.Start(t, webtest.Env("CONSOLE_API_RATE_PER_SECOND", "2"), webtest.Env("CONSOLE_API_RATE_BURST", "3"))
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Balance.json"
	for i := range 3 {
		res := app.API("GET", path, o.AccountSID, o.AuthToken, nil)
		require.Equal(t, http.StatusOK, res.Status, "request %d of the burst: %s", i, res.Body)
	}
	res := app.API("GET", path, o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusTooManyRequests, res.Status, res.Body)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	body := res.JSON(t)
	require.Equal(t, 20429.0, body["code"])
	require.Equal(t, 429.0, body["status"])
	require.Equal(t, "https://www.twilio.com/docs/errors/20429", body["more_info"])

	_, err := sdk(t, app, o.AccountSID, o.AuthToken).Api.FetchBalance(&openapi.FetchBalanceParams{})
	var tErr *client.TwilioRestError
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20429, tErr.Code)
	require.Equal(t, http.StatusTooManyRequests, tErr.Status)

	require.Equal(t, http.StatusOK, app.API("GET", "/2010-04-01/Accounts/"+other.AccountSID+"/Balance.json", other.AccountSID, other.AuthToken, nil).Status,
		"another account has its own bucket")
	require.Eventually(t, func() bool {
		return app.API("GET", path, o.AccountSID, o.AuthToken, nil).Status == http.StatusOK
	}, 5*time.Second, 100*time.Millisecond, "the bucket refills at 2 a second")
}
