package console

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/onboard"
	"console/internal/team"
	"console/web"
)

// The people domains' inputs (auth, team, onboard) and the console's
// reading of their reasons, one table per input type: each case names
// every problem the domain finds and the form fields and messages the
// console shows for them. The API takes none of these inputs, so there
// is no Twilio code to map.

type userCase struct {
	name string
	in   interface{ Validate() error }
	want auth.Problems
	form web.FieldErrors
	// keys is the console's mapping for the form; userProblemKeys when nil.
	keys map[auth.Problem]string
}

func checkUserCases(t *testing.T, cases []userCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.in.Validate()
			if c.want == nil {
				require.NoError(t, err)
				require.False(t, userProblems(err, &web.FieldErrors{}, userProblemKeys))
				return
			}
			var got auth.Problems
			require.ErrorAs(t, err, &got)
			require.Equal(t, c.want, got)
			keys := c.keys
			if keys == nil {
				keys = userProblemKeys
			}
			form := web.FieldErrors{}
			require.True(t, userProblems(err, &form, keys))
			require.Equal(t, c.form, form)
		})
	}
}

var long = strings.Repeat("名", auth.MaxNameLen+1)

func TestSignUpInput(t *testing.T) {
	ok := onboard.SignUpInput{Name: "Ada", Email: "ada@example.com", Password: "12345678", ProjectName: strings.Repeat("名", auth.MaxNameLen), Currency: "USD"}
	with := func(edit func(in *onboard.SignUpInput)) onboard.SignUpInput {
		in := ok
		edit(&in)
		return in
	}
	checkUserCases(t, []userCase{
		{name: "ok", in: ok},
		{name: "no name", in: with(func(in *onboard.SignUpInput) { in.Name = "" }),
			want: auth.Problems{{Field: auth.FieldName, Reason: auth.ReasonRequired}}, form: web.FieldErrors{"name": "error.required"}},
		{name: "email with a name", in: with(func(in *onboard.SignUpInput) { in.Email = "Ada <ada@example.com>" }),
			want: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}}, form: web.FieldErrors{"email": "error.email"}},
		{name: "two emails", in: with(func(in *onboard.SignUpInput) { in.Email = "ada@example.com,bob@example.com" }),
			want: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}}, form: web.FieldErrors{"email": "error.email"}},
		{name: "long password", in: with(func(in *onboard.SignUpInput) { in.Password = strings.Repeat("p", auth.MaxPasswordLen+1) }),
			want: auth.Problems{{Field: auth.FieldPassword, Reason: auth.ReasonRules}}, form: web.FieldErrors{"password": "password.rules"}},
		{name: "long project name", in: with(func(in *onboard.SignUpInput) { in.ProjectName = long }),
			want: auth.Problems{{Field: auth.FieldProjectName, Reason: auth.ReasonTooLong}}, form: web.FieldErrors{"project_name": "error.too_long"}},
		{name: "euro", in: with(func(in *onboard.SignUpInput) { in.Currency = "EUR" }),
			want: auth.Problems{{Field: auth.FieldCurrency, Reason: auth.ReasonInvalid}}, form: web.FieldErrors{"currency": "error.currency"}},
		{name: "every field", in: onboard.SignUpInput{Name: long, Password: "short"},
			want: auth.Problems{{Field: auth.FieldName, Reason: auth.ReasonTooLong}, {Field: auth.FieldEmail, Reason: auth.ReasonInvalid},
				{Field: auth.FieldPassword, Reason: auth.ReasonRules}, {Field: auth.FieldProjectName, Reason: auth.ReasonRequired},
				{Field: auth.FieldCurrency, Reason: auth.ReasonInvalid}},
			form: web.FieldErrors{"name": "error.too_long", "email": "error.email", "password": "password.rules", "project_name": "error.required",
				"currency": "error.currency"}},
	})
}

func TestInvitedSignUpInput(t *testing.T) {
	checkUserCases(t, []userCase{
		{name: "ok", in: onboard.InvitedSignUpInput{Name: "Ada", Password: "12345678"}},
		{name: "every field", in: onboard.InvitedSignUpInput{Name: long, Password: "1234567"},
			want: auth.Problems{{Field: auth.FieldName, Reason: auth.ReasonTooLong}, {Field: auth.FieldPassword, Reason: auth.ReasonRules}},
			form: web.FieldErrors{"name": "error.too_long", "password": "password.rules"}},
	})
}

func TestInvitationInput(t *testing.T) {
	checkUserCases(t, []userCase{
		{name: "ok", in: team.InvitationInput{Email: "ada@example.com", Role: team.RoleBilling}},
		{name: "two emails", in: team.InvitationInput{Email: "ada@example.com; bob@example.com", Role: team.RoleBilling}, keys: inviteProblemKeys,
			want: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}}, form: web.FieldErrors{"email": "members.invite_one_address"}},
		{name: "every field", in: team.InvitationInput{Email: "ada", Role: team.RoleOwner}, keys: inviteProblemKeys,
			want: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}, {Field: auth.FieldRole, Reason: auth.ReasonInvalid}},
			form: web.FieldErrors{"email": "error.email", "role": "members.role_invalid"}},
	})
}

func TestRoleInput(t *testing.T) {
	checkUserCases(t, []userCase{
		{name: "ok", in: team.RoleInput{Role: team.RoleSupport}},
		{name: "owner", in: team.RoleInput{Role: team.RoleOwner},
			want: auth.Problems{{Field: auth.FieldRole, Reason: auth.ReasonInvalid}}, form: web.FieldErrors{"role": "members.role_invalid"}},
	})
}

func TestUserSettingsInputs(t *testing.T) {
	checkUserCases(t, []userCase{
		{name: "profile ok", in: auth.ProfileInput{FriendlyName: "Ada"}},
		{name: "profile, no name", in: auth.ProfileInput{},
			want: auth.Problems{{Field: auth.FieldFriendlyName, Reason: auth.ReasonRequired}}, form: web.FieldErrors{"friendly_name": "error.required"}},
		{name: "profile, long name", in: auth.ProfileInput{FriendlyName: long},
			want: auth.Problems{{Field: auth.FieldFriendlyName, Reason: auth.ReasonTooLong}}, form: web.FieldErrors{"friendly_name": "error.too_long"}},
		{name: "email ok", in: auth.EmailInput{Email: "ada@example.com"}},
		{name: "email, spaces", in: auth.EmailInput{Email: " ada@example.com"},
			want: auth.Problems{{Field: auth.FieldEmail, Reason: auth.ReasonInvalid}}, form: web.FieldErrors{"email": "error.email"}},
		{name: "password ok", in: auth.PasswordInput{New: strings.Repeat("p", auth.MaxPasswordLen)}},
		{name: "password short", in: auth.PasswordInput{New: "1234567"},
			want: auth.Problems{{Field: auth.FieldNewPassword, Reason: auth.ReasonRules}}, form: web.FieldErrors{"new_password": "password.rules"}},
	})
}

// Every reason a people-domain input can give has a message in every
// language: a pair missing from the maps would show "bad request" on no field.
func TestUserReasonsAllHaveMessages(t *testing.T) {
	for _, keys := range []map[auth.Problem]string{userProblemKeys, inviteProblemKeys} {
		for p, key := range keys {
			for _, loc := range i18n.Locales {
				require.True(t, i18n.Has(loc, key), "%v: %s has no %s message", p, key, loc)
			}
		}
	}
}
