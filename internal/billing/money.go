package billing

import (
	"strings"

	"github.com/shopspring/decimal"
)

// maxPlaces is the most decimals an amount is shown with; prices have no more.
const maxPlaces = 4

// Format renders m for people: a currency sign, thousands separators and
// the currency's usual decimals (0 for JPY, 2 for USD), widened when the
// amount holds finer fractions so that nothing is hidden, up to four.
// The width follows the amount's value, not the scale it was computed
// with: a sum of numeric columns keeps its operands' scale, and ¥1,625.6
// must not read "¥1,625.60" on one page and "¥1,625.6" on the next.
func (m Money) Format() string {
	places := int32(2)
	sign := "$"
	if m.Currency == "JPY" {
		places, sign = 0, "¥"
	}
	amount := m.Amount.Round(maxPlaces)
	for places < maxPlaces && !amount.Equal(amount.Truncate(places)) {
		places++
	}
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
