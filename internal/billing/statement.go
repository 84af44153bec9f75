package billing

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
	"console/internal/usage"
)

// StandardTaxRate is Japan's standard consumption tax rate, which every
// service of the console bears (none is zero-rated or at the reduced 8%).
var StandardTaxRate = decimal.RequireFromString("0.10")

// taxRate is the consumption tax rate of a usage category.
func taxRate(string) decimal.Decimal { return StandardTaxRate }

// Statement is a project's monthly statement (請求書/利用明細): the month's
// usage by service and category, with the consumption tax it includes
// per rate, as a Japanese qualified invoice shows it.
type Statement struct {
	ProjectSID  string
	ProjectName string
	Currency    string
	// Month is the month's first local date, at midnight UTC (the form of
	// the local roll-ups); Location is the project's time zone.
	Month    time.Time
	Location *time.Location
	// Issued is the local date it is issued on: the month's last day once
	// the month is over, else today, and then the month is not Final.
	Issued time.Time
	Final  bool
	// Services is the usage by service and category, all the project's
	// accounts together: the project pays for its subaccounts.
	Services []usage.ServiceUsage
	// Taxes are the subtotals per tax rate, highest rate first.
	Taxes []TaxLine
	// Total is what the month's usage cost, tax included.
	Total  decimal.Decimal
	Prefs  Preferences
	Issuer Issuer
	// Prev and Next are the neighbouring months ("2006-01") a statement
	// exists for, "" at either end.
	Prev, Next string
	Locale     string // "en" or "ja"; anything else is English; set by the caller
}

// TaxLine is the usage at one consumption tax rate. Prices include the
// tax (the balance is paid in full, nothing is added on top), so the tax
// is the included part, Subtotal × Rate / (1 + Rate), rounded down to
// the currency's minor unit once for the whole rate, never per line, as
// the qualified invoice rules require.
type TaxLine struct {
	Rate     decimal.Decimal // 0.10 for 10%
	Subtotal decimal.Decimal // tax included
	Tax      decimal.Decimal
}

// Money is the amount in the statement's currency.
func (st *Statement) Money(amount decimal.Decimal) Money {
	return Money{Amount: amount, Currency: st.Currency}
}

// PeriodEnd is the last local date the statement covers: the month's
// last, or the issue date while the month is not over.
func (st *Statement) PeriodEnd() time.Time {
	if !st.Final {
		return st.Issued
	}
	_, last := usage.MonthDays(st.Month)
	return last
}

// Empty reports whether nothing was used in the month.
func (st *Statement) Empty() bool { return len(st.Services) == 0 }

// statementMonthLayout is how a month is named in URLs.
const statementMonthLayout = "2006-01"

// Statement is the project's statement for month ("2006-01"; "" for the
// current month of the project's time zone). Months run from the earlier
// of the project's creation and its first usage to the current one; any
// other month, or one that is not "2006-01", is ErrBadMonth. The caller
// sets the reader's language.
func (s *Service) Statement(ctx context.Context, projectSID, month string) (*Statement, error) {
	st := &Statement{ProjectSID: projectSID, Issuer: s.Issuer}
	var zone string
	var created time.Time
	var firstUse *time.Time
	b := &pgx.Batch{}
	b.Queue(`SELECT friendly_name, currency, time_zone, created_at FROM accounts WHERE sid = $1 AND project_sid = $1`, projectSID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&st.ProjectName, &st.Currency, &zone, &created) })
	b.Queue(`SELECT min(day) FROM usage_local_daily WHERE project_sid = $1`, projectSID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&firstUse) })
	if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	st.Location = loc
	today := usage.LocalDate(s.Now(), loc)
	current := monthOf(today)
	first := monthOf(usage.LocalDate(created, loc))
	if firstUse != nil && firstUse.Before(first) {
		first = monthOf(*firstUse)
	}
	st.Month = current
	if month != "" {
		m, err := time.Parse(statementMonthLayout, month)
		if err != nil || len(month) != len(statementMonthLayout) || m.Before(first) || m.After(current) {
			return nil, ErrBadMonth
		}
		st.Month = m
	}
	if st.Month.After(first) {
		st.Prev = st.Month.AddDate(0, -1, 0).Format(statementMonthLayout)
	}
	if st.Month.Before(current) {
		st.Next = st.Month.AddDate(0, 1, 0).Format(statementMonthLayout)
	}
	from, last := usage.MonthDays(st.Month)
	st.Final = last.Before(today)
	st.Issued = today
	if st.Final {
		st.Issued = last
	}

	rows, err := monthByCategory(ctx, s.Pool, projectSID, from, last)
	if err != nil {
		return nil, err
	}
	if st.Prefs, err = GetPreferences(ctx, s.Pool, projectSID); err != nil {
		return nil, err
	}
	sum := usage.Summarize(rows)
	st.Services, st.Total = sum.Services, sum.Total
	st.Taxes = taxLines(rows, st.Currency)
	return st, nil
}

// monthByCategory is the project's usage between two local dates, all its
// accounts together, as one row per category dated from: whatever the
// number of days and accounts, a month is a few rows.
func monthByCategory(ctx context.Context, db database.DBTX, projectSID string, from, last time.Time) ([]usage.LocalRow, error) {
	rows, err := db.Query(ctx, `SELECT '' AS account_sid, category, $2::date AS day, sum(count)::bigint AS count, sum(usage) AS usage, sum(price) AS price
		FROM usage_local_daily WHERE project_sid = $1 AND day BETWEEN $2::date AND $3::date GROUP BY category`,
		projectSID, from.Format(time.DateOnly), last.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[usage.LocalRow])
}

// monthOf is the first day of d's month, in the same midnight-UTC form.
func monthOf(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// taxLines adds the rows' prices up per tax rate and works out each
// rate's tax once, from its subtotal.
func taxLines(rows []usage.LocalRow, currency string) []TaxLine {
	var lines []TaxLine
	for _, r := range rows {
		rate := taxRate(r.Category)
		i := 0
		for i < len(lines) && !lines[i].Rate.Equal(rate) {
			i++
		}
		if i == len(lines) {
			lines = append(lines, TaxLine{Rate: rate})
		}
		lines[i].Subtotal = lines[i].Subtotal.Add(r.Price)
	}
	for i := range lines {
		lines[i].Tax = IncludedTax(lines[i].Subtotal, lines[i].Rate, currency)
	}
	// Highest rate first, as invoices list them.
	slices.SortFunc(lines, func(a, b TaxLine) int { return b.Rate.Cmp(a.Rate) })
	return lines
}

// IncludedTax is the consumption tax included in a tax-inclusive amount
// at rate, rounded down to the currency's minor unit (切り捨て).
func IncludedTax(amount, rate decimal.Decimal, currency string) decimal.Decimal {
	tax := amount.Mul(rate).Div(decimal.NewFromInt(1).Add(rate))
	return tax.RoundFloor(MinorUnits(currency))
}
