// Package trigger owns usage triggers (Twilio's UsageTrigger, UT…): what
// they watch, their evaluation when usage is recorded, the firings (at
// most one per trigger and period, guaranteed by the database), and their
// delivery by signed webhook and by email, with every attempt logged.
package trigger

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/usage"
)

// What a trigger compares with its value: a field of the usage record.
const (
	ByCount = "count"
	ByUsage = "usage"
	ByPrice = "price"
)

// How often a trigger may fire: once per day, month or year of the
// project's time zone, or once ever.
const (
	Daily   = "daily"
	Monthly = "monthly"
	Yearly  = "yearly"
	AllTime = "alltime"
)

// TriggerBys and Recurrings are the accepted values, in the order forms list them.
var (
	TriggerBys = []string{ByUsage, ByCount, ByPrice}
	Recurrings = []string{Daily, Monthly, Yearly, AllTime}
)

// MaxFriendlyName is Twilio's limit on a trigger's name, in characters.
const MaxFriendlyName = 64

// MaxEmails bounds the addresses one trigger mails besides the team.
const MaxEmails = 10

// ErrNotFound is returned for a trigger that does not exist in the
// account, which includes another tenant's.
var ErrNotFound = errors.New("trigger: not found")

// Fields a Problem names, in the order forms show them. They are also the
// console's form field names.
const (
	FieldFriendlyName   = "friendly_name"
	FieldUsageCategory  = "usage_category"
	FieldTriggerBy      = "trigger_by"
	FieldTriggerValue   = "trigger_value"
	FieldRecurring      = "recurring"
	FieldEmailTo        = "email_to"
	FieldCallbackURL    = "callback_url"
	FieldCallbackMethod = "callback_method"
	// FieldAction: the trigger neither calls a URL nor mails anyone.
	FieldAction = "action"
)

// Reasons a field is refused.
const (
	ReasonRequired = "required"
	ReasonInvalid  = "invalid"
	ReasonTooLong  = "too_long"
	ReasonTooMany  = "too_many"
	// ReasonNotPositive: the value (after a +N offset) is not above zero.
	ReasonNotPositive = "not_positive"
	// ReasonNoCount: a trigger by count of total price, which has no
	// count and so could never fire.
	ReasonNoCount = "no_count"
)

// Trigger is a usage trigger of one account.
type Trigger struct {
	SID        string
	ProjectSID string
	AccountSID string
	Spec
	// Revision changes when what the trigger watches or its value changes.
	Revision    int
	DateCreated time.Time
	DateUpdated time.Time
	// DateFired is when it last fired, nil if never.
	DateFired *time.Time
	// FiredPeriod is the start of the period the current revision last
	// fired in (a local date at midnight UTC; the zero time for alltime),
	// nil when the revision has not fired.
	FiredPeriod *time.Time
	// CurrentValue is the value of the current period; filled by
	// Service.FillCurrentValues, zero until then.
	CurrentValue decimal.Decimal
}

// Spec is what a trigger's owner chooses.
type Spec struct {
	FriendlyName  string
	UsageCategory string // a key of usage.Categories
	TriggerBy     string // ByCount, ByUsage or ByPrice
	TriggerValue  decimal.Decimal
	// Offset makes TriggerValue relative to the current value of the
	// period when the trigger is saved (Twilio's "+30").
	Offset    bool
	Recurring string // Daily, Monthly, Yearly or AllTime
	// CallbackURL is called when the trigger fires; "" for none.
	CallbackURL    string
	CallbackMethod string // GET or POST
	// EmailTeam mails the project's Owners, Administrators and Billing
	// Managers, each in their own language.
	EmailTeam bool
	// EmailTo are more addresses to mail; an address of a project member
	// gets the member's language, others EmailLocale.
	EmailTo     []string
	EmailLocale string // i18n.English or i18n.Japanese
}

// Digits a trigger value may have: more than any count, usage or price
// reaches, and far below what PostgreSQL's numeric refuses (a value of
// 200,000 digits was a database error, answered 500).
const (
	maxValueIntDigits  = 15
	maxValueFracDigits = 10
)

