package trigger_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/i18n"
	"console/internal/trigger"
	"console/internal/usage"
)

// A trigger's figures read the same wherever they are shown: grouped with
// the unit word of what is compared (plural as the number asks), or as
// money when it is a price.
func TestFigure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, locale, category, by, value, want string
	}{
		{"count in English", i18n.English, usage.SMSOutbound, trigger.ByCount, "100000", "100,000 messages"},
		{"count in Japanese", i18n.Japanese, usage.SMSOutbound, trigger.ByCount, "100000", "100,000 通"},
		{"one in English", i18n.English, "calls", trigger.ByCount, "1", "1 call"},
		{"usage in English", i18n.English, "sms", trigger.ByUsage, "2500", "2,500 segments"},
		{"fractional minutes are plural", i18n.English, usage.CallsOutbound, trigger.ByUsage, "1.5", "1.5 minutes"},
		{"minutes in Japanese", i18n.Japanese, usage.CallsOutbound, trigger.ByUsage, "1234.5", "1,234.5 分"},
		{"numbers in Japanese", i18n.Japanese, "phonenumbers", trigger.ByCount, "3", "3 件"},
		{"price in English", i18n.English, usage.SMSOutbound, trigger.ByPrice, "1234.5", "$1,234.50"},
		{"price in Japanese", i18n.Japanese, "calls", trigger.ByPrice, "1234.5", "$1,234.50"},
		{"usage of totalprice is money", i18n.Japanese, usage.TotalPrice, trigger.ByUsage, "100000", "$100,000.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, trigger.Figure(c.locale, "USD", c.category, c.by, decimal.RequireFromString(c.value)))
		})
	}
}
