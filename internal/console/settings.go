package console

import (
	"cmp"
	"errors"
	"image/png"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/reqlog"
	"console/web"
)

func (c *Console) settingsData(r *http.Request) (web.SettingsData, error) {
	u := web.CurrentUser(r.Context())
	d := web.SettingsData{Profile: web.ProfileForm{FriendlyName: u.FriendlyName}, Email: web.EmailForm{Email: u.Email}, PreferredLang: u.Locale}
	if u.TOTPEnabled {
		n, err := c.users.RecoveryCodesLeft(r.Context(), c.pool, u.ID)
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

// userChange runs change and its audit entry in one transaction.
func (c *Console) userChange(r *http.Request, action string, details map[string]string, change func(tx pgx.Tx) error) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	return pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorUserID: u.ID, Action: action, Target: u.ID, IP: reqlog.ClientIP(r), Details: details})
	})
}

func (c *Console) updateProfile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	d.Profile.FriendlyName = strings.TrimSpace(r.PostFormValue("friendly_name"))
	checkName(&d.Profile.Errors, "friendly_name", d.Profile.FriendlyName)
	if d.Profile.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.UserSettings(d))
	}
	err = c.userChange(r, "user.friendly_name_changed", nil, func(tx pgx.Tx) error {
		return c.users.SetFriendlyName(ctx, tx, u.ID, d.Profile.FriendlyName)
	})
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
	if !auth.ValidEmail(d.Email.Email) {
		d.Email.Errors.Add("email", "error.email")
	}
	status, err := c.recheck(w, r, auth.AskPassword, "current_password", &d.Email.Errors)
	if err != nil {
		return err
	}
	if !d.Email.Errors.Any() {
		err = c.userChange(r, "user.email_changed", map[string]string{"from": u.Email, "to": d.Email.Email}, func(tx pgx.Tx) error {
			return c.users.SetEmail(ctx, tx, u.ID, d.Email.Email)
		})
		if errors.Is(err, auth.ErrEmailTaken) {
			d.Email.Errors.Add("email", "signup.email_taken")
		} else if err != nil {
			return err
		}
	}
	if d.Email.Errors.Any() {
		return render(w, r, cmp.Or(status, http.StatusUnprocessableEntity), web.UserSettings(d))
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/user/settings")
}

func (c *Console) updatePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	d, err := c.settingsData(r)
	if err != nil {
		return err
	}
	newPassword := r.PostFormValue("new_password")
	if auth.CheckPasswordRules(newPassword) != nil {
		d.Password.Errors.Add("new_password", "password.rules")
	}
	status, err := c.recheck(w, r, auth.AskPassword, "current_password", &d.Password.Errors)
	if err != nil {
		return err
	}
	var hash auth.PasswordHash
	if !d.Password.Errors.Any() {
		// Hashed before the transaction, so no connection waits for a hashing slot.
		hash, err = c.users.HashNewPassword(ctx, newPassword)
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
	var epoch int
	err = c.userChange(r, "user.password_changed", nil, func(tx pgx.Tx) error {
		epoch, err = c.users.SetPasswordHash(ctx, tx, u.ID, hash)
		return err
	})
	if err != nil {
		return err
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
	if locale != "" && !i18n.Supported(locale) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	err := c.userChange(r, "user.language_changed", map[string]string{"locale": locale}, func(tx pgx.Tx) error {
		return c.users.SetLocale(ctx, tx, u.ID, locale)
	})
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
	if !i18n.Supported(locale) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	c.sessions.Put(ctx, keyLocale, locale)
	if u := web.CurrentUser(ctx); u != nil {
		err := c.userChange(r, "user.language_changed", map[string]string{"locale": locale}, func(tx pgx.Tx) error {
			return c.users.SetLocale(ctx, tx, u.ID, locale)
		})
		if err != nil {
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
	if _, err := c.users.BeginTOTP(ctx, c.pool, u); err != nil {
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
	e, err := c.users.PendingTOTP(ctx, c.pool, u)
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
	e, err := c.users.PendingTOTP(ctx, c.pool, u)
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
	e, err := c.users.PendingTOTP(ctx, c.pool, u)
	if err != nil {
		return err
	}
	if e == nil {
		return redirect(w, r, "/user/settings")
	}
	var codes []string
	err = c.userChange(r, "user.two_factor_enabled", nil, func(tx pgx.Tx) error {
		codes, err = c.users.ConfirmTOTP(ctx, tx, u, r.PostFormValue("code"))
		return err
	})
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
	return render(w, r, http.StatusOK, web.RecoveryCodes(codes))
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
	err = c.userChange(r, "user.two_factor_disabled", nil, func(tx pgx.Tx) error {
		return c.users.DisableTOTP(ctx, tx, u.ID)
	})
	if err != nil {
		return err
	}
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.two_factor_disabled")
	return redirect(w, r, "/user/settings")
}
