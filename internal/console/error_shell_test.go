package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/team"
	"console/internal/webtest"
)

// A signed-in user who meets a 403 or a 404 stays in the console: the page
// has the sidebar, the project menu and the user menu around the message.
// Signed out, the error page stands alone.
func TestErrorPagesKeepTheShellWhenSignedIn(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("JPY")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	support := member(t, app, o, "support@example.com", team.RoleSupport)

	shell := []string{`<nav class="sidebar"`, `data-testid="project-name"`, `data-testid="user-menu"`}
	for _, tc := range []struct {
		name   string
		c      *webtest.Client
		path   string
		status int
		shell  bool
	}{
		{"unknown page", owner, "/no-such-page", http.StatusNotFound, true},
		{"foreign SID", owner, "/phone-numbers/PN00000000000000000000000000000000", http.StatusNotFound, true},
		{"forbidden", support, "/billing/preferences", http.StatusForbidden, true},
		{"signed out", app.Client(), "/no-such-page", http.StatusNotFound, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.c.Get(tc.path)
			require.Equal(t, tc.status, res.Status)
			require.Contains(t, res.Body, `data-testid="error-message"`)
			require.Equal(t, 1, strings.Count(res.Body, "<h1"), "one h1")
			for _, want := range shell {
				if tc.shell {
					require.Contains(t, res.Body, want)
				} else {
					require.NotContains(t, res.Body, want)
				}
			}
		})
	}
}
