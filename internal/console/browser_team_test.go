package console_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/mailtest"
	"console/internal/team"
	"console/internal/webtest"
)

// teamLocale is what the Administrator and the invitee of one language
// type and read. The labels are copied from
// internal/i18n/catalog/{en,ja}.json on purpose: a wrong translation
// must fail here, not be echoed. The project is webtest's "Test Project".
type teamLocale struct {
	name, lang string
	adminName  string // the inviter, as the summary and the mail name them
	devName    string // the invitee, as they type it

	settings       string // service.settings (sidebar)
	general        string // settings.general (tab and title)
	users          string // settings.users (tab and title)
	inviteNew      string // "+ " + members.invite
	sendInvitation string // members.send_invitation
	invited        string // members.invited, with dev@example.com
	noPending      string // members.no_pending
	owner          string // role.owner
	admin          string // role.admin
	developer      string // role.developer
	billingManager string // role.billing
	support        string // role.support
	off            string // members.off
	change         string // members.change_role
	remove         string // members.remove
	roleChanged    string // members.role_changed, with dev@example.com

	subject         string // mail.invitation_subject
	mailLine        string // the first line of mail.invitation_body
	summary         string // invitation.summary
	invitationTitle string // invitation.title
	join            string // invitation.join
	joined          string // invitation.joined, with the project
	dashboardTitle  string // dashboard.title
	billing         string // service.billing (sidebar and page title)
	errorTitle      string // error.title
	forbidden       string // error.forbidden
}

var teamLocales = []teamLocale{
	{
		name: "English", lang: "en-US,en;q=0.9", adminName: "Ada Admin", devName: "Dev Example",
		settings:       "Settings",
		general:        "General",
		users:          "User management",
		inviteNew:      "+ Invite user",
		sendInvitation: "Send invitation",
		invited:        "Invitation sent to dev@example.com.",
		noPending:      "No pending invitations.",
		owner:          "Owner",
		admin:          "Administrator",
		developer:      "Developer",
		billingManager: "Billing Manager",
		support:        "Support",
		off:            "Off",
		change:         "Change",
		remove:         "Remove",
		roleChanged:    "The role of dev@example.com was changed.",

		subject:         "Ada Admin invited you to Test Project",
		mailLine:        "Ada Admin invited you to join the project Test Project as Developer.",
		summary:         "Ada Admin invited you to the project Test Project as Developer.",
		invitationTitle: "Invitation",
		join:            "Create account and join",
		joined:          "You joined Test Project.",
		dashboardTitle:  "Dashboard",
		billing:         "Billing",
		errorTitle:      "Sorry",
		forbidden:       "You do not have access to this page.",
	},
	{
		name: "Japanese", lang: "ja", adminName: "管理 花子", devName: "開発 一郎",
		settings:       "設定",
		general:        "一般",
		users:          "ユーザー管理",
		inviteNew:      "+ ユーザーを招待",
		sendInvitation: "招待を送信",
		invited:        "dev@example.com に招待を送りました。",
		noPending:      "保留中の招待はありません。",
		owner:          "オーナー",
		admin:          "管理者",
		developer:      "開発者",
		billingManager: "請求管理者",
		support:        "サポート",
		off:            "無効",
		change:         "変更",
		remove:         "削除",
		roleChanged:    "dev@example.com のロールを変更しました。",

		subject:         "管理 花子 さんから「Test Project」への招待が届いています",
		mailLine:        "管理 花子 さんがあなたをプロジェクト「Test Project」に「開発者」として招待しました。",
		summary:         "管理 花子 さんがあなたをプロジェクト「Test Project」に「開発者」として招待しました。",
		invitationTitle: "招待",
		join:            "アカウントを作成して参加する",
		joined:          "Test Project に参加しました。",
		dashboardTitle:  "ダッシュボード",
		billing:         "請求",
		errorTitle:      "申し訳ありません",
		forbidden:       "このページへのアクセス権がありません。",
	},
}

const (
	devEmail    = "dev@example.com"
	devPassword = "developer password"
)

