// Package browsertest drives a headless Chromium against a test server, for
// tests that must see what a user sees: real form posts, redirects, cookies,
// htmx swaps and the strict Content-Security-Policy.
//
//	app := webtest.Start(t)
//	b := browsertest.New(t, app.URL, browsertest.Lang("ja"))
//	b.Go("/signup")
//	b.Fill(`input[name="email"]`, "ann@example.com")
//	b.Submit(browsertest.TestID("signup-submit"))
//	require.Equal(t, "/", b.URLPath())
//	b.RequireNoConsoleErrors()
//
// Every step has a timeout (15 s unless [Browser.SetTimeout] says otherwise) and fails
// the test with the step, the selector and the page's URL. When the test has
// failed, a full-page screenshot, the page's HTML and the browser's console
// are saved under $BROWSERTEST_ARTIFACTS (or a directory under the system's
// temporary directory) and the path is logged.
//
// Chromium is found at $BROWSERTEST_CHROMIUM, else /usr/bin/chromium. A
// missing browser fails the test: CI installs it, and a browser test that
// skips silently proves nothing. Under -short every browser test skips
// instead, so `go test -short ./...` runs without Chromium: call
// [SkipShort] first thing in a browser test, before it builds its server;
// New calls it too.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// DefaultTimeout bounds each step.
const DefaultTimeout = 15 * time.Second

// Browser is one headless Chromium with one tab, bound to a test.
type Browser struct {
	t       testing.TB
	base    *url.URL
	ctx     context.Context // the tab's context; steps derive timeouts from it
	timeout time.Duration

	mu      sync.Mutex
	console []Message        // every console message, in order
	ignore  []*regexp.Regexp // console errors that RequireNoConsoleErrors skips
	output  lockedBuffer     // Chromium's own stdout and stderr
}

// Message is one entry of the browser's console: a console.* call, an
// uncaught exception, or a browser log entry (a CSP violation, a failed
// request).
type Message struct {
	Level  string // "error", "warning", "info", "log", "debug", "exception"
	Source string // "console-api", "exception", or the log source: "security", "network", ...
	Text   string
	URL    string
	Line   int64
}

func (m Message) String() string {
	s := fmt.Sprintf("[%s/%s] %s", m.Level, m.Source, m.Text)
	if m.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
	}
	return s
}

// IsError reports whether m is an error: console.error, an uncaught
// exception, or an error of the browser log such as a CSP violation.
func (m Message) IsError() bool {
	return m.Level == "error" || m.Level == "exception" || m.Level == "assert"
}

type config struct {
	lang     string
	timeZone string
	timeout  time.Duration
	width    int
	height   int
}

// Option configures New.
type Option func(*config)

// Lang sets the browser's language: the Accept-Language header of every
// request (pages, forms, htmx) and navigator.language. The default is "en".
// A list such as "ja,en;q=0.8" is sent as it is.
func Lang(lang string) Option { return func(c *config) { c.lang = lang } }

// TimeZone sets the browser's time zone (an IANA name), as a visitor's
// computer would: what Intl.DateTimeFormat reports to the page's script.
// The default is the machine's.
func TimeZone(tz string) Option { return func(c *config) { c.timeZone = tz } }

// WindowSize sets the window's size; the default is 1280x800.
func WindowSize(width, height int) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// SkipShort skips t under -short: browser tests are slow and need
// Chromium, which `go test -short` must not.
func SkipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped under -short")
	}
}

