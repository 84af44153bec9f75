package console

import (
	"errors"

	"console/internal/account"
	"console/web"
)

// accountProblemKeys are the messages of the account domain's input
// problems, shown next to the form field of the same name.
var accountProblemKeys = map[account.Problem]string{
	{Field: account.FieldFriendlyName, Reason: account.ReasonRequired}: "error.required",
	{Field: account.FieldFriendlyName, Reason: account.ReasonTooLong}:  "error.too_long",
	{Field: account.FieldType, Reason: account.ReasonInvalid}:          "keys.type_required",
	{Field: account.FieldStatus, Reason: account.ReasonInvalid}:        "error.bad_request",
	{Field: account.FieldTimeZone, Reason: account.ReasonInvalid}:      "error.time_zone",
	{Field: account.FieldCurrency, Reason: account.ReasonInvalid}:      "error.currency",
	{Field: account.FieldCurrency, Reason: account.ReasonFixed}:        "settings.currency_locked",
}

// accountProblems puts the account.Problems in err on errs, each on its
// field, and reports whether err held any: the form is then shown again
// with them (422).
func accountProblems(err error, errs *web.FieldErrors) bool {
	var ps account.Problems
	if !errors.As(err, &ps) {
		return false
	}
	for _, p := range ps {
		key, ok := accountProblemKeys[p]
		if !ok {
			errs.Add("form", "error.bad_request")
			continue
		}
		errs.Add(p.Field, key)
	}
	return true
}
