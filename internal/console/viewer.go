package console

import (
	"net/http"
	"net/url"

	"github.com/jackc/pgx/v5"
	"time"

	"console/internal/account"
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
			var err error
			if time.Since(seen) <= c.cfg.SessionIdleTimeout {
				v, err = c.viewer(r, uid)
			}
			switch {
			case err != nil:
				return err
			case v == nil || v.User.SessionEpoch != c.sessions.GetInt(ctx, keyEpoch):
				v = nil
				if err := c.sessions.Destroy(ctx); err != nil {
					return err
				}
			default:
				if time.Since(seen) > seenGranularity {
					c.sessions.Put(ctx, keySeen, time.Now().Unix())
				}
				if v.User.Locale != "" {
					locale = v.User.Locale
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

// viewer loads the user, their projects, the current project and the
// subaccount being viewed, their pins and the project's suspension in one
// round trip to the database: this runs on every page. It returns nil for
// a user who no longer exists.
func (c *Console) viewer(r *http.Request, uid string) (*web.Viewer, error) {
	ctx := r.Context()
	want := c.sessions.GetString(ctx, keyProject)
	sub := c.sessions.GetString(ctx, keyAccount)
	v := &web.Viewer{}
	var project, subAccount *account.Account
	b := &pgx.Batch{}
	c.users.QueueByID(b, uid, &v.User)
	team.QueueProjectsOf(b, uid, &v.Projects)
	nav.QueuePins(b, uid, &v.Pins)
	if want != "" {
		c.accounts.QueueGet(b, want, want, &project)
		billing.QueueState(b, want, &v.Balance, &v.Suspended)
		if sub != "" {
			c.accounts.QueueGet(b, want, sub, &subAccount)
		}
	}
	if err := c.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if v.User == nil {
		return nil, nil
	}
	if len(v.Projects) == 0 {
		return v, nil
	}
	current := v.Projects[0]
	found := false
	for _, p := range v.Projects {
		if p.SID == want {
			current, found = p, true
		}
	}
	if !found || project == nil {
		// First page after signing in, or the project was left: the
		// first membership, remembered for the next requests.
		var err error
		if project, err = c.accounts.Get(ctx, c.pool, current.SID, current.SID); err != nil {
			return nil, err
		}
		b := &pgx.Batch{}
		billing.QueueState(b, current.SID, &v.Balance, &v.Suspended)
		if err := c.pool.SendBatch(ctx, b).Close(); err != nil {
			return nil, err
		}
		c.sessions.Put(ctx, keyProject, current.SID)
		subAccount = nil
	}
	v.Project, v.Account, v.Role = project, project, current.Role
	// A subaccount being viewed must belong to this project and be open;
	// otherwise the console falls back to the project itself.
	if sub != "" {
		if subAccount != nil && subAccount.ParentSID == project.SID && subAccount.Status != account.StatusClosed {
			v.Account = subAccount
		} else {
			c.sessions.Remove(ctx, keyAccount)
		}
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
