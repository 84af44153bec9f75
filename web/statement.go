package web

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/i18n"
)

// StatementData is Billing › a month's statement.
type StatementData struct {
	*billing.Statement
}

// StatementNames names services, categories and units in the request's
// language, for the statement's PDF.
func StatementNames(ctx context.Context) billing.StatementNames {
	return billing.StatementNames{
		Service:  func(s string) string { return t(ctx, serviceKeys[s]) },
		Category: func(c string) string { return categoryName(ctx, c) },
		Unit:     func(u string, n decimal.Decimal) string { return unitName(ctx, u, n) },
	}
}

// StatementHref is the statement of the month that starts at month.
func StatementHref(month time.Time) string {
	return "/billing/statement?month=" + month.Format("2006-01")
}

// addressee is who the statement is for: the company name of the billing
// preferences, else the project's name.
func (d StatementData) addressee() string {
	if n := strings.TrimSpace(d.Prefs.CompanyName); n != "" {
		return n
	}
	return d.ProjectName
}

func (d StatementData) money(amount decimal.Decimal) string {
	return d.Statement.Money(amount).Format()
}

// localDate writes a date (a local date at midnight UTC) in the request's
// language.
func localDate(ctx context.Context, d time.Time) string {
	return i18n.Date(lang(ctx), "format.date_long", d)
}

// statementTaxes are the statement's tax lines; a month without usage
// still shows the standard rate, at zero.
func statementTaxes(d StatementData) []billing.TaxLine {
	if len(d.Taxes) == 0 {
		return []billing.TaxLine{{Rate: billing.StandardTaxRate}}
	}
	return d.Taxes
}
