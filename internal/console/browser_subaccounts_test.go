package console_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/webtest"
)

// subaccountLocale is what a user of one language types and reads on the
// Settings pages. The labels are copied from
// internal/i18n/catalog/{en,ja}.json on purpose: a wrong translation
// must fail here, not be echoed.
type subaccountLocale struct {
	name, lang, currency string
	shop                 string // the subaccount's friendly name, as the user types it

	settings      string // service.settings (sidebar)
	general       string // settings.general (tab and title)
	subaccounts   string // settings.subaccounts
	credentials   string // settings.credentials
	newSubaccount string // "+ " + subaccounts.create
	create        string // subaccounts.create
	empty         string // subaccounts.empty
	created       string // subaccounts.created, with shop
	active        string // status.active
	closed        string // status.closed
	suspended     string // status.suspended
	suspend       string // subaccounts.suspend
	reactivate    string // subaccounts.reactivate
	suspendFlash  string // subaccounts.status_suspended
	activeFlash   string // subaccounts.status_active
	view          string // subaccounts.view
	viewing       string // shell.viewing_subaccount
	toMaster      string // shell.switch_to_master
	show          string // action.show
	closeLabel    string // subaccounts.close
	closeConfirm  string // subaccounts.close_confirm, with shop
	closeMismatch string // subaccounts.close_mismatch
	closedFlash   string // subaccounts.status_closed
	closedForever string // subaccounts.closed_forever
}

var subaccountLocales = []subaccountLocale{
	{
		name: "English", lang: "en-US,en;q=0.9", currency: "USD", shop: "Tokyo Shop",
		settings:      "Settings",
		general:       "General",
		subaccounts:   "Subaccounts",
		credentials:   "API credentials",
		newSubaccount: "+ Create subaccount",
		create:        "Create subaccount",
		empty:         "No subaccounts yet. Subaccounts separate the usage and credentials of each of your customers or services.",
		created:       "Subaccount Tokyo Shop created.",
		active:        "Active",
		closed:        "Closed",
		suspended:     "Suspended",
		suspend:       "Suspend",
		reactivate:    "Reactivate",
		suspendFlash:  "The subaccount is suspended: its API requests are refused until you reactivate it.",
		activeFlash:   "The subaccount is active again.",
		view:          "View subaccount",
		viewing:       "You are viewing the subaccount",
		toMaster:      "Switch to Master",
		show:          "Show",
		closeLabel:    "Close subaccount",
		closeConfirm:  "Type Tokyo Shop to confirm",
		closeMismatch: "The name does not match.",
		closedFlash:   "The subaccount is closed for good.",
		closedForever: "This subaccount is closed and cannot be reopened.",
	},
	{
		name: "Japanese", lang: "ja", currency: "JPY", shop: "東京ショップ",
		settings:      "設定",
		general:       "一般",
		subaccounts:   "サブアカウント",
		credentials:   "API クレデンシャル",
		newSubaccount: "+ サブアカウントを作成",
		create:        "サブアカウントを作成",
		empty:         "サブアカウントはまだありません。サブアカウントを使うと、顧客やサービスごとに利用状況とクレデンシャルを分けられます。",
		created:       "サブアカウント「東京ショップ」を作成しました。",
		active:        "有効",
		closed:        "閉鎖",
		suspended:     "一時停止中",
		suspend:       "一時停止",
		reactivate:    "再開",
		suspendFlash:  "サブアカウントを一時停止しました。再開するまで API リクエストは拒否されます。",
		activeFlash:   "サブアカウントを再開しました。",
		view:          "サブアカウントを表示",
		viewing:       "サブアカウントを表示中:",
		toMaster:      "マスターに切り替え",
		show:          "表示",
		closeLabel:    "サブアカウントを閉鎖",
		closeConfirm:  "確認のため「東京ショップ」と入力してください",
		closeMismatch: "名前が一致しません。",
		closedFlash:   "サブアカウントを閉鎖しました。",
		closedForever: "このサブアカウントは閉鎖済みのため、再開できません。",
	},
}

