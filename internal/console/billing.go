package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/auth"
	"console/internal/billing"
	"console/internal/sid"
	"console/web"
)

// amountError is the catalog key of why billing.ParseAmount refused an amount.
func amountError(err error) string {
	switch {
	case errors.Is(err, billing.ErrAmountGrouping):
		return "billing.amount_grouping"
	case errors.Is(err, billing.ErrAmountPrecision):
		return "billing.amount_precision"
	case errors.Is(err, billing.ErrAmountZero):
		return "billing.amount_positive"
	case errors.Is(err, billing.ErrAmountTooLarge):
		return "billing.amount_out_of_range"
	}
	return "billing.amount_invalid"
}

// parseAmount reads a field's amount with billing.ParseAmount, adding the
// field's error to errs when it is refused.
func parseAmount(errs *web.FieldErrors, field, s, currency string) decimal.Decimal {
	d, err := billing.ParseAmount(s, currency)
	if err != nil {
		errs.Add(field, amountError(err))
	}
	return d
}

func (c *Console) billingData(r *http.Request) (web.BillingData, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	bal, err := billing.Balance(ctx, c.pool, p.SID)
	if err != nil {
		return web.BillingData{}, err
	}
	methods, err := billing.Methods(ctx, c.pool, p.SID)
	if err != nil {
		return web.BillingData{}, err
	}
	ar, err := billing.GetAutoRecharge(ctx, c.pool, p.SID)
	if err != nil {
		return web.BillingData{}, err
	}
	alerts, err := billing.Alerts(ctx, c.pool, p.SID)
	if err != nil {
		return web.BillingData{}, err
	}
	suspended, err := billing.Suspended(ctx, c.pool, p.SID)
	if err != nil {
		return web.BillingData{}, err
	}
	limits := billing.FundsLimits[bal.Currency]
	d := web.BillingData{
		Balance: bal.Format(), Suspended: suspended, Methods: methods, Currency: bal.Currency,
		MinFunds: billing.Money{Amount: limits[0], Currency: bal.Currency}.Format(),
		MaxFunds: billing.Money{Amount: limits[1], Currency: bal.Currency}.Format(),
		AddFunds: web.AddFundsForm{Key: sid.Hex32()},
		Recharge: web.RechargeForm{Enabled: ar.Enabled, Paused: ar.PausedAt != nil, ConsecutiveDeclines: ar.ConsecutiveDeclines},
	}
	if ar.Enabled || ar.Target.Sign() > 0 {
		d.Recharge.Threshold, d.Recharge.Target = ar.Threshold.String(), ar.Target.String()
	}
	if ar.MonthlyCap != nil {
		d.Recharge.Cap = ar.MonthlyCap.String()
	}
	for _, a := range alerts {
		d.Alerts = append(d.Alerts, a.String())
	}
	return d, nil
}

func (c *Console) billingPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	if id := c.sessions.PopString(r.Context(), keyLastPayment); id != "" {
		if d.LastPayment, err = billing.GetPayment(r.Context(), c.pool, web.CurrentProject(r.Context()).SID, id); err != nil && !errors.Is(err, billing.ErrNotFound) {
			return err
		}
	}
	return render(w, r, http.StatusOK, web.Billing(d))
}

// keyLastPayment carries the Add Funds just made to the page after the redirect.
const keyLastPayment = "last_payment"

func (c *Console) addFunds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	d.AddFunds = web.AddFundsForm{Amount: r.PostFormValue("amount"), MethodID: r.PostFormValue("method"), Key: r.PostFormValue("key")}
	amount := parseAmount(&d.AddFunds.Errors, "amount", d.AddFunds.Amount, d.Currency)
	limits := billing.FundsLimits[d.Currency]
	if !d.AddFunds.Errors.Any() && (amount.LessThan(limits[0]) || amount.GreaterThan(limits[1])) {
		d.AddFunds.Errors.Add("amount", "billing.amount_out_of_range")
	}
	if len(d.AddFunds.Key) != 32 {
		d.AddFunds.Errors.Add("amount", "error.bad_request")
	}
	m, err := billing.GetMethod(ctx, c.pool, p.SID, d.AddFunds.MethodID)
	if errors.Is(err, billing.ErrNotFound) {
		d.AddFunds.Errors.Add("method", "billing.card_required")
	} else if err != nil {
		return err
	}
	if d.AddFunds.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Billing(d))
	}
	pay, err := c.billing.AddFunds(ctx, m, amount, d.Currency, "form:"+d.AddFunds.Key)
	if err != nil {
		return err
	}
	if err := c.auditNow(r, "funds.added", pay.ID, map[string]string{"amount": amount.String(), "status": pay.Status, "card": m.Label()}); err != nil {
		return err
	}
	c.sessions.Put(ctx, keyLastPayment, pay.ID)
	if pay.Status == billing.PaymentSucceeded {
		c.flash(ctx, "ok", "billing.funds_added", pay.Money().Format())
	} else if pay.Status == billing.PaymentFailed {
		c.flash(ctx, "error", "billing.funds_declined")
	}
	return redirect(w, r, "/billing")
}

