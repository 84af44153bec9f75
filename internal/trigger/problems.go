package trigger

import (
	"slices"
	"strings"
)

// Problem is what is wrong with one field of a trigger.
type Problem struct {
	Field  string // one of the Field… constants
	Reason string // one of the Reason… constants
}

// Problems is every field's problem with a trigger, in the form's field
// order. The console shows each next to its field; the API answers the
// first as Twilio's error.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "trigger: " + strings.Join(parts, "; ")
}

// Has reports whether ps holds the problem field, reason.
func (ps Problems) Has(field, reason string) bool {
	return slices.Contains(ps, Problem{Field: field, Reason: reason})
}

func (ps *Problems) add(field, reason string) {
	*ps = append(*ps, Problem{Field: field, Reason: reason})
}

// err is ps as an error: nil when there is no problem.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
