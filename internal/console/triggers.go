package console

import (
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/reqlog"
	"console/internal/trigger"
	"console/internal/usage"
	"console/web"
)

// triggersPageSize is how many triggers the list shows at once; more
// follow behind a link.
const triggersPageSize = 100

// historySize is how many firings a trigger's page shows, newest first.
const historySize = 50

// triggersPage is Usage › Triggers: the viewed account's triggers with the
// value of their current period.
func (c *Console) triggersPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	after, err := pageAfter(r)
	if err != nil {
		return err
	}
	ts, err := trigger.List(ctx, c.pool, a.ProjectSID, a.SID, trigger.Filter{}, after, 0, triggersPageSize+1)
	if err != nil {
		return err
	}
	d := web.TriggersData{Triggers: ts[:min(len(ts), triggersPageSize)]}
	if len(ts) > triggersPageSize {
		d.Next = d.Triggers[len(d.Triggers)-1].SID
	}
	if err := c.triggers.FillCurrentValues(ctx, c.pool, a.ProjectSID, d.Triggers...); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Triggers(d))
}

func (c *Console) newTriggerPage(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, web.TriggerNew(web.TriggerData{Form: web.NewTriggerForm()}))
}

// createTrigger saves a new trigger of the viewed account.
func (c *Console) createTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	f, spec := parseTriggerForm(r)
	if f.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.TriggerNew(web.TriggerData{Form: f}))
	}
	tr, err := c.triggers.Create(ctx, c.triggerAudit(r), a.ProjectSID, a.SID, spec)
	if fieldErr(err, &f.Errors) {
		return render(w, r, http.StatusUnprocessableEntity, web.TriggerNew(web.TriggerData{Form: f}))
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "triggers.created", web.TriggerName(tr))
	return redirect(w, r, "/usage/triggers/"+tr.SID)
}

// viewedTrigger finds {sid} among the viewed account's triggers; another
// tenant's, a sibling subaccount's or the parent's is a 404.
func (c *Console) viewedTrigger(r *http.Request) (*trigger.Trigger, error) {
	a := actingAccount(r)
	tr, err := trigger.Get(r.Context(), c.pool, a.ProjectSID, a.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, trigger.ErrNotFound) {
		return nil, errNotFound
	}
	return tr, err
}

// triggerData is what a trigger's page shows besides its form: the value
// of its current period and its history.
func (c *Console) triggerData(r *http.Request, tr *trigger.Trigger, f web.TriggerForm) (web.TriggerData, error) {
	ctx := r.Context()
	if err := c.triggers.FillCurrentValues(ctx, c.pool, tr.ProjectSID, tr); err != nil {
		return web.TriggerData{}, err
	}
	h, err := trigger.History(ctx, c.pool, tr.ProjectSID, tr.AccountSID, tr.SID, historySize)
	return web.TriggerData{Trigger: tr, Form: f, History: h}, err
}

func (c *Console) triggerPage(w http.ResponseWriter, r *http.Request) error {
	tr, err := c.viewedTrigger(r)
	if err != nil {
		return err
	}
	d, err := c.triggerData(r, tr, web.TriggerFormOf(tr))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Trigger(d))
}

// updateTrigger saves every field of the form, the value included (which
// Twilio's API does not let one change). A changed value, category or
// period arms the trigger again.
func (c *Console) updateTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr, err := c.viewedTrigger(r)
	if err != nil {
		return err
	}
	f, spec := parseTriggerForm(r)
	if !f.Errors.Any() {
		var up *trigger.Trigger
		up, err = c.triggers.Update(ctx, c.triggerAudit(r), tr.ProjectSID, tr.AccountSID, tr.SID, func(s *trigger.Spec) error {
			*s = spec
			return nil
		})
		if errors.Is(err, trigger.ErrNotFound) {
			return errNotFound
		}
		if err == nil {
			c.flash(ctx, "ok", "triggers.saved", web.TriggerName(up))
			return redirect(w, r, "/usage/triggers/"+up.SID)
		}
		if !fieldErr(err, &f.Errors) {
			return err
		}
	}
	d, err := c.triggerData(r, tr, f)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusUnprocessableEntity, web.Trigger(d))
}

func (c *Console) deleteTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr, err := c.viewedTrigger(r)
	if err != nil {
		return err
	}
	err = c.triggers.Delete(ctx, c.triggerAudit(r), tr.ProjectSID, tr.AccountSID, tr.SID)
	if errors.Is(err, trigger.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "triggers.deleted", web.TriggerName(tr))
	return redirect(w, r, "/usage/triggers")
}

// triggerAudit names the signed-in user as the author of a trigger's change.
func (c *Console) triggerAudit(r *http.Request) audit.Entry {
	return audit.Entry{Actor: audit.ActorUser, ActorUserID: web.CurrentUser(r.Context()).ID, IP: reqlog.ClientIP(r)}
}

// splitAddresses reads the extra addresses as people type them: separated
// by commas, semicolons, spaces or new lines; an address given twice (in
// any case) counts once.
func splitAddresses(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		if !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			out = append(out, a)
		}
	}
	return out
}

