// Package screenshots saves a picture of every console page, for review:
// `make screenshots DIR=path` after `make demo`. It is a test so that it can
// drive the browser-test harness; without SCREENSHOTS_DIR it skips, so
// `make test` never runs it.
package screenshots_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"console/internal/app"
	"console/internal/browsertest"
	"console/internal/config"
	"console/internal/database"
	"console/internal/server"
)

// starts are where the crawl begins; every page linked from them is
// reached, one of each kind (one receipt, one message, ...).
var starts = []string{"/", "/services", "/user/settings", "/user/settings/2fa", "/settings", "/usage/triggers/new",
	"/phone-numbers/search", "/no-such-page"}

// widths are a desktop window and a phone.
var widths = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"desktop", 1400, 900, false}, {"phone", 390, 844, true}}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// TestScreenshots signs in as the demo's owner on the database of
// DATABASE_URL (as `make demo` left it) and saves a full-page PNG of
// every page in English and Japanese, on a desktop and a phone, to
// $SCREENSHOTS_DIR, with an index.html showing them one after another.
// SCREENSHOTS_ONLY (a regexp of paths) keeps only the pages it matches.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("SCREENSHOTS_DIR")
	if out == "" {
		t.Skip("run by `make screenshots DIR=path`")
	}
	require.NoError(t, os.MkdirAll(out, 0o755))
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv, filepath.Join(moduleRoot(t), "var"))
	require.NoError(t, err)
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	require.NoError(t, err, "the database of DATABASE_URL: run `make demo` first")
	t.Cleanup(pool.Close)
	svc, err := app.New(cfg, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	srv, err := server.New(svc)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	svc.SetBaseURL(hs.URL)

	var index strings.Builder
	index.WriteString("<!DOCTYPE html><meta charset=utf-8><title>Console screenshots</title><body>\n")
	shoot := func(b *browsertest.Browser, l string, pages []browsertest.Page, first int) {
		for _, w := range widths {
			opts := []chromedp.EmulateViewportOption{}
			if w.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			_, err := chromedp.Run(b.Context(), chromedp.EmulateViewport(w.width, w.height, opts...))
			require.NoError(t, err)
			fmt.Fprintf(&index, "<h2>%s, %s (%d px)</h2>\n", l, w.name, w.width)
			for i, p := range pages {
				b.Go(p.Path)
				shot, err := chromedp.Run(b.Context(), chromedp.FullScreenshot(100))
				require.NoError(t, err, p.Path)
				name := fmt.Sprintf("%s-%s-%02d-%s.png", l, w.name, first+i, slug(p.Path))
				require.NoError(t, os.WriteFile(filepath.Join(out, name), shot, 0o644))
				fmt.Fprintf(&index, "<figure><figcaption>%s</figcaption><img src=%q width=%d alt=%q></figure>\n",
					html.EscapeString(p.Path), name, min(w.width, 700), html.EscapeString(p.Path))
			}
		}
	}
	// Signed out first, in a browser of each language.
	public := []browsertest.Page{{Path: "/signin"}, {Path: "/signup"}}
	for _, l := range []string{"en", "ja"} {
		shoot(browsertest.New(t, hs.URL, browsertest.Lang(l)), l, public, 0)
	}

	b := browsertest.New(t, hs.URL, browsertest.WindowSize(1400, 900))
	b.SetTimeout(60 * time.Second)
	require.Equal(t, http.StatusOK, b.Go("/signin"))
	b.Fill(`input[name="email"]`, env("SCREENSHOTS_EMAIL", "demo@example.com"))
	b.Fill(`input[name="password"]`, env("SCREENSHOTS_PASSWORD", "console-demo"))
	b.Submit(browsertest.TestID("signin-submit"))
	require.Equal(t, "/", b.URLPath(), "signed in as the demo's owner: run `make demo` first (or set SCREENSHOTS_EMAIL and SCREENSHOTS_PASSWORD)")
	pages := b.Crawl(starts, 150, nil)
	// The page that reveals the auth token is left out: a screenshot is a
	// file anyone may be sent, and must not carry a live credential.
	pages = slices.DeleteFunc(pages, func(p browsertest.Page) bool { return p.Path == "/console/auth-token" })
	if only := os.Getenv("SCREENSHOTS_ONLY"); only != "" { // a regexp of paths, to look again at a few
		re := regexp.MustCompile(only)
		pages = slices.DeleteFunc(pages, func(p browsertest.Page) bool { return !re.MatchString(p.Path) })
	}
	original := lang(b)

	for _, l := range []string{"en", "ja"} {
		if lang(b) != l {
			switchLanguage(b)
		}
		shoot(b, l, pages, len(public))
	}
	if lang(b) != original {
		switchLanguage(b) // leave the demo owner's language as it was
	}
	require.NoError(t, os.WriteFile(filepath.Join(out, "index.html"), []byte(index.String()), 0o644))
	t.Logf("%d pages × 2 languages × 2 widths saved to %s (open index.html)", len(public)+len(pages), out)
}

// lang is the language the console speaks on the current page.
func lang(b *browsertest.Browser) string {
	return browsertest.Eval[string](b, "document.documentElement.lang")
}

// switchLanguage uses the user menu's language switch, as a user would:
// the choice is kept on the user, so it holds for every page after.
func switchLanguage(b *browsertest.Browser) {
	b.Go("/")
	b.Click(browsertest.TestID("user-menu"))
	b.Submit(`.user-menu form[action="/language"] button`)
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// slug names a page's file after its path: "/billing/history?month=2026-11"
// becomes "billing-history-month-2026-11".
func slug(path string) string {
	s := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(path), "-"), "-")
	if s == "" {
		return "dashboard"
	}
	return s
}

// moduleRoot is the repository's root, where `make demo` keeps var/ (the
// secret key the demo's tokens were sealed with).
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}