// New starts Chromium for t and opens a tab (it skips t under -short). Relative paths given to the
// steps are resolved against baseURL. The browser is closed when t ends.
func New(t testing.TB, baseURL string, opts ...Option) *Browser {
	t.Helper()
	SkipShort(t)
	cfg := config{lang: "en", timeout: DefaultTimeout, width: 1280, height: 800}
	for _, o := range opts {
		o(&cfg)
	}
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		t.Fatalf("browsertest: base URL %q is not absolute: %v", baseURL, err)
	}
	exe := os.Getenv("BROWSERTEST_CHROMIUM")
	if exe == "" {
		exe = DefaultChromium
	}
	if fi, err := os.Stat(exe); err != nil || fi.IsDir() {
		t.Fatalf("browsertest: Chromium not found at %s (%v). Browser tests need it: "+
			"install it (apt-get install chromium) or point BROWSERTEST_CHROMIUM at a Chromium or Chrome binary", exe, err)
	}

	b := &Browser{t: t, base: base, timeout: cfg.timeout}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("disable-search-engine-choice-screen", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("lang", primaryLang(cfg.lang)),
		chromedp.Flag("accept-lang", cfg.lang),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.CombinedOutput(&b.output),
	)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithListener(b.listen),
		chromedp.WithLogf(func(string, ...any) {}),
	)
	b.ctx = tabCtx
	// Cleanups run last-in first-out: the artifacts are saved (registered
	// below) while the browser still runs, then the browser is closed.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the process to exit, before TempDir's removal
	})

	// The first Run starts the browser: it must not carry a step timeout,
	// which would end the browser with it. Guard it with a timer instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tabCtx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		cancelTab()
		err = errors.New("no answer within 60s")
	}
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v\nbrowser output:\n%s", exe, err, b.output.String())
	}
	t.Cleanup(b.saveArtifactsOnFailure)

	b.run("set language", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := cdp.Call(ctx, tg, browser.GetVersion, cdp.Empty{})
		if err != nil {
			return err
		}
		// The UA override sets navigator.language(s) and the header; the
		// extra header makes sure every request carries exactly our value.
		if _, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: v.UserAgent, AcceptLanguage: cfg.lang,
		}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": cfg.lang},
		}); err != nil {
			return err
		}
		if cfg.timeZone == "" {
			return nil
		}
		_, err = cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: cfg.timeZone})
		return err
	}))
	return b
}

// primaryLang is the first tag of an Accept-Language list: "ja" for "ja,en;q=0.8".
func primaryLang(list string) string {
	tag, _, _ := strings.Cut(list, ",")
	tag, _, _ = strings.Cut(tag, ";")
	return strings.TrimSpace(tag)
}

// listen runs in the tab's event loop: it must return fast and run no command.
func (b *Browser) listen(ev any) {
	var m Message
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		m = Message{Level: string(ev.Type), Source: "console-api", Text: argsText(ev.Args)}
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			m.URL, m.Line = st.CallFrames[0].URL, st.CallFrames[0].LineNumber
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		m = Message{Level: "exception", Source: "exception", Text: d.Text, URL: d.URL, Line: d.LineNumber}
		if d.Exception != nil && d.Exception.Description != "" {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n")
			m.Text += " " + desc
		}
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		m = Message{Level: string(e.Level), Source: string(e.Source), Text: e.Text, URL: e.URL, Line: e.LineNumber}
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, m)
	b.mu.Unlock()
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
			parts = append(parts, "null")
		case a.Type == runtime.RemoteObjectTypeString:
			var s string
			if err := json.Unmarshal([]byte(a.Value), &s); err == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

// TestID is the CSS selector of the element with data-testid id.
func TestID(id string) string { return fmt.Sprintf("[data-testid=%q]", id) }

// Context is the tab's context, for chromedp calls the helpers don't cover.
// It has no step timeout: a call through it bounds itself.
func (b *Browser) Context() context.Context { return b.ctx }

// run runs steps with the step timeout and fails the test on error.
func (b *Browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// value runs one action with the step timeout and fails the test on error.
func value[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

func (b *Browser) fail(what string, err error) {
	b.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %s: %w", b.timeout, err)
	}
	b.t.Fatalf("browsertest: %s: %v\n  page: %s", what, err, b.currentURL())
}

// currentURL is the page's URL for messages; it never fails the test.
func (b *Browser) currentURL() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return u
}

// SetTimeout sets how long each of the following steps may take.
func (b *Browser) SetTimeout(d time.Duration) { b.timeout = d }

// abs resolves a path against the base URL.
func (b *Browser) abs(path string) string {
	u, err := b.base.Parse(path)
	if err != nil {
		b.t.Fatalf("browsertest: bad path %q: %v", path, err)
	}
	return u.String()
}

