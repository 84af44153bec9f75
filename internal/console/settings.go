package console

import (
	"cmp"
	"errors"
	"image/png"
	"net/http"
	"strings"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/web"
)

func (c *Console) settingsData(r *http.Request) (web.SettingsData, error) {
	u := web.CurrentUser(r.Context())
	d := web.SettingsData{Profile: web.ProfileForm{FriendlyName: u.FriendlyName}, Email: web.EmailForm{Email: u.Email}, PreferredLang: u.Locale}
	pending, err := c.auth.PendingEmailChange(r.Context(), u.ID)
	if err != nil {
		return d, err
	}
	if pending != nil {
		d.Email.Pending = pending.NewEmail
	}
	if u.TOTPEnabled {
		n, err := c.auth.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			return d, err
		}
		d.RecoveryLeft = n
	}
	return d, nil
}

func (c *Console) settingsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.UserSettings(d))
}

func (c *Console) updateProfile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	d.Profile.FriendlyName = strings.TrimSpace(r.PostFormValue("friendly_name"))
	err = c.auth.Rename(ctx, audit.ActorFrom(ctx), u, auth.ProfileInput{FriendlyName: d.Profile.FriendlyName})
	if userProblems(err, &d.Profile.Errors, userProblemKeys) {
		return render(w, r, http.StatusUnprocessableEntity, web.UserSettings(d))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/user/settings")
}

func (c *Console) updateEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	d.Email.Email = strings.TrimSpace(r.PostFormValue("email"))
	in := auth.EmailInput{Email: d.Email.Email}
	userProblems(in.Validate(), &d.Email.Errors, userProblemKeys)
	status, err := c.recheck(w, r, auth.AskPassword, "current_password", &d.Email.Errors)
	if err != nil {
		return err
	}
	if !d.Email.Errors.Any() {
		// The address changes once the new one confirms (the link mailed to it).
		_, err = c.auth.RequestEmailChange(ctx, audit.ActorFrom(ctx), u, in, i18n.Locale(ctx))
		if errors.Is(err, auth.ErrSameEmail) {
			d.Email.Errors.Add("email", "settings.email_same")
		} else if err != nil {
			return err
		}
	}
	if d.Email.Errors.Any() {
		return render(w, r, cmp.Or(status, http.StatusUnprocessableEntity), web.UserSettings(d))
	}
	c.flash(ctx, "ok", "settings.email_sent", in.Email)
	return redirect(w, r, "/user/settings")
}

func (c *Console) updatePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	in := auth.PasswordInput{New: r.PostFormValue("new_password")}
	userProblems(in.Validate(), &d.Password.Errors, userProblemKeys)
	status, err := c.recheck(w, r, auth.AskPassword, "current_password", &d.Password.Errors)
	if err != nil {
		return err
	}
	var epoch int
	if !d.Password.Errors.Any() {
		epoch, err = c.auth.ChangePassword(ctx, audit.ActorFrom(ctx), u, in)
		if errors.Is(err, auth.ErrBusy) {
			c.retryAfter(w)
			d.Password.Errors.Add("new_password", "auth.busy")
			status = http.StatusServiceUnavailable
		} else if err != nil {
			return err
		}
	}
	if d.Password.Errors.Any() {
		return render(w, r, cmp.Or(status, http.StatusUnprocessableEntity), web.UserSettings(d))
	}
	// Every other session of the user carries the old epoch and ends; this one goes on with a new token.
	if err := c.startSession(ctx, u.ID, epoch); err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.password_changed")
	return redirect(w, r, "/user/settings")
}

func (c *Console) updateLanguage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	locale := r.PostFormValue("locale")
	err := c.auth.SetLocale(ctx, audit.ActorFrom(ctx), u.ID, locale)
	var errs web.FieldErrors
	if userProblems(err, &errs, userProblemKeys) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	if err != nil {
		return err
	}
	if locale == "" {
		locale = i18n.Negotiate(r.Header.Get("Accept-Language"))
	}
	c.flash(i18n.WithLocale(ctx, locale), "ok", "settings.saved")
	return redirect(w, r, "/user/settings")
}

// switchLanguage is the quick switch in the header, signed in or out.
func (c *Console) switchLanguage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	locale := r.PostFormValue("locale")
	// The switch names a language: "" (the browser's) is the settings' choice.
	if !i18n.Supported(locale) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	c.sessions.Put(ctx, keyLocale, locale)
	if u := web.CurrentUser(ctx); u != nil {
		if err := c.auth.SetLocale(ctx, audit.ActorFrom(ctx), u.ID, locale); err != nil {
			return err
		}
	}
	return redirect(w, r, backTo(r))
}

func (c *Console) beginTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u.TOTPEnabled {
		return redirect(w, r, "/user/settings")
	}
	if _, err := c.auth.BeginTwoFactor(ctx, u); err != nil {
		return err
	}
	return redirect(w, r, "/user/settings/2fa")
}

func (c *Console) enrolPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u.TOTPEnabled {
		return redirect(w, r, "/user/settings")
	}
	e, err := c.auth.PendingTwoFactor(ctx, u)
	if err != nil {
		return err
	}
	if e == nil {
		return redirect(w, r, "/user/settings")
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.Enrol(web.EnrolData{Secret: e.Secret}))
}

func (c *Console) enrolQR(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	e, err := c.auth.PendingTwoFactor(ctx, u)
	if err != nil {
		return err
	}
	if e == nil || u.TOTPEnabled {
		return errNotFound
	}
	img, err := e.Image(200)
	if err != nil {
		return err
	}
	noStore(w)
	w.Header().Set("Content-Type", "image/png")
	return png.Encode(w, img)
}

func (c *Console) confirmTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u.TOTPEnabled {
		return redirect(w, r, "/user/settings")
	}
	e, err := c.auth.PendingTwoFactor(ctx, u)
	if err != nil {
		return err
	}
	if e == nil {
		return redirect(w, r, "/user/settings")
	}
	codes, err := c.auth.EnableTwoFactor(ctx, audit.ActorFrom(ctx), u, r.PostFormValue("code"))
	if errors.Is(err, auth.ErrBadCode) {
		d := web.EnrolData{Secret: e.Secret}
		d.Errors.Add("code", "twofactor.invalid")
		noStore(w)
		return render(w, r, http.StatusUnprocessableEntity, web.Enrol(d))
	}
	if err != nil {
		return err
	}
	// Privilege changed: a new session token.
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	u.TOTPEnabled = true
	noStore(w)
	return render(w, r, http.StatusOK, web.RecoveryCodes(web.RecoveryCodesData{Codes: codes}))
}

func (c *Console) disableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if !u.TOTPEnabled {
		return redirect(w, r, "/user/settings")
	}
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	status, err := c.recheck(w, r, auth.AskPassword|auth.AskCode, "current_password", &d.Disable.Errors)
	if err != nil {
		return err
	}
	if status != 0 {
		return render(w, r, status, web.UserSettings(d))
	}
	if err := c.auth.DisableTwoFactor(ctx, audit.ActorFrom(ctx), u); err != nil {
		return err
	}
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.two_factor_disabled")
	return redirect(w, r, "/user/settings")
}
