package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/reqlog"
	"console/web"
)

// projectAudit records a change to the project made by the signed-in user.
func (c *Console) projectAudit(r *http.Request, db pgx.Tx, accountSID, action, target string, details map[string]string) error {
	v := web.ViewerOf(r.Context())
	return audit.Write(r.Context(), db, audit.Entry{ProjectSID: v.Project.SID, AccountSID: accountSID, ActorUserID: v.User.ID,
		Action: action, Target: target, IP: reqlog.ClientIP(r), Details: details})
}

func (c *Console) subaccountsData(r *http.Request) (web.SubaccountsData, error) {
	subs, err := c.accounts.Subaccounts(r.Context(), c.pool, web.CurrentProject(r.Context()).SID)
	return web.SubaccountsData{Subaccounts: subs, Limit: c.cfg.MaxSubaccounts}, err
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
	d, err := c.subaccountsData(r)
	if err != nil {
		return err
	}
	d.Create.FriendlyName = strings.TrimSpace(r.PostFormValue("friendly_name"))
	checkName(&d.Create.Errors, "friendly_name", d.Create.FriendlyName)
	if d.Create.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccounts(d))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		sub, _, err := c.accounts.CreateSubaccount(ctx, tx, web.CurrentProject(ctx), d.Create.FriendlyName, c.cfg.MaxSubaccounts)
		if err != nil {
			return err
		}
		return c.projectAudit(r, tx, sub.SID, "account.subaccount_created", sub.SID, map[string]string{"friendly_name": sub.FriendlyName})
	})
	if errors.Is(err, account.ErrLimit) {
		d.Create.Errors.Add("form", "subaccounts.limit")
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccounts(d))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "subaccounts.created", d.Create.FriendlyName)
	return redirect(w, r, "/settings/subaccounts")
}

// subaccount finds {sid} among the current project's subaccounts; any
// other SID, the project's own included, is a 404.
func (c *Console) subaccount(r *http.Request) (*account.Account, error) {
	p := web.CurrentProject(r.Context())
	a, err := c.accounts.Get(r.Context(), c.pool, p.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, account.ErrNotFound) || (err == nil && a.ParentSID != p.SID) {
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
	checkName(&d.Rename.Errors, "friendly_name", d.Rename.FriendlyName)
	if a.Status == account.StatusClosed {
		return errNotFound
	}
	if d.Rename.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Subaccount(d))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := c.accounts.SetFriendlyName(ctx, tx, a.ProjectSID, a.SID, d.Rename.FriendlyName); err != nil {
			return err
		}
		return c.projectAudit(r, tx, a.SID, "account.renamed", a.SID, map[string]string{"from": a.FriendlyName, "to": d.Rename.FriendlyName})
	})
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
	status := r.PostFormValue("status")
	if status != account.StatusActive && status != account.StatusSuspended {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := c.accounts.SetStatus(ctx, tx, a.ProjectSID, a.SID, status); err != nil {
			return err
		}
		return c.projectAudit(r, tx, a.SID, "account.status_changed", a.SID, map[string]string{"status": status})
	})
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
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := c.accounts.SetStatus(ctx, tx, a.ProjectSID, a.SID, account.StatusClosed); err != nil {
			return err
		}
		return c.projectAudit(r, tx, a.SID, "account.status_changed", a.SID, map[string]string{"status": account.StatusClosed})
	})
	if err != nil {
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
	if err := audit.Write(ctx, c.pool, audit.Entry{ProjectSID: a.ProjectSID, AccountSID: a.SID, ActorUserID: web.CurrentUser(ctx).ID,
		Action: "user.subaccount_viewed", Target: a.SID, IP: reqlog.ClientIP(r)}); err != nil {
		return err
	}
	return redirect(w, r, "/")
}

func (c *Console) switchToMaster(w http.ResponseWriter, r *http.Request) error {
	c.sessions.Remove(r.Context(), keyAccount)
	return redirect(w, r, "/")
}
