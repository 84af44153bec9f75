package console

import (
	"net/http"
	"strings"

	"console/internal/team"
	"console/web"
)

// can lets a request through only when the viewer's role allows p (the
// matrix in team.Matrix); anything else is a 403.
func (c *Console) can(p team.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !web.Can(r.Context(), p) {
				c.renderError(w, r, http.StatusForbidden, "error.forbidden")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// allowedBeforeEnrolment are the paths a member of a project that requires
// 2FA may use before turning it on: enrolment itself, signing out,
// switching language or project, leaving the project.
func allowedBeforeEnrolment(path string) bool {
	switch path {
	case "/signout", "/language", "/projects/switch", "/projects/leave", "/user/settings/2fa/required":
		return true
	}
	return strings.HasPrefix(path, "/user/settings/2fa")
}

// enforceTwoFactor sends a member without 2FA to enrolment when the
// project requires it, whatever page they asked for.
func (c *Console) enforceTwoFactor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := web.ViewerOf(r.Context())
		if v.Project.RequireTwoFactor && !v.User.TOTPEnabled && !allowedBeforeEnrolment(r.URL.Path) {
			http.Redirect(w, r, "/user/settings/2fa/required", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (c *Console) twoFactorRequiredPage(w http.ResponseWriter, r *http.Request) error {
	v := web.ViewerOf(r.Context())
	if v.User.TOTPEnabled || !v.Project.RequireTwoFactor {
		return redirect(w, r, "/")
	}
	return render(w, r, http.StatusOK, web.TwoFactorRequired())
}

// settingsHome opens the first Settings tab the role may see.
func (c *Console) settingsHome(w http.ResponseWriter, r *http.Request) error {
	for _, tab := range web.SettingsTabs {
		if web.Can(r.Context(), tab.Perm) && (!tab.ProjectLevel || !web.InSubaccount(r.Context())) {
			return redirect(w, r, tab.Href)
		}
	}
	return errForbidden
}
