package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// badText are values PostgreSQL cannot store or compare as text: a NUL
// character, bytes that are not UTF-8, a truncated UTF-8 sequence, and a
// SID whose last digit is a NUL.
var badText = []string{"a\x00b", "\xff\xfe", "\xe6\x97", "AC0123456789abcdef0123456789abcde\x00"}

// queryKeys are the query parameters the API and the console read.
var queryKeys = []string{"To", "From", "Page", "PageSize", "PageToken", "StartDate", "EndDate", "Category", "DateSent", "FriendlyName",
	"Status", "Recurring", "TriggerBy", "UsageCategory", "IncludeSubaccounts", "Contains", "month", "account", "after", "to", "from", "next",
	"token", "reveal", "sort", "dir", "country", "type", "contains"}

// Input alone never yields a 5xx: every registered route, API and
// console, gets a NUL character and invalid UTF-8 in each path parameter,
// in the query and in each form field (and one more field), as the
// owner who may otherwise use it. The API answers 400 in Twilio's shape
// for a parameter and 404 for a URL; the console 422 for a form field,
// 400 for a query, 404 for a URL. Nothing changes.
func TestBadInputNeverYieldsAServerError(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	m := &matrix{t: t, app: app}
	m.a, m.b = m.newTenant(), m.newTenant()

	var routes []string
	err := chi.Walk(app.Server.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	require.NoError(t, err)
	sort.Strings(routes)
	require.Greater(t, len(routes), 100)

	// Requests are sent raw: url.Values would escape what a client need not.
	send := func(isAPI bool, method, path string, form url.Values) *webtest.Response {
		var body *strings.Reader
		if method == http.MethodPost {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequest(method, app.URL+path, body)
		require.NoError(t, err, path)
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if isAPI {
			req.SetBasicAuth(m.a.owner.AccountSID, m.a.owner.AuthToken)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			return &webtest.Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
		}
		return m.a.browser.Do(req)
	}

	requests := 0
	for _, r := range routes {
		method, pattern, _ := strings.Cut(r, " ")
		row, isAPI := apiRows[r]
		if !isAPI {
			row = consoleRows[r]
		}
		require.NotEmpty(t, row.path, "route %s has no row in the isolation matrix", r)
		adapted := !strings.HasPrefix(pattern, "/healthz") && !strings.HasPrefix(pattern, "/readyz") && !strings.HasPrefix(pattern, "/static/")
		filled := m.fill(row.path, "a")
		path, query, _ := strings.Cut(filled, "?")
		form := url.Values{}
		for k, vs := range row.form {
			form.Set(k, m.fill(vs[0], "a"))
		}
		before := app.Fingerprint()
		check := func(what string, res *webtest.Response, want int) {
			t.Helper()
			requests++
			where := fmt.Sprintf("%s, %s", r, what)
			require.Less(t, res.Status, 500, "%s: %.300s", where, res.Body)
			if !adapted {
				return
			}
			require.Equal(t, want, res.Status, "%s: %.300s", where, res.Body)
			if isAPI {
				require.Contains(t, res.Body, `"code":`, where)
				require.Contains(t, res.Body, `"more_info":`, where)
			}
		}

		// Each path parameter.
		pat, got := strings.Split(pattern, "/"), strings.Split(path, "/")
		if len(pat) == len(got) {
			for i, seg := range pat {
				open, close := strings.Index(seg, "{"), strings.Index(seg, "}")
				if open < 0 || close < open {
					continue
				}
				for _, bad := range badText {
					parts := append([]string{}, got...)
					parts[i] = seg[:open] + url.PathEscape(bad) + seg[close+1:]
					p := strings.Join(parts, "/")
					if query != "" {
						p += "?" + query
					}
					check(fmt.Sprintf("path parameter %s = %q", seg, bad), send(isAPI, method, p, form), http.StatusNotFound)
				}
			}
		} else {
			require.Contains(t, pattern, "*", r)
		}

		// The query: every parameter read anywhere, and a bad name.
		for _, bad := range badText {
			q := url.Values{}
			if query != "" {
				q, err = url.ParseQuery(query)
				require.NoError(t, err)
			}
			for _, k := range queryKeys {
				q.Set(k, bad)
			}
			check(fmt.Sprintf("query = %q", bad), send(isAPI, method, path+"?"+q.Encode(), form), http.StatusBadRequest)
		}
		check("query name", send(isAPI, method, path+"?"+url.QueryEscape("a\x00")+"=1", form), http.StatusBadRequest)

		// Each form field, and one the route does not read.
		if method == http.MethodPost {
			want := http.StatusUnprocessableEntity
			if isAPI {
				want = http.StatusBadRequest
			}
			fields := []string{"FriendlyName"}
			for k := range form {
				fields = append(fields, k)
			}
			for _, k := range fields {
				for _, bad := range badText {
					f := url.Values{}
					for fk, fv := range form {
						f[fk] = fv
					}
					f.Set(k, bad)
					p := path
					if query != "" {
						p += "?" + query
					}
					check(fmt.Sprintf("form %s = %q", k, bad), send(isAPI, method, p, f), want)
				}
			}
		}
		require.Equal(t, before, app.Fingerprint(), "%s: bad input changed data", r)
	}
	t.Logf("%d routes, %d requests with bad input", len(routes), requests)

	// Credentials that cannot be ours are refused before any query.
	req, err := http.NewRequest(http.MethodGet, app.URL+"/2010-04-01/Accounts.json", nil)
	require.NoError(t, err)
	req.SetBasicAuth("AC\x00"+strings.Repeat("0", 31), "\xff")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
}