// settingsLink is the sidebar's Settings entry, which leads to
// /settings/general (directly, or through /settings).
const settingsLink = `nav.sidebar a[href^="/settings"]`

var (
	keySIDPattern    = regexp.MustCompile(`^SK[0-9a-f]{32}$`)
	keySecretPattern = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
)

// TestBrowserSubaccountViewAndSwitchBack walks, in real Chromium and in
// each language: Settings › Subaccounts (empty) → create one → view it
// (the whole console, band, dashboard and credentials, is the
// subaccount's) → its token works on its own SID only → Switch to Master
// from the user menu, and again from the band → suspend and reactivate it
// → close it (a wrong name is refused) → closed in the list, no View
// button, its token refused.
func TestBrowserSubaccountViewAndSwitchBack(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range subaccountLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			c := newConsoleTour(t, l.lang, l.currency)
			b := c.b
			master := c.owner.AccountSID

			// Sidebar › Settings, then the Subaccounts tab.
			require.Equal(t, l.settings, strings.Join(strings.Fields(b.Text(settingsLink)), " "))
			require.Equal(t, http.StatusOK, b.Submit(settingsLink))
			c.requireSettingsPage("/settings/general", l.general, l.general)
			c.openTab("/settings/subaccounts", l.subaccounts)
			c.requireSettingsPage("/settings/subaccounts", l.subaccounts, l.subaccounts)
			require.Equal(t, l.empty, b.Text(browsertest.TestID("subaccounts-empty")))
			require.Zero(t, b.Count(browsertest.TestID("subaccounts")))

			// Create "Tokyo Shop".
			require.Equal(t, l.newSubaccount, b.Text(browsertest.TestID("subaccount-new")))
			b.Click(browsertest.TestID("subaccount-new"))
			b.Fill(`details.create input[name="friendly_name"]`, l.shop)
			require.Equal(t, l.create, b.Text(browsertest.TestID("subaccount-create")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-create")))
			c.requireSettingsPage("/settings/subaccounts", l.subaccounts, l.subaccounts)
			require.Equal(t, l.created, b.Text(".flash"))
			rows := `[data-testid="subaccounts"] tbody tr`
			require.Equal(t, 1, b.Count(rows))
			sub := b.Attr(rows, "data-sid")
			require.Regexp(t, accountSIDPattern, sub)
			require.NotEqual(t, master, sub)
			row := fmt.Sprintf(`[data-testid="subaccounts"] tr[data-sid=%q]`, sub)
			require.Equal(t, l.shop, b.Text(row+" td:first-child a"))
			require.Equal(t, sub, b.Text(row+" code"))
			require.Equal(t, l.active, b.Text(row+" "+browsertest.TestID("status")))
			require.Contains(t, b.Attr(row+" "+browsertest.TestID("status"), "class"), "status-active")
			require.Equal(t, l.view, b.Text(browsertest.TestID("view-"+sub)))
			c.screenshot("subaccounts-list")

			// View it: the whole console is the subaccount's.
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("view-"+sub)))
			require.Equal(t, "/", b.URLPath())
			c.requireBand(l, true)
			require.Equal(t, sub, b.Text(browsertest.TestID("account-sid")), "the dashboard shows the subaccount's SID")
			c.screenshot("dashboard-in-subaccount")

			require.Equal(t, http.StatusOK, b.Submit(settingsLink))
			c.requireBand(l, true)
			c.openTab("/settings/credentials", l.credentials)
			c.requireSettingsPage("/settings/credentials", l.credentials, l.credentials)
			c.requireBand(l, true)
			require.Equal(t, sub, b.Text(browsertest.TestID("live-sid")))
			require.Equal(t, l.show, b.Text(browsertest.TestID("primary-token-show")))
			subToken := c.revealPrimary()
			require.NotEqual(t, c.owner.AuthToken, subToken)
			c.screenshot("credentials-in-subaccount")

			c.requireAccountAPI(sub, sub, subToken, http.StatusOK)
			res := c.app.API(http.MethodGet, "/2010-04-01/Accounts/"+sub+".json", sub, subToken, nil)
			require.Equal(t, master, res.JSON(t)["owner_account_sid"])
			// A subaccount's credentials don't reach its master: the same 404 as an unknown SID.
			c.requireAccountAPI(master, sub, subToken, http.StatusNotFound)

			// Switch to Master from the user menu.
			b.Click("details.user-menu > summary")
			b.WaitVisible(browsertest.TestID("switch-to-master"))
			require.Equal(t, l.toMaster, b.Text(browsertest.TestID("switch-to-master")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("switch-to-master")))
			require.Equal(t, "/", b.URLPath())
			c.requireBand(l, false)
			require.Equal(t, master, b.Text(browsertest.TestID("account-sid")))
			b.Click("details.user-menu > summary")
			b.WaitVisible(browsertest.TestID("sign-out"))
			require.Zero(t, b.Count(browsertest.TestID("switch-to-master")), "no Switch to Master in the master account")
			b.Click("details.user-menu > summary")

			// The subaccount's page: view it again, then back with the band's button.
			require.Equal(t, http.StatusOK, b.Submit(settingsLink))
			c.openTab("/settings/subaccounts", l.subaccounts)
			require.Equal(t, http.StatusOK, b.Submit(row+" td:first-child a"))
			c.requireSettingsPage("/settings/subaccounts/"+sub, l.shop, l.subaccounts)
			require.Equal(t, sub, b.Text(browsertest.TestID("subaccount-sid")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-view")))
			require.Equal(t, "/", b.URLPath())
			c.requireBand(l, true)
			require.Equal(t, sub, b.Text(browsertest.TestID("account-sid")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-band")+" button"))
			require.Equal(t, "/", b.URLPath())
			c.requireBand(l, false)
			require.Equal(t, master, b.Text(browsertest.TestID("account-sid")))

			// Suspend it: its API requests are refused; reactivate it.
			require.Equal(t, http.StatusOK, b.Go("/settings/subaccounts/"+sub))
			require.Equal(t, l.suspend, b.Text(browsertest.TestID("subaccount-suspend")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-suspend")))
			require.Equal(t, "/settings/subaccounts/"+sub, b.URLPath())
			require.Equal(t, l.suspendFlash, b.Text(".flash"))
			require.Equal(t, l.suspended, b.Text("dl.info "+browsertest.TestID("status")))
			c.requireAccountAPI(sub, sub, subToken, http.StatusForbidden)
			require.Equal(t, l.reactivate, b.Text(browsertest.TestID("subaccount-reactivate")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-reactivate")))
			require.Equal(t, l.activeFlash, b.Text(".flash"))
			require.Equal(t, l.active, b.Text("dl.info "+browsertest.TestID("status")))
			c.requireAccountAPI(sub, sub, subToken, http.StatusOK)

			// Close it: a wrong name is refused and changes nothing.
			closeURL := c.app.URL + "/settings/subaccounts/" + sub + "/close"
			b.IgnoreConsoleErrors("^" + regexp.QuoteMeta(closeURL) + "$") // the 422 document
			require.Equal(t, l.closeLabel, b.Text("details.danger-zone > summary"))
			b.Click("details.danger-zone > summary")
			require.Equal(t, l.closeConfirm, b.Text(`details.danger-zone label`))
			b.Fill(`details.danger-zone input[name="confirm_name"]`, l.shop+"!")
			require.Equal(t, l.closeLabel, b.Text(browsertest.TestID("subaccount-close")))
			require.Equal(t, http.StatusUnprocessableEntity, b.Submit(browsertest.TestID("subaccount-close")))
			require.Equal(t, l.closeMismatch, b.Text("details.danger-zone[open] #confirm_name-error"))
			require.Equal(t, l.active, b.Text("dl.info "+browsertest.TestID("status")))
			c.screenshot("subaccount-close-mismatch")
			c.requireAccountAPI(sub, sub, subToken, http.StatusOK)

			b.Fill(`details.danger-zone input[name="confirm_name"]`, l.shop)
			b.Fill(`details.danger-zone input[name="password"]`, c.owner.Password) // closing for good asks for the password again
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("subaccount-close")))
			require.Equal(t, "/settings/subaccounts/"+sub, b.URLPath())
			require.Equal(t, l.closedFlash, b.Text(".flash"))
			require.Equal(t, l.closed, b.Text("dl.info "+browsertest.TestID("status")))
			require.Equal(t, l.closedForever, b.Text("section.panel p.warning"))
			require.Zero(t, b.Count(browsertest.TestID("subaccount-view")))
			require.Zero(t, b.Count(browsertest.TestID("subaccount-close")))

			c.openTab("/settings/subaccounts", l.subaccounts)
			require.Equal(t, l.closed, b.Text(row+" "+browsertest.TestID("status")))
			require.Contains(t, b.Attr(row+" "+browsertest.TestID("status"), "class"), "status-closed")
			require.Zero(t, b.Count(browsertest.TestID("view-"+sub)), "a closed subaccount can't be viewed")
			c.requireAccountAPI(sub, sub, subToken, http.StatusUnauthorized)

			b.RequireNoConsoleErrors()
		})
	}
}

// TestBrowserRotateAuthTokenWithSecondary rotates the master's auth token
// on Settings › API credentials: create a secondary token → both work →
// promote it → the old primary is refused and the secondary is the
// primary; then a second secondary is created and deleted.
func TestBrowserRotateAuthTokenWithSecondary(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	c := newConsoleTour(t, "en-US,en;q=0.9", "USD")
	b, acc := c.b, c.owner.AccountSID

	require.Equal(t, http.StatusOK, b.Go("/settings/credentials"))
	c.requireSettingsPage("/settings/credentials", "API credentials", "API credentials")
	require.Equal(t, acc, b.Text(browsertest.TestID("live-sid")))
	require.Equal(t, "None", b.Text(browsertest.TestID("secondary-none")))
	require.Zero(t, b.Count(browsertest.TestID("secondary-promote")))

	// Create: the page comes back with the new token shown, never cached.
	require.Equal(t, "Create secondary token", b.Text(browsertest.TestID("secondary-create")))
	res := c.submitResponse(browsertest.TestID("secondary-create"))
	require.Equal(t, http.StatusOK, int(res.Status))
	requireNoStore(t, res)
	require.Equal(t, "/settings/credentials", b.URLPath())
	require.Equal(t, "Secondary token created. Both tokens work until you promote or delete it.", b.Text(".flash"))
	secondary := b.Text(browsertest.TestID("secondary-token"))
	require.Regexp(t, authTokenPattern, secondary)
	require.Zero(t, b.Count(browsertest.TestID("secondary-none")))
	c.screenshot("credentials-secondary")

	primary := c.revealPrimary()
	require.Equal(t, c.owner.AuthToken, primary)
	require.NotEqual(t, primary, secondary)
	require.Zero(t, b.Count("#secondary-token"), "one secret at a time: the secondary is masked again")
	require.Equal(t, "Show", b.Text(browsertest.TestID("secondary-token-show")))
	c.requireAccountAPI(acc, acc, primary, http.StatusOK)
	c.requireAccountAPI(acc, acc, secondary, http.StatusOK)

	// Promote.
	require.Equal(t, "Promote to primary", b.Text(browsertest.TestID("secondary-promote")))
	b.Click(browsertest.TestID("secondary-promote")) // opens the confirmation
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("secondary-promote-confirm")))
	require.Equal(t, "/settings/credentials", b.URLPath())
	require.Equal(t, "The secondary token is now the primary token. The previous primary token no longer works.", b.Text(".flash"))
	require.Equal(t, "None", b.Text(browsertest.TestID("secondary-none")))
	b.WaitVisible(browsertest.TestID("secondary-create"))
	require.Zero(t, b.Count(browsertest.TestID("secondary-promote")))
	require.Zero(t, b.Count(browsertest.TestID("secondary-delete")))
	c.requireAccountAPI(acc, acc, primary, http.StatusUnauthorized)
	c.requireAccountAPI(acc, acc, secondary, http.StatusOK)
	require.Equal(t, secondary, c.revealPrimary(), "the promoted token is the primary")

	// A secondary that is deleted stops working; the primary does not.
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("secondary-create")))
	doomed := b.Text(browsertest.TestID("secondary-token"))
	require.Regexp(t, authTokenPattern, doomed)
	c.requireAccountAPI(acc, acc, doomed, http.StatusOK)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("secondary-delete")))
	require.Equal(t, "Secondary token deleted.", b.Text(".flash"))
	require.Equal(t, "None", b.Text(browsertest.TestID("secondary-none")))
	c.requireAccountAPI(acc, acc, doomed, http.StatusUnauthorized)
	c.requireAccountAPI(acc, acc, secondary, http.StatusOK)

	b.RequireNoConsoleErrors()
}

