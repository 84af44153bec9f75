package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/sid"
	"console/internal/trigger"
	"console/internal/usage"
)

// usageTriggerJSON is Twilio's UsageTrigger resource.
type usageTriggerJSON struct {
	AccountSID     string  `json:"account_sid"`
	APIVersion     string  `json:"api_version"`
	CallbackMethod string  `json:"callback_method"`
	CallbackURL    *string `json:"callback_url"`
	CurrentValue   string  `json:"current_value"`
	DateCreated    string  `json:"date_created"`
	DateFired      *string `json:"date_fired"`
	DateUpdated    string  `json:"date_updated"`
	FriendlyName   string  `json:"friendly_name"`
	Recurring      string  `json:"recurring"`
	SID            string  `json:"sid"`
	TriggerBy      string  `json:"trigger_by"`
	TriggerValue   string  `json:"trigger_value"`
	URI            string  `json:"uri"`
	UsageCategory  string  `json:"usage_category"`
	UsageRecordURI string  `json:"usage_record_uri"`
}

func usageTriggerResource(t *trigger.Trigger) usageTriggerJSON {
	out := usageTriggerJSON{
		AccountSID: t.AccountSID, APIVersion: "2010-04-01", CallbackMethod: t.CallbackMethod, CurrentValue: t.CurrentValue.String(),
		DateCreated: rfc2822(t.DateCreated), DateUpdated: rfc2822(t.DateUpdated), FriendlyName: t.FriendlyName, Recurring: t.Recurring,
		SID: t.SID, TriggerBy: t.TriggerBy, TriggerValue: t.TriggerValue.String(), URI: t.URI(), UsageCategory: t.UsageCategory,
		UsageRecordURI: t.UsageRecordURI(),
	}
	if t.CallbackURL != "" {
		out.CallbackURL = &t.CallbackURL
	}
	if t.DateFired != nil {
		s := rfc2822(*t.DateFired)
		out.DateFired = &s
	}
	return out
}

func errMissing(param string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: 20001, Message: "Missing required parameter " + param + " in the post body"}
}

var errCallbackURL = &Error{Status: http.StatusBadRequest, Code: 21502, Message: "Invalid callback url"}

// triggerParams are Twilio's names of the trigger's fields.
var triggerParams = map[string]string{
	trigger.FieldFriendlyName:   "FriendlyName",
	trigger.FieldUsageCategory:  "UsageCategory",
	trigger.FieldTriggerBy:      "TriggerBy",
	trigger.FieldTriggerValue:   "TriggerValue",
	trigger.FieldRecurring:      "Recurring",
	trigger.FieldCallbackURL:    "CallbackUrl",
	trigger.FieldCallbackMethod: "CallbackMethod",
	// The API sends no email: a trigger must call back.
	trigger.FieldAction: "CallbackUrl",
}

// triggerProblemWhy says, for each of the trigger input's problems, what
// the parameter must be; a missing parameter and a bad callback URL have
// Twilio's errors of their own (triggerProblemError).
var triggerProblemWhy = map[trigger.Problem]string{
	{Field: trigger.FieldFriendlyName, Reason: trigger.ReasonTooLong}:     "must be at most 64 characters",
	{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonInvalid}:    "is not a usage category",
	{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonInvalid}:        "must be count, usage or price",
	{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonNoCount}:        "must be usage or price for totalprice, which has no count",
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonInvalid}:     "must be a positive number, or an offset such as +30",
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonNotPositive}: "must be a positive number, or an offset such as +30",
	{Field: trigger.FieldRecurring, Reason: trigger.ReasonInvalid}:        "must be daily, monthly, yearly or alltime",
	{Field: trigger.FieldCallbackMethod, Reason: trigger.ReasonInvalid}:   "must be GET or POST",
}

// requiredFirst are the problems Twilio reports before any other, in its
// order: the missing required parameters.
var requiredFirst = []trigger.Problem{
	{Field: trigger.FieldAction, Reason: trigger.ReasonRequired},
	{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonRequired},
	{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonRequired},
}

