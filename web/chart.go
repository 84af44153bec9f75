package web

import (
	"context"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/usage"
)

// Chart is spend per day of a month as bars, laid out here and drawn as
// SVG by DailyChart: the page needs no script, and the CSP no inline
// style, as every position is an SVG attribute.
type Chart struct {
	Width, Height int // the viewBox; CSS scales it
	Bars          []ChartBar
	Grid          []ChartLine // horizontal lines, the baseline first
	Ticks         []ChartTick // day numbers under the bars
	Baseline      string      // y of the axis
	PlotLeft      string      // x where the plot starts
	PlotRight     string      // x where it ends
}

// ChartBar is one day: the bar, and the whole column that carries its
// title, so that days with little or nothing still show one on hover.
type ChartBar struct {
	Day        time.Time // the local date, at midnight UTC
	Amount     billing.Money
	X, Y, W, H string
	ColX, ColW string
	ColY, ColH string
}

// ChartLine is a grid line with its amount.
type ChartLine struct {
	Y     string
	Label string
}

// ChartTick labels a day under the axis.
type ChartTick struct {
	X     string
	Label string
}

// Chart geometry, in viewBox units. The labels are drawn at up to
// chartFont units (app.css: the size a 390 px phone needs to read them),
// so the room left of the plot is sized from the longest amount at that
// size: "¥20,000" is never clipped to "'20,000".
const (
	chartWidth  = 720
	chartHeight = 200
	chartRight  = 8
	chartTop    = 14 // half a label above the top grid line
	chartBottom = 30 // room for the day numbers
	chartFont   = 22
	chartGap    = 6 // between an amount and the plot
)

// chartLeft is the room for grid labels of at most chars characters: a
// digit of a tabular figure is about 0.6 em wide.
func chartLeft(chars int) int { return max(chars, 3)*chartFont*6/10 + chartGap + 2 }

// NewDailyChart lays out spend per day from first to last (local dates,
// both included); days missing from days spent nothing.
func NewDailyChart(days []usage.DaySpend, first, last time.Time, currency string) Chart {
	c := Chart{Width: chartWidth, Height: chartHeight}
	byDay := map[time.Time]decimal.Decimal{}
	top := decimal.Zero
	for _, d := range days {
		byDay[d.Day] = byDay[d.Day].Add(d.Price)
		top = decimal.Max(top, byDay[d.Day])
	}
	top = niceCeil(top)
	n := int(last.Sub(first).Hours()/24) + 1
	if n < 1 {
		return c
	}
	labels := []string{billing.Zero(currency).FormatScale()}
	half := top.Mul(decimal.New(5, -1)) // exact, unlike a division
	if top.Sign() > 0 {
		labels = append(labels, billing.Money{Amount: half, Currency: currency}.FormatScale(),
			billing.Money{Amount: top, Currency: currency}.FormatScale())
	}
	chars := 0
	for _, lb := range labels {
		chars = max(chars, utf8.RuneCountInString(lb))
	}
	l := layoutFor(n, chars)
	plotH := float64(chartHeight - chartTop - chartBottom)
	base := float64(chartHeight - chartBottom)
	c.Baseline, c.PlotLeft, c.PlotRight = l.baseline, l.plotLeft, l.plotRight
	c.Bars = make([]ChartBar, n)
	copy(c.Bars, l.bars)
	for i := range c.Bars {
		b := &c.Bars[i]
		b.Day = first.AddDate(0, 0, i)
		amount := byDay[b.Day]
		b.Amount = billing.Money{Amount: amount, Currency: currency}
		if top.Sign() > 0 && amount.Sign() > 0 {
			h := max(amount.Div(top).InexactFloat64()*plotH, 1) // a day that spent anything stays visible
			b.Y, b.H = num(base-h), num(h)
		}
	}
	c.Ticks = l.ticks[:len(l.ticks):len(l.ticks)] // shared: an append must copy
	c.Grid = append(c.Grid, ChartLine{Y: l.baseline, Label: labels[0]})
	if top.Sign() > 0 {
		c.Grid = append(c.Grid, ChartLine{Y: num(base - plotH/2), Label: labels[1]}, ChartLine{Y: num(chartTop), Label: labels[2]})
	}
	return c
}

// layout is the geometry of a chart of n days, which depends on nothing
// but n and the width of the grid's labels: the columns, the bars of days
// that spent nothing, the day numbers. Formatting it is most of the cost
// of a chart, so it is done once per month length and label width (see
// layoutFor).
type layout struct {
	bars                          []ChartBar // Day and Amount unset; Y and H those of an empty day
	ticks                         []ChartTick
	baseline, plotLeft, plotRight string
}

// layouts holds the layout of every month length and label width, made on
// first use and never changed after: geometry only, nothing of anyone's
// data.
var layouts [32][16]struct {
	once sync.Once
	l    *layout
}

func layoutFor(n, chars int) *layout {
	if n >= len(layouts) || chars >= len(layouts[0]) {
		return newLayout(n, chars) // not a month, or an amount beyond any balance: not kept
	}
	e := &layouts[n][chars]
	e.once.Do(func() { e.l = newLayout(n, chars) })
	return e.l
}

func newLayout(n, chars int) *layout {
	left := float64(chartLeft(chars))
	plotW := chartWidth - left - chartRight
	plotH := float64(chartHeight - chartTop - chartBottom)
	base := float64(chartHeight - chartBottom)
	slot := plotW / float64(n)
	l := &layout{baseline: num(base), plotLeft: num(left), plotRight: num(chartWidth - chartRight)}
	for i := range n {
		x := left + slot*float64(i)
		l.bars = append(l.bars, ChartBar{
			X: num(x + slot*0.15), W: num(slot * 0.7), Y: num(base), H: num(0),
			ColX: num(x), ColW: num(slot), ColY: num(chartTop), ColH: num(plotH),
		})
		if d := i + 1; d == 1 || (d%5 == 0 && n-d >= 3) || d == n {
			l.ticks = append(l.ticks, ChartTick{X: num(x + slot/2), Label: strconv.Itoa(d)})
		}
	}
	return l
}

// niceCeil is the smallest 1, 2 or 5 times a power of ten that is at
// least d: the top of the chart's scale, so its grid lines read well.
func niceCeil(d decimal.Decimal) decimal.Decimal {
	if d.Sign() <= 0 {
		return decimal.Zero
	}
	for exp := int32(-8); ; exp++ {
		for _, m := range []int64{1, 2, 5} {
			if c := decimal.New(m, exp); c.GreaterThanOrEqual(d) {
				return c
			}
		}
	}
}

// num writes a coordinate with one decimal, enough for a chart.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// dayTitle names a local date in the request's language.
func dayTitle(ctx context.Context, day time.Time) string {
	return i18n.Date(lang(ctx), "format.date", day)
}

// barTitle is what a bar says on hover, on focus and to screen readers:
// its day and its exact amount.
func barTitle(ctx context.Context, b ChartBar) string {
	return dayTitle(ctx, b.Day) + ": " + b.Amount.Format()
}

// SpentDays are the bars of the days that spent anything: the rows of the
// chart's text alternative.
func (c Chart) SpentDays() []ChartBar {
	var days []ChartBar
	for _, b := range c.Bars {
		if b.Amount.Amount.Sign() > 0 {
			days = append(days, b)
		}
	}
	return days
}
