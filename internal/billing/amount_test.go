package billing_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

// An amount typed by a person is read as typed or refused with the reason:
// "10,50" once charged a card $1,050.00 because every comma was dropped.
func TestParseAmount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, currency string
		want         string // "" when refused
		err          error
	}{
		{"1050", "USD", "1050", nil},
		{"1,050", "USD", "1050", nil},
		{"1,050.5", "USD", "1050.5", nil},
		{"1,234,567.89", "USD", "1234567.89", nil},
		{"10.50", "USD", "10.5", nil},
		{"0.01", "USD", "0.01", nil},
		{"  25  ", "USD", "25", nil},
		{"$25", "USD", "25", nil},
		{"$ 1,000.00", "USD", "1000", nil},
		{"＄１０", "USD", "10", nil},
		{"5000", "JPY", "5000", nil},
		{"5,000", "JPY", "5000", nil},
		{"¥5,000", "JPY", "5000", nil},
		{"￥５，０００", "JPY", "5000", nil},
		{"１２３４", "JPY", "1234", nil},
		{"　３０００　", "JPY", "3000", nil},  // full-width spaces
		{"1０,000", "JPY", "10000", nil}, // mixed widths
		{"007", "JPY", "7", nil},

		{"10,50", "USD", "", billing.ErrAmountGrouping},
		{"10,50", "JPY", "", billing.ErrAmountGrouping},
		{"1,0500", "USD", "", billing.ErrAmountGrouping},
		{"1050,", "USD", "", billing.ErrAmountGrouping},
		{",100", "USD", "", billing.ErrAmountGrouping},
		{"1,,000", "USD", "", billing.ErrAmountGrouping},
		{"1234,567", "USD", "", billing.ErrAmountGrouping},
		{"1.000,50", "USD", "", billing.ErrAmountGrouping},
		{"1,000.5,0", "USD", "", billing.ErrAmountGrouping},
		{"１０，５０", "JPY", "", billing.ErrAmountGrouping},

		{"1000.5", "JPY", "", billing.ErrAmountPrecision},
		{"1000.0", "JPY", "", billing.ErrAmountPrecision},
		{"10.505", "USD", "", billing.ErrAmountPrecision},
		{"0.001", "USD", "", billing.ErrAmountPrecision},

		{"", "USD", "", billing.ErrAmountEmpty},
		{"   ", "JPY", "", billing.ErrAmountEmpty},
		{"0", "USD", "", billing.ErrAmountZero},
		{"0.00", "USD", "", billing.ErrAmountZero},
		{"000", "JPY", "", billing.ErrAmountZero},
		{"1234567890123456", "USD", "", billing.ErrAmountTooLarge},
		{"999,999,999,999,999", "JPY", "999999999999999", nil},

		{"-5", "USD", "", billing.ErrAmountSyntax},
		{"+5", "USD", "", billing.ErrAmountSyntax},
		{"1e3", "USD", "", billing.ErrAmountSyntax},
		{"1E3", "USD", "", billing.ErrAmountSyntax},
		{"1.2.3", "USD", "", billing.ErrAmountSyntax},
		{"1..2", "USD", "", billing.ErrAmountSyntax},
		{".5", "USD", "", billing.ErrAmountSyntax},
		{"5.", "USD", "", billing.ErrAmountSyntax},
		{"abc", "USD", "", billing.ErrAmountSyntax},
		{"10\x0050", "USD", "", billing.ErrAmountSyntax},
		{"10\x00", "USD", "", billing.ErrAmountSyntax},
		{"1 000", "USD", "", billing.ErrAmountSyntax},
		{"1_000", "USD", "", billing.ErrAmountSyntax},
		{"\xff10", "USD", "", billing.ErrAmountSyntax},
		{"¥5000", "USD", "", billing.ErrAmountSyntax}, // another currency's sign
		{"$5000", "JPY", "", billing.ErrAmountSyntax},
		{"$$5", "USD", "", billing.ErrAmountSyntax},
		{"5$", "USD", "", billing.ErrAmountSyntax},
		{"٣", "USD", "", billing.ErrAmountSyntax}, // other scripts' digits are not taken
		{"0x10", "USD", "", billing.ErrAmountSyntax},
		{"Infinity", "USD", "", billing.ErrAmountSyntax},
		{"NaN", "USD", "", billing.ErrAmountSyntax},
		{strings.Repeat("1", 200), "USD", "", billing.ErrAmountSyntax},
	} {
		got, err := billing.ParseAmount(c.in, c.currency)
		if c.err != nil {
			require.ErrorIs(t, err, c.err, "%q %s", c.in, c.currency)
			require.True(t, got.IsZero(), "%q: a refused amount is zero", c.in)
			continue
		}
		require.NoError(t, err, "%q %s", c.in, c.currency)
		require.Equal(t, c.want, got.String(), "%q %s", c.in, c.currency)
	}
}

// Whatever ParseAmount accepts is positive, has no more decimals than the
// currency, reads the same once formatted back (with the console's money
// formatting, and plainly), and kept every comma where it groups three
// digits: no character was dropped to make it fit.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1050", "1,050", "10,50", "1,050.25", "$1,050.00", "¥5,000", "￥５，０００", "0.01", "1e3", "-1",
		"1.2.3", " 7 ", "1,0,0", "100,000,000.99", "\x00", "．５", "１．５０", "0,001"} {
		f.Add(s, "USD")
		f.Add(s, "JPY")
	}
	f.Fuzz(func(t *testing.T, in, currency string) {
		if currency != "USD" {
			currency = "JPY"
		}
		d, err := billing.ParseAmount(in, currency)
		if err != nil {
			require.True(t, d.IsZero())
			return
		}
		places := billing.MinorUnits(currency)
		require.True(t, d.Sign() > 0, "%q", in)
		require.True(t, d.Equal(d.Truncate(places)), "%q read as %s: more decimals than %s has", in, d, currency)
		for _, again := range []string{
			billing.Money{Amount: d, Currency: currency}.FormatCharge(),
			d.StringFixed(places),
			d.String(),
		} {
			back, err := billing.ParseAmount(again, currency)
			require.NoError(t, err, "%q → %s → %q", in, d, again)
			require.True(t, back.Equal(d), "%q → %s → %q → %s", in, d, again, back)
		}
		// Every comma typed is followed by exactly three digits.
		norm := strings.NewReplacer("，", ",", "０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9").Replace(in)
		require.True(t, utf8.ValidString(norm))
		for i := strings.IndexByte(norm, ','); i >= 0; i = strings.IndexByte(norm, ',') {
			rest := norm[i+1:]
			require.GreaterOrEqual(t, len(rest), 3, "%q", in)
			require.Equal(t, "", strings.Trim(rest[:3], "0123456789"), "%q", in)
			require.False(t, len(rest) > 3 && rest[3] >= '0' && rest[3] <= '9', "%q", in)
			norm = rest
		}
	})
}
