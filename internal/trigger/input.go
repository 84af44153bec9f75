package trigger

import (
	"cmp"
	"errors"
	"slices"

	"github.com/shopspring/decimal"
)

// Input is a trigger as a person or a client writes it: a Spec whose value
// is still text, "+N" for an offset.
type Input struct {
	Spec
	// Value is the trigger value as typed; Spec's TriggerValue and Offset
	// are set from it.
	Value string
}

// fieldOrder is the order of the fields in Problems.
var fieldOrder = []string{FieldFriendlyName, FieldUsageCategory, FieldTriggerBy, FieldTriggerValue, FieldRecurring,
	FieldEmailTo, FieldCallbackURL, FieldCallbackMethod, FieldAction}

// Parse reads the value and validates the whole input (Spec.Validate),
// returning the spec to save or Problems naming every field at fault: a
// value that is missing or not a number among them.
func (in Input) Parse() (Spec, error) {
	s := in.Spec
	var ps Problems
	v, offset, err := ParseValue(in.Value)
	switch {
	case in.Value == "":
		ps.add(FieldTriggerValue, ReasonRequired)
	case err != nil:
		ps.add(FieldTriggerValue, ReasonInvalid)
	}
	if len(ps) > 0 {
		// A stand-in that passes, so that Validate judges the other fields.
		v, offset = decimal.NewFromInt(1), false
	}
	s.TriggerValue, s.Offset = v, offset
	var more Problems
	if !errors.As(s.Validate(), &more) && len(ps) == 0 {
		return s, nil
	}
	ps = append(ps, more...)
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Compare(slices.Index(fieldOrder, a.Field), slices.Index(fieldOrder, b.Field))
	})
	return s, ps
}
