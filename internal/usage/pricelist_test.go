package usage_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/clock"
	"console/internal/usage"
	"console/internal/webtest"
)

// The cached list answers as the table does, ErrNoPrice included, and a
// price changed in the table is charged once the list is older than its
// TTL; until then the list it read stands.
func TestPriceListAnswersAsTheTable(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	var clock clock.Clock
	list := &usage.PriceList{DB: app.Pool, TTL: time.Minute, Now: clock.Now}
	for _, c := range []struct{ category, country, currency string }{
		{usage.SMSOutbound, "JP", "JPY"}, {usage.SMSOutbound, "US", "USD"}, {usage.CallsOutbound, "JP", "JPY"}, {usage.CallsOutbound, "US", "JPY"},
	} {
		want, wantUnit, err := usage.Price(ctx, app.Pool, c.category, c.country, c.currency)
		require.NoError(t, err)
		got, unit, err := list.Price(ctx, c.category, c.country, c.currency)
		require.NoError(t, err)
		require.True(t, want.Equal(got), "%v: %s, want %s", c, got, want)
		require.Equal(t, wantUnit, unit)
	}
	_, _, err := list.Price(ctx, usage.SMSOutbound, "GB", "JPY")
	require.ErrorIs(t, err, usage.ErrNoPrice)

	before, _, err := list.Price(ctx, usage.SMSOutbound, "JP", "JPY")
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `UPDATE prices SET price = price + 1 WHERE category = $1 AND country = 'JP' AND currency = 'JPY'`, usage.SMSOutbound)
	require.NoError(t, err)
	cached, _, err := list.Price(ctx, usage.SMSOutbound, "JP", "JPY")
	require.NoError(t, err)
	require.True(t, before.Equal(cached), "read within the TTL: %s", cached)
	clock.Advance(time.Minute + time.Second)
	now, _, err := list.Price(ctx, usage.SMSOutbound, "JP", "JPY")
	require.NoError(t, err)
	require.Equal(t, before.Add(decimal.NewFromInt(1)).String(), now.String(), "read again after the TTL")
}
