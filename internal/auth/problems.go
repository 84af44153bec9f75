package auth

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxNameLen is the longest name of a user, in characters.
const MaxNameLen = 64

// Fields a Problem names. They are also the console's form field names.
// The people domains (auth, team, onboard) share them.
const (
	FieldName         = "name"
	FieldFriendlyName = "friendly_name"
	FieldEmail        = "email"
	FieldPassword     = "password"
	FieldNewPassword  = "new_password"
	FieldLocale       = "locale"
	FieldRole         = "role"
	FieldProjectName  = "project_name"
	FieldCurrency     = "currency"
	FieldTimeZone     = "time_zone"
)

// Reasons a field is refused.
const (
	ReasonRequired = "required"
	ReasonTooLong  = "too_long"
	ReasonInvalid  = "invalid"
	// ReasonRules is a new password outside the length rules.
	ReasonRules = "rules"
	// ReasonOneAddress is a list of addresses where one is wanted.
	ReasonOneAddress = "one_address"
)

// Problem is what is wrong with one field of an input.
type Problem struct {
	Field  string // one of the Field… constants
	Reason string // one of the Reason… constants
}

// Problems is every field's problem with an input, in the input's field
// order. The inputs of auth, team and onboard return it from Validate,
// and so do their use cases when they refuse an input; the console turns
// each into a message next to its field.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Has reports whether ps holds the problem field, reason.
func (ps Problems) Has(field, reason string) bool {
	return slices.Contains(ps, Problem{Field: field, Reason: reason})
}

// Add notes a problem with field, if reason says there is one.
func (ps *Problems) Add(field, reason string) {
	if reason != "" {
		*ps = append(*ps, Problem{Field: field, Reason: reason})
	}
}

// Err is ps as an error: nil when there is no problem.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// NameProblem is the rule on a user's (or a new project's) name: not
// empty, at most MaxNameLen characters. It returns the reason name is
// refused, "" when it is not.
func NameProblem(name string) string {
	switch {
	case name == "":
		return ReasonRequired
	case utf8.RuneCountInString(name) > MaxNameLen:
		return ReasonTooLong
	}
	return ""
}

// PasswordProblem is the rule on a new password (CheckPasswordRules) as
// a reason, "" when it passes.
func PasswordProblem(pw string) string {
	if CheckPasswordRules(pw) != nil {
		return ReasonRules
	}
	return ""
}

// EmailProblem is the reason email is refused as one address with no
// surrounding space, "" when it is not: ReasonOneAddress for what looks
// like a list, since a message goes to one person.
func EmailProblem(email string) string {
	if ValidEmail(email) {
		return ""
	}
	if strings.Count(email, "@") > 1 || strings.ContainsAny(email, ",;") {
		return ReasonOneAddress
	}
	return ReasonInvalid
}
