package console

import (
	"errors"
	"net/http"
	"strings"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/web"
)

// keyReset names the reset link being followed: its token is looked up
// once and leaves the URL (and the logs, and the Referer); the session
// keeps the link's id, never the token, since session data is stored as
// it is.
const keyReset = "reset"

var resetStates = map[error]string{
	auth.ErrResetUsed:     "reset.used",
	auth.ErrResetExpired:  "reset.expired",
	auth.ErrResetNotFound: "reset.invalid",
}

func (c *Console) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, web.ForgotPassword(web.ForgotForm{}))
}

func (c *Console) forgot(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.ForgotForm{Email: strings.TrimSpace(r.PostFormValue("email"))}
	err := c.auth.RequestPasswordReset(ctx, audit.ActorFrom(ctx), f.Email, i18n.Locale(ctx))
	switch {
	case userProblems(err, &f.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.ForgotPassword(f))
	case errors.Is(err, auth.ErrThrottled):
		f.Errors.Add("form", "reset.throttled")
		return render(w, r, http.StatusTooManyRequests, web.ForgotPassword(f))
	case err != nil:
		return err
	}
	// The same answer whether or not the address is a user's.
	c.flash(ctx, "ok", "reset.sent", f.Email)
	return redirect(w, r, "/password/forgot")
}

// resetState renders the page of a link that does not work, with its reason.
func resetState(w http.ResponseWriter, r *http.Request, err error) error {
	key, ok := resetStates[err]
	if !ok {
		return err
	}
	status := http.StatusGone
	if errors.Is(err, auth.ErrResetNotFound) {
		status = http.StatusNotFound
	}
	noStore(w)
	return render(w, r, status, web.ResetPassword(web.ResetForm{State: key}))
}

func (c *Console) resetPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if token := r.URL.Query().Get("token"); token != "" {
		rs, err := c.auth.ResetByToken(ctx, token)
		if err != nil {
			return resetState(w, r, err)
		}
		c.sessions.Put(ctx, keyReset, rs.ID)
		return redirect(w, r, "/password/reset")
	}
	id := c.sessions.GetInt64(ctx, keyReset)
	if id == 0 {
		return resetState(w, r, auth.ErrResetNotFound)
	}
	rs, err := c.auth.ResetByID(ctx, id)
	if err == nil {
		err = rs.State(c.now())
	}
	if err != nil {
		return resetState(w, r, err)
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.ResetPassword(web.ResetForm{}))
}

// reset sets the new password, then signs this browser in afresh: fully,
// or up to the second factor for a user with 2FA, since a mailbox alone
// must not get past it.
func (c *Console) reset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := c.sessions.GetInt64(ctx, keyReset)
	if id == 0 {
		return resetState(w, r, auth.ErrResetNotFound)
	}
	var f web.ResetForm
	u, err := c.auth.ResetPassword(ctx, audit.ActorFrom(ctx), id, auth.PasswordInput{New: r.PostFormValue("new_password")}, i18n.Locale(ctx))
	switch {
	case userProblems(err, &f.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.ResetPassword(f))
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		f.Errors.Add("form", "auth.busy")
		return render(w, r, http.StatusServiceUnavailable, web.ResetPassword(f))
	case err != nil:
		return resetState(w, r, err)
	}
	c.sessions.Remove(ctx, keyReset)
	if u.TOTPEnabled {
		if err := c.sessions.RenewToken(ctx); err != nil {
			return err
		}
		c.sessions.Remove(ctx, keyUserID)
		c.sessions.Put(ctx, keyPendingUID, u.ID)
		c.sessions.Put(ctx, keyPendingAt, c.now().Unix())
		c.sessions.Put(ctx, keyNext, "/")
		c.flash(ctx, "ok", "reset.done_two_factor")
		return redirect(w, r, "/signin/2fa")
	}
	c.flash(ctx, "ok", "reset.done")
	return c.completeSignIn(w, r, u, "password_reset", "/")
}