// TestBrowserAPIKeyShownOnce creates a Main and a Standard API key on
// Settings › API keys: each secret is shown once, on a page never cached;
// the Main key manages the account, the Standard key may not; the list
// never shows a secret; a revoked key stops working.
func TestBrowserAPIKeyShownOnce(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	c := newConsoleTour(t, "en-US,en;q=0.9", "USD")
	b, acc := c.b, c.owner.AccountSID

	require.Equal(t, http.StatusOK, b.Go("/settings/keys"))
	c.requireSettingsPage("/settings/keys", "API keys", "API keys")
	require.Equal(t, "No API keys yet.", b.Text(browsertest.TestID("keys-empty")))

	mainSID, mainSecret := c.createKey("Deploy bot", "main", "Main")
	stdSID, stdSecret := c.createKey("Reporting", "standard", "Standard")
	require.NotEqual(t, mainSID, stdSID)
	require.NotEqual(t, mainSecret, stdSecret)

	c.requireAccountAPI(acc, mainSID, mainSecret, http.StatusOK)
	c.requireAccountAPI(acc, stdSID, stdSecret, http.StatusForbidden)

	// The list, loaded afresh, shows both keys and neither secret.
	require.Equal(t, http.StatusOK, b.Go("/settings/keys"))
	require.Equal(t, 2, b.Count(`[data-testid="keys"] tbody tr`))
	require.Zero(t, b.Count(browsertest.TestID("key-secret")))
	html := b.HTML()
	require.NotContains(t, html, mainSecret)
	require.NotContains(t, html, stdSecret)
	for sid, want := range map[string][]string{mainSID: {"Deploy bot", "Main"}, stdSID: {"Reporting", "Standard"}} {
		cells := b.Texts(fmt.Sprintf(`[data-testid="keys"] tr[data-sid=%q] td`, sid))
		require.Len(t, cells, 5)
		require.Equal(t, []string{want[0], sid, want[1]}, cells[:3])
		require.Equal(t, "Revoke", cells[4])
	}
	c.screenshot("keys-list")

	// Revoke the Main key.
	b.Click(browsertest.TestID("revoke-" + mainSID)) // opens the confirmation
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("revoke-confirm-"+mainSID)))
	require.Equal(t, "/settings/keys", b.URLPath())
	require.Equal(t, "The API key was revoked and no longer works.", b.Text(".flash"))
	require.Zero(t, b.Count(browsertest.TestID("revoke-"+mainSID)))
	require.Equal(t, 1, b.Count(`[data-testid="keys"] tbody tr`))
	c.requireAccountAPI(acc, mainSID, mainSecret, http.StatusUnauthorized)

	b.RequireNoConsoleErrors()
}

