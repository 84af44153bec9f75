package console_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/browsertest"
	"console/internal/team"
	"console/internal/webtest"
)

// projectsLocale is what a user of one language types and reads in the
// project menu. The labels are copied from internal/i18n/catalog on
// purpose: a wrong translation must fail here, not be echoed.
type projectsLocale struct {
	name, lang, currency string
	project              string // the second project's name, as typed
	timeZone             string

	newProject   string // projects.new
	newTitle     string // projects.new_title
	create       string // projects.create
	created      string // projects.created, with project
	owner        string // role.owner
	developer    string // role.developer
	subaccounts  string // projects.subaccounts
	search       string // projects.search_subaccounts
	leave        string // projects.leave
	leaveTitle   string // projects.leave_title
	leaveConfirm string // projects.leave_confirm, with "Test Project"
	left         string // projects.left, with "Test Project"
	noneLeft     string // projects.none_left
}

var projectsLocales = []projectsLocale{
	{
		name: "English", lang: "en-US,en;q=0.9", currency: "USD", project: "Osaka Lab", timeZone: "America/New_York",
		newProject:   "Create new project",
		newTitle:     "Create a new project",
		create:       "Create project",
		created:      "Project Osaka Lab created. You are its Owner.",
		owner:        "Owner",
		developer:    "Developer",
		subaccounts:  "Subaccounts",
		search:       "Search subaccounts",
		leave:        "Leave project",
		leaveTitle:   "Leave this project",
		leaveConfirm: "Leave Test Project? You lose access to it at once; a member who manages users can invite you again.",
		left:         "You left Test Project.",
		noneLeft:     "You are not a member of any project any more. Create a project to carry on.",
	},
	{
		name: "Japanese", lang: "ja", currency: "JPY", project: "大阪ラボ", timeZone: "Asia/Tokyo",
		newProject:   "新しいプロジェクトを作成",
		newTitle:     "新しいプロジェクトの作成",
		create:       "プロジェクトを作成",
		created:      "プロジェクト「大阪ラボ」を作成しました。あなたがオーナーです。",
		owner:        "オーナー",
		developer:    "開発者",
		subaccounts:  "サブアカウント",
		search:       "サブアカウントを検索",
		leave:        "プロジェクトから退出",
		leaveTitle:   "このプロジェクトから退出",
		leaveConfirm: "「Test Project」から退出しますか？ すぐにアクセスできなくなります。ユーザー管理の権限を持つメンバーが再度招待できます。",
		left:         "「Test Project」から退出しました。",
		noneLeft:     "現在どのプロジェクトにも所属していません。続けるにはプロジェクトを作成してください。",
	},
}

const projectMenu = "details.project-switcher"

// openProjectMenu opens the project menu with the keyboard (focus, Enter),
// as the menus must allow.
func openProjectMenu(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	_, err := chromedp.Run(b.Context(), chromedp.Focus(chromedp.CSS(projectMenu+" > summary")))
	require.NoError(t, err)
	_, err = chromedp.Run(b.Context(), chromedp.KeyEvent(kb.Enter))
	require.NoError(t, err)
	webtest.Eventually(t, "the project menu opens", func() bool {
		return browsertest.Eval[bool](b, `document.querySelector("details.project-switcher").open`)
	})
}

