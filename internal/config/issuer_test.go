package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckRegistrationNumber(t *testing.T) {
	for _, tc := range []struct {
		number string
		want   error
	}{
		// Published numbers: the National Tax Agency's own, and the worked
		// examples of guides to the check digit.
		{"T7000012050002", nil},
		{"T4011001098993", nil},
		{"T2120901007402", nil},
		{"T7123456789012", nil},
		{"T1180301018771", nil},
		{"T9000000000000", nil}, // a sum of 0 gives 9, never 0
		// One digit off, the check digit or a base digit.
		{"T6000012050002", ErrRegistrationCheck},
		{"T7000012050003", ErrRegistrationCheck},
		{"T1123456789012", ErrRegistrationCheck},
		{"T0000000000000", ErrRegistrationCheck},
		// Two neighbouring base digits swapped.
		{"T7000010250002", ErrRegistrationCheck},
		// Wrong length, no T, a lower-case t, other characters.
		{"T700001205000", ErrRegistrationFormat},
		{"T70000120500021", ErrRegistrationFormat},
		{"7000012050002", ErrRegistrationFormat},
		{"70000120500020", ErrRegistrationFormat},
		{"t7000012050002", ErrRegistrationFormat},
		{"T70000120500O2", ErrRegistrationFormat},
		{"T７000012050002", ErrRegistrationFormat},
		{"T 7000012050002", ErrRegistrationFormat},
		{"", ErrRegistrationFormat},
	} {
		require.Equal(t, tc.want, CheckRegistrationNumber(tc.number), tc.number)
	}
}

func TestIssuerDefaultsKeepDevelopmentAsItWas(t *testing.T) {
	c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, Issuer{Name: "Console"}, c.Issuer)
}

func TestIssuerSettings(t *testing.T) {
	c, err := Load(env(map[string]string{
		"CONSOLE_SECRET_KEY":          goodKey,
		"CONSOLE_ISSUER_NAME":         " 株式会社コンソール ",
		"CONSOLE_ISSUER_ADDRESS":      `東京都千代田区霞が関3-1-1\n中央合同庁舎`,
		"CONSOLE_ISSUER_REGISTRATION": "T7000012050002",
	}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, Issuer{Name: "株式会社コンソール", Address: "東京都千代田区霞が関3-1-1\n中央合同庁舎", Registration: "T7000012050002"}, c.Issuer)
}

func TestIssuerSettingsRefusedAtStart(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		varName string
		reason  string
	}{
		{map[string]string{"CONSOLE_ISSUER_REGISTRATION": "T7000012050003"}, "CONSOLE_ISSUER_REGISTRATION", "check digit"},
		{map[string]string{"CONSOLE_ISSUER_REGISTRATION": "T700001205000"}, "CONSOLE_ISSUER_REGISTRATION", "T followed by 13 digits"},
		{map[string]string{"CONSOLE_ISSUER_REGISTRATION": "7000012050002"}, "CONSOLE_ISSUER_REGISTRATION", "T followed by 13 digits"},
		{map[string]string{"CONSOLE_ISSUER_NAME": strings.Repeat("株", 101)}, "CONSOLE_ISSUER_NAME", "at most 100"},
		{map[string]string{"CONSOLE_ISSUER_NAME": "Acme\tInc"}, "CONSOLE_ISSUER_NAME", "printable"},
		{map[string]string{"CONSOLE_ISSUER_ADDRESS": "a\x00b"}, "CONSOLE_ISSUER_ADDRESS", "printable"},
		{map[string]string{"CONSOLE_ISSUER_ADDRESS": strings.Repeat("a", 301)}, "CONSOLE_ISSUER_ADDRESS", "at most 300"},
	} {
		tc.env["CONSOLE_SECRET_KEY"] = goodKey
		_, err := Load(env(tc.env), t.TempDir())
		var ce *Error
		require.ErrorAs(t, err, &ce, "%v", tc.env)
		require.Equal(t, tc.varName, ce.Var)
		require.Contains(t, err.Error(), tc.reason)
		require.NotContains(t, err.Error(), "\n")
	}
}