// consoleTour is one owner signed in to the console in Chromium.
type consoleTour struct {
	t     *testing.T
	app   *webtest.App
	b     *browsertest.Browser
	owner *webtest.Owner
	lang  string
}

// newConsoleTour starts a server, makes an owner and signs in through the
// browser, landing on the dashboard.
func newConsoleTour(t *testing.T, lang, currency string) *consoleTour {
	t.Helper()
	app := webtest.Start(t)
	c := &consoleTour{t: t, app: app, owner: app.CreateOwner(currency), lang: lang,
		b: browsertest.New(t, app.URL, browsertest.Lang(lang))}
	b := c.b
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, c.owner.Email)
	b.Fill(`input[name="password"]`, c.owner.Password)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))
	require.Equal(t, "/", b.URLPath())
	require.Equal(t, c.owner.AccountSID, b.Text(browsertest.TestID("account-sid")))
	return c
}

// requireSettingsPage checks the path, the document's language, the
// heading, and which Settings tab is marked current.
func (c *consoleTour) requireSettingsPage(path, heading, tab string) {
	c.t.Helper()
	require.Equal(c.t, path, c.b.URLPath())
	require.Equal(c.t, c.lang[:2], c.b.Attr("html", "lang"), "the page's language")
	require.Equal(c.t, heading, c.b.Text("main h1"))
	require.Equal(c.t, []string{tab}, c.b.Texts("nav.tabs a.active"))
}

