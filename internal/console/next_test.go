package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// requireSameSite fails unless out is a path on this site, however it is
// followed: as http.Redirect writes it (unchanged), as Go resolves it, and
// as a browser's URL parser would (tabs and newlines dropped, "\" read as
// "/": neither may be present).
func requireSameSite(t testing.TB, in, out string) {
	t.Helper()
	require.True(t, strings.HasPrefix(out, "/"), "%q → %q: not a path", in, out)
	require.False(t, strings.HasPrefix(out, "//"), "%q → %q: a network-path reference", in, out)
	for _, r := range out {
		require.True(t, r > 0x20 && r < 0x7f && r != '\\', "%q → %q: %q is not plain printable ASCII", in, out, r)
	}

	rec := httptest.NewRecorder()
	http.Redirect(rec, httptest.NewRequest(http.MethodPost, "/signin/2fa", nil), out, http.StatusSeeOther)
	require.Equal(t, out, rec.Header().Get("Location"), "%q: http.Redirect must leave the target as it is", in)

	ref, err := url.Parse(out)
	require.NoError(t, err, "%q → %q", in, out)
	require.Empty(t, ref.Scheme, "%q → %q", in, out)
	require.Empty(t, ref.Host, "%q → %q", in, out)
	base, _ := url.Parse("https://console.example/signin/2fa?next=x")
	got := base.ResolveReference(ref)
	require.Equal(t, "https", got.Scheme, "%q → %q", in, out)
	require.Equal(t, "console.example", got.Host, "%q → %q", in, out)
	require.Nil(t, got.User, "%q → %q", in, out)
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		// Kept: paths of this site, cleaned and escaped.
		"/":                       "/",
		"/usage?month=2026-10":    "/usage?month=2026-10",
		"/settings/users/":        "/settings/users/",
		"/a/../../usage":          "/usage",
		"/./usage":                "/usage",
		"/%2e%2e/%2e%2e/usage":    "/usage",
		"/x#//evil.com":           "/x",
		"/x?next=//evil.com":      "/x?next=%2F%2Fevil.com",
		"/x?back=\u00e9":          "/x?back=%C3%A9",
		"/@evil.com":              "/@evil.com",
		"/ evil.com":              "/%20evil.com",
		"/a%2F%2Fb":               "/a/b",
		"/ｅｖｉｌ.com":               "/%EF%BD%85%EF%BD%96%EF%BD%89%EF%BD%8C.com",
		"/／evil.com":              "/%EF%BC%8Fevil.com", // fullwidth solidus: not a slash to a browser
		"/\u2215evil.com":         "/%E2%88%95evil.com", // division slash
		"/%E2%80%AEmoc.live":      "/%E2%80%AEmoc.live", // right-to-left override, escaped
		"/settings/subaccounts/x": "/settings/subaccounts/x",
		// Refused: anything that is or could become another host.
		"":                        "/",
		"/./\\evil.com":           "/", // the finding: http.Redirect cleaned it to /\evil.com
		"/../\\evil.com":          "/", // the finding, by POST
		"/.%2F%5Cevil.com":        "/",
		"/%5Cevil.com":            "/",
		"/%5C%5Cevil.com":         "/",
		"/\\evil.com":             "/",
		"\\\\evil.com":            "/",
		"\\/evil.com":             "/",
		"//evil.com":              "/",
		"///evil.com":             "/",
		"////evil.com/":           "/",
		"/%2F%2Fevil":             "/",
		"/%2f/evil.com":           "/",
		"/%2F/evil.com":           "/",
		"//%2F..":                 "/",
		"/\t/evil.com":            "/",
		"/%09/evil.com":           "/",
		"/\n/evil.com":            "/",
		"/%0A/evil.com":           "/",
		"/\r/evil.com":            "/",
		"/%0d/evil.com":           "/",
		"/\x00":                   "/",
		"/%00":                    "/",
		"/\x7f":                   "/",
		"/\u0085evil.com":         "/", // NEL, a C1 control
		"/%C2%85evil.com":         "/",
		"https://evil.com":        "/",
		"HTTPS://evil.com/":       "/",
		"http:evil.com":           "/",
		"http:/evil.com":          "/",
		"javascript:alert(1)":     "/",
		"data:text/html,x":        "/",
		"evil.com":                "/",
		".//evil.com":             "/",
		"./usage":                 "/",
		" /evil":                  "/",
		"\t//evil.com":            "/",
		"/%zz":                    "/",
		"?next=/x":                "/",
		"#/x":                     "/",
		"//user@evil.com":         "/",
		"http://127.0.0.1/x":      "/",
		"/..":                     "/",
		"/x/..\\..\\evil.com":     "/",
		"/x?\\evil.com":           "/",
		"/\\t/evil.com":           "/",
		"/%5C/evil.com":           "/",
		"/%5c%2F%2Fevil.com%5C":   "/",
		"/\\\\?next=/x":           "/",
		"/\x1b[31m":               "/",
		"/%E2%80%8B/%2F/evil.com": "/%E2%80%8B/evil.com", // zero-width space, then a cleaned double slash
	} {
		got := safeNext(in)
		require.Equal(t, want, got, "safeNext(%q)", in)
		requireSameSite(t, in, got)
	}
}

// Whatever goes in, what comes out is a path on this site that
// http.Redirect leaves as it is.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/usage?month=2026-10", "/./\\evil.com", "/../\\evil.com", "//evil.com", "/%2F%2Fevil",
		"/\t/evil.com", "/%5Cevil.com", "https://evil.com", "/ｅｖｉｌ", "/x#//y", "/a/../../b", "\\\\x", "/%09/x", "/x?y=\\z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		requireSameSite(t, in, safeNext(in))
	})
}
