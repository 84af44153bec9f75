package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/sid"
	"console/web"
)

// billingFieldKeys are the form field and message of each problem the
// billing service may find, by billing.FieldError field and reason (""
// for any other reason of the field).
var billingFieldKeys = map[[2]string][2]string{
	{billing.FieldAmount, billing.ReasonGrouping}:    {"amount", "billing.amount_grouping"},
	{billing.FieldAmount, billing.ReasonPrecision}:   {"amount", "billing.amount_precision"},
	{billing.FieldAmount, billing.ReasonNotPositive}: {"amount", "billing.amount_positive"},
	{billing.FieldAmount, billing.ReasonOutOfRange}:  {"amount", "billing.amount_out_of_range"},
	{billing.FieldAmount, ""}:                        {"amount", "billing.amount_invalid"},
	// The key is the form's own: only a forged or mangled form lacks it.
	{billing.FieldKey, ""}:    {"amount", "error.bad_request"},
	{billing.FieldMethod, ""}: {"method", "billing.card_required"},

	{billing.FieldThreshold, billing.ReasonGrouping}:       {"threshold", "billing.amount_grouping"},
	{billing.FieldThreshold, billing.ReasonPrecision}:      {"threshold", "billing.amount_precision"},
	{billing.FieldThreshold, billing.ReasonNotPositive}:    {"threshold", "billing.amount_positive"},
	{billing.FieldThreshold, billing.ReasonOutOfRange}:     {"threshold", "billing.amount_out_of_range"},
	{billing.FieldThreshold, ""}:                           {"threshold", "billing.amount_invalid"},
	{billing.FieldTarget, billing.ReasonGrouping}:          {"target", "billing.amount_grouping"},
	{billing.FieldTarget, billing.ReasonPrecision}:         {"target", "billing.amount_precision"},
	{billing.FieldTarget, billing.ReasonNotPositive}:       {"target", "billing.amount_positive"},
	{billing.FieldTarget, billing.ReasonOutOfRange}:        {"target", "billing.amount_out_of_range"},
	{billing.FieldTarget, billing.ReasonNotAboveThreshold}: {"target", "billing.target_above_threshold"},
	{billing.FieldTarget, billing.ReasonRechargeRange}:     {"target", "billing.recharge_range"},
	{billing.FieldTarget, ""}:                              {"target", "billing.amount_invalid"},
	{billing.FieldCap, billing.ReasonGrouping}:             {"cap", "billing.amount_grouping"},
	{billing.FieldCap, billing.ReasonPrecision}:            {"cap", "billing.amount_precision"},
	{billing.FieldCap, billing.ReasonNotPositive}:          {"cap", "billing.amount_positive"},
	{billing.FieldCap, billing.ReasonOutOfRange}:           {"cap", "billing.amount_out_of_range"},
	{billing.FieldCap, ""}:                                 {"cap", "billing.amount_invalid"},

	{billing.FieldHolder, ""}:                    {"holder", "error.required"},
	{billing.FieldNumber, ""}:                    {"number", "billing.card_number_invalid"},
	{billing.FieldExpiry, billing.ReasonExpired}: {"expiry", "billing.card_expired"},
	{billing.FieldExpiry, ""}:                    {"expiry", "billing.card_expiry_invalid"},
	{billing.FieldCVC, ""}:                       {"cvc", "billing.card_cvc_invalid"},
	{billing.FieldCompanyName, ""}:               {"company_name", "error.too_long"},
	{billing.FieldAddress, ""}:                   {"address", "error.too_long"},
	{billing.FieldRegistrationNumber, ""}:        {"registration_number", "billing.registration_invalid"},
	{billing.FieldReceiptEmail, ""}:              {"receipt_email", "error.email"},
}

// billingFieldErrs turns the billing service's FieldErrors into the
// form's errors and reports whether err was one.
func billingFieldErrs(err error) (web.FieldErrors, bool) {
	var fes billing.FieldErrors
	if !errors.As(err, &fes) {
		return nil, false
	}
	var errs web.FieldErrors
	for _, fe := range fes {
		k, ok := billingFieldKeys[[2]string{fe.Field, fe.Reason}]
		if !ok {
			k, ok = billingFieldKeys[[2]string{fe.Field, ""}]
		}
		if !ok {
			k = [2]string{"form", "error.bad_request"}
		}
		errs.Add(k[0], k[1])
	}
	return errs, true
}

