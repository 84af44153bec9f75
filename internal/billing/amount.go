package billing

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Why ParseAmount refused an amount. Each is a different message to the
// person who typed it, so that "10,50" is not answered like "abc".
var (
	// ErrAmountEmpty: nothing was typed.
	ErrAmountEmpty = errors.New("billing: no amount")
	// ErrAmountSyntax: not a plain number: a sign, an exponent, letters,
	// two decimal points, a control character, a currency sign that is
	// not the account's.
	ErrAmountSyntax = errors.New("billing: not an amount")
	// ErrAmountGrouping: a comma that does not separate thousands, as in
	// "10,50", which people who write decimal commas mean as 10.50.
	ErrAmountGrouping = errors.New("billing: commas must separate groups of three digits")
	// ErrAmountPrecision: more decimals than the currency's minor unit
	// (none for JPY, two for USD).
	ErrAmountPrecision = errors.New("billing: more decimals than the currency has")
	// ErrAmountZero: the amount is zero; every amount a person types here
	// (a payment, a threshold, a cap) must be above it.
	ErrAmountZero = errors.New("billing: amount is zero")
	// ErrAmountTooLarge: more integer digits than any amount we take.
	ErrAmountTooLarge = errors.New("billing: amount too large")
)

// maxAmountDigits bounds the integer digits of a typed amount: far above
// any limit we apply, and small enough that parsing stays trivial.
const maxAmountDigits = 15

// maxAmountInput bounds the input ParseAmount looks at, in bytes.
const maxAmountInput = 64

// MinorUnits is the number of decimals of currency's smallest unit: 0 for
// JPY, 2 for USD (the only currencies accounts have; see
// account.Currencies).
func MinorUnits(currency string) int32 {
	if currency == "JPY" {
		return 0
	}
	return 2
}

// ChargeAmount is what to charge a card for amount of currency: amount
// rounded up to the currency's smallest unit. A card takes whole yen and
// whole cents; a balance owes fractions of them (prices have four
// decimals), and topping it up must reach what was asked, so the fraction
// is rounded up, never dropped, and the balance is credited exactly what
// the card was charged.
func ChargeAmount(amount decimal.Decimal, currency string) decimal.Decimal {
	return amount.RoundCeil(MinorUnits(currency))
}

// WholeUnits reports whether amount is a whole number of currency's
// smallest unit, as every amount sent to a card must be.
func WholeUnits(amount decimal.Decimal, currency string) bool {
	places := MinorUnits(currency)
	return amount.Equal(amount.Truncate(places))
}

// ParseAmount reads a positive amount of currency as a person types it in
// a form or on the command line, exactly, or says why not:
//
//   - digits, with an optional "." and at most MinorUnits(currency)
//     decimals ("1050", "10.50"; "1000.5" is refused for JPY);
//   - commas only between groups of three digits ("1,050" and
//     "1,234,567.89" yes; "10,50", "1,0500", ",100" and "1,,000" no);
//   - full-width digits, "，" and "．" as their ASCII forms, and one
//     leading currency sign of the account's currency ("$" or "＄" for
//     USD, "¥" or "￥" for JPY), for Japanese keyboards and pasted figures;
//   - surrounding spaces (full-width included) are ignored.
//
// Anything else is refused: signs, exponents, a second ".", control
// characters, another currency's sign. No character is ever dropped, so
// an amount is either read as typed or refused.
func ParseAmount(input, currency string) (decimal.Decimal, error) {
	if len(input) > maxAmountInput*2 || !utf8.ValidString(input) {
		return decimal.Zero, ErrAmountSyntax
	}
	s := strings.TrimSpace(input)
	if s == "" {
		return decimal.Zero, ErrAmountEmpty
	}
	if rest, ok := cutCurrencySign(s, currency); ok {
		s = strings.TrimSpace(rest)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == '，':
			r = ','
		case r == '．':
			r = '.'
		}
		if !(r >= '0' && r <= '9' || r == ',' || r == '.') {
			return decimal.Zero, ErrAmountSyntax
		}
		b.WriteRune(r)
	}
	s = b.String()
	if len(s) > maxAmountInput {
		return decimal.Zero, ErrAmountTooLarge
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if strings.Contains(frac, ".") || intPart == "" || hasPoint && frac == "" {
		return decimal.Zero, ErrAmountSyntax
	}
	if strings.Contains(frac, ",") {
		return decimal.Zero, ErrAmountGrouping
	}
	digits, err := ungroup(intPart)
	if err != nil {
		return decimal.Zero, err
	}
	if len(strings.TrimLeft(digits, "0")) > maxAmountDigits {
		return decimal.Zero, ErrAmountTooLarge
	}
	if int32(len(frac)) > MinorUnits(currency) {
		return decimal.Zero, ErrAmountPrecision
	}
	plain := digits
	if frac != "" {
		plain += "." + frac
	}
	d, err := decimal.NewFromString(plain)
	if err != nil {
		// Only digits and one point reach here; kept as a guard.
		return decimal.Zero, ErrAmountSyntax
	}
	if d.Sign() == 0 {
		return decimal.Zero, ErrAmountZero
	}
	return d, nil
}

// cutCurrencySign removes one leading sign of currency from s.
func cutCurrencySign(s, currency string) (string, bool) {
	signs := []string{"$", "＄"}
	if currency == "JPY" {
		signs = []string{"¥", "￥"}
	}
	for _, sign := range signs {
		if rest, ok := strings.CutPrefix(s, sign); ok {
			return rest, true
		}
	}
	return s, false
}

// ungroup removes the thousands separators of an integer part, which must
// then be a first group of one to three digits and groups of exactly
// three: "1,050" is 1050, "10,50" is refused.
func ungroup(s string) (string, error) {
	if !strings.Contains(s, ",") {
		return s, nil
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", ErrAmountGrouping
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", ErrAmountGrouping
		}
	}
	return strings.Join(groups, ""), nil
}
