package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// The redirect after sign-in stays on the site whatever next says, by GET
// (already signed in), by POST, and through the second factor.
func TestSignInRedirectsStayOnTheSite(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	for next, want := range map[string]string{
		"/./\\evil.com":        "/",
		"/../\\evil.com":       "/",
		"/%5Cevil.com":         "/",
		"//evil.com":           "/",
		"/%2F%2Fevil.com":      "/",
		"/\t/evil.com":         "/",
		"https://evil.com":     "/",
		"/usage?month=2026-10": "/usage?month=2026-10",
	} {
		c := app.Client()
		res := c.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, res.Status, next)
		require.Equal(t, want, res.Location(), "POST next=%q", next)
		res = c.Get("/signin?next=" + url.QueryEscape(next))
		require.Equal(t, http.StatusSeeOther, res.Status, next)
		require.Equal(t, want, res.Location(), "GET next=%q", next)
	}
	// The finding's own request, percent-encoding as sent.
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	res := c.Get("/signin?next=/./%5Cevil.com")
	require.Equal(t, "/", res.Location())

	// A page asked for while signed out is where sign-in goes back to.
	anon := app.Client()
	res = anon.Get("/usage?month=2026-10")
	require.Equal(t, "/signin?next=%2Fusage%3Fmonth%3D2026-10", res.Location())
	res = anon.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}, "next": {"/usage?month=2026-10"}})
	require.Equal(t, "/usage?month=2026-10", res.Location())
}

// The language switch goes back to the referring page only when it is on
// this site, and only to a clean path.
func TestLanguageSwitchGoesBackOnlyOnTheSite(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	c := app.Client()
	for ref, want := range map[string]string{
		app.URL + "/signup":        "/signup",
		app.URL + "/./%5Cevil.com": "/",
		app.URL + "//evil.com/x":   "/",
		"https://evil.com/signup":  "/",
	} {
		c.Header.Set("Referer", ref)
		res := c.Post("/language", url.Values{"locale": {"en"}})
		require.Equal(t, http.StatusSeeOther, res.Status, ref)
		require.Equal(t, want, res.Location(), "Referer %q", ref)
	}
}
