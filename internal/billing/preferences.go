package billing

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/database"
)

// Preferences are what receipts carry.
type Preferences struct {
	CompanyName        string
	Address            string
	RegistrationNumber string // Japan's qualified invoice registration number (T + 13 digits)
	ReceiptEmail       string
}

// Limits of the preferences' text, in characters.
const (
	MaxCompanyName = 100
	MaxAddress     = 300
)

// normalized is p as it is saved: trimmed, the registration number in
// capitals.
func (p Preferences) normalized() Preferences {
	return Preferences{
		CompanyName:        strings.TrimSpace(p.CompanyName),
		Address:            strings.TrimSpace(p.Address),
		RegistrationNumber: strings.ToUpper(strings.TrimSpace(p.RegistrationNumber)),
		ReceiptEmail:       strings.TrimSpace(p.ReceiptEmail),
	}
}

// Validate reports every problem of p, once trimmed: the company name and
// address within their limits, a registration number that is T and 13
// digits (any case), a receipt email that auth.ParseEmail takes. Each may
// be left empty.
func (p Preferences) Validate() error {
	p = p.normalized()
	var errs FieldErrors
	if utf8.RuneCountInString(p.CompanyName) > MaxCompanyName {
		errs.add(FieldCompanyName, ReasonTooLong)
	}
	if utf8.RuneCountInString(p.Address) > MaxAddress {
		errs.add(FieldAddress, ReasonTooLong)
	}
	if p.RegistrationNumber != "" && !validRegistrationNumber(p.RegistrationNumber) {
		errs.add(FieldRegistrationNumber, ReasonInvalid)
	}
	if p.ReceiptEmail != "" {
		if _, err := auth.ParseEmail(p.ReceiptEmail); err != nil {
			errs.add(FieldReceiptEmail, ReasonInvalid)
		}
	}
	return errs.err()
}

// validRegistrationNumber reports whether s is a qualified invoice
// registration number: T and 13 digits.
func validRegistrationNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SavePreferences changes what the project's receipts carry, by by. Bad
// input is a FieldErrors and changes nothing.
func (s *Service) SavePreferences(ctx context.Context, by audit.Actor, projectSID string, p Preferences) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p = p.normalized()
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := SetPreferences(ctx, tx, projectSID, p); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.FundsPreferencesChanged, audit.On{Project: projectSID, Account: projectSID, Target: projectSID}, nil)
	})
}

// Preferences returns the project's preferences, empty when never set.
func (s *Service) Preferences(ctx context.Context, projectSID string) (Preferences, error) {
	return GetPreferences(ctx, s.Pool, projectSID)
}

// GetPreferences returns the project's preferences, empty when never set.
func GetPreferences(ctx context.Context, db database.DBTX, projectSID string) (Preferences, error) {
	var p Preferences
	err := db.QueryRow(ctx, `SELECT company_name, address, registration_number, receipt_email FROM billing_preferences WHERE project_sid = $1`,
		projectSID).Scan(&p.CompanyName, &p.Address, &p.RegistrationNumber, &p.ReceiptEmail)
	if errors.Is(err, pgx.ErrNoRows) {
		return Preferences{}, nil
	}
	return p, err
}

// SetPreferences saves the project's preferences.
func SetPreferences(ctx context.Context, db database.DBTX, projectSID string, p Preferences) error {
	_, err := db.Exec(ctx, `
		INSERT INTO billing_preferences (project_sid, company_name, address, registration_number, receipt_email) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (project_sid) DO UPDATE SET company_name = $2, address = $3, registration_number = $4, receipt_email = $5, updated_at = now()`,
		projectSID, p.CompanyName, p.Address, p.RegistrationNumber, p.ReceiptEmail)
	return err
}
