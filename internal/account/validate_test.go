package account_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/account"
)

// problems is what Validate returned, nil for no problem.
func problems(t *testing.T, err error) account.Problems {
	t.Helper()
	if err == nil {
		return nil
	}
	var ps account.Problems
	require.True(t, errors.As(err, &ps), "%v is not account.Problems", err)
	require.NotEmpty(t, ps)
	return ps
}

func ptr(s string) *string { return &s }

var (
	longest  = strings.Repeat("名", account.MaxFriendlyName) // characters, not bytes
	tooLong  = longest + "x"
	nameLong = account.Problem{Field: account.FieldFriendlyName, Reason: account.ReasonTooLong}
	nameNone = account.Problem{Field: account.FieldFriendlyName, Reason: account.ReasonRequired}
)

// Each input type's Validate returns every field's problem at once.
func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   interface{ Validate() error }
		want account.Problems
	}{
		{"key", account.KeyInput{FriendlyName: "deploy", Type: account.KeyMain}, nil},
		{"key without a name, as Twilio's API makes one", account.KeyInput{Type: account.KeyStandard}, nil},
		{"key without a name, where one is asked for", account.KeyInput{Type: account.KeyStandard, NameRequired: true}, account.Problems{nameNone}},
		{"key name at the limit", account.KeyInput{FriendlyName: longest, Type: account.KeyStandard}, nil},
		{"key name and type", account.KeyInput{FriendlyName: tooLong, Type: "admin"},
			account.Problems{nameLong, {Field: account.FieldType, Reason: account.ReasonInvalid}}},
		{"key without a type", account.KeyInput{FriendlyName: "x"}, account.Problems{{Field: account.FieldType, Reason: account.ReasonInvalid}}},

		{"subaccount", account.SubaccountInput{FriendlyName: longest}, nil},
		{"subaccount without a name", account.SubaccountInput{}, account.Problems{nameNone}},
		{"subaccount name too long", account.SubaccountInput{FriendlyName: tooLong}, account.Problems{nameLong}},

		{"update nothing", account.AccountUpdate{}, nil},
		{"rename", account.AccountUpdate{FriendlyName: ptr("Shop")}, nil},
		{"rename to nothing", account.AccountUpdate{FriendlyName: ptr("")}, account.Problems{nameNone}},
		{"rename and a bad status", account.AccountUpdate{FriendlyName: ptr(tooLong), Status: "paused"},
			account.Problems{nameLong, {Field: account.FieldStatus, Reason: account.ReasonInvalid}}},
		{"close", account.AccountUpdate{Status: account.StatusClosed}, nil},

		{"filter", account.Filter{FriendlyName: tooLong, Status: account.StatusSuspended}, nil},
		{"filter by a bad status", account.Filter{Status: "paused"}, account.Problems{{Field: account.FieldStatus, Reason: account.ReasonInvalid}}},

		{"project", account.ProjectSettings{FriendlyName: "東京本番", TimeZone: "Asia/Tokyo", Currency: "JPY"}, nil},
		{"project, every field wrong", account.ProjectSettings{TimeZone: "Mars/Olympus", Currency: "EUR"}, account.Problems{nameNone,
			{Field: account.FieldTimeZone, Reason: account.ReasonInvalid}, {Field: account.FieldCurrency, Reason: account.ReasonInvalid}}},
		{"project in the server's local zone", account.ProjectSettings{FriendlyName: "p", TimeZone: "Local", Currency: "USD"},
			account.Problems{{Field: account.FieldTimeZone, Reason: account.ReasonInvalid}}},
		{"project name too long", account.ProjectSettings{FriendlyName: tooLong, TimeZone: "UTC", Currency: "USD"}, account.Problems{nameLong}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, problems(t, tc.in.Validate()))
		})
	}
}

func TestProblemsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	ps := account.Problems{nameLong, {Field: account.FieldCurrency, Reason: account.ReasonFixed}}
	require.Equal(t, "account: friendly_name: too_long; currency: fixed", ps.Error())
	require.True(t, ps.Has(account.FieldCurrency, account.ReasonFixed))
	require.False(t, ps.Has(account.FieldCurrency, account.ReasonInvalid))
	var err error = ps
	var got account.Problems
	require.True(t, errors.As(err, &got))
	require.Equal(t, ps, got)
}
