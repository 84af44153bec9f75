package trigger

import (
	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/usage"
)

// UnitKeys are the plural catalog families of a figure with its unit
// word ("100,000 messages"), by usage.CategoryInfo's units.
var UnitKeys = map[string]string{"messages": "triggers.unit_messages", "segments": "triggers.unit_segments",
	"calls": "triggers.unit_calls", "minutes": "triggers.unit_minutes", "numbers": "triggers.unit_numbers"}

// IsMoney reports whether the figures of a trigger watching category by
// by are amounts of money: its price, or the usage of totalprice (which
// is its price).
func IsMoney(category, by string) bool {
	return by == ByPrice || (category == usage.TotalPrice && by == ByUsage)
}

// Figure is a value of a trigger watching category by by, written for a
// reader of locale: money in currency, else the grouped number with its
// unit word. The console's pages and the trigger's mails both call it,
// so that a mail reads as the page its link opens.
func Figure(locale, currency, category, by string, v decimal.Decimal) string {
	if IsMoney(category, by) {
		return billing.Money{Amount: v, Currency: currency}.Format()
	}
	info := usage.Categories[category]
	unit := info.UsageUnit
	if by == ByCount {
		unit = info.CountUnit
	}
	if k, ok := UnitKeys[unit]; ok {
		// The plural form follows the number as stored ("1" is one,
		// "1.5" is not); the text shows it grouped.
		return i18n.TranslateN(locale, k, v.String(), billing.Grouped(v))
	}
	return billing.Grouped(v)
}
