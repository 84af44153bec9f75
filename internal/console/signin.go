package console

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/web"
)

// trustCookie holds the "trust this browser" token.
func (c *Console) trustCookie() string {
	if c.cfg.Production() {
		return "__Host-console_trust"
	}
	return "console_trust"
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) error {
	if c.signedInOrAnswered(r) {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")))
	}
	return render(w, r, http.StatusOK, web.SignIn(web.SignInForm{Next: r.URL.Query().Get("next")}, c.cfg.SignUp))
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.SignInForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")}
	password := r.PostFormValue("password")

	u, err := c.auth.SignIn(ctx, audit.ActorFrom(ctx), f.Email, password)
	switch {
	case errors.Is(err, auth.ErrThrottled):
		f.Errors.Add("form", "signin.throttled")
		return render(w, r, http.StatusTooManyRequests, web.SignIn(f, c.cfg.SignUp))
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		f.Errors.Add("form", "auth.busy")
		return render(w, r, http.StatusServiceUnavailable, web.SignIn(f, c.cfg.SignUp))
	case errors.Is(err, auth.ErrNotFound):
		// The same answer whether the email is unknown or the password wrong.
		f.Errors.Add("form", "signin.invalid")
		return render(w, r, http.StatusUnprocessableEntity, web.SignIn(f, c.cfg.SignUp))
	case err != nil:
		return err
	}
	if u.TOTPEnabled {
		trusted := false
		if ck, err := r.Cookie(c.trustCookie()); err == nil {
			if trusted, err = c.auth.Trusted(ctx, u.ID, ck.Value); err != nil {
				return err
			}
		}
		if !trusted {
			if err := c.sessions.RenewToken(ctx); err != nil {
				return err
			}
			c.sessions.Put(ctx, keyPendingUID, u.ID)
			c.sessions.Put(ctx, keyPendingAt, c.now().Unix())
			c.sessions.Put(ctx, keyNext, f.Next)
			return redirect(w, r, "/signin/2fa")
		}
	}
	return c.completeSignIn(w, r, u, "password", f.Next)
}

// retryAfter tells a client turned away for lack of hashing capacity
// when to try again: after about as long as it was made to wait.
func (c *Console) retryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(c.users.Hashing.Wait().Seconds())))))
}

func (c *Console) completeSignIn(w http.ResponseWriter, r *http.Request, u *auth.User, method, next string) error {
	ctx := r.Context()
	if err := c.auth.CompleteSignIn(ctx, audit.ActorFrom(ctx), u, method); err != nil {
		return err
	}
	if err := c.startSession(ctx, u.ID, u.SessionEpoch); err != nil {
		return err
	}
	return redirect(w, r, safeNext(next))
}

// pendingUser is the user who passed the password step and owes a second factor.
func (c *Console) pendingUser(r *http.Request) (*auth.User, error) {
	ctx := r.Context()
	uid := c.sessions.GetString(ctx, keyPendingUID)
	if uid == "" || c.now().Sub(time.Unix(c.sessions.GetInt64(ctx, keyPendingAt), 0)) > pendingTimeout {
		return nil, nil
	}
	u, err := c.auth.User(ctx, uid)
	if errors.Is(err, auth.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

func (c *Console) secondFactorPage(w http.ResponseWriter, r *http.Request) error {
	u, err := c.pendingUser(r)
	if err != nil {
		return err
	}
	if u == nil {
		return redirect(w, r, "/signin")
	}
	return render(w, r, http.StatusOK, web.SecondFactor(web.SecondFactorForm{}))
}

func (c *Console) secondFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := c.pendingUser(r)
	if err != nil {
		return err
	}
	if u == nil {
		return redirect(w, r, "/signin")
	}
	var f web.SecondFactorForm
	method, err := c.auth.SecondFactor(ctx, audit.ActorFrom(ctx), u, strings.TrimSpace(r.PostFormValue("code")))
	switch {
	case errors.Is(err, auth.ErrThrottled):
		f.Errors.Add("form", "signin.throttled")
		return render(w, r, http.StatusTooManyRequests, web.SecondFactor(f))
	case errors.Is(err, auth.ErrBadCode):
		f.Errors.Add("code", "twofactor.invalid")
		return render(w, r, http.StatusUnprocessableEntity, web.SecondFactor(f))
	case err != nil:
		return err
	}
	if r.PostFormValue("trust") == "1" {
		token, err := c.auth.TrustBrowser(ctx, u.ID, r.UserAgent())
		if err != nil {
			return err
		}
		http.SetCookie(w, &http.Cookie{Name: c.trustCookie(), Value: token, Path: "/", MaxAge: int(auth.TrustDuration.Seconds()),
			HttpOnly: true, Secure: c.cfg.Production(), SameSite: http.SameSiteLaxMode})
	}
	next := c.sessions.PopString(ctx, keyNext)
	return c.completeSignIn(w, r, u, method, next)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if u := web.CurrentUser(ctx); u != nil {
		if err := c.auth.SignOut(ctx, audit.ActorFrom(ctx)); err != nil {
			return err
		}
	}
	if err := c.sessions.Destroy(ctx); err != nil {
		return err
	}
	// The language stays with the browser after signing out.
	c.sessions.Put(ctx, keyLocale, i18n.Locale(ctx))
	return redirect(w, r, "/signin")
}
