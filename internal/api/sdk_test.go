package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	twilio "github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/webtest"
)

// toServer sends the SDK's requests for api.twilio.com and
// accounts.twilio.com to the test server, as a DNS entry or a proxy would:
// the SDK itself is used unchanged.
type toServer struct{ base *url.URL }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	return http.DefaultTransport.RoundTrip(r)
}

func sdk(t *testing.T, app *webtest.App, user, pass string) *twilio.RestClient {
	base, err := url.Parse(app.URL)
	require.NoError(t, err)
	c := &client.Client{Credentials: client.NewCredentials(user, pass), HTTPClient: &http.Client{Transport: toServer{base}}}
	c.SetAccountSid(user)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// The official twilio-go SDK drives subaccounts, keys, the balance and
// token rotation against this server.
func TestTwilioGoSDK(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	tw := sdk(t, app, o.AccountSID, o.AuthToken)

	acc, err := tw.Api.FetchAccount(o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, o.AccountSID, *acc.Sid)
	require.Equal(t, "Test Project", *acc.FriendlyName)
	require.Equal(t, "active", *acc.Status)

	sub, err := tw.Api.CreateAccount(&openapi.CreateAccountParams{FriendlyName: ptr("Osaka shop")})
	require.NoError(t, err)
	require.Equal(t, "Osaka shop", *sub.FriendlyName)
	require.Equal(t, o.AccountSID, *sub.OwnerAccountSid)

	list, err := tw.Api.ListAccount(&openapi.ListAccountParams{PageSize: ptr(1)})
	require.NoError(t, err)
	require.Len(t, list, 2, "the SDK follows next_page_uri across pages")

	updated, err := tw.Api.UpdateAccount(*sub.Sid, &openapi.UpdateAccountParams{Status: ptr("suspended")})
	require.NoError(t, err)
	require.Equal(t, "suspended", *updated.Status)

	key, err := tw.Api.CreateNewKey(&openapi.CreateNewKeyParams{FriendlyName: ptr("sdk")})
	require.NoError(t, err)
	require.NotEmpty(t, *key.Secret)
	keys, err := tw.Api.ListKey(&openapi.ListKeyParams{})
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, *key.Sid, *keys[0].Sid)
	require.NoError(t, tw.Api.DeleteKey(*key.Sid, &openapi.DeleteKeyParams{}))

	bal, err := tw.Api.FetchBalance(&openapi.FetchBalanceParams{})
	require.NoError(t, err)
	require.Equal(t, "JPY", *bal.Currency)
	require.Equal(t, "0.00", *bal.Balance)

	sec, err := tw.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	require.NoError(t, err)
	require.NotNil(t, sec.SecondaryAuthToken)
	prom, err := tw.AccountsV1.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{})
	require.NoError(t, err)
	require.Equal(t, *sec.SecondaryAuthToken, *prom.AuthToken)

	// The old token is refused with Twilio's error, which the SDK surfaces.
	_, err = tw.Api.FetchAccount(o.AccountSID)
	require.Error(t, err)
	var tErr *client.TwilioRestError
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20003, tErr.Code)
	require.Equal(t, http.StatusUnauthorized, tErr.Status)
	_, err = sdk(t, app, o.AccountSID, *prom.AuthToken).Api.FetchAccount(o.AccountSID)
	require.NoError(t, err)
}

func ptr[T any](v T) *T { return &v }
