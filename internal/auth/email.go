package auth

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidEmail: not exactly one plain email address.
var ErrInvalidEmail = errors.New("auth: not a single email address")

// maxEmailLen is the longest address SMTP carries (RFC 5321's path limit
// less its angle brackets).
const maxEmailLen = 254

// ParseEmail reads one email address as a person types it, trimmed of
// surrounding spaces, and returns it, or ErrInvalidEmail. It is strict so
// that what is stored is what a mail goes to: net/mail must read the
// input as a single address that equals it exactly — no display name
// ("Bob <bob@example.com>"), no list ("victim@example.com,attacker@evil.example"),
// no comment, no quoted local part, no route; no control or invisible
// formatting characters; and a domain name with a dot (no address
// literal). Every form and command that takes an email address uses it.
func ParseEmail(input string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" || len(s) > maxEmailLen || !utf8.ValidString(s) {
		return "", ErrInvalidEmail
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return "", ErrInvalidEmail
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.ContainsAny(domain, "[]") {
		return "", ErrInvalidEmail
	}
	return s, nil
}
