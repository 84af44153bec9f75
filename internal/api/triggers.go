package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/reqlog"
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

// triggerError turns the store's verdict on a spec into Twilio's error.
func triggerError(err error) error {
	var fe *trigger.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	switch fe.Field {
	case trigger.FieldCallbackURL:
		return errCallbackURL
	case trigger.FieldAction:
		return errMissing("CallbackUrl")
	case trigger.FieldFriendlyName:
		return errInvalid("FriendlyName", "must be at most 64 characters")
	case trigger.FieldUsageCategory:
		if fe.Reason == trigger.ReasonRequired {
			return errMissing("UsageCategory")
		}
		return errInvalid("UsageCategory", "is not a usage category")
	case trigger.FieldTriggerBy:
		return errInvalid("TriggerBy", "must be count, usage or price")
	case trigger.FieldRecurring:
		return errInvalid("Recurring", "must be daily, monthly, yearly or alltime")
	case trigger.FieldCallbackMethod:
		return errInvalid("CallbackMethod", "must be GET or POST")
	case trigger.FieldTriggerValue:
		return errInvalid("TriggerValue", "must be a positive number, or an offset such as +30")
	}
	return errInvalid(fe.Field, fe.Reason)
}

// actor is the audit entry of a change made by the request's principal.
func (a *API) actor(r *http.Request) audit.Entry {
	p := principal(r.Context())
	cred := p.Account.SID
	if p.Key != nil {
		cred = p.Key.SID
	}
	return audit.Entry{Actor: audit.ActorAPI, IP: reqlog.ClientIP(r), Details: map[string]string{"credential": cred}}
}

func (a *API) writeTrigger(w http.ResponseWriter, r *http.Request, status int, t *trigger.Trigger) error {
	if err := a.Triggers.FillCurrentValues(r.Context(), a.pool, t.ProjectSID, t); err != nil {
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
	switch {
	case f("CallbackUrl") == "":
		return errMissing("CallbackUrl")
	case f("TriggerValue") == "":
		return errMissing("TriggerValue")
	case f("UsageCategory") == "":
		return errMissing("UsageCategory")
	}
	value, offset, err := trigger.ParseValue(f("TriggerValue"))
	if err != nil {
		return errInvalid("TriggerValue", "must be a positive number, or an offset such as +30")
	}
	spec := trigger.Spec{FriendlyName: r.PostFormValue("FriendlyName"), UsageCategory: f("UsageCategory"), TriggerBy: f("TriggerBy"),
		TriggerValue: value, Offset: offset, Recurring: f("Recurring"), CallbackURL: f("CallbackUrl"), CallbackMethod: f("CallbackMethod")}
	t, err := a.Triggers.Create(r.Context(), a.actor(r), acc.ProjectSID, acc.SID, spec)
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
	t, err := trigger.Get(r.Context(), a.pool, acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
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
	t, err := a.Triggers.Update(r.Context(), a.actor(r), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"), func(s *trigger.Spec) error {
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
	err = a.Triggers.Delete(r.Context(), a.actor(r), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
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
	ts, err := trigger.List(ctx, a.pool, acc.ProjectSID, acc.SID, f, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	if err := a.Triggers.FillCurrentValues(ctx, a.pool, acc.ProjectSID, ts[:min(len(ts), pg.Size)]...); err != nil {
		return err
	}
	return writePage(w, r, pg, ts, "usage_triggers", func(t *trigger.Trigger) string { return t.SID },
		func(t *trigger.Trigger) (usageTriggerJSON, error) { return usageTriggerResource(t), nil })
}
