package console

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/i18n"
	"console/internal/reqlog"
	"console/internal/sid"
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
		var pre any
		if uid := c.sessions.GetString(ctx, keyUserID); uid != "" {
			seen := time.Unix(c.sessions.GetInt64(ctx, keySeen), 0)
			var err error
			if c.now().Sub(seen) <= c.cfg.SessionIdleTimeout {
				v, pre, err = c.viewer(r, uid)
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
				if c.now().Sub(seen) > seenGranularity {
					c.seen(ctx, reqlog.ClientIP(r), r.UserAgent())
				}
				if c.sessions.GetString(ctx, keySessionID) == "" {
					// Signed in before sessions were named: named now, so it can be listed and ended.
					c.sessions.Put(ctx, keySessionID, sid.Hex32())
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
			if pre != nil {
				ctx = context.WithValue(ctx, preloadedKey{}, pre)
			}
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
// round trip to the database: this runs on every page. The page's preload,
// if it has one, goes in the same round trip. It returns nil for a user
// who no longer exists.
func (c *Console) viewer(r *http.Request, uid string) (*web.Viewer, any, error) {
	ctx := r.Context()
	want := c.sessions.GetString(ctx, keyProject)
	sub := c.sessions.GetString(ctx, keyAccount)
	var pre any
	var more func(b *pgx.Batch)
	if p := c.preloads[r.Method+" "+r.URL.Path]; p != nil {
		more = func(b *pgx.Batch) { pre = p(b, want, sub) }
	}
	fr, err := c.frames.Load(ctx, uid, want, sub, more)
	if err != nil {
		return nil, nil, err
	}
	if fr.User == nil {
		return nil, nil, nil
	}
	v := &web.Viewer{User: fr.User, Projects: fr.Projects, Pins: fr.Pins}
	if len(v.Projects) == 0 {
		return v, nil, nil
	}
	current := v.Projects[0]
	found := false
	for _, p := range v.Projects {
		if p.SID == want {
			current, found = p, true
		}
	}
	if !found || fr.Project == nil {
		// First page after signing in, or the project was left: the
		// first membership, remembered for the next requests.
		if err := c.frames.Move(ctx, fr, current.SID); err != nil {
			return nil, nil, err
		}
		c.sessions.Put(ctx, keyProject, current.SID)
	}
	project, subAccount := fr.Project, fr.Sub
	v.Balance, v.Suspended, v.Subaccounts = fr.Balance, fr.Suspended, fr.Subs
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
	// The preload read for the project and account the session named:
	// unless they are the viewer's, what it read is nobody's business here.
	acting := want
	if sub != "" {
		acting = sub
	}
	if v.Project.SID != want || v.Account.SID != acting {
		pre = nil
	}
	return v, pre, nil
}

// A preload is a page's own read, queued in the viewer's batch so that the
// page costs no round trip of its own. It is queued before the viewer is
// checked, with the project and the subaccount the session names (sub is
// "" for none), and returns where its result will be. A session can name a
// project its user has left, or a subaccount since closed: the viewer
// drops the preload unless they are the viewer's, and the page checks
// again that it was read for what it shows.
type preload func(b *pgx.Batch, projectSID, sub string) any

type preloadedKey struct{}

// preloaded is what the request's preload returned, nil without one.
func preloaded(ctx context.Context) any { return ctx.Value(preloadedKey{}) }

// requireUser sends a signed-out browser to the sign-in page, keeping
// where it was going, a user who has not verified their address to
// "check your mail", and a user with no project left to the page that
// offers to create one.
func (c *Console) requireUser(next http.Handler) http.Handler {
	return c.requireSignedIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.ViewerOf(r.Context()).Project == nil {
			if r.Header.Get("HX-Request") == "true" {
				w.Header().Set("HX-Redirect", "/projects/new")
				w.WriteHeader(http.StatusForbidden)
				return
			}
			http.Redirect(w, r, "/projects/new", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// requireSignedIn sends a signed-out browser to the sign-in page, keeping
// where it was going.
func (c *Console) requireSignedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := web.ViewerOf(r.Context())
		if (v == nil && c.signedInOrAnswered(r)) || (v != nil && !v.User.Verified()) {
			// A sign-up still to prove its address sees "check your mail"
			// and nothing else of the console; so does a browser answered
			// a sign-up as if it made a user.
			toCheckMail(w, r)
			return
		}
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
		next.ServeHTTP(w, r)
	})
}

// toCheckMail sends the browser to "check your mail".
func toCheckMail(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/verify")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	http.Redirect(w, r, "/verify", http.StatusSeeOther)
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
