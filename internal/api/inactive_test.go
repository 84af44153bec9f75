package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/voice"
	"console/internal/webtest"
)

// A parent's credentials could still send messages as its suspended
// subaccount (201, charged). A suspended or closed subaccount now does
// nothing that costs money or changes state, whoever asks: every
// state-changing route is refused for its parent's credentials (403,
// Twilio's 10001 "Account is not active"), its own (403 while suspended,
// 401 once closed) and its API key, and nothing is stored, charged or
// changed. The parent still reads its data and reactivates it.
func TestInactiveSubaccountChangesNothing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	credit(t, app, o.AccountSID, "100")
	sub := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"shop"}}).JSON(t)
	subSID, subToken := sub["sid"].(string), sub["auth_token"].(string)
	base := "/2010-04-01/Accounts/" + subSID
	numberSID := app.EnsureNumber(o.AccountSID, subSID, "")
	n, err := numbers.Get(ctx, app.Pool, o.AccountSID, subSID, numberSID)
	require.NoError(t, err)
	from := n.PhoneNumber
	triggerSID := app.EnsureTrigger(o.AccountSID, subSID, "")
	key := app.API("POST", base+"/Keys.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"ci"}})
	require.Equal(t, http.StatusCreated, key.Status, key.Body)
	keySID, keySecret := key.JSON(t)["sid"].(string), key.JSON(t)["secret"].(string)
	avail := app.API("GET", base+"/AvailablePhoneNumbers/US/Local.json", o.AccountSID, o.AuthToken, nil)
	require.Equal(t, http.StatusOK, avail.Status, avail.Body)
	free := avail.JSON(t)["available_phone_numbers"].([]any)[0].(map[string]any)["phone_number"].(string)

	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"POST", base + "/Messages.json", url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"hi"}}},
		{"POST", base + "/Calls.json", url.Values{"To": {"+14155550100"}, "From": {from}, "Url": {"https://example.com/twiml"}}},
		{"POST", base + "/IncomingPhoneNumbers.json", url.Values{"PhoneNumber": {free}}},
		{"POST", base + "/IncomingPhoneNumbers/" + numberSID + ".json", url.Values{"FriendlyName": {"renamed"}}},
		{"DELETE", base + "/IncomingPhoneNumbers/" + numberSID + ".json", nil},
		{"POST", base + "/Usage/Triggers.json", url.Values{"UsageCategory": {"totalprice"}, "TriggerValue": {"10"}, "CallbackUrl": {"https://example.com/hook"}}},
		{"POST", base + "/Usage/Triggers/" + triggerSID + ".json", url.Values{"FriendlyName": {"renamed"}}},
		{"DELETE", base + "/Usage/Triggers/" + triggerSID + ".json", nil},
		{"POST", base + "/Keys.json", url.Values{"FriendlyName": {"another"}}},
		{"POST", base + "/Keys/" + keySID + ".json", url.Values{"FriendlyName": {"renamed"}}},
		{"DELETE", base + "/Keys/" + keySID + ".json", nil},
		// The subaccount's own credentials only: the parent manages a
		// suspended subaccount through its account resource (below).
		{"POST", base + ".json", url.Values{"FriendlyName": {"renamed by itself"}}},
		{"POST", "/2010-04-01/Accounts.json", url.Values{"FriendlyName": {"nested"}}},
		{"POST", "/v1/AuthTokens/Secondary", nil},
		{"POST", "/v1/AuthTokens/Promote", nil},
		{"DELETE", "/v1/AuthTokens/Secondary", nil},
	}
	ownOnly := func(path string) bool {
		return path == base+".json" || path == "/2010-04-01/Accounts.json" || path[:4] == "/v1/"
	}
	state := func() string {
		return fmt.Sprint(app.Fingerprint(), rows(t, app, `SELECT count(*) FROM messages`), rows(t, app, `SELECT count(*) FROM calls`))
	}
	setStatus := func(status string) {
		res := app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"Status": {status}})
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		require.Equal(t, status, res.JSON(t)["status"])
	}
	ownCredentials := [][2]string{{subSID, subToken}, {keySID, keySecret}}

	for _, c := range []struct {
		status string
		own    int // what the subaccount's own credentials get
	}{{account.StatusSuspended, http.StatusForbidden}, {account.StatusClosed, http.StatusUnauthorized}} {
		setStatus(c.status)
		before := state()
		for _, rt := range routes {
			if !ownOnly(rt.path) {
				// The parent's credentials, on the subaccount's resources.
				res := app.API(rt.method, rt.path, o.AccountSID, o.AuthToken, rt.form)
				require.Equal(t, http.StatusForbidden, res.Status, "%s parent %s %s: %s", c.status, rt.method, rt.path, res.Body)
				require.Equal(t, 10001.0, res.JSON(t)["code"], "%s parent %s %s", c.status, rt.method, rt.path)
			}
			for _, cred := range ownCredentials {
				res := app.API(rt.method, rt.path, cred[0], cred[1], rt.form)
				require.Equal(t, c.own, res.Status, "%s own %s %s %s: %s", c.status, cred[0][:2], rt.method, rt.path, res.Body)
			}
		}
		require.Equal(t, before, state(), "%s: nothing stored, charged or changed", c.status)
		// The parent still reads the subaccount's data.
		for _, path := range []string{base + ".json", base + "/Messages.json", base + "/IncomingPhoneNumbers.json", base + "/Usage/Triggers.json", base + "/Keys.json"} {
			require.Equal(t, http.StatusOK, app.API("GET", path, o.AccountSID, o.AuthToken, nil).Status, "%s read %s", c.status, path)
		}

		if c.status == account.StatusSuspended {
			// The way back: the parent reactivates it (and may rename it
			// meanwhile), and the same routes work again.
			res := app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"shop (on hold)"}})
			require.Equal(t, http.StatusOK, res.Status, res.Body)
			setStatus(account.StatusActive)
			require.Equal(t, http.StatusCreated, app.API("POST", routes[0].path, o.AccountSID, o.AuthToken, routes[0].form).Status)
			require.Equal(t, http.StatusCreated, app.API("POST", routes[0].path, subSID, subToken, routes[0].form).Status)
			require.Equal(t, 2, rows(t, app, `SELECT count(*) FROM messages WHERE account_sid = $1`, subSID))
		}
	}
	// Closed is final: no status, no name.
	res := app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"again"}})
	require.Equal(t, http.StatusForbidden, res.Status)
	require.Equal(t, 10001.0, res.JSON(t)["code"])
	require.Equal(t, http.StatusBadRequest, app.API("POST", base+".json", o.AccountSID, o.AuthToken, url.Values{"Status": {"active"}}).Status)
}

