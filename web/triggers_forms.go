package web

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/i18n"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webhook"
)

// TriggerForm is the create and edit form of a usage trigger, as typed.
type TriggerForm struct {
	FriendlyName  string
	UsageCategory string
	TriggerBy     string
	TriggerValue  string
	Recurring     string
	EmailTeam     bool
	// EmailTo are more addresses, as typed: commas or new lines between.
	EmailTo        string
	CallbackURL    string
	CallbackMethod string
	Errors         FieldErrors
}

// NewTriggerForm is the form of a new trigger: set up for the most common
// trigger (the period's total spend, by price, each month, mailed to the
// people who manage the account), so that it takes a name and a value.
func NewTriggerForm() TriggerForm {
	return TriggerForm{UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice, Recurring: trigger.Monthly, EmailTeam: true,
		CallbackMethod: "POST"}
}

// TriggerFormOf is the edit form of an existing trigger.
func TriggerFormOf(t *trigger.Trigger) TriggerForm {
	return TriggerForm{FriendlyName: t.FriendlyName, UsageCategory: t.UsageCategory, TriggerBy: t.TriggerBy,
		TriggerValue: t.TriggerValue.String(), Recurring: t.Recurring, EmailTeam: t.EmailTeam, EmailTo: strings.Join(t.EmailTo, "\n"),
		CallbackURL: t.CallbackURL, CallbackMethod: t.CallbackMethod}
}

// TriggersData is Usage › Triggers.
type TriggersData struct {
	Triggers []*trigger.Trigger
	// Next is the page token of the triggers after these, "" at the end.
	Next string
}

// TriggerData is one trigger's page (Trigger nil: the new trigger's form).
type TriggerData struct {
	Trigger *trigger.Trigger
	Form    TriggerForm
	History []*trigger.Firing
	// Older is the URL of the history's next page; "" when none.
	Older string
}

// CategoryGroup is an <optgroup> of the usage category select.
type CategoryGroup struct {
	NameKey    string
	Categories []string
}

// TriggerCategories are the categories a trigger can watch, grouped by
// service as the select shows them: each service's total first, then its
// parts. They are usage.Categories, every one once (a test checks it).
var TriggerCategories = []CategoryGroup{
	{"triggers.group_sms", []string{"sms", usage.SMSOutbound}},
	{"triggers.group_voice", []string{"calls", usage.CallsOutbound}},
	{"triggers.group_numbers", []string{"phonenumbers", "phonenumbers-local", "phonenumbers-mobile", "phonenumbers-tollfree"}},
	{"triggers.group_total", []string{usage.TotalPrice}},
}

// Catalog keys of the trigger pages' words: the trigger package's own,
// which its mails use too, so both say the same.
var (
	triggerCategoryKeys = trigger.CategoryKeys
	triggerByKeys       = trigger.ByKeys
	recurringKeys       = trigger.RecurringKeys
)

// triggerCategoryName is a category as users know it, in their language.
func triggerCategoryName(ctx context.Context, c string) string {
	if k, ok := triggerCategoryKeys[c]; ok {
		return t(ctx, k)
	}
	return c
}

func triggerByName(ctx context.Context, by string) string {
	if k, ok := triggerByKeys[by]; ok {
		return t(ctx, k)
	}
	return by
}

func recurringName(ctx context.Context, r string) string {
	if k, ok := recurringKeys[r]; ok {
		return t(ctx, k)
	}
	return r
}

// triggerFigure shows a value of a trigger watching category by by as its
// mails do: money in the project's currency, else the number with its unit.
func triggerFigure(ctx context.Context, category, by string, v decimal.Decimal) string {
	currency := "USD"
	if p := CurrentProject(ctx); p != nil {
		currency = p.Currency
	}
	return trigger.Figure(lang(ctx), currency, category, by, v)
}

// TriggerName is what a trigger is called on its pages: its friendly
// name, or its SID when it has none.
func TriggerName(tr *trigger.Trigger) string {
	if tr.FriendlyName != "" {
		return tr.FriendlyName
	}
	return tr.SID
}

// periodLabel names the period a firing belongs to, in the request's
// language: a day, a month, a year, or "all time".
func periodLabel(ctx context.Context, recurring string, start time.Time) string {
	switch recurring {
	case trigger.Daily:
		return start.Format(time.DateOnly)
	case trigger.Monthly:
		return monthTitle(ctx, start)
	case trigger.Yearly:
		return i18n.Date(lang(ctx), "format.year", start)
	}
	return t(ctx, "triggers.period_alltime")
}

// attemptOutcome says what became of a webhook attempt: the status it
// got, or why it got none.
func attemptOutcome(ctx context.Context, a trigger.Attempt) string {
	if a.StatusCode != 0 {
		return t(ctx, attemptOutcomeKey(a), a.StatusCode)
	}
	return t(ctx, attemptOutcomeKey(a))
}

// attemptOutcomeKey is the catalog key of what became of a webhook
// attempt: its status, or why it got none, as stored with it.
func attemptOutcomeKey(a trigger.Attempt) string {
	if a.StatusCode != 0 {
		return "triggers.attempt_status"
	}
	if key, ok := attemptFailureKeys[a.Failure]; ok {
		return key
	}
	return "triggers.attempt_failed"
}

// attemptFailureKeys are the catalog keys of the ways an attempt gets no answer.
var attemptFailureKeys = map[string]string{
	webhook.FailureForbidden: "triggers.attempt_forbidden",
	webhook.FailureTimeout:   "triggers.attempt_timeout",
	webhook.FailureRefused:   "triggers.attempt_refused",
	webhook.FailureDNS:       "triggers.attempt_dns",
	webhook.FailureTLS:       "triggers.attempt_tls",
}
