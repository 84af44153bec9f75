package config

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Issuer is the operator as receipts and monthly statements name it: a
// Japanese qualified invoice (適格請求書) must carry the issuer's name and
// its registration number.
type Issuer struct {
	Name    string
	Address string
	// Registration is the qualified invoice issuer registration number
	// (T and 13 digits); empty when the operator has none.
	Registration string
}

// DefaultIssuerName is what documents were signed with before the
// operator could name itself, kept for development.
const DefaultIssuerName = "Console"

// Limits of the issuer's text, in characters, so that it fits the
// printed documents.
const (
	maxIssuerName    = 100
	maxIssuerAddress = 300
)

// loadIssuer reads CONSOLE_ISSUER_NAME, CONSOLE_ISSUER_ADDRESS and
// CONSOLE_ISSUER_REGISTRATION. An address may hold line breaks written
// as the two characters \n, since one line of environment is all most
// deployments can set.
func loadIssuer(getenv func(string) string) (Issuer, error) {
	is := Issuer{
		Name:         orDefault(strings.TrimSpace(getenv("CONSOLE_ISSUER_NAME")), DefaultIssuerName),
		Address:      strings.TrimSpace(strings.ReplaceAll(getenv("CONSOLE_ISSUER_ADDRESS"), `\n`, "\n")),
		Registration: strings.TrimSpace(getenv("CONSOLE_ISSUER_REGISTRATION")),
	}
	if !printable(is.Name, false) || utf8.RuneCountInString(is.Name) > maxIssuerName {
		return is, &Error{"CONSOLE_ISSUER_NAME", "must be printable text of at most 100 characters"}
	}
	if !printable(is.Address, true) || utf8.RuneCountInString(is.Address) > maxIssuerAddress {
		return is, &Error{"CONSOLE_ISSUER_ADDRESS", `must be printable text of at most 300 characters (\n breaks a line)`}
	}
	if is.Registration != "" {
		if err := CheckRegistrationNumber(is.Registration); err != nil {
			return is, &Error{"CONSOLE_ISSUER_REGISTRATION", err.Error()}
		}
	}
	return is, nil
}

// printable reports whether s is valid UTF-8 without control characters
// (line breaks allowed when lines is set).
func printable(s string, lines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(lines && r == '\n') {
			return false
		}
	}
	return true
}

// Reasons a registration number is refused.
var (
	ErrRegistrationFormat = errors.New("must be T followed by 13 digits, e.g. T7000012050002")
	ErrRegistrationCheck  = errors.New("fails its check digit (the first of the 13 digits): a typo?")
)

// CheckRegistrationNumber checks a qualified invoice issuer registration
// number: "T" and a 13-digit corporate number (法人番号) whose first digit
// is its check digit, 9 − (Σ Pn × Qn mod 9) over the 12 base digits, Pn
// counted from the lowest, Qn 1 for odd n and 2 for even n (財務省令第七十号
// 第二条). Sole proprietors' numbers follow the same form.
func CheckRegistrationNumber(s string) error {
	if len(s) != 14 || s[0] != 'T' {
		return ErrRegistrationFormat
	}
	digits := s[1:]
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return ErrRegistrationFormat
		}
	}
	sum := 0
	for n := 1; n <= 12; n++ {
		p := int(digits[13-n] - '0') // the n-th base digit from the lowest
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += p * q
	}
	if int(digits[0]-'0') != 9-sum%9 {
		return ErrRegistrationCheck
	}
	return nil
}