// TestBrowserInviteDeveloperThenBillingManager walks, in two Chromiums
// (two people) and in each language: the Administrator opens Settings ›
// User management and invites dev@example.com as Developer → the mail
// arrives over SMTP → the invitee opens its link in a fresh browser,
// signs up and lands on the project's dashboard → as Developer, no
// Billing (sidebar, 403) → the Administrator makes them Billing Manager
// → on their next page, Billing is there and the credentials are gone.
func TestBrowserInviteDeveloperThenBillingManager(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range teamLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
			o := app.CreateOwner("USD")
			adminEmail, adminPassword := "admin@example.com", "admin password"
			ctx := context.Background()
			u, err := app.Services.Users.Create(ctx, app.Pool, adminEmail, l.adminName, adminPassword, "")
			require.NoError(t, err)
			require.NoError(t, team.Add(ctx, app.Pool, o.AccountSID, u.ID, team.RoleAdmin))

			// Browser 1: the Administrator signs in and goes to User management.
			c := &consoleTour{t: t, app: app, owner: o, lang: l.lang, b: browsertest.New(t, app.URL, browsertest.Lang(l.lang))}
			admin := c.b
			signInAs(t, admin, adminEmail, adminPassword)
			require.Equal(t, l.settings, strings.Join(strings.Fields(admin.Text(settingsLink)), " "))
			require.Equal(t, http.StatusOK, admin.Submit(settingsLink))
			c.requireSettingsPage("/settings/general", l.general, l.general)
			c.openTab("/settings/users", l.users)
			c.requireSettingsPage("/settings/users", l.users, l.users)
			require.Equal(t, l.noPending, admin.Text(browsertest.TestID("invitations-empty")))
			require.Equal(t, 2, admin.Count(`[data-testid="members"] tbody tr`), "the Owner and the Administrator")
			require.Equal(t, l.owner, admin.Text(memberRow(o.Email)+" "+browsertest.TestID("role")))
			require.Equal(t, l.admin, admin.Text(memberRow(adminEmail)+" "+browsertest.TestID("role")))
			require.Zero(t, admin.Count(memberRow(adminEmail)+" select"), "nobody changes their own role")
			require.Zero(t, admin.Count(memberRow(o.Email)+" select"), "an Administrator does not manage the Owner")

			// Invite dev@example.com as Developer.
			require.Equal(t, l.inviteNew, admin.Text(browsertest.TestID("invite-new")))
			admin.Click(browsertest.TestID("invite-new"))
			admin.Fill(`details.create input[name="email"]`, devEmail)
			roleSelect := `details.create select[name="role"]`
			require.Equal(t, team.RoleDeveloper, admin.Value(roleSelect), "Developer is offered first")
			require.Equal(t, []string{l.developer, l.billingManager, l.support}, optionTexts(admin, roleSelect),
				"an Administrator may grant neither Administrator nor Owner")
			admin.Select(roleSelect, team.RoleDeveloper)
			require.Equal(t, l.sendInvitation, admin.Text(browsertest.TestID("invite-submit")))
			screenshot(t, admin, "invite-form")
			require.Equal(t, http.StatusOK, admin.Submit(browsertest.TestID("invite-submit")))
			c.requireSettingsPage("/settings/users", l.users, l.users)
			require.Equal(t, l.invited, admin.Text(".flash"))
			invitations := `[data-testid="invitations"] tbody tr`
			require.Equal(t, 1, admin.Count(invitations))
			cells := admin.Texts(invitations + " td")
			require.Len(t, cells, 5)
			require.Equal(t, []string{devEmail, l.developer, l.adminName}, cells[:3])
			require.Zero(t, admin.Count(memberRow(devEmail)), "not a member before accepting")
			screenshot(t, admin, "users-pending")

			// The mail, delivered by the worker over SMTP.
			msgs := smtp.WaitFor(t, devEmail, 1, 15*time.Second)
			require.Len(t, msgs, 1)
			require.Equal(t, l.subject, msgs[0].Subject)
			firstLine, _, _ := strings.Cut(msgs[0].Body, "\n")
			require.Equal(t, l.mailLine, strings.TrimRight(firstLine, "\r"), "the mail names the inviter, project and role")
			m := invitationLink.FindStringSubmatch(msgs[0].Body)
			require.NotNil(t, m, msgs[0].Body)
			link := m[0]
			require.True(t, strings.HasPrefix(link, app.URL+"/invitation?token="), "the link leads to this console: %s", link)

			// Browser 2: the invitee opens the link, signs up, lands on the dashboard.
			dev := browsertest.New(t, app.URL, browsertest.Lang(l.lang))
			require.Equal(t, http.StatusOK, dev.Go(link))
			require.Equal(t, app.URL+"/invitation", dev.URL(), "the token leaves the URL")
			require.Equal(t, l.lang[:2], dev.Attr("html", "lang"))
			require.Equal(t, l.invitationTitle, dev.Text("main h1"))
			require.Equal(t, l.summary, dev.Text(browsertest.TestID("invitation-summary")))
			require.Equal(t, devEmail, dev.Value(`input[type="email"]`))
			require.True(t, browsertest.Eval[bool](dev, `document.querySelector('input[type="email"]').disabled`), "the email is fixed")
			require.Equal(t, l.join, dev.Text(browsertest.TestID("invitation-signup")))
			screenshot(t, dev, "invitation-signup")
			dev.Fill(`input[name="name"]`, l.devName)
			dev.Fill(`input[name="password"]`, devPassword)
			require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("invitation-signup")))
			require.Equal(t, "/", dev.URLPath())
			require.Equal(t, l.dashboardTitle, dev.Text("main h1"))
			require.Equal(t, l.joined, dev.Text(".flash"))
			require.Equal(t, l.devName, dev.Text(browsertest.TestID("user-menu")))
			require.Equal(t, o.AccountSID, dev.Text(browsertest.TestID("account-sid")))
			require.Equal(t, "Test Project", dev.Text(browsertest.TestID("project-name")))
			dev.Click("details.project-switcher > summary")
			require.Equal(t, []string{"Test Project"}, dev.Texts("details.project-switcher .menu-project-name"), "one project, the one joined")
			require.Equal(t, "Test Project", dev.Text("details.project-switcher li .current .menu-project-name"))
			screenshot(t, dev, "dashboard-developer")

			// As Developer: the credentials, no Billing.
			require.Equal(t, 1, dev.Count(browsertest.TestID("auth-token-show")), "a Developer sees the auth token cell")
			require.Zero(t, dev.Count(browsertest.TestID("balance")))
			entries := sidebarEntries(t, dev)
			require.NotContains(t, entries, l.billing, "no Billing in a Developer's sidebar")
			require.Contains(t, entries, l.settings)
			requireForbiddenPage(t, dev, l, "/services/billing")

			// Browser 1: the new member is listed as Developer, without 2FA.
			require.Equal(t, http.StatusOK, admin.Go("/settings/users"))
			c.requireSettingsPage("/settings/users", l.users, l.users)
			require.Equal(t, l.noPending, admin.Text(browsertest.TestID("invitations-empty")), "the invitation was used")
			require.Equal(t, 3, admin.Count(`[data-testid="members"] tbody tr`))
			row := memberRow(devEmail)
			cells = admin.Texts(row + " td")
			require.Len(t, cells, 6)
			require.Equal(t, []string{l.devName, devEmail}, cells[:2])
			require.Equal(t, l.off, cells[3], "2FA")
			require.Equal(t, l.remove, cells[5])
			sel := browsertest.TestID("role-select-" + devEmail)
			require.Equal(t, team.RoleDeveloper, admin.Value(sel))
			require.Equal(t, l.developer, selectedText(admin, sel))
			require.Equal(t, []string{l.developer, l.billingManager, l.support}, optionTexts(admin, sel))
			require.Equal(t, l.change, admin.Text(browsertest.TestID("role-save-"+devEmail)))
			screenshot(t, admin, "users-members")

			// Make them Billing Manager.
			admin.Select(sel, team.RoleBilling)
			require.Equal(t, http.StatusOK, admin.Submit(browsertest.TestID("role-save-"+devEmail)))
			c.requireSettingsPage("/settings/users", l.users, l.users)
			require.Equal(t, l.roleChanged, admin.Text(".flash"))
			require.Equal(t, team.RoleBilling, admin.Value(sel))
			require.Equal(t, l.billingManager, selectedText(admin, sel))

			// Browser 2, next page: Billing is there, the credentials are gone.
			require.Equal(t, http.StatusOK, dev.Go("/"))
			require.Equal(t, l.dashboardTitle, dev.Text("main h1"))
			entries = sidebarEntries(t, dev)
			require.Contains(t, entries, l.billing, "Billing in a Billing Manager's sidebar")
			require.NotContains(t, entries, l.settings, "but not Settings")
			require.Zero(t, dev.Count(browsertest.TestID("auth-token")), "a Billing Manager sees no auth token")
			require.Zero(t, dev.Count(browsertest.TestID("auth-token-show")))
			dev.WaitVisible(browsertest.TestID("balance"))
			screenshot(t, dev, "dashboard-billing-manager")
			billingLink := fmt.Sprintf("nav.sidebar ul.services > li:nth-child(%d) > a", slices.Index(entries, l.billing)+1)
			require.Equal(t, http.StatusOK, dev.Submit(billingLink))
			require.Equal(t, l.billing, dev.Text("main h1"))
			require.Equal(t, http.StatusOK, dev.Go("/services/billing"))
			require.Equal(t, l.billing, dev.Text("main h1"))
			requireForbiddenPage(t, dev, l, "/settings/credentials")

			admin.RequireNoConsoleErrors()
			requireNoConsoleErrorsBut403(t, dev, app.URL+"/services/billing", app.URL+"/settings/credentials")
		})
	}
}

