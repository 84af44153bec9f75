package console

import (
	"errors"
	"net/http"
	"strings"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/onboard"
	"console/web"
)

func (c *Console) signUpPage(w http.ResponseWriter, r *http.Request) error {
	if !c.cfg.SignUp {
		return errNotFound
	}
	if c.signedInOrAnswered(r) {
		return redirect(w, r, "/")
	}
	currency := i18n.T(r.Context(), "signup.default_currency")
	f := web.SignUpForm{Currency: currency, TimeZone: onboard.DefaultTimeZone(currency, i18n.Locale(r.Context())), FromBrowser: true}
	return render(w, r, http.StatusOK, web.SignUp(f))
}

// signUp answers every sign-up made the same way, whether the address
// was free (a new user, signed in, unverified) or already had an account
// (nothing made, its owner mailed): "we sent a link to …" on the check
// your mail page, so the form tells nobody which addresses are registered.
func (c *Console) signUp(w http.ResponseWriter, r *http.Request) error {
	if !c.cfg.SignUp {
		return errNotFound
	}
	ctx := r.Context()
	if c.signedInOrAnswered(r) {
		return redirect(w, r, "/")
	}
	f := web.SignUpForm{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		Email:       strings.TrimSpace(r.PostFormValue("email")),
		ProjectName: strings.TrimSpace(r.PostFormValue("project_name")),
		Currency:    r.PostFormValue("currency"),
		TimeZone:    r.PostFormValue("time_zone"),
	}
	res, err := c.onboard.SignUp(ctx, audit.ActorFrom(ctx), onboard.SignUpInput{
		Name: f.Name, Email: f.Email, Password: r.PostFormValue("password"), ProjectName: f.ProjectName, Currency: f.Currency,
		TimeZone: f.TimeZone, Locale: i18n.Locale(ctx),
	})
	switch {
	case userProblems(err, &f.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.SignUp(f))
	case errors.Is(err, auth.ErrThrottled):
		f.Errors.Add("form", "signup.throttled")
		return render(w, r, http.StatusTooManyRequests, web.SignUp(f))
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		f.Errors.Add("form", "auth.busy")
		return render(w, r, http.StatusServiceUnavailable, web.SignUp(f))
	case err != nil:
		return err
	}
	if res.User != nil {
		if err := c.startSession(ctx, res.User.ID, res.User.SessionEpoch); err != nil {
			return err
		}
	} else if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.sessions.Put(ctx, keySentTo, f.Email)
	return redirect(w, r, "/verify")
}
