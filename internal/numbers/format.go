package numbers

import "strings"

// Countries and Types the inventory is searched by, in the order forms list them.
var (
	Countries = []string{"JP", "US"}
	Types     = []string{Local, Mobile, TollFree}
)

// callingCodes are the countries' international prefixes.
var callingCodes = map[string]string{"JP": "+81", "US": "+1"}

// ValidCountry reports whether the inventory has numbers of country.
func ValidCountry(country string) bool {
	_, ok := prefixes[country]
	return ok
}

// ValidType reports whether t is a type of number.
func ValidType(t string) bool { return t == Local || t == Mobile || t == TollFree }

// Format writes a number of the inventory for people, in international
// format with its groups apart: +81 50 1234 5678, +1 415 555 0100.
// Anything else is returned as it is.
func Format(number string) string {
	country, _, ok := Lookup(number)
	if !ok {
		return number
	}
	cc := callingCodes[country]
	for _, ps := range prefixes[country] {
		for _, p := range ps {
			if !strings.HasPrefix(number, p) {
				continue
			}
			rest := number[len(p):]
			head := 4
			switch len(rest) {
			case 7, 6:
				head = 3
			}
			return cc + " " + p[len(cc):] + " " + rest[:head] + " " + rest[head:]
		}
	}
	return number
}
