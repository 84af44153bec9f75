package usage

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// LocalRow is one account's usage of one category on one day of the
// project's time zone.
type LocalRow struct {
	AccountSID string
	Category   string
	Day        time.Time // the local date, at midnight UTC
	Count      int64
	Usage      decimal.Decimal
	Price      decimal.Decimal
}

// LocalDays returns the local-day roll-ups of some accounts of a project
// between two local dates, both included, ordered by day, account and
// category. It reads at most days × accounts × categories rows, however
// many events there were.
func LocalDays(ctx context.Context, db database.DBTX, projectSID string, accountSIDs []string, from, to time.Time) ([]LocalRow, error) {
	rows, err := db.Query(ctx, `SELECT account_sid, category, day, count, usage, price FROM usage_local_daily
		WHERE project_sid = $1 AND account_sid = ANY($2) AND day BETWEEN $3::date AND $4::date
		ORDER BY day, account_sid, category`, projectSID, accountSIDs, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[LocalRow])
}

// DaySpend is what was spent on one local day.
type DaySpend struct {
	Day   time.Time // the local date, at midnight UTC
	Price decimal.Decimal
}

// DailySpend sums the price of everything some accounts of a project used
// per local day between two local dates, both included; days without
// usage are left out. A nil accountSIDs means every account of the
// project, subaccounts included, so that the project's spend needs no
// list of its accounts first.
func DailySpend(ctx context.Context, db database.DBTX, projectSID string, accountSIDs []string, from, to time.Time) ([]DaySpend, error) {
	rows, err := db.Query(ctx, dailySpendSQL, projectSID, accountSIDs, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return scanDailySpend(rows)
}

// QueueDailySpend adds the DailySpend lookup to a batch.
func QueueDailySpend(b *pgx.Batch, projectSID string, accountSIDs []string, from, to time.Time, dst *[]DaySpend) {
	b.Queue(dailySpendSQL, projectSID, accountSIDs, from.Format(time.DateOnly), to.Format(time.DateOnly)).Query(func(rows pgx.Rows) error {
		var err error
		*dst, err = scanDailySpend(rows)
		return err
	})
}

const dailySpendSQL = `SELECT day, sum(price) AS price FROM usage_local_daily
	WHERE project_sid = $1 AND ($2::text[] IS NULL OR account_sid = ANY($2)) AND day BETWEEN $3::date AND $4::date
	GROUP BY day ORDER BY day`

func scanDailySpend(rows pgx.Rows) ([]DaySpend, error) {
	return pgx.CollectRows(rows, pgx.RowToStructByName[DaySpend])
}

// SpendByAccount sums what each account of a project used between two
// local dates, both included; accounts without usage are left out.
func SpendByAccount(ctx context.Context, db database.DBTX, projectSID string, from, to time.Time) (map[string]decimal.Decimal, error) {
	rows, err := db.Query(ctx, `SELECT account_sid, sum(price) FROM usage_local_daily
		WHERE project_sid = $1 AND day BETWEEN $2::date AND $3::date GROUP BY account_sid`,
		projectSID, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]decimal.Decimal{}
	for rows.Next() {
		var acc string
		var price decimal.Decimal
		if err := rows.Scan(&acc, &price); err != nil {
			return nil, err
		}
		out[acc] = price
	}
	return out, rows.Err()
}

// LocalDate is t's date in loc, at midnight UTC, the form the local
// roll-ups use.
func LocalDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// The farthest a time zone is from UTC today, behind and ahead.
const (
	maxBehindUTC = 12 * time.Hour
	maxAheadUTC  = 14 * time.Hour
)

// MonthAnywhere returns the local dates that may belong to the current
// month of some time zone at now: from the first day of the month of the
// earliest local date anywhere to the last day of the month of the latest
// one. It is one calendar month except within a day of a month's end, so
// a query over it can be sent before the project's time zone is known,
// and the month picked from its rows afterwards.
func MonthAnywhere(now time.Time) (first, last time.Time) {
	first, _ = MonthDays(LocalDate(now.Add(-maxBehindUTC), time.UTC))
	_, last = MonthDays(LocalDate(now.Add(maxAheadUTC), time.UTC))
	return first, last
}
