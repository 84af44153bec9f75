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

func (c *Console) subaccountsData(r *http.Request) (web.SubaccountsData, error) {
	subs, err := c.accountService.Subaccounts(r.Context(), web.CurrentProject(r.Context()).SID)
	return web.SubaccountsData{Subaccounts: subs, Limit: c.accountService.SubaccountLimit()}, err
}

func (c *Console) subaccountsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.subaccountsData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Subaccounts(d))
}

func (c *Console) createSubaccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.SubaccountForm{FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name"))}
	_, _, err := c.accountService.CreateSubaccount(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx), account.SubaccountInput{FriendlyName: f.FriendlyName})
	if errors.Is(err, account.ErrLimit) {
		f.Errors.Add("form", "subaccounts.limit")
	}
	if accountProblems(err, &f.Errors) || f.Errors.Any() {
		d, err := c.subaccountsData(r)
		if err != nil {
			return err
		}
		d.Create = f
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccounts(d))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "subaccounts.created", f.FriendlyName)
	return redirect(w, r, "/settings/subaccounts")
}

// subaccount finds {sid} among the current project's subaccounts; any
// other SID, the project's own included, is a 404.
func (c *Console) subaccount(r *http.Request) (*account.Account, error) {
	a, err := c.accountService.Subaccount(r.Context(), web.CurrentProject(r.Context()).SID, chi.URLParam(r, "sid"))
	if errors.Is(err, account.ErrNotFound) {
		return nil, errNotFound
	}
	return a, err
}

func (c *Console) subaccountPage(w http.ResponseWriter, r *http.Request) error {
	a, err := c.subaccount(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Subaccount(web.SubaccountData{Account: a, Rename: web.SubaccountForm{FriendlyName: a.FriendlyName}}))
}

func (c *Console) renameSubaccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := c.subaccount(r)
	if err != nil {
		return err
	}
	d := web.SubaccountData{Account: a, Rename: web.SubaccountForm{FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name"))}}
	_, err = c.accountService.UpdateAccount(ctx, audit.ActorFrom(ctx), a, account.AccountUpdate{FriendlyName: &d.Rename.FriendlyName})
	if accountProblems(err, &d.Rename.Errors) {
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccount(d))
	}
	if errors.Is(err, account.ErrNotActive) {
		return errNotFound // a closed subaccount keeps its name
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/settings/subaccounts/"+a.SID)
}

func (c *Console) setSubaccountStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := c.subaccount(r)
	if err != nil {
		return err
	}
	// This form suspends and reactivates; closing has its own, which asks
	// for the password again.
	status := r.PostFormValue("status")
	if status != account.StatusActive && status != account.StatusSuspended {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	_, err = c.accountService.UpdateAccount(ctx, audit.ActorFrom(ctx), a, account.AccountUpdate{Status: status})
	if errors.Is(err, account.ErrClosed) {
		return &Error{Status: http.StatusConflict, MsgKey: "subaccounts.closed_forever"}
	}
	if err != nil {
		return err
	}
	flashKey := "subaccounts.status_active"
	if status == account.StatusSuspended {
		flashKey = "subaccounts.status_suspended"
	}
	c.flash(ctx, "ok", flashKey)
	return redirect(w, r, "/settings/subaccounts/"+a.SID)
}

// closeSubaccount closes for good, once the user typed the friendly name
// and their password (or TOTP code).
func (c *Console) closeSubaccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := c.subaccount(r)
	if err != nil {
		return err
	}
	if a.Status == account.StatusClosed {
		return redirect(w, r, "/settings/subaccounts/"+a.SID)
	}
	d := web.SubaccountData{Account: a, Rename: web.SubaccountForm{FriendlyName: a.FriendlyName}}
	if strings.TrimSpace(r.PostFormValue("confirm_name")) != a.FriendlyName {
		d.Close.Add("confirm_name", "subaccounts.close_mismatch")
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccount(d))
	}
	// Closing is for good: the user proves again who they are.
	status, err := c.recheck(w, r, web.CurrentUser(ctx).StrongestFactor(), "password", &d.Close)
	if err != nil {
		return err
	}
	if status != 0 {
		return render(w, r, status, web.Subaccount(d))
	}
	if _, err := c.accountService.UpdateAccount(ctx, audit.ActorFrom(ctx), a, account.AccountUpdate{Status: account.StatusClosed}); err != nil {
		return err
	}
	if c.sessions.GetString(ctx, keyAccount) == a.SID {
		c.sessions.Remove(ctx, keyAccount)
	}
	c.flash(ctx, "ok", "subaccounts.status_closed")
	return redirect(w, r, "/settings/subaccounts/"+a.SID)
}

// viewSubaccount switches the console into a subaccount.
func (c *Console) viewSubaccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := c.subaccount(r)
	if err != nil {
		return err
	}
	if a.Status == account.StatusClosed {
		return errNotFound
	}
	c.sessions.Put(ctx, keyAccount, a.SID)
	if err := c.accountService.RecordSubaccountView(ctx, audit.ActorFrom(ctx), a); err != nil {
		return err
	}
	return redirect(w, r, "/")
}

func (c *Console) switchToMaster(w http.ResponseWriter, r *http.Request) error {
	c.sessions.Remove(r.Context(), keyAccount)
	return redirect(w, r, "/")
}