func (c *Console) billingData(r *http.Request) (web.BillingData, error) {
	o, err := c.billing.Overview(r.Context(), web.CurrentProject(r.Context()).SID)
	if err != nil {
		return web.BillingData{}, err
	}
	ar := o.AutoRecharge
	d := web.BillingData{
		Balance: o.Balance.Format(), Suspended: o.Suspended, Methods: o.Methods, Currency: o.Balance.Currency,
		MinFunds: o.MinFunds.FormatCharge(), MaxFunds: o.MaxFunds.FormatCharge(),
		AddFunds: web.AddFundsForm{Key: sid.Hex32()},
		Recharge: web.RechargeForm{Enabled: ar.Enabled, Paused: ar.PausedAt != nil, ConsecutiveDeclines: ar.ConsecutiveDeclines},
	}
	if ar.Enabled || ar.Target.Sign() > 0 {
		d.Recharge.Threshold, d.Recharge.Target = ar.Threshold.String(), ar.Target.String()
	}
	if ar.MonthlyCap != nil {
		d.Recharge.Cap = ar.MonthlyCap.String()
	}
	for _, a := range o.Alerts {
		d.Alerts = append(d.Alerts, web.AlertRow{Threshold: a.String(), Label: billing.Money{Amount: a, Currency: o.Balance.Currency}.Format()})
	}
	return d, nil
}

func (c *Console) billingPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	if id := c.sessions.PopString(r.Context(), keyLastPayment); id != "" {
		if d.LastPayment, err = c.billing.Payment(r.Context(), web.CurrentProject(r.Context()).SID, id); err != nil && !errors.Is(err, billing.ErrNotFound) {
			return err
		}
	}
	// A quick amount's link fills the field when the script did not.
	if q, ok := billing.QuickAmount(r.URL.Query().Get("amount"), d.Currency); ok {
		d.AddFunds.Amount = q.String()
	}
	return render(w, r, http.StatusOK, web.Billing(d))
}

// keyLastPayment carries the Add Funds just made to the page after the redirect.
const keyLastPayment = "last_payment"

// billingInvalid re-renders Billing › Overview with one form's values and
// errors, which edit sets.
func (c *Console) billingInvalid(w http.ResponseWriter, r *http.Request, edit func(d *web.BillingData)) error {
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	edit(&d)
	return render(w, r, http.StatusUnprocessableEntity, web.Billing(d))
}

func (c *Console) addFunds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in := billing.AddFundsInput{Amount: r.PostFormValue("amount"), MethodID: r.PostFormValue("method"), Key: r.PostFormValue("key")}
	pay, err := c.billing.TopUp(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, in)
	if errs, ok := billingFieldErrs(err); ok {
		return c.billingInvalid(w, r, func(d *web.BillingData) {
			d.AddFunds = web.AddFundsForm{Amount: in.Amount, MethodID: in.MethodID, Key: in.Key, Errors: errs}
		})
	}
	if err != nil {
		return err
	}
	c.sessions.Put(ctx, keyLastPayment, pay.ID)
	if pay.Status == billing.PaymentSucceeded {
		c.flash(ctx, "ok", "billing.funds_added", pay.Money().FormatCharge())
	} else if pay.Status == billing.PaymentFailed {
		c.flash(ctx, "error", "billing.funds_declined")
	}
	return redirect(w, r, "/billing")
}

func (c *Console) saveAutoRecharge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in := billing.AutoRechargeInput{Enabled: r.PostFormValue("enabled") == "1", Threshold: r.PostFormValue("threshold"),
		Target: r.PostFormValue("target"), Cap: r.PostFormValue("cap")}
	err := c.billing.SaveAutoRecharge(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, in)
	if errs, ok := billingFieldErrs(err); ok {
		return c.billingInvalid(w, r, func(d *web.BillingData) {
			d.Recharge = web.RechargeForm{Enabled: in.Enabled, Threshold: in.Threshold, Target: in.Target, Cap: in.Cap,
				Paused: d.Recharge.Paused, ConsecutiveDeclines: d.Recharge.ConsecutiveDeclines, Errors: errs}
		})
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing")
}

func (c *Console) addAlert(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in := billing.AlertInput{Threshold: r.PostFormValue("threshold")}
	err := c.billing.AddAlert(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, in)
	if errs, ok := billingFieldErrs(err); ok {
		return c.billingInvalid(w, r, func(d *web.BillingData) {
			d.AlertForm = web.AlertForm{Threshold: in.Threshold, Errors: errs}
		})
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing")
}

func (c *Console) removeAlert(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := c.billing.RemoveAlert(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, billing.AlertInput{Threshold: r.PostFormValue("threshold")})
	if _, ok := billingFieldErrs(err); ok {
		// The button sends a threshold the page listed: no form to show it on.
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/billing")
}

func (c *Console) methodsData(r *http.Request) (web.MethodsData, error) {
	ms, err := c.billing.Cards(r.Context(), web.CurrentProject(r.Context()).SID)
	return web.MethodsData{Methods: ms}, err
}

func (c *Console) methodsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.methodsData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.PaymentMethods(d))
}

