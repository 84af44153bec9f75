package console

import (
	"errors"
	"net/http"

	"console/internal/audit"
	"console/internal/auth"
	"console/web"
)

// recheck re-proves the signed-in user before a sensitive action, with the
// factors ask names read from the form: the password from passwordField,
// the TOTP code from "code". Every form that re-asks goes through it, so
// all of them share the user's sign-in throttle; a wrong factor is
// recorded by the service. On a refusal it adds the
// error to errs and returns the status to render the form with (429
// throttled, 503 no hashing capacity, 422 wrong); 0 when the user proved it.
func (c *Console) recheck(w http.ResponseWriter, r *http.Request, ask auth.Factors, passwordField string, errs *web.FieldErrors) (int, error) {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	err := c.auth.Recheck(ctx, audit.ActorFrom(ctx), u, ask,
		auth.Proof{Password: r.PostFormValue(passwordField), Code: r.PostFormValue("code")}, r.URL.Path)
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
		return http.StatusUnprocessableEntity, nil
	case errors.Is(err, auth.ErrBadCode):
		errs.Add("code", "twofactor.invalid")
		return http.StatusUnprocessableEntity, nil
	}
	return 0, err
}