// auditNow records a change that committed on its own (a payment).
func (c *Console) auditNow(r *http.Request, action, target string, details map[string]string) error {
	return pgx.BeginFunc(r.Context(), c.pool, func(tx pgx.Tx) error {
		return c.projectAudit(r, tx, web.CurrentProject(r.Context()).SID, action, target, details)
	})
}

func (c *Console) saveAutoRecharge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	f := web.RechargeForm{Enabled: r.PostFormValue("enabled") == "1", Threshold: r.PostFormValue("threshold"), Target: r.PostFormValue("target"), Cap: r.PostFormValue("cap")}
	ar := billing.AutoRecharge{Enabled: f.Enabled}
	ar.Threshold = parseAmount(&f.Errors, "threshold", f.Threshold, d.Currency)
	ar.Target = parseAmount(&f.Errors, "target", f.Target, d.Currency)
	limits := billing.FundsLimits[d.Currency]
	switch {
	case f.Errors.Any():
	case !ar.Target.GreaterThan(ar.Threshold):
		f.Errors.Add("target", "billing.target_above_threshold")
	case ar.Target.Sub(ar.Threshold).LessThan(limits[0]) || ar.Target.GreaterThan(limits[1]):
		// Every recharge (target − balance, the balance being under the
		// threshold) then stays within what Add Funds allows.
		f.Errors.Add("target", "billing.recharge_range")
	}
	if strings.TrimSpace(f.Cap) != "" {
		cp := parseAmount(&f.Errors, "cap", f.Cap, d.Currency)
		ar.MonthlyCap = &cp
	}
	if f.Errors.Any() {
		f.Paused, f.ConsecutiveDeclines = d.Recharge.Paused, d.Recharge.ConsecutiveDeclines
		d.Recharge = f
		return render(w, r, http.StatusUnprocessableEntity, web.Billing(d))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := billing.SetAutoRecharge(ctx, tx, p.SID, ar); err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "funds.auto_recharge_changed", p.SID, map[string]string{
			"enabled": strconv.FormatBool(ar.Enabled), "threshold": ar.Threshold.String(), "target": ar.Target.String(), "cap": f.Cap})
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing")
}

func (c *Console) addAlert(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	d, err := c.billingData(r)
	if err != nil {
		return err
	}
	d.AlertForm.Threshold = r.PostFormValue("threshold")
	th := parseAmount(&d.AlertForm.Errors, "threshold", d.AlertForm.Threshold, d.Currency)
	if d.AlertForm.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Billing(d))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := billing.AddAlert(ctx, tx, p.SID, th); err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "funds.alert_added", p.SID, map[string]string{"threshold": th.String()})
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing")
}

func (c *Console) removeAlert(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	th, err := billing.ParseAmount(r.PostFormValue("threshold"), p.Currency)
	if err != nil {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_request"}
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := billing.RemoveAlert(ctx, tx, p.SID, th); err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "funds.alert_removed", p.SID, map[string]string{"threshold": th.String()})
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/billing")
}

func (c *Console) methodsData(r *http.Request) (web.MethodsData, error) {
	ms, err := billing.Methods(r.Context(), c.pool, web.CurrentProject(r.Context()).SID)
	return web.MethodsData{Methods: ms}, err
}

func (c *Console) methodsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.methodsData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.PaymentMethods(d))
}

// addCard validates the card, has the gateway tokenize it and keeps only
// the token, brand, last 4 and expiry. The number and CVC are not stored,
// logged or echoed back.
func (c *Console) addCard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	d, err := c.methodsData(r)
	if err != nil {
		return err
	}
	d.Card = web.CardForm{Holder: strings.TrimSpace(r.PostFormValue("holder")), ExpMonth: r.PostFormValue("exp_month"), ExpYear: r.PostFormValue("exp_year")}
	month, _ := strconv.Atoi(strings.TrimSpace(d.Card.ExpMonth))
	year, _ := strconv.Atoi(strings.TrimSpace(d.Card.ExpYear))
	if year > 0 && year < 100 {
		year += 2000
	}
	card := billing.Card{Holder: d.Card.Holder, Number: r.PostFormValue("number"), ExpMonth: month, ExpYear: year, CVC: r.PostFormValue("cvc")}
	for field, key := range billing.ValidateCard(card, time.Now()) {
		d.Card.Errors.Add(field, key)
	}
	if d.Card.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.PaymentMethods(d))
	}
	tok, err := c.billing.Gateway.Tokenize(ctx, card)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		m, err := billing.AddMethod(ctx, tx, p.SID, card, tok)
		if err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "card.added", m.ID, map[string]string{"card": m.Label()})
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "billing.card_added", tok.Brand+" •••• "+tok.Last4)
	return redirect(w, r, "/billing/payment-methods")
}