// TestBrowserRequiredTwoFactor: the Owner turns on 2FA, then requires it
// for the project on Settings › General, where the Developer without it
// is listed; the Developer, in another browser, is sent to enrolment
// from the page they open, enrols, and gets in.
func TestBrowserRequiredTwoFactor(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	c := newConsoleTour(t, "en-US,en;q=0.9", "USD")
	app, owner := c.app, c.b
	ctx := context.Background()
	u, err := app.Services.Users.Create(ctx, app.Pool, devEmail, "Dev Example", devPassword, "")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, c.owner.AccountSID, u.ID, team.RoleDeveloper))

	// Browser 2: the Developer signs in before anything is required.
	dev := browsertest.New(t, app.URL, browsertest.Lang(c.lang))
	signInAs(t, dev, devEmail, devPassword)

	// Browser 1: the Owner turns on 2FA (user menu › User Settings).
	l := locales[0]
	l.userName = "Test Owner"
	(&flow{t: t, app: app, b: owner, l: l}).enableTwoFactor()

	// Settings › General lists the Developer without 2FA, not the Owner.
	require.Equal(t, http.StatusOK, owner.Submit(settingsLink))
	c.requireSettingsPage("/settings/general", "General", "General")
	require.Equal(t, "Require Two-Factor Authentication", owner.Text("#require-2fa h2"))
	require.Equal(t, "Not required.", owner.Text(browsertest.TestID("require2fa-status")))
	require.Equal(t, []string{"Dev Example <dev@example.com>"}, owner.Texts(browsertest.TestID("members-without-2fa")+" li"))
	require.Equal(t, "Require two-factor authentication", owner.Text(browsertest.TestID("require2fa-on")))
	screenshot(t, owner, "general-require-2fa")
	require.Equal(t, http.StatusOK, owner.Submit(browsertest.TestID("require2fa-on")))
	c.requireSettingsPage("/settings/general", "General", "General")
	require.Equal(t, "Two-factor authentication is now required for every member.", owner.Text(".flash"))
	require.Equal(t, "Required for every member.", owner.Text(browsertest.TestID("require2fa-status")))
	require.Equal(t, "Stop requiring", owner.Text(browsertest.TestID("require2fa-off")))

	// Browser 2: whatever they open, they are sent to enrolment first.
	require.Equal(t, http.StatusOK, dev.Go("/settings/keys"))
	require.Equal(t, "/user/settings/2fa/required", dev.URLPath())
	require.Equal(t, "Two-factor authentication required", dev.Text("main h1"))
	require.Equal(t, "The project Test Project requires two-factor authentication. Turn it on to continue.",
		dev.Text(browsertest.TestID("twofactor-required")))
	screenshot(t, dev, "twofactor-required")
	require.Equal(t, "Turn on two-factor authentication", dev.Text(browsertest.TestID("twofactor-enable")))
	require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("twofactor-enable")))
	require.Equal(t, "/user/settings/2fa", dev.URLPath())
	require.Equal(t, "Set up two-factor authentication", dev.Text("main h1"))
	secret := strings.Join(strings.Fields(dev.Text(browsertest.TestID("totp-secret"))), "")
	require.NotEmpty(t, secret)
	code, _ := nextUnusedCode(t, app.Services.Clock, secret, 0)
	dev.Fill(`input[name="code"]`, code)
	require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("twofactor-confirm")))
	require.Equal(t, "Recovery codes", dev.Text("main h1"))
	require.Len(t, dev.Texts(browsertest.TestID("recovery-codes")+" li"), 10)
	require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("recovery-done")))
	require.Equal(t, "/user/settings", dev.URLPath())
	require.Equal(t, "On: signing in asks for a code from your authenticator app.", dev.Text(browsertest.TestID("twofactor-status")))

	// Now the page they asked for opens.
	require.Equal(t, http.StatusOK, dev.Go("/settings/keys"))
	require.Equal(t, "/settings/keys", dev.URLPath())
	require.Equal(t, "API keys", dev.Text("main h1"))

	// Browser 1: everyone uses 2FA now.
	require.Equal(t, http.StatusOK, owner.Go("/settings/general"))
	require.Zero(t, owner.Count(browsertest.TestID("members-without-2fa")))
	require.Equal(t, "Every member uses two-factor authentication.", owner.Text("#require-2fa p.hint:last-of-type"))

	owner.RequireNoConsoleErrors()
	dev.RequireNoConsoleErrors()
}