// openTab follows one of the Settings tabs.
func (c *consoleTour) openTab(href, label string) {
	c.t.Helper()
	sel := fmt.Sprintf(`nav.tabs a[href=%q]`, href)
	require.Equal(c.t, label, c.b.Text(sel))
	require.Equal(c.t, http.StatusOK, c.b.Submit(sel))
	require.Equal(c.t, href, c.b.URLPath())
}

// requireBand checks the yellow "viewing a subaccount" band: shown, with
// the subaccount's name and a Switch to Master button, or absent.
func (c *consoleTour) requireBand(l subaccountLocale, shown bool) {
	c.t.Helper()
	b, band := c.b, browsertest.TestID("subaccount-band")
	if !shown {
		require.Zero(c.t, b.Count(band), "no subaccount band in the master account")
		return
	}
	b.WaitVisible(band)
	require.Contains(c.t, b.Attr(band, "class"), "band-subaccount")
	require.Equal(c.t, l.shop, b.Text(band+" strong"))
	require.True(c.t, strings.HasPrefix(b.Text(band), l.viewing), "band: %q", b.Text(band))
	require.Equal(c.t, l.toMaster, b.Text(band+" button"))
	rgb := browsertest.Eval[[]int](b, `getComputedStyle(document.querySelector('[data-testid="subaccount-band"]')).
		backgroundColor.match(/\d+/g).slice(0, 3).map(Number)`)
	require.True(c.t, len(rgb) == 3 && rgb[0] > 200 && rgb[1] > 160 && rgb[2] < 120, "the band is yellow: rgb%v", rgb)
}

