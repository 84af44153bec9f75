package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
)

// site is a tiny server with a strict CSP that records the Accept-Language
// of every request.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	langs map[string]string // path -> Accept-Language
}

const csp = "default-src 'self'; script-src 'self'; style-src 'self'"

func newSite(t *testing.T) *site {
	s := &site{langs: map[string]string{}}
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>t</title></head><body>%s</body></html>`, body)
		}
	}
	mux.Handle("/clean", page(`<h1 id="h">Hello</h1>
		<details class="menu"><summary>Menu</summary><a id="next" href="/next">Next</a></details>
		<form method="post" action="/posted"><input name="q"><button id="go">Go</button></form>
		<ul><li> a </li><li>b</li></ul>
		<script src="/fetch.js"></script>`))
	mux.Handle("/next", page(`<h1 id="h">Next</h1>`))
	mux.HandleFunc("POST /posted", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/next?q="+r.PostFormValue("q"), http.StatusSeeOther)
	})
	mux.Handle("/inline", page(`<h1 id="h">Inline</h1><script>document.title = "ran"</script>`))
	mux.Handle("/error", page(`<script src="/error.js"></script>`))
	mux.HandleFunc("/fetch.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `fetch("/xhr").then(r => r.text()).then(t => { document.body.dataset.xhr = t })`)
	})
	mux.HandleFunc("/error.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `console.error("boom from script")`)
	})
	mux.HandleFunc("/xhr", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "done") })
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.langs[r.URL.Path] = r.Header.Get("Accept-Language")
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) lang(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.langs[path]
}

func TestBrowserSteps(t *testing.T) {
	browsertest.SkipShort(t)
	s := newSite(t)
	b := browsertest.New(t, s.URL)
	require.Equal(t, 200, b.Go("/clean"))
	require.Equal(t, "/clean", b.URLPath())
	require.Equal(t, "Hello", b.Text("#h"))
	require.Equal(t, []string{"a", "b"}, b.Texts("li"))
	require.Equal(t, 2, b.Count("li"))
	require.Equal(t, "/next", b.Attr("#next", "href"))
	b.WaitVisible(`body[data-xhr="done"]`)

	b.Click("details.menu > summary")
	require.Equal(t, 200, b.Submit("#next"))
	require.Equal(t, "Next", b.Text("#h"))

	b.Go("/clean")
	b.Fill(`input[name="q"]`, "テスト")
	b.Fill(`input[name="q"]`, "x y")
	require.Equal(t, 200, b.Submit("#go"))
	require.Equal(t, s.URL+"/next?q=x%20y", b.URL())
	b.RequireNoConsoleErrors()
	require.Equal(t, "en", s.lang("/clean"))
}

func TestBrowserLanguage(t *testing.T) {
	browsertest.SkipShort(t)
	s := newSite(t)
	b := browsertest.New(t, s.URL, browsertest.Lang("ja"))
	b.Go("/clean")
	b.WaitVisible(`body[data-xhr="done"]`)
	require.Equal(t, "ja", s.lang("/clean"), "document request")
	require.Equal(t, "ja", s.lang("/xhr"), "fetch request")
	require.Equal(t, "ja", s.lang("/fetch.js"), "script request")
	b.RequireNoConsoleErrors()
}

func TestBrowserConsoleErrors(t *testing.T) {
	browsertest.SkipShort(t)
	s := newSite(t)
	b := browsertest.New(t, s.URL)
	b.Go("/inline")
	require.Equal(t, "t", b.Title(), "the CSP must have blocked the inline script")
	b.Go("/error")
	errs := b.ConsoleErrors()
	var texts []string
	for _, m := range errs {
		texts = append(texts, m.String())
	}
	all := strings.Join(texts, "\n")
	require.Contains(t, all, "Content Security Policy", "CSP violation")
	require.Contains(t, all, "boom from script", "console.error")

	b.IgnoreConsoleErrors(`Content Security Policy|boom`)
	require.Empty(t, b.ConsoleErrors())
}

// fakeTB records a fatal failure, or pretends the test failed, while
// cleanups still go to the real test. Until armed, a fatal failure is the
// real test's: set-up that fails must fail the test, not end a goroutine
// that is not the test's.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	armed  bool
	fatal  string
	failed bool
}

// arm makes the following fatal failures recorded ones: call it before
// the step under test, which must then run in a goroutine of its own.
func (f *fakeTB) arm() {
	f.mu.Lock()
	f.armed = true
	f.mu.Unlock()
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	armed := f.armed
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	if !armed {
		f.TB.Fatalf(format, args...)
	}
	runtime.Goexit()
}

func (f *fakeTB) fatalText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fatal
}

func (f *fakeTB) Failed() bool { return f.failed || f.TB.Failed() }

func TestBrowserMissingChromium(t *testing.T) {
	browsertest.SkipShort(t)
	t.Setenv("BROWSERTEST_CHROMIUM", filepath.Join(t.TempDir(), "no-such-chromium"))
	f := &fakeTB{TB: t}
	f.arm()
	done := make(chan struct{})
	go func() {
		defer close(done)
		browsertest.New(f, "http://127.0.0.1:1")
	}()
	<-done
	require.Contains(t, f.fatalText(), "Chromium not found")
	require.Contains(t, f.fatalText(), "no-such-chromium")
}

func TestBrowserArtifactsOnFailure(t *testing.T) {
	browsertest.SkipShort(t)
	dir := t.TempDir()
	t.Setenv("BROWSERTEST_ARTIFACTS", dir)
	s := newSite(t)
	t.Run("failing", func(t *testing.T) {
		f := &fakeTB{TB: t, failed: true}
		b := browsertest.New(f, s.URL)
		b.Go("/clean")
	})
	runs, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.True(t, strings.HasPrefix(runs[0].Name(), "TestBrowserArtifactsOnFailure_failing-"), runs[0].Name())
	for _, name := range []string{"screenshot.png", "page.html", "console.txt"} {
		fi, err := os.Stat(filepath.Join(dir, runs[0].Name(), name))
		require.NoError(t, err)
		require.NotZero(t, fi.Size(), name)
	}
	html, err := os.ReadFile(filepath.Join(dir, runs[0].Name(), "page.html"))
	require.NoError(t, err)
	require.Contains(t, string(html), "Hello")
}

func TestBrowserStepTimeout(t *testing.T) {
	browsertest.SkipShort(t)
	s := newSite(t)
	f := &fakeTB{TB: t}
	// Set-up runs with the default timeout and fails the real test if it
	// fails: only the step under test gets the short limit.
	b := browsertest.New(f, s.URL)
	b.Go("/clean")
	b.SetTimeout(time.Second)
	f.arm()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.WaitVisible("#missing")
	}()
	<-done
	require.Less(t, time.Since(start), 5*time.Second)
	require.Contains(t, f.fatalText(), "wait for #missing to be visible: timed out after 1s")
	require.Contains(t, f.fatalText(), "page: "+s.URL+"/clean")
}