// ParseValue reads a trigger value as Twilio takes it: a decimal number,
// or "+N" for N more than the current value; at most 15 digits before the
// point and 10 after it.
func ParseValue(s string) (v decimal.Decimal, offset bool, err error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		s, offset = rest, true
	}
	if s == "" || strings.ContainsAny(s, "eE+") {
		return decimal.Zero, false, errors.New("trigger: not a number")
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if len(strings.TrimLeft(whole, "0")) > maxValueIntDigits || len(frac) > maxValueFracDigits {
		return decimal.Zero, false, errors.New("trigger: too many digits")
	}
	v, err = decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, false, errors.New("trigger: not a number")
	}
	return v, offset, nil
}

// ValidCallbackURL reports whether u is an absolute http(s) URL. Whether
// its host may be reached is decided when the webhook is sent.
func ValidCallbackURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" && len(u) <= 4000
}

// normalize fills defaults and trims; it changes nothing Validate would
// refuse into something it accepts, except for the defaults.
func (s *Spec) normalize() {
	s.FriendlyName = strings.TrimSpace(s.FriendlyName)
	s.CallbackURL = strings.TrimSpace(s.CallbackURL)
	s.CallbackMethod = strings.ToUpper(strings.TrimSpace(s.CallbackMethod))
	if s.CallbackMethod == "" {
		s.CallbackMethod = "POST"
	}
	if s.TriggerBy == "" {
		s.TriggerBy = ByUsage
	}
	if s.Recurring == "" {
		s.Recurring = AllTime
	}
	if !i18n.Supported(s.EmailLocale) {
		s.EmailLocale = i18n.English
	}
	var to []string
	seen := map[string]bool{}
	for _, a := range s.EmailTo {
		a = strings.TrimSpace(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		to = append(to, a)
	}
	s.EmailTo = to
}

// Validate fills the spec's defaults, then returns every field's problem
// as Problems (nil when there is none). It is the one check of a trigger,
// for the console's form, the API and the service alike. An offset value
// is only refused when negative: its sign is known once it is resolved.
func (s *Spec) Validate() error {
	s.normalize()
	var ps Problems
	if utf8.RuneCountInString(s.FriendlyName) > MaxFriendlyName {
		ps.add(FieldFriendlyName, ReasonTooLong)
	}
	switch {
	case s.UsageCategory == "":
		ps.add(FieldUsageCategory, ReasonRequired)
	case !validCategory(s.UsageCategory):
		ps.add(FieldUsageCategory, ReasonInvalid)
	}
	switch {
	case !slices.Contains(TriggerBys, s.TriggerBy):
		ps.add(FieldTriggerBy, ReasonInvalid)
	case s.TriggerBy == ByCount && s.UsageCategory == usage.TotalPrice:
		ps.add(FieldTriggerBy, ReasonNoCount)
	}
	switch {
	case s.Offset && s.TriggerValue.Sign() < 0:
		ps.add(FieldTriggerValue, ReasonInvalid)
	case !s.Offset && s.TriggerValue.Sign() <= 0:
		ps.add(FieldTriggerValue, ReasonNotPositive)
	}
	if !slices.Contains(Recurrings, s.Recurring) {
		ps.add(FieldRecurring, ReasonInvalid)
	}
	for _, a := range s.EmailTo {
		// The same strict reading as invitations: one plain address each.
		if !auth.ValidEmail(a) {
			ps.add(FieldEmailTo, ReasonInvalid)
			break
		}
	}
	if len(s.EmailTo) > MaxEmails {
		ps.add(FieldEmailTo, ReasonTooMany)
	}
	if s.CallbackURL != "" && !ValidCallbackURL(s.CallbackURL) {
		ps.add(FieldCallbackURL, ReasonInvalid)
	}
	if s.CallbackMethod != "GET" && s.CallbackMethod != "POST" {
		ps.add(FieldCallbackMethod, ReasonInvalid)
	}
	if s.CallbackURL == "" && !s.EmailTeam && len(s.EmailTo) == 0 {
		ps.add(FieldAction, ReasonRequired)
	}
	return ps.err()
}

// validCategory reports whether c is a category the console meters.
func validCategory(c string) bool {
	_, ok := usage.Categories[c]
	return ok
}

// UsageRecordURI is the Usage Records list the trigger watches.
func (t *Trigger) UsageRecordURI() string {
	return "/2010-04-01/Accounts/" + t.AccountSID + "/Usage/Records.json?" + url.Values{"Category": {t.UsageCategory}}.Encode()
}

// URI is the trigger's REST API path.
func (t *Trigger) URI() string {
	return "/2010-04-01/Accounts/" + t.AccountSID + "/Usage/Triggers/" + t.SID + ".json"
}
