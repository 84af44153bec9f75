package console

import (
	"errors"
	"maps"

	"console/internal/auth"
	"console/web"
)

// userProblemKeys are the messages of the people domains' input problems
// (auth, team, onboard), shown next to the form field of the same name.
var userProblemKeys = map[auth.Problem]string{
	{Field: auth.FieldName, Reason: auth.ReasonRequired}:         "error.required",
	{Field: auth.FieldName, Reason: auth.ReasonTooLong}:          "error.too_long",
	{Field: auth.FieldFriendlyName, Reason: auth.ReasonRequired}: "error.required",
	{Field: auth.FieldFriendlyName, Reason: auth.ReasonTooLong}:  "error.too_long",
	{Field: auth.FieldProjectName, Reason: auth.ReasonRequired}:  "error.required",
	{Field: auth.FieldProjectName, Reason: auth.ReasonTooLong}:   "error.too_long",
	{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}:         "error.email",
	{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}:      "error.email",
	{Field: auth.FieldPassword, Reason: auth.ReasonRules}:        "password.rules",
	{Field: auth.FieldNewPassword, Reason: auth.ReasonRules}:     "password.rules",
	{Field: auth.FieldCurrency, Reason: auth.ReasonInvalid}:      "error.currency",
	{Field: auth.FieldTimeZone, Reason: auth.ReasonInvalid}:      "error.time_zone",
	{Field: auth.FieldRole, Reason: auth.ReasonInvalid}:          "members.role_invalid",
	{Field: auth.FieldLocale, Reason: auth.ReasonInvalid}:        "error.bad_request",
}

// inviteProblemKeys are userProblemKeys for the invitation form: a list of
// addresses gets its own message, as an invitation goes to one person.
var inviteProblemKeys = func() map[auth.Problem]string {
	m := maps.Clone(userProblemKeys)
	m[auth.Problem{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}] = "members.invite_one_address"
	return m
}()

// userProblems puts the auth.Problems in err on errs, each on its field
// with its message from keys, and reports whether err held any: the form
// is then shown again with them (422).
func userProblems(err error, errs *web.FieldErrors, keys map[auth.Problem]string) bool {
	var ps auth.Problems
	if !errors.As(err, &ps) {
		return false
	}
	for _, p := range ps {
		key, ok := keys[p]
		if !ok {
			errs.Add("form", "error.bad_request")
			continue
		}
		errs.Add(p.Field, key)
	}
	return true
}