// methodChange reorders or removes a card of the project.
func (c *Console) methodChange(action string, change func(r *http.Request, tx pgx.Tx, projectSID, id string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := web.CurrentProject(ctx)
		id := chi.URLParam(r, "id")
		err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
			if _, err := billing.GetMethod(ctx, tx, p.SID, id); err != nil {
				return err
			}
			if err := change(r, tx, p.SID, id); err != nil {
				return err
			}
			return c.projectAudit(r, tx, p.SID, action, id, nil)
		})
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
	return c.methodChange("card.made_primary", func(r *http.Request, tx pgx.Tx, project, id string) error {
		return billing.MoveMethod(r.Context(), tx, project, id, 0)
	})(w, r)
}

func (c *Console) moveCardDown(w http.ResponseWriter, r *http.Request) error {
	return c.methodChange("card.moved", func(r *http.Request, tx pgx.Tx, project, id string) error {
		m, err := billing.GetMethod(r.Context(), tx, project, id)
		if err != nil {
			return err
		}
		return billing.MoveMethod(r.Context(), tx, project, id, m.Position+1)
	})(w, r)
}

func (c *Console) removeCard(w http.ResponseWriter, r *http.Request) error {
	return c.methodChange("card.removed", func(r *http.Request, tx pgx.Tx, project, id string) error {
		return billing.RemoveMethod(r.Context(), tx, project, id)
	})(w, r)
}

// historyPage lists one month's payments; months follow the project's time
// zone. A month before the project's or after the current one holds no
// payment and is refused, so a link can page back only to the first.
func (c *Console) historyPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	loc := p.Location()
	current := billing.MonthStart(time.Now(), loc)
	first := billing.MonthStart(p.CreatedAt, loc)
	month := current
	if m := r.URL.Query().Get("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, loc)
		if err != nil || len(m) != len("2006-01") || t.Before(first) || t.After(current) {
			return &Error{Status: http.StatusBadRequest, MsgKey: "error.bad_request"}
		}
		month = t
	}
	next := month.AddDate(0, 1, 0)
	pays, err := billing.Payments(ctx, c.pool, p.SID, month, next)
	if err != nil {
		return err
	}
	d := web.HistoryData{Month: month, Payments: pays}
	if month.After(first) {
		d.Prev = month.AddDate(0, -1, 0).Format("2006-01")
	}
	if next.Before(time.Now()) {
		d.Next = next.Format("2006-01")
	}
	return render(w, r, http.StatusOK, web.PaymentHistory(d))
}

func (c *Console) receipt(r *http.Request) (web.ReceiptData, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	pay, err := billing.GetPayment(ctx, c.pool, p.SID, chi.URLParam(r, "id"))
	if errors.Is(err, billing.ErrNotFound) || (err == nil && pay.Status != billing.PaymentSucceeded) {
		return web.ReceiptData{}, errNotFound
	}
	if err != nil {
		return web.ReceiptData{}, err
	}
	prefs, err := billing.GetPreferences(ctx, c.pool, p.SID)
	return web.ReceiptData{Payment: pay, Prefs: prefs, ProjectName: p.FriendlyName}, err
}

func (c *Console) receiptPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.receipt(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.ReceiptPage(d))
}

func (c *Console) recurringPage(w http.ResponseWriter, r *http.Request) error {
	p := web.CurrentProject(r.Context())
	items, err := billing.RecurringItems(r.Context(), c.pool, p.SID)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Recurring(web.RecurringData{Items: items, Currency: p.Currency}))
}

func (c *Console) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	prefs, err := billing.GetPreferences(r.Context(), c.pool, web.CurrentProject(r.Context()).SID)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.BillingPreferences(web.PreferencesForm{Preferences: prefs}))
}

func validRegistrationNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (c *Console) savePreferences(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	f := web.PreferencesForm{Preferences: billing.Preferences{
		CompanyName:        strings.TrimSpace(r.PostFormValue("company_name")),
		Address:            strings.TrimSpace(r.PostFormValue("address")),
		RegistrationNumber: strings.ToUpper(strings.TrimSpace(r.PostFormValue("registration_number"))),
		ReceiptEmail:       strings.TrimSpace(r.PostFormValue("receipt_email")),
	}}
	if len([]rune(f.CompanyName)) > 100 {
		f.Errors.Add("company_name", "error.too_long")
	}
	if len([]rune(f.Address)) > 300 {
		f.Errors.Add("address", "error.too_long")
	}
	if f.RegistrationNumber != "" && !validRegistrationNumber(f.RegistrationNumber) {
		f.Errors.Add("registration_number", "billing.registration_invalid")
	}
	if f.ReceiptEmail != "" && !auth.ValidEmail(f.ReceiptEmail) {
		f.Errors.Add("receipt_email", "error.email")
	}
	if f.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.BillingPreferences(f))
	}
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := billing.SetPreferences(ctx, tx, p.SID, f.Preferences); err != nil {
			return err
		}
		return c.projectAudit(r, tx, p.SID, "funds.preferences_changed", p.SID, nil)
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/billing/preferences")
}
