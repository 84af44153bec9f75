package console

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/onboard"
	"console/internal/reqlog"
	"console/web"
)

const maxNameLen = 64

func (c *Console) signUpPage(w http.ResponseWriter, r *http.Request) error {
	if !c.cfg.SignUp {
		return errNotFound
	}
	if web.CurrentUser(r.Context()) != nil {
		return redirect(w, r, "/")
	}
	f := web.SignUpForm{Currency: i18n.T(r.Context(), "signup.default_currency")}
	return render(w, r, http.StatusOK, web.SignUp(f))
}

// checkName validates a friendly name, a user's or a project's.
func checkName(errs *web.FieldErrors, field, v string) {
	switch {
	case v == "":
		errs.Add(field, "error.required")
	case utf8.RuneCountInString(v) > maxNameLen:
		errs.Add(field, "error.too_long")
	}
}

func (c *Console) signUp(w http.ResponseWriter, r *http.Request) error {
	if !c.cfg.SignUp {
		return errNotFound
	}
	ctx := r.Context()
	if web.CurrentUser(ctx) != nil {
		return redirect(w, r, "/")
	}
	f := web.SignUpForm{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		Email:       strings.TrimSpace(r.PostFormValue("email")),
		ProjectName: strings.TrimSpace(r.PostFormValue("project_name")),
		Currency:    r.PostFormValue("currency"),
	}
	password := r.PostFormValue("password")
	checkName(&f.Errors, "name", f.Name)
	if !auth.ValidEmail(f.Email) {
		f.Errors.Add("email", "error.email")
	}
	if auth.CheckPasswordRules(password) != nil {
		f.Errors.Add("password", "password.rules")
	}
	checkName(&f.Errors, "project_name", f.ProjectName)
	if f.Currency != "JPY" && f.Currency != "USD" {
		f.Errors.Add("currency", "error.currency")
	}
	if f.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.SignUp(f))
	}
	ip := reqlog.ClientIP(r)
	undo, err := c.users.ReserveSignUp(ctx, c.pool, ip, f.Email)
	if errors.Is(err, auth.ErrThrottled) {
		f.Errors.Add("form", "signup.throttled")
		return render(w, r, http.StatusTooManyRequests, web.SignUp(f))
	}
	if err != nil {
		return err
	}
	locale := i18n.Locale(ctx)
	tz := i18n.Translate(locale, "signup.default_time_zone")
	res, err := onboard.CreateOwner(ctx, c.pool, c.users, c.accounts, onboard.Owner{
		Email: f.Email, Password: password, Name: f.Name, Locale: locale, ProjectName: f.ProjectName,
		Currency: f.Currency, TimeZone: tz, TrialCredit: true, IP: ip, Via: "signup", SignIn: true,
	})
	if err != nil {
		undo() // no sign-up was made: it does not count
	}
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		f.Errors.Add("email", "signup.email_taken")
		return render(w, r, http.StatusUnprocessableEntity, web.SignUp(f))
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		f.Errors.Add("form", "auth.busy")
		return render(w, r, http.StatusServiceUnavailable, web.SignUp(f))
	case err != nil:
		return err
	}
	if err := c.startSession(ctx, res.User.ID, res.User.SessionEpoch); err != nil {
		return err
	}
	c.flash(ctx, "ok", "signup.welcome")
	return redirect(w, r, "/")
}