// TestBrowserProjects walks, in real Chromium and in each language: the
// project menu (opened with the keyboard, closed with Escape) → "Create
// new project" → the new project, current and owned, listed with the
// role beside the first → switch back → the menu's subaccounts, searched
// past eight, and switching into one directly (the menu names it) → a
// member leaving their only project and being offered to create one.
func TestBrowserProjects(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range projectsLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			c := newConsoleTour(t, l.lang, l.currency)
			b, ctx := c.b, context.Background()

			// The menu, by keyboard: Enter opens it, Escape closes it and
			// gives the focus back to its summary.
			openProjectMenu(t, b)
			require.Equal(t, l.newProject, b.Text(browsertest.TestID("menu-new-project")))
			require.Zero(t, b.Count(browsertest.TestID("menu-leave-project")), "the Owner is not offered to leave")
			_, err := chromedp.Run(b.Context(), chromedp.KeyEvent(kb.Escape))
			require.NoError(t, err)
			require.False(t, browsertest.Eval[bool](b, `document.querySelector("details.project-switcher").open`))
			require.True(t, browsertest.Eval[bool](b, `document.activeElement === document.querySelector("details.project-switcher > summary")`))

			// Create a second project.
			openProjectMenu(t, b)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("menu-new-project")))
			require.Equal(t, "/projects/new", b.URLPath())
			require.Equal(t, l.newTitle, b.Text("main h1"))
			b.Fill(`input[name="project_name"]`, l.project)
			b.Select(`select[name="time_zone"]`, l.timeZone)
			require.Equal(t, l.currency, b.Value(`select[name="currency"]`), "the currency follows the language")
			require.Equal(t, l.create, b.Text(browsertest.TestID("new-project-submit")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("new-project-submit")))
			require.Equal(t, "/", b.URLPath())
			require.Equal(t, l.created, b.Text(".flash"))
			require.Equal(t, l.project, b.Text(browsertest.TestID("project-name")))
			newSID := b.Text(browsertest.TestID("account-sid"))
			require.NotEqual(t, c.owner.AccountSID, newSID)
			c.screenshot("project-created")

			// Both projects, each with the role; switch back to the first.
			openProjectMenu(t, b)
			require.Equal(t, []string{"Test Project", l.project}, b.Texts(projectMenu+" .menu-project-name"))
			require.Equal(t, []string{l.owner, l.owner}, b.Texts(projectMenu+" .menu-role"))
			require.Equal(t, l.project, b.Text(projectMenu+" .current .menu-project-name"))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("menu-project-"+c.owner.AccountSID)))
			require.Equal(t, "Test Project", b.Text(browsertest.TestID("project-name")))
			require.Equal(t, c.owner.AccountSID, b.Text(browsertest.TestID("account-sid")))

			// Ten subaccounts: the menu lists eight and searches the rest.
			project, err := c.app.Services.Accounts.Get(ctx, c.app.Pool, c.owner.AccountSID, c.owner.AccountSID)
			require.NoError(t, err)
			var kyoto *account.Account
			for i, name := range []string{"Kyoto", "Branch 1", "Branch 2", "Branch 3", "Branch 4", "Branch 5", "Branch 6", "Branch 7", "Branch 8", "Branch 9"} {
				tx, err := c.app.Pool.Begin(ctx)
				require.NoError(t, err)
				a, _, err := c.app.Services.Accounts.CreateSubaccount(ctx, tx, project, name, 1000)
				require.NoError(t, err)
				require.NoError(t, tx.Commit(ctx))
				if i == 0 {
					kyoto = a
				}
			}
			require.Equal(t, http.StatusOK, b.Go("/"))
			openProjectMenu(t, b)
			require.Equal(t, l.subaccounts, browsertest.Eval[string](b, `document.querySelector("#menu-subaccounts-heading").textContent`), "the heading (shown in capitals)")
			require.Len(t, b.Texts("#menu-subaccount-results li"), 8)
			require.Zero(t, b.Count(browsertest.TestID("menu-subaccount-"+kyoto.SID)), "Kyoto sorts past the eighth")
			require.Equal(t, l.search, b.Attr(browsertest.TestID("menu-subaccount-search"), "aria-label"))
			b.Fill(browsertest.TestID("menu-subaccount-search"), "kyo")
			webtest.Eventually(t, "the search finds Kyoto alone", func() bool {
				return fmt.Sprint(b.Texts("#menu-subaccount-results li")) == "[Kyoto]"
			})
			c.screenshot("project-menu-search")
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("menu-subaccount-"+kyoto.SID)))
			require.Equal(t, "/", b.URLPath())
			require.Equal(t, kyoto.SID, b.Text(browsertest.TestID("account-sid")), "the console is the subaccount's")
			require.Contains(t, b.Text(browsertest.TestID("menu-current-subaccount")), "Kyoto", "the menu names the subaccount")
			require.Equal(t, 1, b.Count(browsertest.TestID("subaccount-band")))
			c.screenshot("in-subaccount-from-menu")

			// A member leaves their only project.
			u, err := c.app.Services.Users.Create(ctx, c.app.Pool, "leaver@example.com", "Leaver", "member password", "")
			require.NoError(t, err)
			require.NoError(t, team.Add(ctx, c.app.Pool, c.owner.AccountSID, u.ID, team.RoleDeveloper))
			dev := browsertest.New(t, c.app.URL, browsertest.Lang(l.lang))
			require.Equal(t, http.StatusOK, dev.Go("/signin"))
			dev.Fill(`input[name="email"]`, "leaver@example.com")
			dev.Fill(`input[name="password"]`, "member password")
			require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("signin-submit")))
			openProjectMenu(t, dev)
			require.Equal(t, []string{l.developer}, dev.Texts(projectMenu+" .menu-role"))
			require.Equal(t, l.leave, dev.Text(browsertest.TestID("menu-leave-project")))
			require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("menu-leave-project")))
			require.Equal(t, l.leaveTitle, dev.Text("main h1"))
			require.Equal(t, l.leaveConfirm, dev.Text("main .panel p"))
			require.Equal(t, http.StatusOK, dev.Submit(browsertest.TestID("leave-submit")))
			require.Equal(t, "/projects/new", dev.URLPath())
			require.Equal(t, l.left, dev.Text(".flash"))
			require.Equal(t, l.noneLeft, dev.Text(browsertest.TestID("no-project")))
			screenshot(t, dev, "no-project-left")
			require.Equal(t, 1, webtest.Count(t, c.app, `SELECT count(*) FROM memberships WHERE project_sid = $1`, c.owner.AccountSID))
			b.RequireNoConsoleErrors()
			dev.RequireNoConsoleErrors()
		})
	}
}
