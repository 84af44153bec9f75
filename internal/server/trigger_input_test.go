package server_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/i18n"
	"console/internal/trigger"
	"console/internal/webtest"
)

// A usage trigger is checked once, by trigger.Input.Parse (Spec.Validate);
// the console shows each problem next to its field (422, a catalog
// message), the API answers it as Twilio does (400, its code and
// message). One row per problem, both sides.
func TestTriggerInputInConsoleAndAPI(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	apiPath := "/2010-04-01/Accounts/" + o.AccountSID + "/Usage/Triggers.json"

	tooLong := strings.Repeat("名", trigger.MaxFriendlyName+1)
	manyAddresses := make([]string, trigger.MaxEmails+1)
	for i := range manyAddresses {
		manyAddresses[i] = "ops" + strings.Repeat("x", i) + "@example.com"
	}
	type apiSide struct {
		change  func(url.Values)
		code    float64
		message string
		none    string // why the API cannot send the problem
	}
	for _, row := range []struct {
		name    string
		in      func(*trigger.Input)
		problem trigger.Problem
		console func(url.Values)
		key     string
		api     apiSide
	}{{
		name: "name too long", problem: trigger.Problem{Field: trigger.FieldFriendlyName, Reason: trigger.ReasonTooLong},
		in:      func(in *trigger.Input) { in.FriendlyName = tooLong },
		console: func(f url.Values) { f.Set("friendly_name", tooLong) }, key: "triggers.error_name_too_long",
		api: apiSide{change: func(v url.Values) { v.Set("FriendlyName", tooLong) }, code: 20001,
			message: "Invalid FriendlyName: must be at most 64 characters"},
	}, {
		name: "no category", problem: trigger.Problem{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonRequired},
		in:      func(in *trigger.Input) { in.UsageCategory = "" },
		console: func(f url.Values) { f.Set("usage_category", "") }, key: "triggers.error_category",
		api: apiSide{change: func(v url.Values) { v.Del("UsageCategory") }, code: 20001,
			message: "Missing required parameter UsageCategory in the post body"},
	}, {
		name: "unknown category", problem: trigger.Problem{Field: trigger.FieldUsageCategory, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.UsageCategory = "mms" },
		console: func(f url.Values) { f.Set("usage_category", "mms") }, key: "triggers.error_category",
		api: apiSide{change: func(v url.Values) { v.Set("UsageCategory", "mms") }, code: 20001,
			message: "Invalid UsageCategory: is not a usage category"},
	}, {
		name: "unknown trigger by", problem: trigger.Problem{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.TriggerBy = "minutes" },
		console: func(f url.Values) { f.Set("trigger_by", "minutes") }, key: "triggers.error_trigger_by",
		api: apiSide{change: func(v url.Values) { v.Set("TriggerBy", "minutes") }, code: 20001,
			message: "Invalid TriggerBy: must be count, usage or price"},
	}, {
		// The API used to accept it: a trigger that could never fire.
		name: "count of total price", problem: trigger.Problem{Field: trigger.FieldTriggerBy, Reason: trigger.ReasonNoCount},
		in:      func(in *trigger.Input) { in.TriggerBy = trigger.ByCount },
		console: func(f url.Values) { f.Set("trigger_by", "count") }, key: "triggers.error_count_of_total",
		api: apiSide{change: func(v url.Values) { v.Set("UsageCategory", "totalprice"); v.Set("TriggerBy", "count") }, code: 20001,
			message: "Invalid TriggerBy: must be usage or price for totalprice, which has no count"},
	}, {
		name: "no value", problem: trigger.Problem{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonRequired},
		in:      func(in *trigger.Input) { in.Value = "" },
		console: func(f url.Values) { f.Set("trigger_value", " ") }, key: "triggers.error_value_required",
		api: apiSide{change: func(v url.Values) { v.Del("TriggerValue") }, code: 20001,
			message: "Missing required parameter TriggerValue in the post body"},
	}, {
		name: "value not a number", problem: trigger.Problem{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.Value = "ten" },
		console: func(f url.Values) { f.Set("trigger_value", "ten") }, key: "triggers.error_value",
		api: apiSide{change: func(v url.Values) { v.Set("TriggerValue", "ten") }, code: 20001,
			message: "Invalid TriggerValue: must be a positive number, or an offset such as +30"},
	}, {
		name: "value zero", problem: trigger.Problem{Field: trigger.FieldTriggerValue, Reason: trigger.ReasonNotPositive},
		in:      func(in *trigger.Input) { in.Value = "0" },
		console: func(f url.Values) { f.Set("trigger_value", "0") }, key: "triggers.error_value_positive",
		api: apiSide{change: func(v url.Values) { v.Set("TriggerValue", "0") }, code: 20001,
			message: "Invalid TriggerValue: must be a positive number, or an offset such as +30"},
	}, {
		name: "unknown recurring", problem: trigger.Problem{Field: trigger.FieldRecurring, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.Recurring = "hourly" },
		console: func(f url.Values) { f.Set("recurring", "hourly") }, key: "triggers.error_recurring",
		api: apiSide{change: func(v url.Values) { v.Set("Recurring", "hourly") }, code: 20001,
			message: "Invalid Recurring: must be daily, monthly, yearly or alltime"},
	}, {
		name: "bad address", problem: trigger.Problem{Field: trigger.FieldEmailTo, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.EmailTo = []string{"ops@example.com", "b@"} },
		console: func(f url.Values) { f.Set("email_to", "ops@example.com, b@") }, key: "triggers.error_email",
		api: apiSide{none: "the API mails no one: Twilio's triggers only call back"},
	}, {
		name: "too many addresses", problem: trigger.Problem{Field: trigger.FieldEmailTo, Reason: trigger.ReasonTooMany},
		in:      func(in *trigger.Input) { in.EmailTo = manyAddresses },
		console: func(f url.Values) { f.Set("email_to", strings.Join(manyAddresses, "\n")) }, key: "triggers.error_emails_too_many",
		api: apiSide{none: "the API mails no one: Twilio's triggers only call back"},
	}, {
		name: "callback not http", problem: trigger.Problem{Field: trigger.FieldCallbackURL, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.CallbackURL = "ftp://example.com/hook" },
		console: func(f url.Values) { f.Set("callback_url", "ftp://example.com/hook") }, key: "triggers.error_url",
		api: apiSide{change: func(v url.Values) { v.Set("CallbackUrl", "ftp://example.com/hook") }, code: 21502,
			message: "Invalid callback url"},
	}, {
		name: "callback method", problem: trigger.Problem{Field: trigger.FieldCallbackMethod, Reason: trigger.ReasonInvalid},
		in:      func(in *trigger.Input) { in.CallbackMethod = "PUT" },
		console: func(f url.Values) { f.Set("callback_method", "PUT") }, key: "triggers.error_method",
		api: apiSide{change: func(v url.Values) { v.Set("CallbackMethod", "PUT") }, code: 20001,
			message: "Invalid CallbackMethod: must be GET or POST"},
	}, {
		name: "nobody told", problem: trigger.Problem{Field: trigger.FieldAction, Reason: trigger.ReasonRequired},
		in:      func(in *trigger.Input) { in.EmailTeam = false },
		console: func(f url.Values) { f.Del("email_team") }, key: "triggers.error_action",
		api: apiSide{change: func(v url.Values) { v.Del("CallbackUrl") }, code: 20001,
			message: "Missing required parameter CallbackUrl in the post body"},
	}} {
		t.Run(row.name, func(t *testing.T) {
			in := trigger.Input{Value: "100000", Spec: trigger.Spec{FriendlyName: "Spend", UsageCategory: "totalprice",
				TriggerBy: trigger.ByPrice, Recurring: trigger.Monthly, EmailTeam: true}}
			row.in(&in)
			_, err := in.Parse()
			require.Equal(t, trigger.Problems{row.problem}, err, "Parse")
			before := app.Fingerprint()

			form := url.Values{"friendly_name": {"Spend"}, "usage_category": {"totalprice"}, "trigger_by": {"price"},
				"trigger_value": {"100000"}, "recurring": {"monthly"}, "email_team": {"1"}, "callback_method": {"POST"}}
			row.console(form)
			res := c.Post("/usage/triggers", form)
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, res.Body)
			msg := html.EscapeString(i18n.Translate(i18n.English, row.key))
			require.Contains(t, res.Body, `id="`+row.problem.Field+`-error">`+msg+`<`, "the message next to its field")

			if a := row.api; a.none == "" {
				v := url.Values{"CallbackUrl": {"https://example.com/u"}, "TriggerValue": {"10"}, "UsageCategory": {"calls"}}
				a.change(v)
				res := app.API(http.MethodPost, apiPath, o.AccountSID, o.AuthToken, v)
				require.Equal(t, http.StatusBadRequest, res.Status, res.Body)
				body := res.JSON(t)
				require.Equal(t, a.code, body["code"])
				require.Equal(t, a.message, body["message"])
			} else {
				require.Nil(t, a.change, a.none)
			}
			require.Equal(t, before, app.Fingerprint(), "a refused trigger changes nothing")
		})
	}
}
