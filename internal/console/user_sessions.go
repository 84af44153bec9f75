package console

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/auth"
	"console/web"
)

func (c *Console) sessionsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	// A session idle longer than the timeout ends at its next request: it is no longer listed.
	sessions, err := c.auth.Sessions(ctx, u.ID, c.sessions.Token(ctx), c.now().Add(-c.cfg.SessionIdleTimeout))
	if err != nil {
		return err
	}
	d := web.SessionsData{Sessions: sessions}
	if u.TOTPEnabled {
		token := ""
		if ck, err := r.Cookie(c.trustCookie()); err == nil {
			token = ck.Value
		}
		if d.Browsers, err = c.auth.TrustedBrowsers(ctx, u.ID, token); err != nil {
			return err
		}
	}
	return render(w, r, http.StatusOK, web.UserSessions(d))
}

// endSession signs out one session of the user. Ending this very session
// is signing out.
func (c *Console) endSession(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	id := chi.URLParam(r, "id")
	err := c.auth.EndSession(ctx, audit.ActorFrom(ctx), u.ID, id)
	if errors.Is(err, auth.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if id == c.sessions.GetString(ctx, keySessionID) {
		if err := c.sessions.Destroy(ctx); err != nil {
			return err
		}
		return redirect(w, r, "/signin")
	}
	c.flash(ctx, "ok", "sessions.ended")
	return redirect(w, r, "/user/settings/sessions")
}

func (c *Console) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := c.auth.EndOtherSessions(ctx, audit.ActorFrom(ctx), web.CurrentUser(ctx).ID, c.sessions.Token(ctx))
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "sessions.others_ended", n)
	return redirect(w, r, "/user/settings/sessions")
}

func (c *Console) forgetBrowser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := c.auth.ForgetBrowser(ctx, audit.ActorFrom(ctx), web.CurrentUser(ctx).ID, chi.URLParam(r, "id"))
	if errors.Is(err, auth.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "sessions.browser_forgotten")
	return redirect(w, r, "/user/settings/sessions")
}

// regenerateRecoveryCodes replaces the user's recovery codes after the
// strongest factor is re-proved, and shows the new ones once.
func (c *Console) regenerateRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if !u.TOTPEnabled {
		return redirect(w, r, "/user/settings")
	}
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	status, err := c.recheck(w, r, u.StrongestFactor(), "current_password", &d.Regenerate.Errors)
	if err != nil {
		return err
	}
	if status != 0 {
		return render(w, r, status, web.UserSettings(d))
	}
	codes, err := c.auth.RegenerateRecoveryCodes(ctx, audit.ActorFrom(ctx), u)
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.RecoveryCodes(web.RecoveryCodesData{Codes: codes, Regenerated: true}))
}