// signInAs signs in through the form, without a second factor, and
// lands on the dashboard.
func signInAs(t *testing.T, b *browsertest.Browser, email, password string) {
	t.Helper()
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, email)
	b.Fill(`input[name="password"]`, password)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))
	require.Equal(t, "/", b.URLPath())
}

// sidebarEntries are the labels of the sidebar's services ("Billing"),
// after checking that the list holds nothing but its entries.
func sidebarEntries(t *testing.T, b *browsertest.Browser) []string {
	t.Helper()
	stray := browsertest.Eval[[]string](b, `Array.from(document.querySelector("nav.sidebar ul.services").childNodes)
		.filter(n => n.nodeType === 1 ? n.tagName !== "LI" : n.textContent.trim() !== "")
		.map(n => n.textContent.trim())`)
	require.Empty(t, stray, "the sidebar's list shows something that is not a service")
	entries := b.Texts("nav.sidebar ul.services > li > a")
	for i, e := range entries {
		entries[i] = strings.Join(strings.Fields(e), " ")
	}
	return entries
}

// memberRow is the members table's row of email.
func memberRow(email string) string {
	return fmt.Sprintf(`[data-testid="members"] tr[data-email=%q]`, email)
}

// optionTexts are the labels of a <select>'s options, in order.
func optionTexts(b *browsertest.Browser, sel string) []string {
	return browsertest.Eval[[]string](b, fmt.Sprintf(`Array.from(document.querySelector(%q).options, o => o.text.trim())`, sel))
}

