package console

import (
	"errors"
	"net/http"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/reqlog"
	"console/web"
)

// recheck re-proves the signed-in user before a sensitive action, with the
// factors ask names read from the form: the password from passwordField,
// the TOTP code from "code". Every form that re-asks goes through it, so
// all of them share the user's sign-in throttle. On a refusal it adds the
// error to errs and returns the status to render the form with (429
// throttled, 503 no hashing capacity, 422 wrong); 0 when the user proved it.
func (c *Console) recheck(w http.ResponseWriter, r *http.Request, ask auth.Factors, passwordField string, errs *web.FieldErrors) (int, error) {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	err := c.users.Recheck(ctx, c.pool, u, reqlog.ClientIP(r), ask,
		auth.Proof{Password: r.PostFormValue(passwordField), Code: r.PostFormValue("code")})
	first := passwordField
	if ask&auth.AskPassword == 0 {
		first = "code"
	}
	switch {
	case err == nil:
		return 0, nil
	case errors.Is(err, auth.ErrThrottled):
		errs.Add(first, "reauth.throttled")
		return http.StatusTooManyRequests, nil
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		errs.Add(first, "auth.busy")
		return http.StatusServiceUnavailable, nil
	case errors.Is(err, auth.ErrWrongPassword):
		errs.Add(passwordField, "error.password_wrong")
		return http.StatusUnprocessableEntity, c.auditRecheckFailure(r, u, "password")
	case errors.Is(err, auth.ErrBadCode):
		errs.Add("code", "twofactor.invalid")
		return http.StatusUnprocessableEntity, c.auditRecheckFailure(r, u, "code")
	}
	return 0, err
}

func (c *Console) auditRecheckFailure(r *http.Request, u *auth.User, factor string) error {
	return audit.Write(r.Context(), c.pool, audit.Entry{ActorUserID: u.ID, Action: audit.UserReauthFailed, Target: u.ID,
		IP: reqlog.ClientIP(r), Details: map[string]string{"factor": factor, "path": r.URL.Path}})
}