// The services refuse an inactive account themselves, whoever calls them.
func TestServicesRefuseInactiveAccounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	credit(t, app, o.AccountSID, "100")
	sub := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"shop"}}).JSON(t)
	subSID := sub["sid"].(string)
	from := app.OwnNumber(o.AccountSID, subSID)
	numberSID := app.EnsureNumber(o.AccountSID, subSID, "")
	for _, status := range []string{account.StatusSuspended, account.StatusClosed} {
		acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, subSID)
		require.NoError(t, err)
		acc.Status = status
		_, err = app.Services.Messages.Send(ctx, acc, messaging.SendRequest{To: "+14155550100", From: from, Body: "hi"})
		require.ErrorIs(t, err, account.ErrNotActive)
		_, err = app.Services.Calls.Place(ctx, acc, voice.CallRequest{To: "+14155550100", From: from, URL: "https://example.com/twiml"})
		require.ErrorIs(t, err, account.ErrNotActive)
		_, err = app.Services.Numbers.Buy(ctx, audit.System(ctx), acc, numbers.BuyRequest{PhoneNumber: numbers.Candidates("US", numbers.Local, "", 7, 1)[0]})
		require.ErrorIs(t, err, account.ErrNotActive)
		_, err = app.Services.Numbers.Release(ctx, audit.System(ctx), acc, numberSID)
		require.ErrorIs(t, err, account.ErrNotActive)
	}
	require.Equal(t, 0, rows(t, app, `SELECT count(*) FROM messages`)+rows(t, app, `SELECT count(*) FROM calls`))
	require.Equal(t, 0, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE kind <> 'adjustment'`))
}
