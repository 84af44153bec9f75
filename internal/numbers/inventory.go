// Package numbers owns phone numbers: a generated inventory to search,
// and the numbers accounts buy from it, charged monthly.
package numbers

import (
	"fmt"
	"hash/fnv"
)

// Types of number, as Twilio's AvailablePhoneNumbers resources name them.
const (
	Local    = "local"
	TollFree = "tollfree"
	Mobile   = "mobile"
)

// Category is the usage category a number type is priced and recorded under.
func Category(numberType string) string { return "phonenumbers-" + numberType }

// prefixes of the generated inventory, per country and type: JP local
// numbers are IP phone (050) and Tokyo (03) numbers.
var prefixes = map[string]map[string][]string{
	"JP": {Local: {"+8150", "+813"}, TollFree: {"+81120"}, Mobile: {"+8170", "+8180", "+8190"}},
	"US": {Local: {"+1415", "+1212", "+1312"}, TollFree: {"+1800", "+1888"}},
}

// digits is how many digits follow each prefix to make a full number.
var digits = map[string]int{
	"+8150": 8, "+813": 8, "+81120": 6, "+8170": 8, "+8180": 8, "+8190": 8,
	"+1415": 7, "+1212": 7, "+1312": 7, "+1800": 7, "+1888": 7,
}

// Candidates lists n numbers of a country and type, a different page of
// the inventory for each page value. It is generated, so it needs no
// table; owned numbers are filtered out by the caller.
func Candidates(country, numberType, contains string, page, n int) []string {
	ps := prefixes[country][numberType]
	var out []string
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n*50 && len(ps) > 0; i++ {
		k := page*n*50 + i
		p := ps[k%len(ps)]
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d", p, k)
		sum := h.Sum64()
		width := digits[p]
		mod := uint64(1)
		for j := 0; j < width; j++ {
			mod *= 10
		}
		sub := fmt.Sprintf("%0*d", width, sum%mod)
		num := p + sub
		if contains != "" && !containsDigits(num, contains) && len(contains) <= width && allDigits(contains) {
			// Every number of the prefixes is in the inventory, so the
			// digits asked for are placed in the subscriber part: a search
			// finds numbers, not the luck of a hash.
			j := int((sum >> 40) % uint64(width-len(contains)+1))
			num = p + sub[:j] + contains + sub[j+len(contains):]
		}
		if (contains == "" || containsDigits(num, contains)) && !seen[num] {
			seen[num] = true
			out = append(out, num)
		}
	}
	return out
}

func containsDigits(number, want string) bool {
	for i := 0; i+len(want) <= len(number); i++ {
		if number[i:i+len(want)] == want {
			return true
		}
	}
	return false
}

// Lookup says whether number belongs to the inventory, and its country and type.
func Lookup(number string) (country, numberType string, ok bool) {
	for c, types := range prefixes {
		for t, ps := range types {
			for _, p := range ps {
				if len(number) == len(p)+digits[p] && number[:len(p)] == p && allDigits(number[len(p):]) {
					return c, t, true
				}
			}
		}
	}
	return "", "", false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