// parseTriggerForm reads the form and checks every field, so that all its
// errors show at once; the service checks the spec again when it saves.
func parseTriggerForm(r *http.Request) (web.TriggerForm, trigger.Spec) {
	f := web.TriggerForm{
		FriendlyName:   strings.TrimSpace(r.PostFormValue("friendly_name")),
		UsageCategory:  r.PostFormValue("usage_category"),
		TriggerBy:      r.PostFormValue("trigger_by"),
		TriggerValue:   strings.TrimSpace(r.PostFormValue("trigger_value")),
		Recurring:      r.PostFormValue("recurring"),
		EmailTeam:      r.PostFormValue("email_team") != "",
		EmailTo:        strings.TrimSpace(r.PostFormValue("email_to")),
		CallbackURL:    strings.TrimSpace(r.PostFormValue("callback_url")),
		CallbackMethod: r.PostFormValue("callback_method"),
	}
	if f.CallbackMethod == "" {
		f.CallbackMethod = "POST" // as the API defaults it
	}
	spec := trigger.Spec{FriendlyName: f.FriendlyName, UsageCategory: f.UsageCategory, TriggerBy: f.TriggerBy, Recurring: f.Recurring,
		EmailTeam: f.EmailTeam, EmailTo: splitAddresses(f.EmailTo), CallbackURL: f.CallbackURL, CallbackMethod: f.CallbackMethod,
		EmailLocale: i18n.Locale(r.Context())}

	if utf8.RuneCountInString(f.FriendlyName) > trigger.MaxFriendlyName {
		f.Errors.Add("friendly_name", "triggers.error_name_too_long")
	}
	if _, ok := usage.Categories[f.UsageCategory]; !ok {
		f.Errors.Add("usage_category", "triggers.error_category")
	}
	switch {
	case !slices.Contains(trigger.TriggerBys, f.TriggerBy):
		f.Errors.Add("trigger_by", "triggers.error_trigger_by")
	case f.TriggerBy == trigger.ByCount && f.UsageCategory == usage.TotalPrice:
		// Total price has no count: such a trigger could never fire.
		f.Errors.Add("trigger_by", "triggers.error_count_of_total")
	}
	v, offset, err := trigger.ParseValue(f.TriggerValue)
	switch {
	case f.TriggerValue == "":
		f.Errors.Add("trigger_value", "triggers.error_value_required")
	case err != nil || (offset && v.Sign() < 0):
		f.Errors.Add("trigger_value", "triggers.error_value")
	case !offset && v.Sign() <= 0:
		f.Errors.Add("trigger_value", "triggers.error_value_positive")
	}
	spec.TriggerValue, spec.Offset = v, offset
	if !slices.Contains(trigger.Recurrings, f.Recurring) {
		f.Errors.Add("recurring", "triggers.error_recurring")
	}
	for _, addr := range spec.EmailTo {
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			f.Errors.Add("email_to", "triggers.error_email")
		}
	}
	if len(spec.EmailTo) > trigger.MaxEmails {
		f.Errors.Add("email_to", "triggers.error_emails_too_many")
	}
	if f.CallbackURL != "" && !trigger.ValidCallbackURL(f.CallbackURL) {
		f.Errors.Add("callback_url", "triggers.error_url")
	}
	if f.CallbackMethod != "GET" && f.CallbackMethod != "POST" {
		f.Errors.Add("callback_method", "triggers.error_method")
	}
	if f.CallbackURL == "" && !f.EmailTeam && len(spec.EmailTo) == 0 {
		f.Errors.Add("action", "triggers.error_action")
	}
	return f, spec
}

// triggerFieldKeys are the form's field and message for each error the
// service may return, by trigger.FieldError field and reason ("" for any).
var triggerFieldKeys = map[[2]string][2]string{
	{trigger.FieldFriendlyName, ""}:                        {"friendly_name", "triggers.error_name_too_long"},
	{trigger.FieldUsageCategory, ""}:                       {"usage_category", "triggers.error_category"},
	{trigger.FieldTriggerBy, ""}:                           {"trigger_by", "triggers.error_trigger_by"},
	{trigger.FieldTriggerValue, trigger.ReasonNotPositive}: {"trigger_value", "triggers.error_value_positive"},
	{trigger.FieldTriggerValue, ""}:                        {"trigger_value", "triggers.error_value"},
	{trigger.FieldRecurring, ""}:                           {"recurring", "triggers.error_recurring"},
	{trigger.FieldCallbackURL, ""}:                         {"callback_url", "triggers.error_url"},
	{trigger.FieldCallbackMethod, ""}:                      {"callback_method", "triggers.error_method"},
	{trigger.FieldEmailTo, trigger.ReasonTooMany}:          {"email_to", "triggers.error_emails_too_many"},
	{trigger.FieldEmailTo, ""}:                             {"email_to", "triggers.error_email"},
	{trigger.FieldAction, ""}:                              {"action", "triggers.error_action"},
}

// fieldErr turns the service's *trigger.FieldError into the form's error
// and reports whether err was one.
func fieldErr(err error, errs *web.FieldErrors) bool {
	var fe *trigger.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	k, ok := triggerFieldKeys[[2]string{fe.Field, fe.Reason}]
	if !ok {
		k, ok = triggerFieldKeys[[2]string{fe.Field, ""}]
	}
	if !ok {
		k = [2]string{"form", "error.bad_request"}
	}
	errs.Add(k[0], k[1])
	return true
}
