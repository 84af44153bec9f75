package console

import (
	"errors"
	"net/http"
	"strings"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/team"
	"console/web"
)

func (c *Console) generalForm(r *http.Request) (web.GeneralForm, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	st, err := c.accountService.Settings(ctx, p.SID)
	if err != nil {
		return web.GeneralForm{}, err
	}
	return web.GeneralForm{FriendlyName: p.FriendlyName, TimeZone: p.TimeZone, Currency: p.Currency, CurrencyLocked: st.CurrencyFixed,
		Require2FA: web.Require2FAData{On: p.RequireTwoFactor, Without: st.WithoutTwoFactor, CanManage: web.Can(ctx, team.PermSettingsManage)}}, nil
}

// setRequireTwoFactor turns the project's 2FA requirement on or off.
func (c *Console) setRequireTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	on := r.PostFormValue("on") == "true"
	if err := c.accountService.SetRequireTwoFactor(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, on); err != nil {
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

// updateGeneral saves the project's name, time zone and currency.
func (c *Console) updateGeneral(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in := account.ProjectSettings{
		FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name")),
		TimeZone:     r.PostFormValue("time_zone"),
		Currency:     r.PostFormValue("currency"),
	}
	err := c.accountService.UpdateProject(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, in)
	var ps account.Problems
	if errors.As(err, &ps) {
		f, err := c.generalForm(r)
		if err != nil {
			return err
		}
		f.FriendlyName, f.TimeZone, f.Currency = in.FriendlyName, in.TimeZone, in.Currency
		accountProblems(ps, &f.Errors)
		if ps.Has(account.FieldCurrency, account.ReasonFixed) {
			// Money moved meanwhile: the currency stays what it was.
			f.CurrencyLocked, f.Currency = true, web.CurrentProject(ctx).Currency
		}
		return render(w, r, http.StatusUnprocessableEntity, web.General(f))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/settings/general")
}
