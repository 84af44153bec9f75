package billing_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

// An amount reads the same whatever the scale it was computed or stored
// with: sums of numeric columns keep their operands' scale (686.75 +
// 938.85 is 1625.60), and the dashboard showed "¥1,625.60" beside a
// balance of "¥8,374.4".
func TestMoneyFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ amount, currency, want string }{
		{"0", "JPY", "¥0"},
		{"900", "JPY", "¥900"},
		{"900.00", "JPY", "¥900"},
		{"10000", "JPY", "¥10,000"},
		{"1625.6", "JPY", "¥1,625.6"},
		{"1625.60", "JPY", "¥1,625.6"},
		{"1625.600000", "JPY", "¥1,625.6"},
		{"938.85", "JPY", "¥938.85"},
		{"117.50000", "JPY", "¥117.5"},
		{"1.2", "JPY", "¥1.2"},
		{"-11.750", "JPY", "-¥11.75"},
		{"1234567.5", "JPY", "¥1,234,567.5"},
		{"0.0783", "JPY", "¥0.0783"},
		{"0.00001", "JPY", "¥0"},       // beyond four places: rounded to four
		{"0.123456", "JPY", "¥0.1235"}, // likewise
		{"1", "USD", "$1.00"},
		{"1.5", "USD", "$1.50"},
		{"1.50000", "USD", "$1.50"},
		{"0.0079", "USD", "$0.0079"},
		{"0.00790", "USD", "$0.0079"},
		{"0.0790", "USD", "$0.079"},
		{"1000.1", "USD", "$1,000.10"},
		{"-97.85", "USD", "-$97.85"},
	} {
		require.Equal(t, c.want, billing.Money{Amount: dec(c.amount), Currency: c.currency}.Format(), "%s %s", c.amount, c.currency)
	}
}
