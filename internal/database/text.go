package database

import (
	"strings"
	"unicode/utf8"
)

// IsText reports whether s can be stored in, or compared with, a
// PostgreSQL text value: valid UTF-8 without NUL characters. PostgreSQL
// refuses anything else with an error, so the API and the console check
// what clients send where they decode it, and answer bad input as such
// (400, 422, 404) instead of letting the query fail (500).
func IsText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
