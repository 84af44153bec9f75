package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/reqlog"
	"console/internal/team"
	"console/internal/usage"
	"console/web"
)

var errCurrencyFixed = errors.New("currency fixed")

func (c *Console) generalForm(r *http.Request) (web.GeneralForm, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	moved, err := billing.MoneyMoved(ctx, c.pool, p.SID)
	if err != nil {
		return web.GeneralForm{}, err
	}
	without, err := team.WithoutTwoFactor(ctx, c.pool, p.SID)
	return web.GeneralForm{FriendlyName: p.FriendlyName, TimeZone: p.TimeZone, Currency: p.Currency, CurrencyLocked: moved,
		Require2FA: web.Require2FAData{On: p.RequireTwoFactor, Without: without, CanManage: web.Can(ctx, team.PermSettingsManage)}}, err
}

// setRequireTwoFactor turns the project's 2FA requirement on or off.
func (c *Console) setRequireTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	on := r.PostFormValue("on") == "true"
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := c.accounts.SetRequireTwoFactor(ctx, tx, p.SID, on); err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "project.require_2fa_changed", p.SID, map[string]string{"on": strconv.FormatBool(on)})
	})
	if err != nil {
		return err
	}
	if on {
		c.flash(ctx, "ok", "require2fa.turned_on")
	} else {
		c.flash(ctx, "ok", "require2fa.turned_off")
	}
	return redirect(w, r, "/settings/general")
}

func (c *Console) generalPage(w http.ResponseWriter, r *http.Request) error {
	f, err := c.generalForm(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.General(f))
}

// updateGeneral saves the project's name, time zone and currency. The
// currency check runs in the transaction that changes it, so a payment
// landing meanwhile cannot slip between check and change.
func (c *Console) updateGeneral(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	p := v.Project
	f, err := c.generalForm(r)
	if err != nil {
		return err
	}
	f.FriendlyName = strings.TrimSpace(r.PostFormValue("friendly_name"))
	f.TimeZone = r.PostFormValue("time_zone")
	f.Currency = r.PostFormValue("currency")
	checkName(&f.Errors, "friendly_name", f.FriendlyName)
	if !account.ValidTimeZone(f.TimeZone) {
		f.Errors.Add("time_zone", "error.time_zone")
	}
	if !account.ValidCurrency(f.Currency) {
		f.Errors.Add("currency", "error.currency")
	}
	if f.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.General(f))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		entry := func(action string, details map[string]string) error {
			return audit.Write(ctx, tx, audit.Entry{ProjectSID: p.SID, AccountSID: p.SID, ActorUserID: v.User.ID, Action: action, Target: p.SID,
				IP: reqlog.ClientIP(r), Details: details})
		}
		if f.FriendlyName != p.FriendlyName {
			if _, err := c.accounts.SetFriendlyName(ctx, tx, p.SID, p.SID, f.FriendlyName); err != nil {
				return err
			}
			if err := entry("project.renamed", map[string]string{"from": p.FriendlyName, "to": f.FriendlyName}); err != nil {
				return err
			}
		}
		if f.TimeZone != p.TimeZone {
			// Under the balance row lock no charge records usage, so the
			// local-day roll-ups are rebuilt in the new zone without a race.
			if err := billing.LockProject(ctx, tx, p.SID); err != nil {
				return err
			}
			if err := c.accounts.SetTimeZone(ctx, tx, p.SID, f.TimeZone); err != nil {
				return err
			}
			if err := usage.RebuildLocal(ctx, tx, p.SID); err != nil {
				return err
			}
			if err := entry("project.time_zone_changed", map[string]string{"from": p.TimeZone, "to": f.TimeZone}); err != nil {
				return err
			}
		}
		if f.Currency != p.Currency {
			moved, err := billing.MoneyMoved(ctx, tx, p.SID)
			if err != nil {
				return err
			}
			if moved {
				return errCurrencyFixed
			}
			if err := billing.ChangeCurrency(ctx, tx, p.SID, f.Currency); err != nil {
				return err
			}
			if err := c.accounts.SetCurrency(ctx, tx, p.SID, f.Currency); err != nil {
				return err
			}
			if err := entry("project.currency_changed", map[string]string{"from": p.Currency, "to": f.Currency}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errCurrencyFixed) {
		f.CurrencyLocked = true
		f.Currency = p.Currency
		f.Errors.Add("currency", "settings.currency_locked")
		return render(w, r, http.StatusUnprocessableEntity, web.General(f))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/settings/general")
}