// addCard has the service save a card. The number and CVC are not echoed
// back.
func (c *Console) addCard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.CardForm{Holder: strings.TrimSpace(r.PostFormValue("holder")), ExpMonth: r.PostFormValue("exp_month"), ExpYear: r.PostFormValue("exp_year")}
	// An expiry that is not a number is a month or year of 0, which the
	// service refuses.
	month, _ := strconv.Atoi(strings.TrimSpace(f.ExpMonth))
	year, _ := strconv.Atoi(strings.TrimSpace(f.ExpYear))
	if year > 0 && year < 100 {
		year += 2000
	}
	card := billing.Card{Holder: f.Holder, Number: r.PostFormValue("number"), ExpMonth: month, ExpYear: year, CVC: r.PostFormValue("cvc")}
	m, err := c.billing.AddCard(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, card)
	if errs, ok := billingFieldErrs(err); ok {
		d, err := c.methodsData(r)
		if err != nil {
			return err
		}
		f.Errors = errs
		d.Card = f
		return render(w, r, http.StatusUnprocessableEntity, web.PaymentMethods(d))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "billing.card_added", m.Brand+" •••• "+m.Last4)
	return redirect(w, r, "/billing/payment-methods")
}

// methodChange runs a card change for the card named in the URL.
func (c *Console) methodChange(change func(ctx context.Context, by audit.Actor, projectSID, id string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		err := change(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, chi.URLParam(r, "id"))
		if errors.Is(err, billing.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/billing/payment-methods")
	}
}

func (c *Console) makePrimary(w http.ResponseWriter, r *http.Request) error {
	return c.methodChange(c.billing.MakeCardPrimary)(w, r)
}

func (c *Console) moveCardDown(w http.ResponseWriter, r *http.Request) error {
	return c.methodChange(c.billing.MoveCardDown)(w, r)
}

func (c *Console) removeCard(w http.ResponseWriter, r *http.Request) error {
	return c.methodChange(c.billing.RemoveCard)(w, r)
}

// historyPage lists one month's payments; months follow the project's time
// zone, and paging stops at the project's first month and the current one.
func (c *Console) historyPage(w http.ResponseWriter, r *http.Request) error {
	p := web.CurrentProject(r.Context())
	h, err := c.billing.PaymentHistory(r.Context(), p.SID, p.Location(), p.CreatedAt, r.URL.Query().Get("month"))
	if errors.Is(err, billing.ErrBadMonth) {
		return &Error{Status: http.StatusBadRequest, MsgKey: "error.bad_request"}
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.PaymentHistory(web.HistoryData{Month: h.Month, Prev: h.Prev, Next: h.Next, Payments: h.Payments}))
}

// receipt is the receipt of the payment named in the URL, for the project
// and the reader: a payment that did not succeed has none.
func (c *Console) receipt(r *http.Request) (*billing.Receipt, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	rc, err := c.billing.Receipt(ctx, p.SID, chi.URLParam(r, "id"))
	if errors.Is(err, billing.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	rc.ProjectName, rc.Location, rc.Locale = p.FriendlyName, p.Location(), i18n.Locale(ctx)
	return rc, nil
}

func (c *Console) receiptPage(w http.ResponseWriter, r *http.Request) error {
	rc, err := c.receipt(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.ReceiptPage(web.ReceiptData{Payment: rc.Payment, Prefs: rc.Prefs, ProjectName: rc.ProjectName, Issuer: rc.Issuer}))
}

func (c *Console) recurringPage(w http.ResponseWriter, r *http.Request) error {
	p := web.CurrentProject(r.Context())
	items, err := c.billing.RecurringItems(r.Context(), p.SID)
	if err != nil {
		return err
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	byItem, err := c.numbers.ByRecurringItems(r.Context(), p.SID, ids)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Recurring(web.RecurringData{Items: items, Currency: p.Currency, Numbers: byItem,
		AccountSID: actingAccount(r).SID}))
}

func (c *Console) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	prefs, err := c.billing.Preferences(r.Context(), web.CurrentProject(r.Context()).SID)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.BillingPreferences(web.PreferencesForm{Preferences: prefs}))
}

func (c *Console) savePreferences(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	prefs := billing.Preferences{
		CompanyName:        r.PostFormValue("company_name"),
		Address:            r.PostFormValue("address"),
		RegistrationNumber: r.PostFormValue("registration_number"),
		ReceiptEmail:       r.PostFormValue("receipt_email"),
	}
	err := c.billing.SavePreferences(ctx, audit.ActorFrom(ctx), web.CurrentProject(ctx).SID, prefs)
	if errs, ok := billingFieldErrs(err); ok {
		return render(w, r, http.StatusUnprocessableEntity, web.BillingPreferences(web.PreferencesForm{Preferences: prefs, Errors: errs}))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing/preferences")
}
