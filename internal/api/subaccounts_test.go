package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

var accountFields = []string{"auth_token", "date_created", "date_updated", "friendly_name", "owner_account_sid", "sid", "status", "subresource_uris", "type", "uri"}

func TestCreateAndListSubaccounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")

	res := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"Shop A"}, "Unknown": {"ignored"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sub := res.JSON(t)
	require.Equal(t, accountFields, keysOf(sub))
	require.Regexp(t, `^AC[0-9a-f]{32}$`, sub["sid"])
	require.Regexp(t, `^[0-9a-f]{32}$`, sub["auth_token"])
	require.Equal(t, "Shop A", sub["friendly_name"])
	require.Equal(t, o.AccountSID, sub["owner_account_sid"])
	require.Equal(t, "active", sub["status"])
	require.Equal(t, "Full", sub["type"])
	require.Equal(t, "/2010-04-01/Accounts/"+sub["sid"].(string)+".json", sub["uri"])

	// A default friendly name like Twilio's.
	res = app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{})
	require.Equal(t, http.StatusCreated, res.Status)
	require.Regexp(t, `^SubAccount Created at \d{4}-\d{2}-\d{2} \d{2}:\d{2} [ap]m$`, res.JSON(t)["friendly_name"])

	// The subaccount's own credentials work on itself, not on the parent.
	subSID, subToken := sub["sid"].(string), sub["auth_token"].(string)
	require.Equal(t, http.StatusOK, app.API("GET", "/2010-04-01/Accounts/"+subSID+".json", subSID, subToken, nil).Status)
	parent := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+".json", subSID, subToken, nil)
	require.Equal(t, http.StatusNotFound, parent.Status)
	require.Equal(t, 20404.0, parent.JSON(t)["code"])
	require.Equal(t, http.StatusForbidden, app.API("POST", "/2010-04-01/Accounts.json", subSID, subToken, url.Values{}).Status)
	// The parent reaches the subaccount.
	require.Equal(t, http.StatusOK, app.API("GET", "/2010-04-01/Accounts/"+subSID+".json", o.AccountSID, o.AuthToken, nil).Status)

	// The list: the master and its subaccounts, oldest first; a subaccount sees itself only.
	list := app.API("GET", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Equal(t, []string{"accounts", "end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"}, keysOf(list))
	accs := list["accounts"].([]any)
	require.Len(t, accs, 3)
	require.Equal(t, o.AccountSID, accs[0].(map[string]any)["sid"])
	require.Equal(t, subSID, accs[1].(map[string]any)["sid"])
	require.Equal(t, 50.0, list["page_size"])
	require.Equal(t, 0.0, list["page"])
	require.Equal(t, 0.0, list["start"])
	require.Equal(t, 2.0, list["end"])
	require.Nil(t, list["next_page_uri"])
	require.Nil(t, list["previous_page_uri"])
	require.Equal(t, "/2010-04-01/Accounts.json?Page=0&PageSize=50", list["first_page_uri"])
	require.Equal(t, "/2010-04-01/Accounts.json", list["uri"])
	own := app.API("GET", "/2010-04-01/Accounts.json", subSID, subToken, nil).JSON(t)["accounts"].([]any)
	require.Len(t, own, 1)
	require.Equal(t, subSID, own[0].(map[string]any)["sid"])

	filtered := app.API("GET", "/2010-04-01/Accounts.json?FriendlyName=Shop+A", o.AccountSID, o.AuthToken, nil).JSON(t)["accounts"].([]any)
	require.Len(t, filtered, 1)
	require.Equal(t, "Shop A", filtered[0].(map[string]any)["friendly_name"])
	bad := app.API("GET", "/2010-04-01/Accounts.json?Status=paused", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.Equal(t, 20001.0, bad.JSON(t)["code"])
}

func TestAccountPagingIsStableWhileRowsAreAdded(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	for i := 0; i < 5; i++ {
		require.Equal(t, http.StatusCreated, app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {fmt.Sprintf("sub %d", i)}}).Status)
	}
	var seen []string
	next := "/2010-04-01/Accounts.json?PageSize=2"
	for page := 0; next != ""; page++ {
		res := app.API("GET", next, o.AccountSID, o.AuthToken, nil)
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		body := res.JSON(t)
		require.Equal(t, float64(page), body["page"])
		require.Equal(t, 2.0, body["page_size"])
		require.Equal(t, float64(page*2), body["start"])
		for _, a := range body["accounts"].([]any) {
			seen = append(seen, a.(map[string]any)["friendly_name"].(string))
		}
		if page == 0 {
			// A row added while paging lands at the end, never shifting pages.
			require.Equal(t, http.StatusCreated, app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"late"}}).Status)
			require.Nil(t, body["previous_page_uri"])
		} else {
			require.Contains(t, body["previous_page_uri"], fmt.Sprintf("Page=%d", page-1))
		}
		next, _ = body["next_page_uri"].(string)
		if next != "" {
			require.Contains(t, next, "PageToken=PA")
		}
	}
	require.Equal(t, []string{"Test Project", "sub 0", "sub 1", "sub 2", "sub 3", "sub 4", "late"}, seen)

	for _, q := range []string{"PageSize=0", "PageSize=x", "Page=-1", "PageToken=zz"} {
		res := app.API("GET", "/2010-04-01/Accounts.json?"+q, o.AccountSID, o.AuthToken, nil)
		require.Equal(t, http.StatusBadRequest, res.Status, q)
	}
	big := app.API("GET", "/2010-04-01/Accounts.json?PageSize=5000", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Equal(t, 1000.0, big["page_size"])
}

func TestSuspendAndCloseSubaccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	sub := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"Temp"}}).JSON(t)
	sid, token := sub["sid"].(string), sub["auth_token"].(string)
	path := "/2010-04-01/Accounts/" + sid + ".json"

	// Bad values change nothing.
	res := app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"Status": {"paused"}, "FriendlyName": {"Renamed"}})
	require.Equal(t, http.StatusBadRequest, res.Status)
	require.Equal(t, "Temp", app.API("GET", path, o.AccountSID, o.AuthToken, nil).JSON(t)["friendly_name"])
	// A subaccount cannot change its own status.
	require.Equal(t, http.StatusForbidden, app.API("POST", path, sid, token, url.Values{"Status": {"closed"}}).Status)

	res = app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"Status": {"suspended"}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "suspended", res.JSON(t)["status"])
	susp := app.API("GET", path, sid, token, nil)
	require.Equal(t, http.StatusForbidden, susp.Status)
	require.Equal(t, 20403.0, susp.JSON(t)["code"])
	require.Equal(t, "active", app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"Status": {"active"}}).JSON(t)["status"])
	require.Equal(t, http.StatusOK, app.API("GET", path, sid, token, nil).Status)

	res = app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"Status": {"closed"}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "closed", res.JSON(t)["status"])
	// Its credentials stop working; it stays listed as closed; it cannot be reopened.
	require.Equal(t, http.StatusUnauthorized, app.API("GET", path, sid, token, nil).Status)
	closed := app.API("GET", "/2010-04-01/Accounts.json?Status=closed", o.AccountSID, o.AuthToken, nil).JSON(t)["accounts"].([]any)
	require.Len(t, closed, 1)
	require.Equal(t, sid, closed[0].(map[string]any)["sid"])
	for _, st := range []string{"active", "suspended"} {
		res = app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"Status": {st}})
		require.Equal(t, http.StatusBadRequest, res.Status)
		require.Equal(t, 21479.0, res.JSON(t)["code"])
	}
	require.Equal(t, "closed", app.API("GET", path, o.AccountSID, o.AuthToken, nil).JSON(t)["status"])
	// The master's own status is not changed through the API.
	require.Equal(t, http.StatusForbidden, app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, o.AuthToken, url.Values{"Status": {"closed"}}).Status)
}

func TestSubaccountLimit(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_MAX_SUBACCOUNTS", "2"))
	o := app.CreateOwner("USD")
	codes := make(chan int, 12)
	for i := 0; i < 12; i++ {
		go func() {
			codes <- app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{}).Status
		}()
	}
	created := 0
	for i := 0; i < 12; i++ {
		if <-codes == http.StatusCreated {
			created++
		}
	}
	require.Equal(t, 2, created, "concurrent creations never pass the limit")
}

