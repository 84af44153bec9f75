package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/trigger"
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
	ts, err := c.triggers.List(ctx, a.ProjectSID, a.SID, trigger.Filter{}, after, 0, triggersPageSize+1)
	if err != nil {
		return err
	}
	d := web.TriggersData{Triggers: ts[:min(len(ts), triggersPageSize)]}
	if len(ts) > triggersPageSize {
		d.Next = d.Triggers[len(d.Triggers)-1].SID
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
	f, in := parseTriggerForm(r)
	spec, err := in.Parse()
	if err == nil {
		var tr *trigger.Trigger
		tr, err = c.triggers.Create(ctx, audit.ActorFrom(ctx), a.ProjectSID, a.SID, spec)
		if err == nil {
			c.flash(ctx, "ok", "triggers.created", web.TriggerName(tr))
			return redirect(w, r, "/usage/triggers/"+tr.SID)
		}
	}
	if triggerProblems(err, &f.Errors) {
		return render(w, r, http.StatusUnprocessableEntity, web.TriggerNew(web.TriggerData{Form: f}))
	}
	return err
}

// viewedTrigger finds {sid} among the viewed account's triggers; another
// tenant's, a sibling subaccount's or the parent's is a 404.
func (c *Console) viewedTrigger(r *http.Request) (*trigger.Trigger, error) {
	a := actingAccount(r)
	tr, err := c.triggers.Get(r.Context(), a.ProjectSID, a.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, trigger.ErrNotFound) {
		return nil, errNotFound
	}
	return tr, err
}

// triggerData is what a trigger's page shows besides its form: the value
// of its current period and its history.
func (c *Console) triggerData(r *http.Request, tr *trigger.Trigger, f web.TriggerForm) (web.TriggerData, error) {
	ctx := r.Context()
	if err := c.triggers.FillCurrentValues(ctx, tr.ProjectSID, tr); err != nil {
		return web.TriggerData{}, err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		var err error
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			return web.TriggerData{}, errBadRequest
		}
	}
	h, err := c.triggers.History(ctx, tr.ProjectSID, tr.AccountSID, tr.SID, before, historySize+1)
	d := web.TriggerData{Trigger: tr, Form: f, History: h[:min(len(h), historySize)]}
	if len(h) > historySize {
		d.Older = "/usage/triggers/" + tr.SID + "?before=" + strconv.FormatInt(d.History[historySize-1].ID, 10)
	}
	return d, err
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
	return renderPart(w, r, http.StatusOK, web.Trigger(d), web.TriggerHistory(d))
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
	f, in := parseTriggerForm(r)
	spec, err := in.Parse()
	if err == nil {
		var up *trigger.Trigger
		up, err = c.triggers.Update(ctx, audit.ActorFrom(ctx), tr.ProjectSID, tr.AccountSID, tr.SID, func(s *trigger.Spec) error {
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
	}
	if !triggerProblems(err, &f.Errors) {
		return err
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
	err = c.triggers.Delete(ctx, audit.ActorFrom(ctx), tr.ProjectSID, tr.AccountSID, tr.SID)
	if errors.Is(err, trigger.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "triggers.deleted", web.TriggerName(tr))
	return redirect(w, r, "/usage/triggers")
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

// parseTriggerForm reads the form as typed, and the trigger it asks for;
// the trigger's one check is the input's (trigger.Input.Parse).
func parseTriggerForm(r *http.Request) (web.TriggerForm, trigger.Input) {
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
	in := trigger.Input{Value: f.TriggerValue, Spec: trigger.Spec{FriendlyName: f.FriendlyName, UsageCategory: f.UsageCategory,
		TriggerBy: f.TriggerBy, Recurring: f.Recurring, EmailTeam: f.EmailTeam, EmailTo: splitAddresses(f.EmailTo),
		CallbackURL: f.CallbackURL, CallbackMethod: f.CallbackMethod, EmailLocale: i18n.Locale(r.Context())}}
	return f, in
}

// triggerProblemKeys are the messages of the trigger input's problems,
// shown next to the form field of the same name.
var triggerProblemKeys = map[trigger.Problem]string{
	{Field: trigger.FieldFriendlyName, Reason: trigger.ReasonTooLong}:     "triggers.error_name_too_long",
	{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonRequired}:   "triggers.error_category",
	{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonInvalid}:    "triggers.error_category",
	{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonInvalid}:        "triggers.error_trigger_by",
	{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonNoCount}:        "triggers.error_count_of_total",
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonRequired}:    "triggers.error_value_required",
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonInvalid}:     "triggers.error_value",
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonNotPositive}: "triggers.error_value_positive",
	{Field: trigger.FieldRecurring, Reason: trigger.ReasonInvalid}:        "triggers.error_recurring",
	{Field: trigger.FieldEmailTo, Reason: trigger.ReasonInvalid}:          "triggers.error_email",
	{Field: trigger.FieldEmailTo, Reason: trigger.ReasonTooMany}:          "triggers.error_emails_too_many",
	{Field: trigger.FieldCallbackURL, Reason: trigger.ReasonInvalid}:      "triggers.error_url",
	{Field: trigger.FieldCallbackMethod, Reason: trigger.ReasonInvalid}:   "triggers.error_method",
	{Field: trigger.FieldAction, Reason: trigger.ReasonRequired}:          "triggers.error_action",
}

// triggerProblems puts the trigger.Problems in err on errs, each on its
// field, and reports whether err held any: the form is then shown again
// with them (422).
func triggerProblems(err error, errs *web.FieldErrors) bool {
	var ps trigger.Problems
	if !errors.As(err, &ps) {
		return false
	}
	for _, p := range ps {
		key, ok := triggerProblemKeys[p]
		if !ok {
			errs.Add("form", "error.bad_request")
			continue
		}
		errs.Add(p.Field, key)
	}
	return true
}
