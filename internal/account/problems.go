package account

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxFriendlyName is the longest friendly name, in characters, of an
// account, a project or an API key: Twilio's limit, and the one check of
// it in the program.
const MaxFriendlyName = 64

// Fields a Problem names. They are also the console's form field names.
const (
	FieldFriendlyName = "friendly_name"
	FieldType         = "type"
	FieldStatus       = "status"
	FieldTimeZone     = "time_zone"
	FieldCurrency     = "currency"
)

// Reasons a field is refused.
const (
	ReasonRequired = "required"
	ReasonTooLong  = "too_long"
	ReasonInvalid  = "invalid"
	// ReasonFixed is a currency that can no longer change: money has moved.
	ReasonFixed = "fixed"
)

// Problem is what is wrong with one field of an input.
type Problem struct {
	Field  string // one of the Field… constants
	Reason string // one of the Reason… constants
}

// Problems is every field's problem with an input, in the input's field
// order. An input's Validate returns it, and so does the use case that
// refuses the input; the console turns each into a message next to its
// field, the API the first into Twilio's error.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "account: " + strings.Join(parts, "; ")
}

// Has reports whether ps holds the problem field, reason.
func (ps Problems) Has(field, reason string) bool {
	return slices.Contains(ps, Problem{Field: field, Reason: reason})
}

// add notes a problem with field, if reason says there is one.
func (ps *Problems) add(field, reason string) {
	if reason != "" {
		*ps = append(*ps, Problem{Field: field, Reason: reason})
	}
}

// err is ps as an error: nil when there is no problem.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// nameProblem is the one rule on friendly names: at most MaxFriendlyName
// characters and, unless optional, not empty. It returns the reason name
// is refused, "" when it is not.
func nameProblem(name string, optional bool) string {
	switch {
	case name == "" && !optional:
		return ReasonRequired
	case utf8.RuneCountInString(name) > MaxFriendlyName:
		return ReasonTooLong
	}
	return ""
}
