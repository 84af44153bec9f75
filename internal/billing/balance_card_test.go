package billing_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

func TestBalanceCardLow(t *testing.T) {
	t.Parallel()
	paused := time.Now()
	alerts := []decimal.Decimal{dec("5000"), dec("1000")}
	on := billing.AutoRecharge{Enabled: true, Threshold: dec("3000"), Target: dec("10000")}
	for _, c := range []struct {
		name    string
		card    billing.BalanceCard
		balance string
		low     bool
		under   string
	}{
		{"nothing set, money left", billing.BalanceCard{}, "10", false, "0"},
		{"nothing set, nothing left", billing.BalanceCard{}, "0", true, "0"},
		{"above every alert", billing.BalanceCard{Alerts: alerts}, "6000", false, "0"},
		{"below the higher alert", billing.BalanceCard{Alerts: alerts}, "4999.99", true, "5000"},
		{"below both: the nearest", billing.BalanceCard{Alerts: alerts}, "999", true, "1000"},
		{"at a threshold is not below it", billing.BalanceCard{Alerts: alerts}, "5000", false, "0"},
		{"auto-recharge's threshold counts", billing.BalanceCard{Alerts: alerts, AutoRecharge: on}, "2000", true, "3000"},
		{"off, its threshold does not", billing.BalanceCard{AutoRecharge: billing.AutoRecharge{Threshold: dec("3000")}}, "2000", false, "0"},
		{"negative, below an alert", billing.BalanceCard{Alerts: alerts}, "-1", true, "1000"},
	} {
		under, low := c.card.Low(dec(c.balance))
		require.Equal(t, c.low, low, c.name)
		require.True(t, under.Equal(dec(c.under)), "%s: under %s", c.name, under)
	}
	require.True(t, billing.BalanceCard{AutoRecharge: on}.Recharging())
	on.PausedAt = &paused
	require.False(t, billing.BalanceCard{AutoRecharge: on}.Recharging(), "paused")
	require.Len(t, alerts, 2, "the card's alerts are not changed")
}

func TestQuickAmounts(t *testing.T) {
	t.Parallel()
	for currency, amounts := range billing.QuickAmounts {
		limits := billing.FundsLimits[currency]
		for _, q := range amounts {
			require.True(t, q.GreaterThanOrEqual(limits[0]) && q.LessThanOrEqual(limits[1]), "%s %s within Add Funds' limits", currency, q)
			got, ok := billing.QuickAmount(q.String(), currency)
			require.True(t, ok)
			require.True(t, got.Equal(q))
		}
	}
	_, ok := billing.QuickAmount("3000", "USD")
	require.False(t, ok)
	_, ok = billing.QuickAmount("3,000", "JPY")
	require.False(t, ok)
}
