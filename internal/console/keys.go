package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/web"
)

func (c *Console) keysData(r *http.Request) (web.KeysData, error) {
	a := actingAccount(r)
	keys, err := c.accounts.Keys(r.Context(), c.pool, a.ProjectSID, a.SID, "", 0, 1000)
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
	d, err := c.keysData(r)
	if err != nil {
		return err
	}
	d.Create = web.KeyForm{FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name")), Type: r.PostFormValue("type")}
	checkName(&d.Create.Errors, "friendly_name", d.Create.FriendlyName)
	if !account.ValidKeyType(d.Create.Type) {
		d.Create.Errors.Add("type", "keys.type_required")
	}
	if d.Create.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Keys(d))
	}
	k, secret, err := c.accountService.CreateKey(ctx, audit.ActorFrom(ctx), actingAccount(r), d.Create.FriendlyName, d.Create.Type)
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.NewKey(k, secret))
}

func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	keySID := chi.URLParam(r, "sid")
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := c.accounts.DeleteKey(ctx, tx, a.ProjectSID, a.SID, keySID); err != nil {
			return err
		}
		return c.projectAudit(r, tx, a.SID, "key.revoked", keySID, nil)
	})
	if errors.Is(err, account.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "keys.revoked")
	return redirect(w, r, "/settings/keys")
}
