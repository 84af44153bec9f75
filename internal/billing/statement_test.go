package billing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

// The tax a tax-inclusive amount holds, rounded down to the currency's
// minor unit.
func TestIncludedTax(t *testing.T) {
	for _, tc := range []struct{ amount, currency, want string }{
		{"1100", "JPY", "100"},
		{"1000", "JPY", "90"},      // 90.909…
		{"315", "JPY", "28"},       // 28.636…: three lines of 105 would give 9 each, 27
		{"1153.2", "JPY", "104"},   // 104.836…: sub-yen prices, whole-yen tax
		{"10.99", "JPY", "0"},      // 0.999…
		{"11", "USD", "1"},         // $1.00
		{"0.08", "USD", "0"},       // $0.0072…
		{"123.45", "USD", "11.22"}, // 11.2227…
		{"0", "JPY", "0"},
	} {
		got := billing.IncludedTax(decimal.RequireFromString(tc.amount), billing.StandardTaxRate, tc.currency)
		require.True(t, got.Equal(decimal.RequireFromString(tc.want)), "%s %s: %s, want %s", tc.amount, tc.currency, got, tc.want)
	}
	require.Equal(t, "10%", billing.TaxRateLabel(billing.StandardTaxRate))
	require.Equal(t, "8%", billing.TaxRateLabel(decimal.RequireFromString("0.08")))
}
