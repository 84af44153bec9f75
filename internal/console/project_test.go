package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

func TestGeneralSettings(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ctx := context.Background()
	// A trial credit, as sign-up gives.
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindCredit, "trial", billing.TrialCredit["USD"], "trial credit"))
	require.NoError(t, tx.Commit(ctx))

	bad := c.Post("/settings/general", url.Values{"friendly_name": {""}, "time_zone": {"Mars/Olympus"}, "currency": {"EUR"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	for _, msg := range []string{"This field is required.", "Choose a time zone.", "Choose JPY or USD."} {
		require.Contains(t, bad.Body, msg)
	}

	res := c.Post("/settings/general", url.Values{"friendly_name": {"東京本番"}, "time_zone": {"Asia/Tokyo"}, "currency": {"JPY"}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	page := c.Get("/").Body
	require.Contains(t, page, `data-testid="project-name">東京本番<`)
	require.Contains(t, page, `data-testid="balance">¥2,000.00<`, "the trial credit follows the currency")
	bal, err := billing.Balance(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "JPY", bal.Currency)
	var sum string
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT sum(amount)::text FROM ledger_entries WHERE project_sid = $1`, o.AccountSID).Scan(&sum))
	require.True(t, decimal.RequireFromString(sum).Equal(bal.Amount), "ledger sum %s = balance %s", sum, bal.Amount)

	// Once money moves the currency is fixed.
	tx, err = app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindPayment, "payment-1", decimal.NewFromInt(1000), "test"))
	require.NoError(t, tx.Commit(ctx))
	form := c.Get("/settings/general").Body
	require.Contains(t, form, "The currency is fixed once money has moved")
	res = c.Post("/settings/general", url.Values{"friendly_name": {"東京本番"}, "time_zone": {"Asia/Tokyo"}, "currency": {"USD"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	bal, err = billing.Balance(ctx, app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "JPY", bal.Currency)
	for _, a := range []string{"project.renamed", "project.currency_changed"} {
		require.Equal(t, 1, webtest.CountAudit(t, app, a), a)
	}
	require.Equal(t, 0, webtest.CountAudit(t, app, "project.time_zone_changed"), "unchanged time zone is not audited")
}

var subRow = regexp.MustCompile(`<tr data-sid="(AC[0-9a-f]{32})">`)

func TestSubaccountsInTheConsole(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_MAX_SUBACCOUNTS", "2"))
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Contains(t, c.Get("/settings/subaccounts").Body, `data-testid="subaccounts-empty"`)

	require.Equal(t, http.StatusUnprocessableEntity, c.Post("/settings/subaccounts", url.Values{"friendly_name": {" "}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts", url.Values{"friendly_name": {"Osaka"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts", url.Values{"friendly_name": {"Kyoto"}}).Status)
	full := c.Post("/settings/subaccounts", url.Values{"friendly_name": {"Nara"}})
	require.Equal(t, http.StatusUnprocessableEntity, full.Status)
	require.Contains(t, full.Body, "This project has reached its limit of subaccounts.")

	list := c.Get("/settings/subaccounts").Body
	m := subRow.FindAllStringSubmatch(list, -1)
	require.Len(t, m, 2)
	kyoto := m[0][1] // newest first
	require.Contains(t, list, "Kyoto")

	// Viewing switches the console into the subaccount.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+kyoto+"/view", nil).Status)
	dash := c.Get("/").Body
	require.Contains(t, dash, `data-testid="subaccount-band"`)
	require.Contains(t, dash, "<strong>Kyoto</strong>")
	require.Contains(t, dash, `data-testid="account-sid">`+kyoto+`<`)
	require.Contains(t, c.Get("/settings/credentials").Body, `data-testid="live-sid">`+kyoto+`<`)
	require.Equal(t, http.StatusSeeOther, c.Post("/switch-to-master", nil).Status)
	dash = c.Get("/").Body
	require.NotContains(t, dash, `data-testid="subaccount-band"`)
	require.Contains(t, dash, `data-testid="account-sid">`+o.AccountSID+`<`)

	// Suspend, reactivate, close with the typed name.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+kyoto+"/status", url.Values{"status": {"suspended"}}).Status)
	require.Contains(t, c.Get("/settings/subaccounts/"+kyoto).Body, `status-suspended`)
	require.Equal(t, http.StatusUnprocessableEntity, c.Post("/settings/subaccounts/"+kyoto+"/status", url.Values{"status": {"closed"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+kyoto+"/status", url.Values{"status": {"active"}}).Status)
	// Viewing it, then closing it, sends the console back to the master.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+kyoto+"/view", nil).Status)
	wrong := c.Post("/settings/subaccounts/"+kyoto+"/close", url.Values{"confirm_name": {"kyoto"}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.Status)
	require.Contains(t, wrong.Body, "The name does not match.")
	require.Contains(t, c.Get("/settings/subaccounts/"+kyoto).Body, "status-active")
	wrong = c.Post("/settings/subaccounts/"+kyoto+"/close", url.Values{"confirm_name": {"Kyoto"}, "password": {"not the password"}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.Status, "closing for good asks for the password again")
	require.Contains(t, wrong.Body, "The password is not correct.")
	require.Contains(t, c.Get("/settings/subaccounts/"+kyoto).Body, "status-active")
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+kyoto+"/close", url.Values{"confirm_name": {"Kyoto"}, "password": {o.Password}}).Status)
	detail := c.Get("/settings/subaccounts/" + kyoto).Body
	require.Contains(t, detail, "status-closed")
	require.Contains(t, detail, "This subaccount is closed and cannot be reopened.")
	require.NotContains(t, c.Get("/").Body, `data-testid="subaccount-band"`)
	require.Equal(t, http.StatusNotFound, c.Post("/settings/subaccounts/"+kyoto+"/view", nil).Status)
	require.Equal(t, http.StatusConflict, c.Post("/settings/subaccounts/"+kyoto+"/status", url.Values{"status": {"active"}}).Status)
	require.NotContains(t, c.Get("/settings/subaccounts").Body, `data-testid="view-`+kyoto+`"`)
	// Still listed, and still counted against the limit.
	require.Len(t, subRow.FindAllStringSubmatch(c.Get("/settings/subaccounts").Body, -1), 2)
	require.Equal(t, 2, webtest.CountAudit(t, app, "account.subaccount_created"))
	require.Equal(t, 3, webtest.CountAudit(t, app, "account.status_changed"))
}

var revealed = regexp.MustCompile(`data-testid="(primary|secondary|test)-token">([0-9a-f]{32})<`)

func reveal(t *testing.T, c *webtest.Client, which string) string {
	t.Helper()
	res := c.Get("/settings/credentials?reveal=" + which)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	m := revealed.FindStringSubmatch(res.Body)
	require.NotNil(t, m, which)
	require.Equal(t, which, m[1])
	return m[2]
}

func TestCredentialsRotationInTheConsole(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	page := c.Get("/settings/credentials").Body
	require.Contains(t, page, `data-testid="secondary-none"`)
	require.NotContains(t, page, o.AuthToken)
	require.Equal(t, o.AuthToken, reveal(t, c, "primary"))

	path := "/2010-04-01/Accounts/" + o.AccountSID + ".json"
	res := c.Post("/settings/credentials/secondary", nil)
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/settings/credentials?reveal=secondary", res.Location())
	secondary := reveal(t, c, "secondary")
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, o.AuthToken).Status)
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, secondary).Status)

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary/promote", nil).Status)
	require.Equal(t, http.StatusUnauthorized, app.APIGet(path, o.AccountSID, o.AuthToken).Status)
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, secondary).Status)
	require.Equal(t, secondary, reveal(t, c, "primary"))
	require.Contains(t, c.Get("/settings/credentials").Body, `data-testid="secondary-none"`)

	// Promoting with none left changes nothing and says so.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary/promote", nil).Status)
	require.Contains(t, c.Get("/settings/credentials").Body, "The secondary token changed meanwhile")
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, secondary).Status)

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary", nil).Status)
	third := reveal(t, c, "secondary")
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary/delete", nil).Status)
	require.Equal(t, http.StatusUnauthorized, app.APIGet(path, o.AccountSID, third).Status)

	// Test credentials reach no management endpoint.
	test := reveal(t, c, "test")
	testSID := regexp.MustCompile(`data-testid="test-sid">(AC[0-9a-f]{32})<`).FindStringSubmatch(c.Get("/settings/credentials").Body)[1]
	require.NotEqual(t, o.AccountSID, testSID)
	res2 := app.APIGet(path, testSID, test)
	require.Equal(t, http.StatusForbidden, res2.Status)
	require.Equal(t, 20008.0, res2.JSON(t)["code"])

	for _, a := range []string{"account.secondary_token_created", "account.secondary_token_promoted", "account.secondary_token_deleted"} {
		require.GreaterOrEqual(t, webtest.CountAudit(t, app, a), 1, a)
	}
	// Tokens are sealed at rest.
	var raw string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT encode(auth_token_enc, 'escape') || encode(coalesce(test_token_enc, ''), 'escape') FROM accounts WHERE sid = $1`, o.AccountSID).Scan(&raw))
	require.NotContains(t, raw, secondary)
	require.NotContains(t, raw, test)
}

var keySecret = regexp.MustCompile(`data-testid="key-secret">([A-Za-z0-9]{32})<`)
var keySID = regexp.MustCompile(`data-testid="key-sid">(SK[0-9a-f]{32})<`)

func TestAPIKeysInTheConsole(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Contains(t, c.Get("/settings/keys").Body, `data-testid="keys-empty"`)
	bad := c.Post("/settings/keys", url.Values{"friendly_name": {"x"}, "type": {"admin"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	require.Contains(t, bad.Body, "Choose Standard or Main.")

	res := c.Post("/settings/keys", url.Values{"friendly_name": {"deploy"}, "type": {"main"}})
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	secret := keySecret.FindStringSubmatch(res.Body)[1]
	sid := keySID.FindStringSubmatch(res.Body)[1]
	list := c.Get("/settings/keys").Body
	require.Contains(t, list, sid)
	require.NotContains(t, list, secret, "shown once")
	var hash []byte
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT secret_hash FROM api_keys WHERE sid = $1`, sid).Scan(&hash))
	require.NotContains(t, string(hash), secret)
	require.Len(t, hash, 32)

	path := "/2010-04-01/Accounts/" + o.AccountSID + ".json"
	require.Equal(t, http.StatusOK, app.APIGet(path, sid, secret).Status, "a Main key manages the account")
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/keys/"+sid+"/delete", nil).Status)
	require.Equal(t, http.StatusUnauthorized, app.APIGet(path, sid, secret).Status)
	require.Equal(t, http.StatusNotFound, c.Post("/settings/keys/"+sid+"/delete", nil).Status)
	require.Equal(t, 1, webtest.CountAudit(t, app, "key.created"))
	require.Equal(t, 1, webtest.CountAudit(t, app, "key.revoked"))
	require.False(t, strings.Contains(c.Get("/settings/keys").Body, sid))
}

func TestSubaccountViewShowsItsState(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts", url.Values{"friendly_name": {"Kobe"}}).Status)
	sub := subRow.FindStringSubmatch(c.Get("/settings/subaccounts").Body)[1]
	require.Contains(t, c.Get("/settings/credentials").Body, `data-testid="tab-general"`)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/status", url.Values{"status": {"suspended"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+sub+"/view", nil).Status)
	dash := c.Get("/").Body
	require.Contains(t, dash, `data-testid="suspended-band"`)
	require.Contains(t, dash, "The account Kobe is suspended")
	// Project-level tabs are hidden while viewing a subaccount; Settings opens its credentials.
	creds := c.Get("/settings/credentials").Body
	require.NotContains(t, creds, `data-testid="tab-general"`)
	require.NotContains(t, creds, `data-testid="tab-subaccounts"`)
	require.Contains(t, creds, `data-testid="tab-keys"`)
	require.Equal(t, "/settings/credentials", c.Get("/settings").Location())
	require.Equal(t, http.StatusSeeOther, c.Post("/switch-to-master", nil).Status)
	require.NotContains(t, c.Get("/").Body, `data-testid="suspended-band"`)
	require.Equal(t, "/settings/general", c.Get("/settings").Location())
}
