package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/webtest"
)

// The account domain's inputs are checked once, by their type's Validate;
// the console shows each problem next to its field (422, a catalog
// message), the API answers it in Twilio's shape (400, code 20001). Each
// input type has a table: for every problem its Validate reports, what
// the console and the API make of it. A side that cannot send the input
// says why in place of its request.

// inputRow is one problem of an input type and what each side makes of it.
type inputRow struct {
	name string
	// in has this problem alone; nil for a problem the use case finds
	// (in its transaction) rather than Validate.
	in      interface{ Validate() error }
	problem account.Problem
	// before readies the database for the row, when it must.
	before  func()
	console consoleSide
	api     apiSide
}

// consoleSide is the console's form that sends the input and the catalog
// key shown on the problem's field; none says why no form sends it.
type consoleSide struct {
	path, key string
	form      url.Values
	none      string
}

// apiSide is the API request that sends the input and Twilio's message;
// none says why no request sends it.
type apiSide struct {
	method, path, message string
	form                  url.Values
	none                  string
}

// inputFixture is a project with a subaccount and an API key, its owner
// signed in to the console.
type inputFixture struct {
	app     *webtest.App
	owner   *webtest.Owner
	browser *webtest.Client
	sub     string
	key     string
}

func newInputFixture(t *testing.T) *inputFixture {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	sub := app.API(http.MethodPost, "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"Shop"}})
	require.Equal(t, http.StatusCreated, sub.Status, sub.Body)
	key := app.API(http.MethodPost, "/2010-04-01/Accounts/"+o.AccountSID+"/Keys.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"ci"}})
	require.Equal(t, http.StatusCreated, key.Status, key.Body)
	return &inputFixture{app: app, owner: o, browser: c, sub: sub.JSON(t)["sid"].(string), key: key.JSON(t)["sid"].(string)}
}

func (f *inputFixture) fill(s string) string {
	return strings.NewReplacer("{project}", f.owner.AccountSID, "{sub}", f.sub, "{key}", f.key).Replace(s)
}

func (f *inputFixture) audited(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, f.app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action NOT LIKE 'user.%'`).Scan(&n))
	return n
}

func (f *inputFixture) run(t *testing.T, rows []inputRow) {
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if row.in != nil {
				require.Equal(t, account.Problems{row.problem}, row.in.Validate().(account.Problems), "Validate")
			}
			if row.before != nil {
				row.before()
			}
			before, entries := f.app.Fingerprint(), f.audited(t)

			if c := row.console; c.none == "" {
				res := f.browser.Post(f.fill(c.path), c.form)
				require.Equal(t, http.StatusUnprocessableEntity, res.Status, res.Body)
				msg := html.EscapeString(i18n.Translate(i18n.English, c.key))
				require.Contains(t, res.Body, `id="`+row.problem.Field+`-error">`+msg+`<`, "the message next to its field")
			} else {
				require.Empty(t, c.path, c.none)
			}

			if a := row.api; a.none == "" {
				res := f.app.API(a.method, f.fill(a.path), f.owner.AccountSID, f.owner.AuthToken, a.form)
				require.Equal(t, http.StatusBadRequest, res.Status, res.Body)
				body := res.JSON(t)
				require.Equal(t, 20001.0, body["code"])
				require.Equal(t, a.message, body["message"])
				require.Equal(t, 400.0, body["status"])
			} else {
				require.Empty(t, a.path, a.none)
			}

			require.Equal(t, before, f.app.Fingerprint(), "a refused input changes nothing")
			require.Equal(t, entries, f.audited(t), "and writes no entry")
		})
	}
}

var (
	tooLongName = strings.Repeat("名", account.MaxFriendlyName+1)
	tooLongMsg  = "Invalid FriendlyName: must be at most 64 characters"
)

func problem(field, reason string) account.Problem {
	return account.Problem{Field: field, Reason: reason}
}

func TestKeyInputInConsoleAndAPI(t *testing.T) {
	t.Parallel()
	f := newInputFixture(t)
	f.run(t, []inputRow{{
		name:    "name too long",
		in:      account.KeyInput{FriendlyName: tooLongName, Type: account.KeyStandard, NameRequired: true},
		problem: problem(account.FieldFriendlyName, account.ReasonTooLong),
		console: consoleSide{path: "/settings/keys", form: url.Values{"friendly_name": {tooLongName}, "type": {"standard"}}, key: "error.too_long"},
		api:     apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts/{project}/Keys.json", form: url.Values{"FriendlyName": {tooLongName}}, message: tooLongMsg},
	}, {
		name:    "renamed too long",
		in:      account.KeyInput{FriendlyName: tooLongName, Type: account.KeyStandard},
		problem: problem(account.FieldFriendlyName, account.ReasonTooLong),
		console: consoleSide{none: "the console does not rename keys"},
		api:     apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts/{project}/Keys/{key}.json", form: url.Values{"FriendlyName": {tooLongName}}, message: tooLongMsg},
	}, {
		name:    "no name",
		in:      account.KeyInput{Type: account.KeyStandard, NameRequired: true},
		problem: problem(account.FieldFriendlyName, account.ReasonRequired),
		console: consoleSide{path: "/settings/keys", form: url.Values{"friendly_name": {"  "}, "type": {"standard"}}, key: "error.required"},
		api:     apiSide{none: "Twilio's API makes unnamed keys: its SDKs create keys without a name"},
	}, {
		name:    "unknown type",
		in:      account.KeyInput{FriendlyName: "x", Type: "admin", NameRequired: true},
		problem: problem(account.FieldType, account.ReasonInvalid),
		console: consoleSide{path: "/settings/keys", form: url.Values{"friendly_name": {"x"}, "type": {"admin"}}, key: "keys.type_required"},
		api:     apiSide{none: "the API makes Standard keys only, as Twilio's 2010-04-01 API does"},
	}})
}

func TestSubaccountInputInConsoleAndAPI(t *testing.T) {
	t.Parallel()
	f := newInputFixture(t)
	f.run(t, []inputRow{{
		name:    "no name",
		in:      account.SubaccountInput{},
		problem: problem(account.FieldFriendlyName, account.ReasonRequired),
		console: consoleSide{path: "/settings/subaccounts", form: url.Values{"friendly_name": {" "}}, key: "error.required"},
		api:     apiSide{none: "the API names a subaccount made without a name by its creation time, as Twilio does"},
	}, {
		name:    "name too long",
		in:      account.SubaccountInput{FriendlyName: tooLongName},
		problem: problem(account.FieldFriendlyName, account.ReasonTooLong),
		console: consoleSide{path: "/settings/subaccounts", form: url.Values{"friendly_name": {tooLongName}}, key: "error.too_long"},
		api:     apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts.json", form: url.Values{"FriendlyName": {tooLongName}}, message: tooLongMsg},
	}})
}

func TestAccountUpdateInConsoleAndAPI(t *testing.T) {
	t.Parallel()
	f := newInputFixture(t)
	empty := ""
	f.run(t, []inputRow{{
		name:    "renamed to nothing",
		in:      account.AccountUpdate{FriendlyName: &empty},
		problem: problem(account.FieldFriendlyName, account.ReasonRequired),
		console: consoleSide{path: "/settings/subaccounts/{sub}/rename", form: url.Values{"friendly_name": {""}}, key: "error.required"},
		api: apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts/{sub}.json", form: url.Values{"FriendlyName": {""}},
			message: "Invalid FriendlyName: must not be empty"},
	}, {
		name:    "renamed too long",
		in:      account.AccountUpdate{FriendlyName: &tooLongName},
		problem: problem(account.FieldFriendlyName, account.ReasonTooLong),
		console: consoleSide{path: "/settings/subaccounts/{sub}/rename", form: url.Values{"friendly_name": {tooLongName}}, key: "error.too_long"},
		api:     apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts/{sub}.json", form: url.Values{"FriendlyName": {tooLongName}}, message: tooLongMsg},
	}, {
		name:    "unknown status",
		in:      account.AccountUpdate{Status: "paused"},
		problem: problem(account.FieldStatus, account.ReasonInvalid),
		console: consoleSide{none: "the console's status form offers active and suspended, and closing has its own form"},
		api: apiSide{method: http.MethodPost, path: "/2010-04-01/Accounts/{sub}.json", form: url.Values{"Status": {"paused"}, "FriendlyName": {"Renamed"}},
			message: "Invalid Status: must be active, suspended or closed"},
	}})
}

func TestAccountFilterInAPI(t *testing.T) {
	t.Parallel()
	f := newInputFixture(t)
	f.run(t, []inputRow{{
		name:    "unknown status",
		in:      account.Filter{Status: "paused"},
		problem: problem(account.FieldStatus, account.ReasonInvalid),
		console: consoleSide{none: "the console lists every subaccount, unfiltered"},
		api:     apiSide{method: http.MethodGet, path: "/2010-04-01/Accounts.json?Status=paused", message: "Invalid Status: must be active, suspended or closed"},
	}})
}

func TestProjectSettingsInConsole(t *testing.T) {
	t.Parallel()
	f := newInputFixture(t)
	noAPI := apiSide{none: "Twilio's Account resource has no time zone or currency: project settings are the console's"}
	general := func(key string, kv ...string) consoleSide {
		v := url.Values{"friendly_name": {"Test Project"}, "time_zone": {"Asia/Tokyo"}, "currency": {"USD"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return consoleSide{path: "/settings/general", form: v, key: key}
	}
	settings := func(name, tz, cur string) account.ProjectSettings {
		return account.ProjectSettings{FriendlyName: name, TimeZone: tz, Currency: cur}
	}
	f.run(t, []inputRow{{
		name:    "no name",
		in:      settings("", "Asia/Tokyo", "USD"),
		problem: problem(account.FieldFriendlyName, account.ReasonRequired),
		console: general("error.required", "friendly_name", " "),
		api:     noAPI,
	}, {
		name:    "name too long",
		in:      settings(tooLongName, "Asia/Tokyo", "USD"),
		problem: problem(account.FieldFriendlyName, account.ReasonTooLong),
		console: general("error.too_long", "friendly_name", tooLongName),
		api:     noAPI,
	}, {
		name:    "unknown time zone",
		in:      settings("p", "Mars/Olympus", "USD"),
		problem: problem(account.FieldTimeZone, account.ReasonInvalid),
		console: general("error.time_zone", "time_zone", "Mars/Olympus"),
		api:     noAPI,
	}, {
		name:    "unknown currency",
		in:      settings("p", "UTC", "EUR"),
		problem: problem(account.FieldCurrency, account.ReasonInvalid),
		console: general("error.currency", "currency", "EUR"),
		api:     noAPI,
	}, {
		name:    "currency fixed once money moved",
		problem: problem(account.FieldCurrency, account.ReasonFixed),
		before: func() {
			ctx := context.Background()
			tx, err := f.app.Pool.Begin(ctx)
			require.NoError(t, err)
			require.NoError(t, billing.Post(ctx, tx, f.owner.AccountSID, f.owner.AccountSID, billing.KindPayment, "payment-1", decimal.NewFromInt(10), "test"))
			require.NoError(t, tx.Commit(ctx))
		},
		console: general("settings.currency_locked", "currency", "JPY"),
		api:     noAPI,
	}})
}
