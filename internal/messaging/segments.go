// Package messaging owns SMS: how a body is split into carrier segments,
// and (as the usage issue lands) sending, pricing and recording messages.
package messaging

import (
	"strings"
	"unicode/utf16"
)

// Encodings a body is sent in.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// gsmBasic is the GSM 03.38 default alphabet; each costs one septet.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension characters are sent with an escape: two septets each.
const gsmExtension = "\f^{}\\[~]|€"

// Segments is how a body travels: its encoding, its length in that
// encoding's units, and how many segments carriers bill.
type Segments struct {
	Encoding string
	Units    int // septets for GSM-7, UTF-16 code units for UCS-2
	Count    int
}

// Count splits body as carriers do. A body that fits in one message is
// one segment (160 septets, or 70 UCS-2 units); longer bodies are sent in
// parts of 153 septets or 67 units, the rest of each part carrying the
// concatenation header. A part never ends in the middle of an escaped
// GSM character or a surrogate pair.
func Count(body string) Segments {
	if units, ok := gsmSeptets(body); ok {
		return Segments{Encoding: GSM7, Units: units, Count: parts(gsmUnits(body), 160, 153)}
	}
	u := utf16.Encode([]rune(body))
	return Segments{Encoding: UCS2, Units: len(u), Count: parts(ucs2Units(u), 70, 67)}
}

// gsmSeptets reports the septet length of body, and whether it fits GSM-7.
func gsmSeptets(body string) (int, bool) {
	n := 0
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			n++
		case strings.ContainsRune(gsmExtension, r):
			n += 2
		default:
			return 0, false
		}
	}
	return n, true
}

// gsmUnits lists the size of each character in septets.
func gsmUnits(body string) []int {
	var sizes []int
	for _, r := range body {
		if strings.ContainsRune(gsmExtension, r) {
			sizes = append(sizes, 2)
		} else {
			sizes = append(sizes, 1)
		}
	}
	return sizes
}

// ucs2Units lists the size of each character in UTF-16 units: 2 for a
// character outside the Basic Multilingual Plane (most emoji).
func ucs2Units(u []uint16) []int {
	var sizes []int
	for i := 0; i < len(u); i++ {
		if utf16.IsSurrogate(rune(u[i])) && i+1 < len(u) {
			sizes = append(sizes, 2)
			i++
		} else {
			sizes = append(sizes, 1)
		}
	}
	return sizes
}

// parts counts the segments of characters with the given sizes.
func parts(sizes []int, single, part int) int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total == 0 {
		return 1
	}
	if total <= single {
		return 1
	}
	n, used := 1, 0
	for _, s := range sizes {
		if used+s > part {
			n++
			used = 0
		}
		used += s
	}
	return n
}
