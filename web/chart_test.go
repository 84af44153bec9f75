package web

import (
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/usage"
)

func TestNiceCeil(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "0.0079": "0.01", "0.011": "0.02", "1": "1", "1.01": "2", "2175": "5000", "5000": "5000", "5001": "10000", "82.67": "100",
	} {
		require.Equal(t, want, niceCeil(decimal.RequireFromString(in)).String(), in)
	}
}

func TestDailyChartLayout(t *testing.T) {
	first, last := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	oct31 := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	c := NewDailyChart([]usage.DaySpend{{Day: oct31, Price: decimal.RequireFromString("0.0079")}}, first, last, "USD")
	require.Len(t, c.Bars, 31)
	var ticks []string
	for _, tk := range c.Ticks {
		ticks = append(ticks, tk.Label)
	}
	require.Equal(t, []string{"1", "5", "10", "15", "20", "25", "31"}, ticks, "30 would crowd 31")
	require.Equal(t, []string{"$0", "$0.005", "$0.01"}, []string{c.Grid[0].Label, c.Grid[1].Label, c.Grid[2].Label})
	bar := c.Bars[30]
	require.Equal(t, oct31, bar.Day)
	require.Equal(t, "123.2", bar.H, "0.0079 of 0.01 of a 156-high plot")
	require.Equal(t, "0.0", c.Bars[0].H)
	require.Equal(t, "$0.00", c.Bars[0].Amount.Format())

	empty := NewDailyChart(nil, first, last, "JPY")
	require.Len(t, empty.Grid, 1, "the baseline alone")
	require.Equal(t, "¥0", empty.Grid[0].Label)
	require.Equal(t, "$0.01", bar.Amount.Format(), "an amount has two decimals")
}

// The geometry of a month length is laid out once and shared: a chart a
// page changes must not change the next page's.
func TestDailyChartLayoutIsNotShared(t *testing.T) {
	first, last := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	nov3 := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	a := NewDailyChart([]usage.DaySpend{{Day: nov3, Price: decimal.RequireFromString("5")}}, first, last, "USD")
	require.Len(t, a.Bars, 30)
	require.Equal(t, "63.3", a.Bars[0].X)
	require.Equal(t, "14.0", a.Bars[2].Y, "the top of the plot: 5 is the top of the scale")
	require.Equal(t, "156.0", a.Bars[2].H)
	a.Bars[0].X = "changed"
	a.Ticks = append(a.Ticks, ChartTick{X: "1", Label: "extra"})
	a.Ticks[0].Label = "changed"

	b := NewDailyChart([]usage.DaySpend{{Day: last, Price: decimal.RequireFromString("4")}}, first, last, "USD") // the same scale, so the same layout
	require.Len(t, b.Bars, 30)
	require.Equal(t, "63.3", b.Bars[0].X)
	require.Equal(t, "170.0", b.Bars[2].Y, "an empty day sits on the baseline")
	require.Equal(t, "0.0", b.Bars[2].H)
	require.Equal(t, time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), b.Bars[2].Day)
	require.Equal(t, "$0.00", b.Bars[2].Amount.Format())
	var ticks []string
	for _, tk := range b.Ticks {
		ticks = append(ticks, tk.Label)
	}
	require.Equal(t, []string{"1", "5", "10", "15", "20", "25", "30"}, ticks)
}

// The room left of the plot fits the longest amount of the scale at the
// size a phone draws it: "¥20,000" is not clipped to "'20,000".
func TestDailyChartLabelsFit(t *testing.T) {
	first, last := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		top, currency string
		labels        []string
	}{
		{"17000", "JPY", []string{"¥0", "¥10,000", "¥20,000"}},
		{"1900000", "JPY", []string{"¥0", "¥1,000,000", "¥2,000,000"}},
		{"40", "USD", []string{"$0", "$25", "$50"}},
	} {
		ch := NewDailyChart([]usage.DaySpend{{Day: first, Price: decimal.RequireFromString(c.top)}}, first, last, c.currency)
		var labels []string
		for _, g := range ch.Grid {
			labels = append(labels, g.Label)
		}
		require.Equal(t, c.labels, labels)
		left, err := strconv.ParseFloat(ch.PlotLeft, 64)
		require.NoError(t, err)
		width := float64(utf8.RuneCountInString(c.labels[2])) * 0.6 * chartFont
		require.GreaterOrEqual(t, left-chartGap, width, "%s fits left of the plot", c.labels[2])
		require.Len(t, ch.SpentDays(), 1)
	}
}
