package api

import (
	"errors"

	"console/internal/account"
)

// accountParams are Twilio's names of the account domain's fields.
var accountParams = map[string]string{
	account.FieldFriendlyName: "FriendlyName",
	account.FieldType:         "Type",
	account.FieldStatus:       "Status",
	account.FieldTimeZone:     "TimeZone",
	account.FieldCurrency:     "Currency",
}

// accountProblemWhy says, for each of the account domain's input
// problems, what the parameter must be.
var accountProblemWhy = map[account.Problem]string{
	{Field: account.FieldFriendlyName, Reason: account.ReasonRequired}: "must not be empty",
	{Field: account.FieldFriendlyName, Reason: account.ReasonTooLong}:  "must be at most 64 characters",
	{Field: account.FieldType, Reason: account.ReasonInvalid}:          "must be standard or main",
	{Field: account.FieldStatus, Reason: account.ReasonInvalid}:        "must be active, suspended or closed",
	{Field: account.FieldTimeZone, Reason: account.ReasonInvalid}:      "must be an IANA time zone",
	{Field: account.FieldCurrency, Reason: account.ReasonInvalid}:      "must be JPY or USD",
	{Field: account.FieldCurrency, Reason: account.ReasonFixed}:        "is fixed once money has moved",
}

// accountInputError turns the account.Problems in err into Twilio's
// error, 400 with code 20001, naming the first problem as Twilio names
// one; any other err is returned as it is.
func accountInputError(err error) error {
	var ps account.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		return err
	}
	p := ps[0]
	param, ok := accountParams[p.Field]
	if !ok {
		param = p.Field
	}
	why, ok := accountProblemWhy[p]
	if !ok {
		why = "is not valid"
	}
	return errInvalid(param, why)
}