// selectedText is the label of a <select>'s chosen option.
func selectedText(b *browsertest.Browser, sel string) string {
	return browsertest.Eval[string](b, fmt.Sprintf(`(s => s.options[s.selectedIndex].text.trim())(document.querySelector(%q))`, sel))
}

// requireForbiddenPage opens path, which the member's role may not see,
// and expects the 403 error page in their language.
func requireForbiddenPage(t *testing.T, b *browsertest.Browser, l teamLocale, path string) {
	t.Helper()
	require.Equal(t, http.StatusForbidden, b.Go(path))
	require.Equal(t, path, b.URLPath())
	require.Equal(t, l.lang[:2], b.Attr("html", "lang"))
	require.Equal(t, l.errorTitle, b.Text("main h1"))
	require.Equal(t, l.forbidden, b.Text(browsertest.TestID("error-message")))
}

// requireNoConsoleErrorsBut403 is RequireNoConsoleErrors, less the one
// error Chromium logs for each document the test opened knowing it is
// refused: "Failed to load resource: … status of 403" at exactly that
// URL. Anything else at those URLs (a CSP violation, an exception) still
// fails.
func requireNoConsoleErrorsBut403(t *testing.T, b *browsertest.Browser, forbidden ...string) {
	t.Helper()
	var lines []string
	for _, m := range b.ConsoleErrors() {
		expected := m.Source == "network" && strings.Contains(m.Text, "status of 403") && slices.Contains(forbidden, m.URL)
		if !expected {
			lines = append(lines, "  "+m.String())
		}
	}
	require.Empty(t, lines, "the browser console shows errors:\n%s", strings.Join(lines, "\n"))
}

// screenshot saves a full-page screenshot of b when BROWSERTEST_SCREENSHOTS
// is set, to look at the pages by eye.
func screenshot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	if os.Getenv("BROWSERTEST_SCREENSHOTS") != "" {
		t.Logf("screenshot: %s", b.Screenshot(name))
	}
}
