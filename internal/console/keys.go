package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/web"
)

func (c *Console) keysData(r *http.Request) (web.KeysData, error) {
	a := actingAccount(r)
	keys, err := c.accountService.Keys(r.Context(), a.ProjectSID, a.SID, "", 0, 1000)
	return web.KeysData{Keys: keys, Create: web.KeyForm{Type: account.KeyStandard}}, err
}

func (c *Console) keysPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.keysData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Keys(d))
}

// createKey makes a key and shows its secret on this response only.
func (c *Console) createKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.KeyForm{FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name")), Type: r.PostFormValue("type")}
	k, secret, err := c.accountService.CreateKey(ctx, audit.ActorFrom(ctx), actingAccount(r), account.KeyInput{FriendlyName: f.FriendlyName, Type: f.Type, NameRequired: true})
	if accountProblems(err, &f.Errors) {
		d, err := c.keysData(r)
		if err != nil {
			return err
		}
		d.Create = f
		return render(w, r, http.StatusUnprocessableEntity, web.Keys(d))
	}
	if errors.Is(err, account.ErrNotActive) {
		return errInactive
	}
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.NewKey(k, secret))
}

func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := c.accountService.RevokeKey(ctx, audit.ActorFrom(ctx), actingAccount(r), chi.URLParam(r, "sid"))
	switch {
	case errors.Is(err, account.ErrNotFound):
		return errNotFound
	case errors.Is(err, account.ErrNotActive):
		return errInactive
	case err != nil:
		return err
	}
	c.flash(ctx, "ok", "keys.revoked")
	return redirect(w, r, "/settings/keys")
}
