package web

import (
	"context"
	"net/url"
	"time"

	"github.com/a-h/templ"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/team"
	"console/internal/usage"
)

// UsageTab is one page of Usage and what a role needs to see it.
type UsageTab struct {
	ID, Href, NameKey string
	Perm              team.Permission
}

// UsageTabs are the pages of Usage in the order of its tabs: a new page
// adds a line here.
var UsageTabs = []UsageTab{
	{ID: "summary", Href: "/usage", NameKey: "usage.summary", Perm: team.PermUsageView},
	{ID: "subaccounts", Href: "/usage/subaccounts", NameKey: "usage.subaccounts", Perm: team.PermUsageView},
	{ID: "triggers", Href: "/usage/triggers", NameKey: "usage.triggers", Perm: team.PermTriggersManage},
}

// MonthPicker chooses the month (and on the summary of a main account,
// the account) a usage page shows, as a plain GET form.
type MonthPicker struct {
	Action   string      // the page's path
	Month    time.Time   // the month shown, its first day at midnight UTC
	Months   []time.Time // the months offered, newest first
	Accounts []*account.Account
	Account  string // the account shown, when Accounts offers a choice
	// Keep are other parameters of the page the form sends back unchanged.
	Keep [][2]string
}

// UsageSummaryData is Usage › Summary of one account for one month.
type UsageSummaryData struct {
	Picker   MonthPicker
	Account  *account.Account
	Main     bool // Account is the project's main account
	Currency string
	TimeZone string
	Summary  usage.Summary
	Chart    Chart
}

// UsageSubaccountsData is Usage › Subaccounts for one month.
type UsageSubaccountsData struct {
	Picker MonthPicker
	// InSubaccount is set when a subaccount is being viewed: the page
	// belongs to the main account.
	InSubaccount bool
	Main         *account.Account
	MainTotal    billing.Money
	ProjectTotal billing.Money
	Rows         []SubaccountSpend
	Sort, Dir    string
}

// SubaccountSpend is a subaccount's total for the month.
type SubaccountSpend struct {
	Account *account.Account
	Total   billing.Money
}

// Sorts of Usage › Subaccounts.
const (
	SortName  = "name"
	SortTotal = "total"
	DirAsc    = "asc"
	DirDesc   = "desc"
)

// usageHref is a usage page of account for month.
func usageHref(path, accountSID string, month time.Time) string {
	q := url.Values{"month": {month.Format("2006-01")}}
	if accountSID != "" {
		q.Set("account", accountSID)
	}
	return path + "?" + q.Encode()
}

// sortHref is the link of a column header of Usage › Subaccounts: the
// column's natural order first (names A→Z, totals largest first), the
// other direction when it is already sorted so.
func (d UsageSubaccountsData) sortHref(column string) string {
	dir := DirAsc
	if column == SortTotal {
		dir = DirDesc
	}
	if d.Sort == column {
		dir = DirAsc
		if d.Dir == DirAsc {
			dir = DirDesc
		}
	}
	q := url.Values{"month": {d.Picker.Month.Format("2006-01")}, "sort": {column}, "dir": {dir}}
	return "/usage/subaccounts?" + q.Encode()
}

// sortAttrs says how a column header is sorted, for screen readers.
func (d UsageSubaccountsData) sortAttrs(column string) templ.Attributes {
	switch {
	case d.Sort != column:
		return nil
	case d.Dir == DirAsc:
		return templ.Attributes{"aria-sort": "ascending"}
	}
	return templ.Attributes{"aria-sort": "descending"}
}

func (d UsageSubaccountsData) sortMark(column string) string {
	switch {
	case d.Sort != column:
		return ""
	case d.Dir == DirAsc:
		return " ▲"
	}
	return " ▼"
}

// serviceKeys name the services of Usage › Summary.
var serviceKeys = map[string]string{
	"sms":          "service.sms",
	"calls":        "service.voice",
	"phonenumbers": "service.numbers",
	"":             "usage.other",
}

// categoryKeys describe the categories in the catalogs; a category not
// listed keeps the price list's English description.
var categoryKeys = map[string]string{
	usage.SMSOutbound:       "usage.cat_sms_outbound",
	usage.CallsOutbound:     "usage.cat_calls_outbound",
	"phonenumbers-local":    "usage.cat_phonenumbers_local",
	"phonenumbers-tollfree": "usage.cat_phonenumbers_tollfree",
	"phonenumbers-mobile":   "usage.cat_phonenumbers_mobile",
}

// unitKeys name the count and usage units of usage.Categories: plural
// families ("1 message", "2 messages").
var unitKeys = map[string]string{
	"messages": "usage.unit_messages",
	"segments": "usage.unit_segments",
	"calls":    "usage.unit_calls",
	"minutes":  "usage.unit_minutes",
	"numbers":  "usage.unit_numbers",
}

func categoryName(ctx context.Context, category string) string {
	if k, ok := categoryKeys[category]; ok {
		return t(ctx, k)
	}
	if info, ok := usage.Categories[category]; ok {
		return info.Description
	}
	return category
}

// unitName names n of unit in the request's language, in the plural form
// n asks for.
func unitName(ctx context.Context, unit string, n decimal.Decimal) string {
	if k, ok := unitKeys[unit]; ok {
		return i18n.TranslateN(lang(ctx), k, n.String())
	}
	return unit
}

// countUnit is unitName for a count.
func countUnit(ctx context.Context, unit string, n int64) string {
	return unitName(ctx, unit, decimal.NewFromInt(n))
}

// quantity writes a count or a usage with thousands separators and every
// decimal it has.
func quantity(d decimal.Decimal) string { return billing.Grouped(d) }

func count(n int64) string { return quantity(decimal.NewFromInt(n)) }

func money(amount decimal.Decimal, currency string) string {
	return billing.Money{Amount: amount, Currency: currency}.Format()
}