// Go loads path (relative to the base URL, or absolute) and waits for the
// page to load. It returns the HTTP status of the document.
func (b *Browser) Go(path string) int {
	b.t.Helper()
	res := value(b, "go to "+path, chromedp.NavigateResponse(b.abs(path)))
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// Click clicks the first visible element matching the CSS selector and
// returns without waiting for a navigation: use it to open a <details>
// menu, or for an htmx action, then wait for its effect.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Submit clicks the first visible element matching the CSS selector (a
// submit button or a link) and waits until the page it leads to has
// loaded, following redirects. It returns the HTTP status of the final
// document (e.g. 200, or 422 for a form shown again with errors).
func (b *Browser) Submit(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fail("submit "+sel, err)
	}
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// Fill replaces the value of the input matching the CSS selector by typing
// value into it, as a user would.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	b.run(fmt.Sprintf("fill %s", sel),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		// chromedp.Clear only resets the value attribute, not what was typed.
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
	if got := b.Value(sel); got != value {
		b.t.Fatalf("browsertest: fill %s: the field holds %q, want %q", sel, got, value)
	}
}

// Select chooses the option with value in the <select> matching the selector.
func (b *Browser) Select(sel, value string) {
	b.t.Helper()
	b.run("select "+value+" in "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
	if got := b.Value(sel); got != value {
		b.t.Fatalf("browsertest: select %s: the field holds %q, want %q (no such option?)", sel, got, value)
	}
}

// Value is the current value of the form field matching the selector.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	return value(b, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.run("wait for "+sel+" to be visible", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Text waits until the first element matching the CSS selector is visible
// and returns its rendered text (innerText), trimmed.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(value(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// Texts returns the trimmed text of every element matching the CSS
// selector, in document order; none is an empty slice. It does not wait.
func (b *Browser) Texts(sel string) []string {
	b.t.Helper()
	js := fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.innerText.trim())`, sel)
	return value(b, "texts of "+sel, chromedp.Evaluate[[]string](js))
}

// Count is the number of elements matching the CSS selector. It does not wait.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	return value(b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// Attr is the attribute name of the first element matching the selector
// ("" when absent). It waits for the element to exist.
func (b *Browser) Attr(sel, name string) string {
	b.t.Helper()
	return value(b, "attribute "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

// Eval evaluates a JavaScript expression in the page (through DevTools, so
// the page's CSP does not apply) and decodes its JSON value into T.
//
//	loaded := browsertest.Eval[bool](b, `document.querySelector("img.qr").naturalWidth > 0`)
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	return value(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// URL is the page's full URL.
func (b *Browser) URL() string {
	b.t.Helper()
	return value(b, "location", chromedp.Location())
}

// URLPath is the path of the page's URL, e.g. "/signin/2fa".
func (b *Browser) URLPath() string {
	b.t.Helper()
	u, err := url.Parse(b.URL())
	if err != nil {
		b.t.Fatalf("browsertest: page URL: %v", err)
	}
	return u.Path
}

// Title is the document's title.
func (b *Browser) Title() string {
	b.t.Helper()
	return value(b, "title", chromedp.Title())
}

// HTML is the document's current markup (after scripts ran).
func (b *Browser) HTML() string {
	b.t.Helper()
	return value(b, "page HTML", chromedp.OuterHTML(chromedp.CSS("html")))
}

// Console returns the console messages seen so far.
func (b *Browser) Console() []Message {
	b.sync()
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Message(nil), b.console...)
}

// IgnoreConsoleErrors makes ConsoleErrors and RequireNoConsoleErrors skip
// errors whose text or URL matches pattern, for a test that provokes one on
// purpose (e.g. a 422 page: Chromium logs "Failed to load resource" for
// it).
func (b *Browser) IgnoreConsoleErrors(pattern string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ignore = append(b.ignore, regexp.MustCompile(pattern))
}

// ignored reports whether m is skipped: the browser's own request for
// /favicon.ico (made whether or not the page names an icon) and the
// patterns of IgnoreConsoleErrors.
func (b *Browser) ignored(m Message) bool {
	if m.Source == "network" && strings.HasSuffix(m.URL, "/favicon.ico") {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.ContainsFunc(b.ignore, func(re *regexp.Regexp) bool { return re.MatchString(m.Text) || re.MatchString(m.URL) })
}

// ConsoleErrors returns the console errors seen so far: console.error
// calls, uncaught exceptions, CSP violations and failed requests, less the
// ignored ones (see IgnoreConsoleErrors).
func (b *Browser) ConsoleErrors() []Message {
	var errs []Message
	for _, m := range b.Console() {
		if m.IsError() && !b.ignored(m) {
			errs = append(errs, m)
		}
	}
	return errs
}

// RequireNoConsoleErrors fails the test if the console has shown an error
// since the browser started: a CSP violation (inline script or style,
// eval), an uncaught exception, console.error, or a failed request.
func (b *Browser) RequireNoConsoleErrors() {
	b.t.Helper()
	if errs := b.ConsoleErrors(); len(errs) > 0 {
		lines := make([]string, len(errs))
		for i, m := range errs {
			lines[i] = "  " + m.String()
		}
		b.t.Fatalf("browsertest: the browser console shows %d error(s):\n%s", len(errs), strings.Join(lines, "\n"))
	}
}

// sync makes sure the events sent before now have reached the listener:
// the tab delivers events in order, before the reply to a later command.
func (b *Browser) sync() {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`0`))
}

// Screenshot saves a full-page PNG under the artifacts directory and
// returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := value(b, "screenshot", chromedp.FullScreenshot(100))
	p := filepath.Join(b.artifactsDir(), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: saving screenshot: %v", err)
	}
	return p
}

// artifactsDir is where this test's screenshots go: kept after the test,
// unlike t.TempDir.
func (b *Browser) artifactsDir() string {
	root := os.Getenv("BROWSERTEST_ARTIFACTS")
	if root == "" {
		root = filepath.Join(os.TempDir(), "browsertest-artifacts")
	}
	name := regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(b.t.Name(), "_")
	dir := filepath.Join(root, name+"-"+time.Now().Format("20060102-150405.000"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("browsertest: artifacts directory: %v", err)
	}
	return dir
}

// saveArtifactsOnFailure keeps what the browser showed when the test failed.
func (b *Browser) saveArtifactsOnFailure() {
	if !b.t.Failed() {
		return
	}
	dir := b.artifactsDir()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	var notes []string
	if u, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		notes = append(notes, "URL: "+u)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "screenshot.png"), png, 0o644)
	} else {
		notes = append(notes, "screenshot failed: "+err.Error())
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
	} else {
		notes = append(notes, "HTML failed: "+err.Error())
	}
	b.mu.Lock()
	for _, m := range b.console {
		notes = append(notes, "console: "+m.String())
	}
	b.mu.Unlock()
	_ = os.WriteFile(filepath.Join(dir, "console.txt"), []byte(strings.Join(notes, "\n")+"\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "chromium.log"), []byte(b.output.String()), 0o644)
	b.t.Logf("browsertest: the test failed; screenshot, HTML and console saved in %s", dir)
}

// lockedBuffer collects Chromium's output, written from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const maxOutput = 1 << 20

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < maxOutput {
		w.buf.Write(p)
	}
	return len(p), nil
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// FollowMailedLink opens the development mailbox (/dev/mailbox), reads
// the newest mail to the address to, and goes to the first link in its
// body that pattern matches, as its recipient would; it returns the link
// and the status of the page it led to. The test fails when there is no
// such mail or link.
func (b *Browser) FollowMailedLink(to string, pattern *regexp.Regexp) (string, int) {
	b.t.Helper()
	b.Go("/dev/mailbox")
	toJSON, _ := json.Marshal(to)
	href := Eval[string](b, `(() => {
		for (const li of document.querySelectorAll(".mail-list li")) {
			if (li.querySelector(".mail-to")?.textContent === `+string(toJSON)+`) return li.querySelector("a").getAttribute("href");
		}
		return "";
	})()`)
	if href == "" {
		b.t.Fatalf("browsertest: no mail to %s in the development mailbox", to)
	}
	b.Go(href)
	body := b.Text(`[data-testid="mail-body"]`)
	link := pattern.FindString(body)
	if link == "" {
		b.t.Fatalf("browsertest: no link matching %s in the mail to %s:\n%s", pattern, to, body)
	}
	return link, b.Go(link)
}
