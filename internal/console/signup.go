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
	if web.CurrentUser(r.Context()) != nil {
		return redirect(w, r, "/")
	}
	f := web.SignUpForm{Currency: i18n.T(r.Context(), "signup.default_currency")}
	return render(w, r, http.StatusOK, web.SignUp(f))
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
	res, err := c.onboard.SignUp(ctx, audit.ActorFrom(ctx), onboard.SignUpInput{
		Name: f.Name, Email: f.Email, Password: r.PostFormValue("password"), ProjectName: f.ProjectName, Currency: f.Currency,
		Locale: i18n.Locale(ctx),
	})
	switch {
	case userProblems(err, &f.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.SignUp(f))
	case errors.Is(err, auth.ErrThrottled):
		f.Errors.Add("form", "signup.throttled")
		return render(w, r, http.StatusTooManyRequests, web.SignUp(f))
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
