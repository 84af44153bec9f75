package billing_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

// Each kind of figure has one format in both currencies, whatever the
// scale the amount was computed or stored with: sums of numeric columns
// keep their operands' scale, and "¥6.5", "¥1,153.2" and "¥11,017.33"
// once stood side by side.
func TestMoneyFormats(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ amount, currency, amountWant, priceWant, chargeWant, plainWant string }{
		{"0", "JPY", "¥0.00", "¥0.00", "¥0", "0.00"},
		{"6.5", "JPY", "¥6.50", "¥6.50", "¥7", "6.50"},
		{"1153.2", "JPY", "¥1,153.20", "¥1,153.20", "¥1,153", "1153.20"},
		{"11017.33", "JPY", "¥11,017.33", "¥11,017.33", "¥11,017", "11017.33"},
		{"1625.600000", "JPY", "¥1,625.60", "¥1,625.60", "¥1,626", "1625.60"},
		{"10000", "JPY", "¥10,000.00", "¥10,000.00", "¥10,000", "10000.00"},
		{"11.75", "JPY", "¥11.75", "¥11.75", "¥12", "11.75"},
		{"1.2", "JPY", "¥1.20", "¥1.20", "¥1", "1.20"},
		{"-11.750", "JPY", "-¥11.75", "-¥11.75", "-¥12", "-11.75"},
		{"1234567.5", "JPY", "¥1,234,567.50", "¥1,234,567.50", "¥1,234,568", "1234567.50"},
		{"0.005", "JPY", "¥0.01", "¥0.01", "¥0", "0.005"},
		{"0.0049", "JPY", "¥0.00", "¥0.00", "¥0", "0.0049"},
		{"0", "USD", "$0.00", "$0.0000", "$0.00", "0.0000"},
		{"1", "USD", "$1.00", "$1.0000", "$1.00", "1.0000"},
		{"0.0783", "USD", "$0.08", "$0.0783", "$0.08", "0.0783"},
		{"0.0079", "USD", "$0.01", "$0.0079", "$0.01", "0.0079"},
		{"0.00790", "USD", "$0.01", "$0.0079", "$0.01", "0.0079"},
		{"0.0158000000", "USD", "$0.02", "$0.0158", "$0.02", "0.0158"},
		{"0.000001", "USD", "$0.00", "$0.0000", "$0.00", "0.000001"},
		{"1000.1", "USD", "$1,000.10", "$1,000.1000", "$1,000.10", "1000.1000"},
		{"-97.85", "USD", "-$97.85", "-$97.8500", "-$97.85", "-97.8500"},
	} {
		m := billing.Money{Amount: dec(c.amount), Currency: c.currency}
		require.Equal(t, c.amountWant, m.Format(), "amount %s %s", c.amount, c.currency)
		require.Equal(t, c.priceWant, m.FormatPrice(), "price %s %s", c.amount, c.currency)
		require.Equal(t, c.chargeWant, m.FormatCharge(), "charge %s %s", c.amount, c.currency)
		require.Equal(t, c.plainWant, m.Plain(), "plain %s %s", c.amount, c.currency)
		require.True(t, dec(m.Plain()).Equal(m.Amount), "plain is exact: %s", c.amount)
	}
}

func TestMoneyFormatScale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ amount, currency, want string }{
		{"0", "JPY", "¥0"},
		{"20000", "JPY", "¥20,000"},
		{"10000.00", "JPY", "¥10,000"},
		{"2.5", "JPY", "¥2.5"},
		{"0", "USD", "$0"},
		{"50", "USD", "$50"},
		{"0.05", "USD", "$0.05"},
		{"0.025", "USD", "$0.025"},
	} {
		require.Equal(t, c.want, billing.Money{Amount: dec(c.amount), Currency: c.currency}.FormatScale(), c.amount)
	}
}
