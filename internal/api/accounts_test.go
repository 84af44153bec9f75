package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

func TestFetchAccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	res := app.APIGet("/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, o.AuthToken)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"))
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Body), &got))
	created, err := time.Parse(time.RFC1123Z, got["date_created"].(string))
	require.NoError(t, err, "RFC 2822 date")
	require.WithinDuration(t, time.Now(), created, time.Minute)
	require.Equal(t, "+0000", got["date_created"].(string)[26:])
	base := "/2010-04-01/Accounts/" + o.AccountSID
	require.Equal(t, map[string]any{
		"auth_token":        o.AuthToken,
		"date_created":      got["date_created"],
		"date_updated":      got["date_updated"],
		"friendly_name":     "Test Project",
		"owner_account_sid": o.AccountSID,
		"sid":               o.AccountSID,
		"status":            "active",
		"type":              "Full",
		"uri":               base + ".json",
		"subresource_uris":  map[string]any{"balance": base + "/Balance.json", "keys": base + "/Keys.json"},
	}, got)
}

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	a := app.CreateOwner("USD")
	b := app.CreateOwner("USD")
	pathA := "/2010-04-01/Accounts/" + a.AccountSID + ".json"
	for _, tc := range []struct {
		name, path, user, pass string
		status, code           int
	}{
		{"no credentials", pathA, "", "", 401, 20003},
		{"wrong token", pathA, a.AccountSID, b.AuthToken, 401, 20003},
		{"unknown account", pathA, "AC00000000000000000000000000000000", a.AuthToken, 401, 20003},
		{"malformed sid", pathA, "nonsense", a.AuthToken, 401, 20003},
		{"foreign account", pathA, b.AccountSID, b.AuthToken, 404, 20404},
		{"unknown sid in url", "/2010-04-01/Accounts/AC11111111111111111111111111111111.json", a.AccountSID, a.AuthToken, 404, 20404},
		{"unknown route", "/2010-04-01/Nope.json", a.AccountSID, a.AuthToken, 404, 20404},
	} {
		var res *webtest.Response
		if tc.user == "" {
			req, _ := http.NewRequest(http.MethodGet, app.URL+tc.path, nil)
			r, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			r.Body.Close()
			res = &webtest.Response{Status: r.StatusCode, Header: r.Header}
			require.Equal(t, `Basic realm="Twilio API"`, r.Header.Get("WWW-Authenticate"))
		} else {
			res = app.APIGet(tc.path, tc.user, tc.pass)
			var body struct {
				Code     int    `json:"code"`
				Message  string `json:"message"`
				MoreInfo string `json:"more_info"`
				Status   int    `json:"status"`
			}
			require.NoError(t, json.Unmarshal([]byte(res.Body), &body), tc.name)
			require.Equal(t, tc.code, body.Code, tc.name)
			require.Equal(t, tc.status, body.Status, tc.name)
			require.NotEmpty(t, body.Message, tc.name)
			require.Contains(t, body.MoreInfo, "https://www.twilio.com/docs/errors/", tc.name)
		}
		require.Equal(t, tc.status, res.Status, tc.name)
	}
}
