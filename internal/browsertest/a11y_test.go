package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
)

// pages serves each body under its path, in a document with lang and a
// strict CSP, and every other path as a 404.
func pages(t *testing.T, bodies map[string]string) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>%s</body></html>`, body)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// The accessibility check finds each kind of problem it names, and passes
// a page that has none (hidden fields and hidden icons aside).
func TestBrowserA11yProblems(t *testing.T) {
	browsertest.SkipShort(t)
	url := pages(t, map[string]string{
		"/good": `<header><nav aria-label="Main"><a href="/bad">Bad</a></nav></header><main><h1>Good</h1>
			<form><label>Name <input name="name"></label><label for="c">City</label><input id="c" name="city">
			<input name="q" aria-label="Search" aria-describedby="q-hint"><p id="q-hint">Words</p><input type="text" name="username" hidden>
			<button aria-label="Pin"><svg aria-hidden="true"><use href="#pin"></use></svg></button>
			<button>Save</button></form>
			<svg role="img" aria-label="Chart"><rect width="1" height="1"></rect></svg></main>`,
		"/bad": `<main><h1>One</h1><h1 id="x">Two</h1><p id="x"></p>
			<input name="nolabel"><input name="ghost" aria-label="Ghost" aria-describedby="nowhere"><select name="pick"><option>a</option></select><textarea name="note"></textarea>
			<button><svg><use href="#pin"></use></svg></button><a href="/good"></a><img src="/i.png">
			<svg><rect width="1" height="1"></rect></svg></main><main></main>`,
	})
	b := browsertest.New(t, url)
	b.Go("/good")
	require.Empty(t, b.A11yProblems())
	b.RequireAccessible()

	b.Go("/bad")
	require.ElementsMatch(t, []string{
		`field without a label: input[name="nolabel"]`,
		`aria-describedby names no element (nowhere): input[name="ghost"]`,
		`field without a label: select[name="pick"]`,
		`field without a label: textarea[name="note"]`,
		`control without a text alternative: button`,
		`control without a text alternative: a[href="/good"]`,
		`image without alt: img`,
		`svg without a name (or aria-hidden): svg`,
		`svg without a name (or aria-hidden): svg`,
		`id used 2 times: x`,
		`h1 count is 2, want 1`,
		`main landmark count is 2, want 1`,
	}, b.A11yProblems())

	got := b.Crawl([]string{"/good"}, 10, nil)
	require.Equal(t, []browsertest.Page{{Path: "/good", Status: 200}, {Path: "/bad", Status: 200}}, got, "each page once")
}
