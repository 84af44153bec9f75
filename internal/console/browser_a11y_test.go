package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/demo"
	"console/internal/webtest"
)

// a11yStarts are where the accessibility crawl begins: the dashboard, and
// pages no link leads to (a 404 keeps the shell and must pass too).
var a11yStarts = []string{"/", "/services", "/user/settings", "/user/settings/2fa", "/settings", "/usage/triggers/new",
	"/phone-numbers/search", "/no-such-page"}

// Every page an owner with history can reach, in English and Japanese,
// passes the accessibility basics: labelled fields, named icon buttons and
// links, no duplicate ids, one h1, one main landmark. The pages are found
// by following the console's own links, so new pages are checked as they
// appear; the signed-out pages are checked first.
func TestBrowserAccessibilityEveryPage(t *testing.T) {
	browsertest.SkipShort(t)
	app := webtest.Start(t)
	s := app.Services
	_, err := demo.Seed(context.Background(), demo.Deps{Pool: app.Pool, Users: s.Users, Accounts: s.Accounts, Billing: s.Billing, Numbers: s.Numbers,
		Messages: s.Messages, Calls: s.Calls, Triggers: s.Triggers, SubaccountLimit: app.Config.MaxSubaccounts},
		demo.Options{Email: "a11y@example.com", Password: "console-demo", Days: 35, Now: time.Now()})
	require.NoError(t, err)

	var problems []string
	check := func(b *browsertest.Browser, lang string, p browsertest.Page) {
		t.Helper()
		require.Less(t, p.Status, 500, "%s %s", lang, p.Path)
		for _, line := range b.A11yProblems() {
			problems = append(problems, lang+" "+p.Path+": "+line)
		}
	}

	b := browsertest.New(t, app.URL)
	b.SetTimeout(30 * time.Second)
	b.IgnoreConsoleErrors(`status of 404 \(Not Found\)`) // the error pages, visited on purpose
	for _, path := range []string{"/signin", "/signup", "/invitation?token=nope"} {
		check(b, "en", browsertest.Page{Path: path, Status: b.Go(path)})
	}
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, "a11y@example.com")
	b.Fill(`input[name="password"]`, "console-demo")
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))

	pages := b.Crawl(a11yStarts, 150, func(p browsertest.Page) { check(b, "en", p) })
	t.Logf("%d pages checked in each language", len(pages))
	require.Greater(t, len(pages), 30, "the crawl reaches the console's pages")
	require.NotEqual(t, http.StatusOK, statusOf(pages, "/no-such-page"))

	ja := browsertest.New(t, app.URL, browsertest.Lang("ja"))
	ja.SetTimeout(30 * time.Second)
	require.Equal(t, http.StatusOK, ja.Go("/signin"))
	ja.Fill(`input[name="email"]`, "a11y@example.com")
	ja.Fill(`input[name="password"]`, "console-demo")
	require.Equal(t, http.StatusOK, ja.Submit(browsertest.TestID("signin-submit")))
	for _, p := range pages {
		check(ja, "ja", browsertest.Page{Path: p.Path, Status: ja.Go(p.Path)})
	}
	require.Empty(t, problems, "accessibility problems:\n%s", strings.Join(problems, "\n"))
	b.RequireNoConsoleErrors()
}

func statusOf(pages []browsertest.Page, path string) int {
	for _, p := range pages {
		if p.Path == path {
			return p.Status
		}
	}
	return 0
}

// The keyboard reaches everything the mouse does: the first Tab lands on
// the skip link, Enter on a menu's summary opens it, Escape closes it and
// gives the focus back to the summary, and the focused control is outlined.
func TestBrowserMenusWithTheKeyboard(t *testing.T) {
	browsertest.SkipShort(t)
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	b := browsertest.New(t, app.URL)
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, o.Email)
	b.Fill(`input[name="password"]`, o.Password)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))

	press := func(key string) {
		t.Helper()
		_, err := chromedp.Run(b.Context(), chromedp.KeyEvent(key))
		require.NoError(t, err)
	}
	focused := func() string {
		return browsertest.Eval[string](b, `(document.activeElement.getAttribute("data-testid") || document.activeElement.className || "")`)
	}
	press(kb.Tab)
	require.Equal(t, "skip-link", focused())
	require.NotEqual(t, "none", browsertest.Eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`), "focus is visible")
	press(kb.Tab)
	require.True(t, browsertest.Eval[bool](b, `document.activeElement.matches("details.project-switcher > summary")`), "then the project menu")
	press(kb.Tab)
	require.Equal(t, "user-menu", focused())
	press(kb.Enter)
	require.True(t, browsertest.Eval[bool](b, `document.querySelector("details.user-menu").open`), "Enter opens the menu")
	press(kb.Tab)
	require.Equal(t, "/user/settings", browsertest.Eval[string](b, `document.activeElement.getAttribute("href")`), "Tab walks into the menu")
	press(kb.Escape)
	require.False(t, browsertest.Eval[bool](b, `document.querySelector("details.user-menu").open`), "Escape closes it")
	require.Equal(t, "user-menu", focused(), "and the focus goes back to the menu's summary")
	b.RequireNoConsoleErrors()
}
