package billing

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Money is shown to people in one of three formats, one per kind of
// figure, so that the same kind always reads the same on every page, mail,
// PDF and export:
//
//   - Format: an amount (a balance, a total, a line of usage, a threshold):
//     exactly two decimals in both currencies ("¥6.50", "¥1,153.20",
//     "$0.08"), rounded half away from zero;
//   - FormatPrice: a unit price of the price list, at the list's precision
//     (PricePlaces: four decimals for USD, two for JPY);
//   - FormatCharge: what a card is charged, in whole minor units ("¥3,000",
//     "$20.00"), as a card statement shows it.
//
// FormatScale writes the round marks of a chart's axis.
// Plain writes an amount for machines (CSV exports): no currency sign, no
// separators, never rounded.

// AmountPlaces is the decimals of every amount shown to people.
const AmountPlaces = 2

// PricePlaces is the precision of currency's price list: the most decimals
// a unit price has (USD 0.0079 per segment, JPY 11.75).
func PricePlaces(currency string) int32 {
	if currency == "JPY" {
		return 2
	}
	return 4
}

// Format renders m as an amount: a currency sign, thousands separators and
// exactly two decimals, whatever the scale it was computed or stored with.
func (m Money) Format() string { return m.fixed(AmountPlaces) }

// FormatPrice renders m as a unit price, at the price list's precision.
func (m Money) FormatPrice() string { return m.fixed(PricePlaces(m.Currency)) }

// FormatCharge renders m as a card charge, in whole minor units: no
// decimals for JPY, two for USD.
func (m Money) FormatCharge() string { return m.fixed(MinorUnits(m.Currency)) }

// FormatScale renders m as a mark on a chart's scale ("¥20,000",
// "$0.5"): a round figure, written with the fewest decimals that keep it
// exact, so that the labels of an axis stay short.
func (m Money) FormatScale() string {
	places := int32(0)
	for places < 8 && !m.Amount.Equal(m.Amount.Truncate(places)) {
		places++
	}
	return m.fixed(places)
}

// Plain writes m's amount for machines: digits and a point, no separator
// or sign, at least the price list's precision and every further decimal
// it has, so that a figure is exact and a column lines up.
func (m Money) Plain() string {
	places := max(PricePlaces(m.Currency), -m.Amount.Exponent())
	d := m.Amount
	// Trailing zeros beyond the list's precision carry nothing.
	for places > PricePlaces(m.Currency) && d.Equal(d.Truncate(places-1)) {
		places--
	}
	return d.StringFixed(places)
}

func (m Money) fixed(places int32) string {
	sign := "$"
	if m.Currency == "JPY" {
		sign = "¥"
	}
	amount := m.Amount.Round(places)
	return grouped(amount.Abs().StringFixed(places), amount.Sign() < 0, sign)
}

// Grouped renders d with thousands separators and the decimals it has,
// for quantities shown beside money (segments, minutes).
func Grouped(d decimal.Decimal) string { return grouped(d.Abs().String(), d.Sign() < 0, "") }

// grouped puts a minus, then prefix, then the digits of the unsigned
// number s with commas between thousands.
func grouped(s string, negative bool, prefix string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	b.WriteString(prefix)
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Zero is an empty amount in currency.
func Zero(currency string) Money { return Money{Amount: decimal.Zero, Currency: currency} }
