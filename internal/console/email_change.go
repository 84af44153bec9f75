package console

import (
	"errors"
	"net/http"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/web"
)

// Session keys of the email change link being followed, one per link
// kind: as for a reset link, the token leaves the URL at once and the
// session keeps the change's id.
const (
	keyEmailConfirm = "email_confirm"
	keyEmailCancel  = "email_cancel"
)

// emailLinkStates are the pages of links that no longer work, per kind.
var emailLinkStates = map[string]map[error]string{
	"confirm": {
		auth.ErrChangeNotFound:  "email_change.invalid",
		auth.ErrChangeConfirmed: "email_change.confirm_used",
		auth.ErrChangeCancelled: "email_change.confirm_cancelled",
		auth.ErrChangeExpired:   "email_change.expired",
	},
	"cancel": {
		auth.ErrChangeNotFound:  "email_change.invalid",
		auth.ErrChangeConfirmed: "email_change.cancel_too_late",
		auth.ErrChangeCancelled: "email_change.cancel_done",
		auth.ErrChangeExpired:   "email_change.cancel_expired",
	},
}

// emailLinkKinds maps a link's kind to its token purpose and session key.
var emailLinkKinds = map[string]struct{ purpose, key string }{
	"confirm": {auth.ChangeConfirm, keyEmailConfirm},
	"cancel":  {auth.ChangeCancel, keyEmailCancel},
}

func emailLinkState(w http.ResponseWriter, r *http.Request, mode string, err error) error {
	key, ok := emailLinkStates[mode][err]
	if !ok {
		return err
	}
	status := http.StatusGone
	if errors.Is(err, auth.ErrChangeNotFound) {
		status = http.StatusNotFound
	}
	noStore(w)
	return render(w, r, status, web.EmailLink(web.EmailLinkData{Mode: mode, State: key}))
}

// emailLinkPage shows what following an email change's link will do, or
// why it no longer works. Opening the link changes nothing (mail
// scanners open links); the page's button does.
func (c *Console) emailLinkPage(mode string) func(http.ResponseWriter, *http.Request) error {
	kind := emailLinkKinds[mode]
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		if token := r.URL.Query().Get("token"); token != "" {
			ch, err := c.auth.EmailChangeByToken(ctx, kind.purpose, token)
			if err != nil {
				return emailLinkState(w, r, mode, err)
			}
			c.sessions.Put(ctx, kind.key, ch.ID)
			return redirect(w, r, "/email/"+mode)
		}
		id := c.sessions.GetInt64(ctx, kind.key)
		if id == 0 {
			return emailLinkState(w, r, mode, auth.ErrChangeNotFound)
		}
		ch, err := c.auth.EmailChangeByID(ctx, id)
		if err == nil {
			err = ch.State(c.now())
		}
		if err != nil {
			return emailLinkState(w, r, mode, err)
		}
		noStore(w)
		return render(w, r, http.StatusOK, web.EmailLink(web.EmailLinkData{Mode: mode, OldEmail: ch.OldEmail, NewEmail: ch.NewEmail}))
	}
}

func (c *Console) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := c.sessions.GetInt64(ctx, keyEmailConfirm)
	if id == 0 {
		return emailLinkState(w, r, "confirm", auth.ErrChangeNotFound)
	}
	ch, err := c.auth.ConfirmEmailChange(ctx, audit.ActorFrom(ctx), id, i18n.Locale(ctx))
	if errors.Is(err, auth.ErrEmailTaken) {
		// Whose address it is is not said.
		d := web.EmailLinkData{Mode: "confirm", OldEmail: ch.OldEmail, NewEmail: ch.NewEmail}
		d.Errors.Add("form", "email_change.taken")
		noStore(w)
		return render(w, r, http.StatusConflict, web.EmailLink(d))
	}
	if err != nil {
		return emailLinkState(w, r, "confirm", err)
	}
	c.sessions.Remove(ctx, keyEmailConfirm)
	c.flash(ctx, "ok", "email_change.confirmed", ch.NewEmail)
	if u := web.CurrentUser(ctx); u != nil && u.ID == ch.UserID {
		return redirect(w, r, "/user/settings")
	}
	return redirect(w, r, "/signin")
}

func (c *Console) cancelEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := c.sessions.GetInt64(ctx, keyEmailCancel)
	if id == 0 {
		return emailLinkState(w, r, "cancel", auth.ErrChangeNotFound)
	}
	if _, err := c.auth.CancelEmailChange(ctx, audit.ActorFrom(ctx), id); err != nil {
		return emailLinkState(w, r, "cancel", err)
	}
	c.sessions.Remove(ctx, keyEmailCancel)
	noStore(w)
	return render(w, r, http.StatusOK, web.EmailLink(web.EmailLinkData{Mode: "cancel", State: "email_change.cancel_done"}))
}

// cancelPendingEmail is the signed-in user's cancel of their own pending change.
func (c *Console) cancelPendingEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	ch, err := c.auth.PendingEmailChange(ctx, u.ID)
	if err != nil {
		return err
	}
	if ch != nil {
		// A change confirmed or cancelled meanwhile is left as it is.
		if _, err := c.auth.CancelEmailChange(ctx, audit.ActorFrom(ctx), ch.ID); err != nil {
			if _, known := emailLinkStates["cancel"][err]; !known {
				return err
			}
		}
		c.flash(ctx, "ok", "settings.email_pending_cancelled")
	}
	return redirect(w, r, "/user/settings")
}
