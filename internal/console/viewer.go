package console

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/nav"
	"console/internal/team"
	"console/web"
)

// loadViewer puts the locale, the flash and, for a live signed-in
// session, the user and their current project into the request context.
// A session that is idle too long, or whose password epoch is old (the
// password changed elsewhere), is destroyed here.
func (c *Console) loadViewer(next http.Handler) http.Handler {
	return c.h(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		locale := c.sessions.GetString(ctx, keyLocale)
		var v *web.Viewer
		if uid := c.sessions.GetString(ctx, keyUserID); uid != "" {
			seen := time.Unix(c.sessions.GetInt64(ctx, keySeen), 0)
			u, err := c.users.ByID(ctx, c.pool, uid)
			switch {
			case errors.Is(err, auth.ErrNotFound) || (err == nil && u.SessionEpoch != c.sessions.GetInt(ctx, keyEpoch)) ||
				time.Since(seen) > c.cfg.SessionIdleTimeout:
				if err := c.sessions.Destroy(ctx); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				if time.Since(seen) > seenGranularity {
					c.sessions.Put(ctx, keySeen, time.Now().Unix())
				}
				if v, err = c.viewer(r, u); err != nil {
					return err
				}
				if u.Locale != "" {
					locale = u.Locale
				}
			}
		}
		if !i18n.Supported(locale) {
			locale = i18n.Negotiate(r.Header.Get("Accept-Language"))
		}
		ctx = i18n.WithLocale(ctx, locale)
		if v != nil {
			ctx = web.WithViewer(ctx, v)
		}
		if f := c.popFlash(ctx); f != nil {
			ctx = web.WithFlash(ctx, f)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// viewer loads the user's projects, the current one and their pins.
func (c *Console) viewer(r *http.Request, u *auth.User) (*web.Viewer, error) {
	ctx := r.Context()
	projects, err := team.ProjectsOf(ctx, c.pool, u.ID)
	if err != nil {
		return nil, err
	}
	v := &web.Viewer{User: u, Projects: projects}
	if len(projects) == 0 {
		return v, nil
	}
	current := projects[0]
	want := c.sessions.GetString(ctx, keyProject)
	for _, p := range projects {
		if p.SID == want {
			current = p
		}
	}
	if v.Project, err = c.accounts.Get(ctx, c.pool, current.SID, current.SID); err != nil {
		return nil, err
	}
	v.Account = v.Project
	// A subaccount being viewed must belong to this project and be open;
	// otherwise the console falls back to the project itself.
	if sub := c.sessions.GetString(ctx, keyAccount); sub != "" {
		a, err := c.accounts.Get(ctx, c.pool, v.Project.SID, sub)
		switch {
		case err == nil && a.ParentSID == v.Project.SID && a.Status != account.StatusClosed:
			v.Account = a
		case err == nil || errors.Is(err, account.ErrNotFound):
			c.sessions.Remove(ctx, keyAccount)
		default:
			return nil, err
		}
	}
	v.Role = current.Role
	if v.Pins, err = nav.Pins(ctx, c.pool, u.ID); err != nil {
		return nil, err
	}
	if v.Suspended, err = billing.Suspended(ctx, c.pool, v.Project.SID); err != nil {
		return nil, err
	}
	return v, nil
}

// requireUser sends a signed-out browser to the sign-in page, keeping
// where it was going.
func (c *Console) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := web.ViewerOf(r.Context())
		if v == nil {
			if r.Header.Get("HX-Request") == "true" {
				w.Header().Set("HX-Redirect", "/signin")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			to := "/signin"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if v.Project == nil {
			c.renderError(w, r, http.StatusForbidden, "error.no_project")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	return next
}

// actingAccount is the account the console acts on for this request.
func actingAccount(r *http.Request) *account.Account { return web.CurrentAccount(r.Context()) }

// backTo is the page a small action returns to: the referring page when
// it is on this site, else the dashboard.
func backTo(r *http.Request) string {
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		return safeNext(ref.RequestURI())
	}
	return "/"
}
