package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

func TestCrossSitePostIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	var before string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT encode(auth_token_enc, 'hex') FROM accounts WHERE sid = $1`, o.AccountSID).Scan(&before))

	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
	} {
		for path, form := range map[string]url.Values{
			"/console/auth-token/regenerate": {"password": {o.Password}},
			"/user/settings/profile":         {"friendly_name": {"Hacked"}},
			"/signout":                       nil,
			"/signin":                        {"email": {o.Email}, "password": {o.Password}},
		} {
			req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			res := c.Do(req)
			require.Equal(t, http.StatusForbidden, res.Status, "%s %v", path, h)
			require.Contains(t, res.Body, "This request came from another site and was refused.")
		}
	}
	var after, name string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT encode(auth_token_enc, 'hex') FROM accounts WHERE sid = $1`, o.AccountSID).Scan(&after))
	require.Equal(t, before, after)
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT friendly_name FROM users WHERE id = $1`, o.UserID).Scan(&name))
	require.Equal(t, "Test Owner", name)
	require.Equal(t, http.StatusOK, c.Get("/").Status, "still signed in")

	// A same-origin browser request passes.
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/user/settings/profile", strings.NewReader("friendly_name=Renamed"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	require.Equal(t, http.StatusSeeOther, c.Do(req).Status)
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env    string
		name   string
		secure bool
	}{
		{"development", "console_session", false},
		{"production", "__Host-console_session", true},
	} {
		app := webtest.Start(t, webtest.Env("CONSOLE_ENV", tc.env), webtest.Env("SMTP_URL", "smtp://127.0.0.1:2525"))
		o := app.CreateOwner("USD")
		res := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
		require.Equal(t, http.StatusSeeOther, res.Status)
		cookies := (&http.Response{Header: res.Header}).Cookies()
		require.Len(t, cookies, 1)
		ck := cookies[0]
		require.Equal(t, tc.name, ck.Name)
		require.True(t, ck.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
		require.Equal(t, tc.secure, ck.Secure)
		require.Equal(t, "/", ck.Path)
		require.Empty(t, ck.Domain)
		if tc.secure {
			require.Equal(t, "max-age=63072000; includeSubDomains", res.Header.Get("Strict-Transport-Security"))
		} else {
			require.Empty(t, res.Header.Get("Strict-Transport-Security"))
		}
	}
}

// Every GET route, signed in and out, and the error pages carry the headers.
func TestSecurityHeadersOnEveryPage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	signedIn := app.Client()
	signedIn.SignIn(o.Email, o.Password)

	var paths []string
	err := chi.Walk(app.Server.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			route = strings.NewReplacer("{service}", "voice", "{sid}", o.AccountSID, "/*", "/app.css").Replace(route)
			paths = append(paths, route)
		}
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, paths, "/")
	require.Contains(t, paths, "/user/settings")
	paths = append(paths, "/no-such-page")
	for _, p := range paths {
		for _, c := range []*webtest.Client{app.Client(), signedIn} {
			res := c.Get(p)
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			require.Contains(t, csp, "script-src 'self'", p)
			require.Contains(t, csp, "frame-ancestors 'none'", p)
			require.NotContains(t, csp, "unsafe-inline", p)
			require.NotContains(t, csp, "unsafe-eval", p)
			require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), p)
			require.Equal(t, "strict-origin-when-cross-origin", h.Get("Referrer-Policy"), p)
			require.Equal(t, "DENY", h.Get("X-Frame-Options"), p)
			require.NotEmpty(t, h.Get("X-Request-Id"), p)
		}
	}
}

// Pages never carry inline scripts or styles: the CSP would block them.
func TestNoInlineScriptsOrStyles(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	for _, p := range []string{"/", "/user/settings", "/services", "/phone-numbers", "/phone-numbers/search?country=JP&type=local", "/sms/logs", "/voice/logs", "/console/auth-token"} {
		body := c.Get(p).Body
		require.NotContains(t, body, " style=", p)
		require.NotContains(t, body, "<style", p)
		require.NotContains(t, body, " onclick=", p)
		for _, s := range strings.Split(body, "<script")[1:] {
			require.True(t, strings.HasPrefix(s, ` src="/static/`), "inline script on %s: %.60s", p, s)
		}
	}
	body := app.Client().Get("/signin").Body
	require.NotContains(t, body, " style=")
}
