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
	if len(s) != 34 || s[:2] != prefix {
		return false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