// triggerError turns the trigger.Problems in err into Twilio's error: a
// missing parameter first, else the first problem; any other err is
// returned as it is.
func triggerError(err error) error {
	var ps trigger.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		return err
	}
	for _, p := range requiredFirst {
		if ps.Has(p.Field, p.Reason) {
			return triggerProblemError(p)
		}
	}
	return triggerProblemError(ps[0])
}

// triggerProblemError is Twilio's error for one problem.
func triggerProblemError(p trigger.Problem) *Error {
	param := triggerParams[p.Field]
	switch {
	case p.Reason == trigger.ReasonRequired:
		return errMissing(param)
	case p.Field == trigger.FieldCallbackURL:
		return errCallbackURL
	}
	why, ok := triggerProblemWhy[p]
	if !ok {
		why = "is not valid"
	}
	if param == "" {
		param = p.Field
	}
	return errInvalid(param, why)
}

func (a *API) writeTrigger(w http.ResponseWriter, r *http.Request, status int, t *trigger.Trigger) error {
	if err := a.Triggers.FillCurrentValues(r.Context(), t.ProjectSID, t); err != nil {
		return err
	}
	writeJSON(w, status, usageTriggerResource(t))
	return nil
}

func (a *API) createTrigger(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := trigger.Input{Value: f("TriggerValue"), Spec: trigger.Spec{FriendlyName: r.PostFormValue("FriendlyName"),
		UsageCategory: f("UsageCategory"), TriggerBy: f("TriggerBy"), Recurring: f("Recurring"), CallbackURL: f("CallbackUrl"),
		CallbackMethod: f("CallbackMethod")}}
	spec, err := in.Parse()
	if err != nil {
		return triggerError(err)
	}
	ctx := r.Context()
	t, err := a.Triggers.Create(ctx, audit.ActorFrom(ctx), acc.ProjectSID, acc.SID, spec)
	if err != nil {
		return triggerError(err)
	}
	return a.writeTrigger(w, r, http.StatusCreated, t)
}

func (a *API) getTrigger(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	t, err := a.Triggers.Get(r.Context(), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, trigger.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	return a.writeTrigger(w, r, http.StatusOK, t)
}

// updateTrigger changes what Twilio lets the API change: the callback and
// the name. (The console may change the rest.)
func (a *API) updateTrigger(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "is not a form")
	}
	ctx := r.Context()
	t, err := a.Triggers.Update(ctx, audit.ActorFrom(ctx), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"), func(s *trigger.Spec) error {
		if v, ok := r.PostForm["CallbackUrl"]; ok {
			s.CallbackURL = v[0]
		}
		if v, ok := r.PostForm["CallbackMethod"]; ok {
			s.CallbackMethod = v[0]
		}
		if v, ok := r.PostForm["FriendlyName"]; ok {
			s.FriendlyName = v[0]
		}
		return nil
	})
	if errors.Is(err, trigger.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return triggerError(err)
	}
	return a.writeTrigger(w, r, http.StatusOK, t)
}

func (a *API) deleteTrigger(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = a.Triggers.Delete(ctx, audit.ActorFrom(ctx), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, trigger.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listTriggers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	if pg.After != "" && !sid.Valid(pg.After, trigger.Prefix) {
		return errInvalid("PageToken", "is not a token this API issued")
	}
	q := r.URL.Query()
	f := trigger.Filter{Recurring: q.Get("Recurring"), TriggerBy: q.Get("TriggerBy"), UsageCategory: q.Get("UsageCategory")}
	switch {
	case f.Recurring != "" && !slices.Contains(trigger.Recurrings, f.Recurring):
		return errInvalid("Recurring", "must be daily, monthly, yearly or alltime")
	case f.TriggerBy != "" && !slices.Contains(trigger.TriggerBys, f.TriggerBy):
		return errInvalid("TriggerBy", "must be count, usage or price")
	}
	if f.UsageCategory != "" {
		if _, ok := usage.Categories[f.UsageCategory]; !ok {
			return errInvalid("UsageCategory", "is not a usage category")
		}
	}
	ts, err := a.Triggers.List(ctx, acc.ProjectSID, acc.SID, f, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, ts, "usage_triggers", func(t *trigger.Trigger) string { return t.SID },
		func(t *trigger.Trigger) (usageTriggerJSON, error) { return usageTriggerResource(t), nil })
}
