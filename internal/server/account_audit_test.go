package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// entry is an audit entry as both sides must write it: everything but
// who made it.
type entry struct {
	Project, Account, Action, Target string
	Details                          map[string]string
}

// actor is who made an entry.
type actor struct{ Kind, UserID, Credential string }

// lastEntry is the newest entry of action on target.
func lastEntry(t *testing.T, app *webtest.App, action, target string) (entry, actor) {
	t.Helper()
	e := entry{Details: map[string]string{}}
	var a actor
	require.NoError(t, app.Pool.QueryRow(context.Background(), `
		SELECT coalesce(project_sid, ''), coalesce(account_sid, ''), action, target, details, actor, coalesce(actor_user_id, ''), credential_sid
		FROM audit_log WHERE action = $1 AND target = $2 ORDER BY id DESC LIMIT 1`, action, target).
		Scan(&e.Project, &e.Account, &e.Action, &e.Target, &e.Details, &a.Kind, &a.UserID, &a.Credential), "%s on %s", action, target)
	return e, a
}

var subaccountRow = regexp.MustCompile(`<tr data-sid="(AC[0-9a-f]{32})">`)
var keyRow = regexp.MustCompile(`data-testid="key-sid">(SK[0-9a-f]{32})<`)

// The same change to an account, its keys or its credentials makes the
// same entry whether it came from the console or the API: the account
// service writes it. Only the actor differs: the signed-in user, or the
// API and the credential it authenticated with.
func TestAccountChangesAreOneEntryFromConsoleOrAPI(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	api := func(method, path string, form url.Values, want int) map[string]any {
		t.Helper()
		res := app.API(method, path, o.AccountSID, o.AuthToken, form)
		require.Equal(t, want, res.Status, "%s %s: %s", method, path, res.Body)
		if want == http.StatusNoContent {
			return nil
		}
		return res.JSON(t)
	}
	post := func(path string, form url.Values) {
		t.Helper()
		res := c.Post(path, form)
		require.Equal(t, http.StatusSeeOther, res.Status, "%s: %s", path, res.Body)
	}
	user := actor{Kind: "user", UserID: o.UserID}
	viaAPI := actor{Kind: "api", Credential: o.AccountSID}
	same := func(action string, fromConsole, fromAPI string, want func(target string) entry) {
		t.Helper()
		for _, side := range []struct {
			target string
			by     actor
		}{{fromConsole, user}, {fromAPI, viaAPI}} {
			got, by := lastEntry(t, app, action, side.target)
			require.Equal(t, want(side.target), got, "%s by %s", action, side.by.Kind)
			require.Equal(t, side.by, by, action)
		}
	}

	// A subaccount made, renamed, suspended, from each side.
	post("/settings/subaccounts", url.Values{"friendly_name": {"Console shop"}})
	consoleSub := subaccountRow.FindStringSubmatch(c.Get("/settings/subaccounts").Body)[1]
	apiSub := api(http.MethodPost, "/2010-04-01/Accounts.json", url.Values{"FriendlyName": {"API shop"}}, http.StatusCreated)["sid"].(string)
	names := map[string]string{consoleSub: "Console shop", apiSub: "API shop"}
	same("account.subaccount_created", consoleSub, apiSub, func(sub string) entry {
		return entry{Project: o.AccountSID, Account: sub, Action: "account.subaccount_created", Target: sub,
			Details: map[string]string{"friendly_name": names[sub]}}
	})

	post("/settings/subaccounts/"+consoleSub+"/rename", url.Values{"friendly_name": {"Renamed"}})
	api(http.MethodPost, "/2010-04-01/Accounts/"+apiSub+".json", url.Values{"FriendlyName": {"Renamed"}}, http.StatusOK)
	same("account.renamed", consoleSub, apiSub, func(sub string) entry {
		return entry{Project: o.AccountSID, Account: sub, Action: "account.renamed", Target: sub,
			Details: map[string]string{"from": names[sub], "to": "Renamed"}}
	})

	post("/settings/subaccounts/"+consoleSub+"/status", url.Values{"status": {"suspended"}})
	api(http.MethodPost, "/2010-04-01/Accounts/"+apiSub+".json", url.Values{"Status": {"suspended"}}, http.StatusOK)
	same("account.status_changed", consoleSub, apiSub, func(sub string) entry {
		return entry{Project: o.AccountSID, Account: sub, Action: "account.status_changed", Target: sub,
			Details: map[string]string{"from": "active", "to": "suspended"}}
	})

	// A key revoked from each side.
	keys := map[string]string{}
	for _, name := range []string{"console key", "api key"} {
		res := c.Post("/settings/keys", url.Values{"friendly_name": {name}, "type": {"standard"}})
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		keys[name] = keyRow.FindStringSubmatch(res.Body)[1]
	}
	post("/settings/keys/"+keys["console key"]+"/delete", nil)
	api(http.MethodDelete, "/2010-04-01/Accounts/"+o.AccountSID+"/Keys/"+keys["api key"]+".json", nil, http.StatusNoContent)
	same("key.revoked", keys["console key"], keys["api key"], func(k string) entry {
		name := "console key"
		if k == keys["api key"] {
			name = "api key"
		}
		return entry{Project: o.AccountSID, Account: o.AccountSID, Action: "key.revoked", Target: k,
			Details: map[string]string{"friendly_name": name, "type": "standard"}}
	})

	// The secondary token's steps, taken in turn by each side on the
	// project's own account: each entry as it is made.
	const (
		created  = "account.secondary_token_created"
		deleted  = "account.secondary_token_deleted"
		promoted = "account.secondary_token_promoted"
	)
	var secondary string // the API's, promoted by the console in the end
	for _, step := range []struct {
		action string
		api    bool
	}{{created, false}, {deleted, true}, {created, true}, {deleted, false}, {created, false}, {promoted, true}, {created, true}, {promoted, false}} {
		switch {
		case !step.api && step.action == created:
			post("/settings/credentials/secondary", nil)
		case !step.api && step.action == deleted:
			post("/settings/credentials/secondary/delete", nil)
		case !step.api:
			post("/settings/credentials/secondary/promote", nil)
			o.AuthToken = secondary
		case step.action == created:
			secondary = api(http.MethodPost, "/v1/AuthTokens/Secondary", nil, http.StatusCreated)["secondary_auth_token"].(string)
		case step.action == deleted:
			api(http.MethodDelete, "/v1/AuthTokens/Secondary", nil, http.StatusNoContent)
		default:
			o.AuthToken = api(http.MethodPost, "/v1/AuthTokens/Promote", nil, http.StatusOK)["auth_token"].(string)
		}
		got, by := lastEntry(t, app, step.action, o.AccountSID)
		require.Equal(t, entry{Project: o.AccountSID, Account: o.AccountSID, Action: step.action, Target: o.AccountSID, Details: map[string]string{}}, got,
			"%s, api: %v", step.action, step.api)
		if step.api {
			require.Equal(t, viaAPI, by, step.action)
		} else {
			require.Equal(t, user, by, step.action)
		}
	}

	// Renaming the master account through the API renames the project, as
	// General settings do.
	post("/settings/general", url.Values{"friendly_name": {"From the console"}, "time_zone": {"Asia/Tokyo"}, "currency": {"USD"}})
	consoleRename, by := lastEntry(t, app, "project.renamed", o.AccountSID)
	require.Equal(t, user, by)
	api(http.MethodPost, "/2010-04-01/Accounts/"+o.AccountSID+".json", url.Values{"FriendlyName": {"From the API"}}, http.StatusOK)
	apiRename, by := lastEntry(t, app, "project.renamed", o.AccountSID)
	require.Equal(t, viaAPI, by)
	require.Equal(t, entry{Project: o.AccountSID, Account: o.AccountSID, Action: "project.renamed", Target: o.AccountSID,
		Details: map[string]string{"from": "Test Project", "to": "From the console"}}, consoleRename)
	require.Equal(t, entry{Project: o.AccountSID, Account: o.AccountSID, Action: "project.renamed", Target: o.AccountSID,
		Details: map[string]string{"from": "From the console", "to": "From the API"}}, apiRename)
}
