package billing

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Format renders m for people: a currency sign, thousands separators and
// the currency's usual decimals (0 for JPY, 2 for USD), widened when the
// amount holds finer fractions so that nothing is hidden.
func (m Money) Format() string {
	places := int32(2)
	sign := "$"
	if m.Currency == "JPY" {
		places, sign = 0, "¥"
	}
	if exp := -m.Amount.Exponent(); exp > places && !m.Amount.Equal(m.Amount.Truncate(places)) {
		places = min(exp, 4)
	}
	s := m.Amount.Abs().StringFixed(places)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if m.Amount.Sign() < 0 {
		b.WriteByte('-')
	}
	b.WriteString(sign)
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