func TestRotationEndToEnd(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	get := func(token string) int {
		return app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, token, nil).Status
	}
	res := app.API("POST", "/v1/AuthTokens/Secondary", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sec := res.JSON(t)
	require.Equal(t, []string{"account_sid", "date_created", "date_updated", "secondary_auth_token", "url"}, keysOf(sec))
	require.Equal(t, o.AccountSID, sec["account_sid"])
	require.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`, sec["date_created"])
	require.Equal(t, app.URL+"/v1/AuthTokens/Secondary", sec["url"])
	secondary := sec["secondary_auth_token"].(string)
	require.Regexp(t, `^[0-9a-f]{32}$`, secondary)
	require.Equal(t, http.StatusBadRequest, app.API("POST", "/v1/AuthTokens/Secondary", o.AccountSID, o.AuthToken, nil).Status)

	require.Equal(t, http.StatusOK, get(o.AuthToken))
	require.Equal(t, http.StatusOK, get(secondary))

	res = app.API("POST", "/v1/AuthTokens/Promote", o.AccountSID, secondary, nil)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	prom := res.JSON(t)
	require.Equal(t, []string{"account_sid", "auth_token", "date_created", "date_updated", "url"}, keysOf(prom))
	require.Equal(t, secondary, prom["auth_token"])
	require.Equal(t, http.StatusUnauthorized, get(o.AuthToken), "the old primary stops at once")
	require.Equal(t, http.StatusOK, get(secondary))
	require.Equal(t, secondary, app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, secondary, nil).JSON(t)["auth_token"])

	require.Equal(t, http.StatusNotFound, app.API("DELETE", "/v1/AuthTokens/Secondary", o.AccountSID, secondary, nil).Status, "none left after promotion")
	require.Equal(t, http.StatusNotFound, app.API("POST", "/v1/AuthTokens/Promote", o.AccountSID, secondary, nil).Status)
	third := app.API("POST", "/v1/AuthTokens/Secondary", o.AccountSID, secondary, nil).JSON(t)["secondary_auth_token"].(string)
	require.Equal(t, http.StatusNoContent, app.API("DELETE", "/v1/AuthTokens/Secondary", o.AccountSID, secondary, nil).Status)
	require.Equal(t, http.StatusUnauthorized, get(third))
	require.Equal(t, http.StatusOK, get(secondary))
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Keys"
	res := app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"ci"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	k := res.JSON(t)
	require.Equal(t, []string{"date_created", "date_updated", "friendly_name", "secret", "sid"}, keysOf(k))
	keySID, secret := k["sid"].(string), k["secret"].(string)
	require.Regexp(t, `^SK[0-9a-f]{32}$`, keySID)
	require.Regexp(t, `^[A-Za-z0-9]{32}$`, secret)

	fetched := app.API("GET", base+"/"+keySID+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Equal(t, []string{"date_created", "date_updated", "friendly_name", "sid"}, keysOf(fetched), "the secret is never shown again")
	list := app.API("GET", base+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Len(t, list["keys"].([]any), 1)
	require.NotContains(t, fmt.Sprint(list), secret)

	// The API makes Standard keys: they work on the API but not on /Accounts or /Keys.
	std := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+".json", keySID, secret, nil)
	require.Equal(t, http.StatusForbidden, std.Status)
	require.Equal(t, 20403.0, std.JSON(t)["code"])
	require.Equal(t, http.StatusForbidden, app.API("GET", base+".json", keySID, secret, nil).Status)
	require.Equal(t, http.StatusUnauthorized, app.API("GET", base+".json", keySID, strings.ToLower(secret)+"x", nil).Status)

	renamed := app.API("POST", base+"/"+keySID+".json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"deploy"}})
	require.Equal(t, http.StatusOK, renamed.Status)
	require.Equal(t, "deploy", renamed.JSON(t)["friendly_name"])
	require.Equal(t, http.StatusNoContent, app.API("DELETE", base+"/"+keySID+".json", o.AccountSID, o.AuthToken, nil).Status)
	require.Equal(t, http.StatusNotFound, app.API("GET", base+"/"+keySID+".json", o.AccountSID, o.AuthToken, nil).Status)
	require.Equal(t, http.StatusUnauthorized, app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+".json", keySID, secret, nil).Status)
	require.Equal(t, http.StatusNotFound, app.API("DELETE", base+"/"+keySID+".json", o.AccountSID, o.AuthToken, nil).Status)
}
