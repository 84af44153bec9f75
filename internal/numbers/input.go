package numbers

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"console/internal/account"
)

// Fields a Problem names. They are also the console's form field names.
const (
	FieldPhoneNumber  = "phone_number"
	FieldFriendlyName = "friendly_name"
)

// Reasons a field is refused.
const (
	ReasonRequired = "required"
	ReasonTooLong  = "too_long"
)

// Problem is what is wrong with one field of an input.
type Problem struct {
	Field  string // one of the Field… constants
	Reason string // one of the Reason… constants
}

// Problems is every field's problem with an input, in the input's field
// order. The console shows each next to its field; the API answers the
// first as Twilio's error.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "numbers: " + strings.Join(parts, "; ")
}

// Has reports whether ps holds the problem field, reason.
func (ps Problems) Has(field, reason string) bool {
	return slices.Contains(ps, Problem{Field: field, Reason: reason})
}

func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// nameProblem is the rule on a number's friendly name: the accounts'
// limit (account.MaxFriendlyName) and, unless optional, not blank.
func nameProblem(name string, optional bool) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "" && !optional:
		return ReasonRequired
	case utf8.RuneCountInString(name) > account.MaxFriendlyName:
		return ReasonTooLong
	}
	return ""
}

// BuyRequest is a purchase.
type BuyRequest struct {
	// PhoneNumber in E.164, from the inventory.
	PhoneNumber string
	// FriendlyName defaults to the number.
	FriendlyName string
	// At dates the purchase (the number, its first month's charge and
	// usage, its monthly anniversary, its audit entry); zero means now.
	// Only seeded history (the demo) buys in the past.
	At time.Time
}

// Validate returns every problem with in: no number; a name too long.
// Whether the number can be bought is the purchase's to say.
func (in BuyRequest) Validate() error {
	var ps Problems
	if strings.TrimSpace(in.PhoneNumber) == "" {
		ps = append(ps, Problem{FieldPhoneNumber, ReasonRequired})
	}
	if r := nameProblem(in.FriendlyName, true); r != "" {
		ps = append(ps, Problem{FieldFriendlyName, r})
	}
	return ps.err()
}

// RenameInput is a number's new friendly name.
type RenameInput struct {
	FriendlyName string
}

// Validate returns the problem with in: a name blank or too long.
func (in RenameInput) Validate() error {
	if r := nameProblem(in.FriendlyName, false); r != "" {
		return Problems{{FieldFriendlyName, r}}
	}
	return nil
}