// revealPrimary follows the primary token's Show link and returns the token.
func (c *consoleTour) revealPrimary() string {
	c.t.Helper()
	b := c.b
	res := c.submitResponse(browsertest.TestID("primary-token-show"))
	require.Equal(c.t, http.StatusOK, int(res.Status))
	requireNoStore(c.t, res)
	require.Equal(c.t, "/settings/credentials", b.URLPath())
	require.Zero(c.t, b.Count(browsertest.TestID("primary-token-show")))
	token := b.Text(browsertest.TestID("primary-token"))
	require.Regexp(c.t, authTokenPattern, token)
	return token
}

// createKey creates an API key through the form and reads the secret
// from the page that shows it once.
func (c *consoleTour) createKey(name, typ, typeLabel string) (keySID, secret string) {
	c.t.Helper()
	t, b := c.t, c.b
	require.Equal(t, "+ Create API key", b.Text(browsertest.TestID("key-new")))
	b.Click(browsertest.TestID("key-new"))
	b.Fill(`details.create input[name="friendly_name"]`, name)
	require.True(t, browsertest.Eval[bool](b, `document.querySelector('input[name="type"][value="standard"]').checked`),
		"Standard is the default type")
	b.Click(fmt.Sprintf(`input[name="type"][value=%q]`, typ))
	require.True(t, browsertest.Eval[bool](b, fmt.Sprintf(`document.querySelector('input[name="type"][value=%q]').checked`, typ)))
	c.screenshot("key-form-" + typ)

	res := c.submitResponse(browsertest.TestID("key-create"))
	require.Equal(t, http.StatusOK, int(res.Status))
	requireNoStore(t, res)
	require.Equal(t, "API key created", b.Text("main h1"))
	require.Equal(t, "Copy the secret now: it is shown only this once and cannot be recovered.", b.Text("main p.warning"))
	keySID = b.Text(browsertest.TestID("key-sid"))
	secret = b.Text(browsertest.TestID("key-secret"))
	require.Regexp(t, keySIDPattern, keySID)
	require.Regexp(t, keySecretPattern, secret)
	dds := b.Texts("dl.info dd")
	require.Equal(t, name, dds[0])
	require.Equal(t, typeLabel, dds[len(dds)-1])
	c.screenshot("key-created-" + typ)

	require.Equal(t, "I have copied the secret", b.Text(browsertest.TestID("key-done")))
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("key-done")))
	require.Equal(t, "/settings/keys", b.URLPath())
	return keySID, secret
}

