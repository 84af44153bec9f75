// Package sid makes identifiers in Twilio's format: two capital letters
// and 32 lowercase hex digits (AC… accounts, US… users, SK… keys).
package sid

import (
	"crypto/rand"
	"encoding/hex"
)

// Prefixes in use.
const (
	Account = "AC"
	User    = "US"
)

// New returns a fresh random SID with the given two-letter prefix.
func New(prefix string) string {
	return prefix + Hex32()
}

// Hex32 returns 16 random bytes as 32 lowercase hex digits, the format of
// SIDs and of auth tokens.
func Hex32() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// Valid reports whether s is a SID with the given prefix.
func Valid(s, prefix string) bool {
	return Syntax(s) && s[:2] == prefix
}

// Syntax reports whether s has the shape of a SID of any kind: two
// capital letters and 32 lowercase hex digits. A string without it names
// nothing we issued, so it is refused before any query: a NUL byte or
// invalid UTF-8 in a URL never reaches the database, where it is an
// error rather than a miss.
func Syntax(s string) bool {
	if len(s) != 34 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
