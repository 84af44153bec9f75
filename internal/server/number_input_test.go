package server_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/i18n"
	"console/internal/numbers"
	"console/internal/webtest"
)

// A number's purchase and its rename are checked once, by their type's
// Validate; the console shows each problem (422, a catalog message next
// to its field, or above the search for the number itself), the API
// answers it as Twilio does (400, its code and message). One row per
// problem, both sides.
func TestNumberInputsInConsoleAndAPI(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	numberSID := app.EnsureNumber(o.AccountSID, o.AccountSID, "")
	phone := numbers.Candidates("JP", numbers.Local, "", 0, 1)[0]
	tooLong := strings.Repeat("名", account.MaxFriendlyName+1)
	buy := func(p, name string) url.Values {
		return url.Values{"phone_number": {p}, "friendly_name": {name}, "country": {"JP"}, "type": {"local"}}
	}

	for _, row := range []struct {
		name    string
		in      interface{ Validate() error }
		problem numbers.Problem
		// path and form are the console's request; key its message, shown
		// on the problem's field (or, for the number, the refusal's).
		path    string
		form    url.Values
		key     string
		apiPath string
		apiForm url.Values
		code    float64
		message string
	}{{
		name: "buy without a number", problem: numbers.Problem{Field: numbers.FieldPhoneNumber, Reason: numbers.ReasonRequired},
		in:   numbers.BuyRequest{},
		path: "/phone-numbers/buy", form: buy("", ""), key: "numbers.number_required",
		apiPath: "/IncomingPhoneNumbers.json", apiForm: url.Values{"FriendlyName": {"Support"}},
		code: 21452, message: "A PhoneNumber or AreaCode is required",
	}, {
		name: "buy with a name too long", problem: numbers.Problem{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonTooLong},
		in:   numbers.BuyRequest{PhoneNumber: phone, FriendlyName: tooLong},
		path: "/phone-numbers/buy", form: buy(phone, tooLong), key: "error.too_long",
		apiPath: "/IncomingPhoneNumbers.json", apiForm: url.Values{"PhoneNumber": {phone}, "FriendlyName": {tooLong}},
		code: 20001, message: "Invalid FriendlyName: must be at most 64 characters",
	}, {
		name: "rename to nothing", problem: numbers.Problem{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonRequired},
		in:   numbers.RenameInput{FriendlyName: " "},
		path: "/phone-numbers/" + numberSID, form: url.Values{"friendly_name": {" "}}, key: "error.required",
		apiPath: "/IncomingPhoneNumbers/" + numberSID + ".json", apiForm: url.Values{"FriendlyName": {" "}},
		code: 20001, message: "Invalid FriendlyName: must not be empty",
	}, {
		name: "rename too long", problem: numbers.Problem{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonTooLong},
		in:   numbers.RenameInput{FriendlyName: tooLong},
		path: "/phone-numbers/" + numberSID, form: url.Values{"friendly_name": {tooLong}}, key: "error.too_long",
		apiPath: "/IncomingPhoneNumbers/" + numberSID + ".json", apiForm: url.Values{"FriendlyName": {tooLong}},
		code: 20001, message: "Invalid FriendlyName: must be at most 64 characters",
	}} {
		t.Run(row.name, func(t *testing.T) {
			require.Equal(t, numbers.Problems{row.problem}, row.in.Validate(), "Validate")
			before := app.Fingerprint()

			res := c.Post(row.path, row.form)
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, res.Body)
			msg := html.EscapeString(i18n.Translate(i18n.English, row.key))
			if row.problem.Field == numbers.FieldPhoneNumber {
				require.Contains(t, res.Body, `data-testid="buy-refused">`+msg+`<`, "the refusal above the search")
			} else {
				require.Contains(t, res.Body, `id="`+row.problem.Field+`-error">`+msg+`<`, "the message next to its field")
			}

			res = app.API(http.MethodPost, "/2010-04-01/Accounts/"+o.AccountSID+row.apiPath, o.AccountSID, o.AuthToken, row.apiForm)
			require.Equal(t, http.StatusBadRequest, res.Status, res.Body)
			body := res.JSON(t)
			require.Equal(t, row.code, body["code"])
			require.Equal(t, row.message, body["message"])
			require.Equal(t, before, app.Fingerprint(), "a refused input changes nothing")
		})
	}
}