// requireAccountAPI fetches account sid from the REST API as (user, pass)
// and checks the status and, for a refusal, Twilio's error code.
func (c *consoleTour) requireAccountAPI(sid, user, pass string, status int) {
	c.t.Helper()
	res := c.app.API(http.MethodGet, "/2010-04-01/Accounts/"+sid+".json", user, pass, nil)
	require.Equal(c.t, status, res.Status, res.Body)
	body := res.JSON(c.t)
	switch status {
	case http.StatusOK:
		require.Equal(c.t, sid, body["sid"])
	case http.StatusUnauthorized:
		require.EqualValues(c.t, 20003, body["code"], res.Body)
	case http.StatusForbidden:
		require.EqualValues(c.t, 20403, body["code"], res.Body)
	case http.StatusNotFound:
		require.EqualValues(c.t, 20404, body["code"], res.Body)
	}
}

// submitResponse clicks sel and waits for the page it leads to, like
// Browser.Submit, and returns the document's response with its headers.
func (c *consoleTour) submitResponse(sel string) *network.Response {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.b.Context(), browsertest.DefaultTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	require.NoError(c.t, err, "submit %s", sel)
	require.NotNil(c.t, res, "submit %s: no document response", sel)
	return res
}

// requireNoStore checks that a page showing a secret may not be stored
// by the browser or any cache. Chromium joins repeated headers with "\n":
// the session manager adds its own Cache-Control: no-cache="Set-Cookie".
func requireNoStore(t *testing.T, res *network.Response) {
	t.Helper()
	var directives []string
	for k, v := range res.Headers {
		if s, ok := v.(string); ok && strings.EqualFold(k, "Cache-Control") {
			for _, d := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
				directives = append(directives, strings.TrimSpace(d))
			}
		}
	}
	require.Contains(t, directives, "no-store", "Cache-Control of %s: a page showing a secret must not be stored", res.URL)
}

// screenshot saves a full-page screenshot when BROWSERTEST_SCREENSHOTS is
// set, to look at the pages by eye.
func (c *consoleTour) screenshot(name string) {
	c.t.Helper()
	if os.Getenv("BROWSERTEST_SCREENSHOTS") != "" {
		c.t.Logf("screenshot: %s", c.b.Screenshot(name))
	}
}
