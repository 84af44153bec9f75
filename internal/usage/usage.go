// Package usage owns the price list and the usage events that metered
// services write with their charges.
package usage

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/database"
)

// Categories, as Twilio names them.
const (
	SMSOutbound   = "sms-outbound"
	CallsOutbound = "calls-outbound"
)

// ErrNoPrice is returned for a category, destination and currency the
// price list does not cover: the console does not sell it.
var ErrNoPrice = errors.New("usage: no price")

// Price returns what one unit of category costs to country in currency.
func Price(ctx context.Context, db database.DBTX, category, country, currency string) (decimal.Decimal, string, error) {
	var price, unit string
	err := db.QueryRow(ctx, `SELECT price::text, unit FROM prices WHERE category = $1 AND country = $2 AND currency = $3`,
		category, country, currency).Scan(&price, &unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return decimal.Zero, "", ErrNoPrice
	}
	if err != nil {
		return decimal.Zero, "", err
	}
	d, err := decimal.NewFromString(price)
	return d, unit, err
}

// Event is one metered item: a message, a call.
type Event struct {
	ProjectSID, AccountSID string
	Category               string
	Count                  int
	Usage                  decimal.Decimal
	Price                  decimal.Decimal
	Source                 string
	// At is when the usage happened; zero means now (the database's clock).
	At time.Time
}

// Record writes an event in the caller's transaction, with its charge,
// and adds it to the day's roll-ups: the GMT day (the API's) and the day
// of the project's time zone (the console's and the triggers'). Callers
// hold the project's balance row lock (every charge does), which is what
// keeps a time-zone change from racing with the local roll-up. Under a
// context from Track, the account and category are noted for triggers.
func Record(ctx context.Context, tx pgx.Tx, e Event) error {
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := tx.Exec(ctx, `
		WITH ev AS (
			INSERT INTO usage_events (project_sid, account_sid, category, count, usage, price, source, at)
			VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7, coalesce($8::timestamptz, now())) RETURNING at
		), utc AS (
			INSERT INTO usage_daily (project_sid, account_sid, category, day, count, usage, price)
			SELECT $1, $2, $3, (ev.at AT TIME ZONE 'UTC')::date, $4, $5::numeric, $6::numeric FROM ev
			ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
			SET count = usage_daily.count + EXCLUDED.count, usage = usage_daily.usage + EXCLUDED.usage, price = usage_daily.price + EXCLUDED.price
		)
		INSERT INTO usage_local_daily (project_sid, account_sid, category, day, count, usage, price)
		SELECT $1, $2, $3, (ev.at AT TIME ZONE p.time_zone)::date, $4, $5::numeric, $6::numeric FROM ev, accounts p WHERE p.sid = $1
		ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
		SET count = usage_local_daily.count + EXCLUDED.count, usage = usage_local_daily.usage + EXCLUDED.usage, price = usage_local_daily.price + EXCLUDED.price`,
		e.ProjectSID, e.AccountSID, e.Category, e.Count, e.Usage.String(), e.Price.String(), e.Source, at)
	if err == nil {
		note(ctx, e.AccountSID, e.Category)
	}
	return err
}

// RebuildLocal recomputes a project's local-day roll-ups from its events,
// after its time zone changed. The caller holds the project's balance row
// lock in tx, so no charge records usage meanwhile.
func RebuildLocal(ctx context.Context, tx pgx.Tx, projectSID string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM usage_local_daily WHERE project_sid = $1`, projectSID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO usage_local_daily (project_sid, account_sid, category, day, count, usage, price)
		SELECT e.project_sid, e.account_sid, e.category, (e.at AT TIME ZONE p.time_zone)::date, sum(e.count), sum(e.usage), sum(e.price)
		FROM usage_events e JOIN accounts p ON p.sid = e.project_sid
		WHERE e.project_sid = $1 GROUP BY 1, 2, 3, 4`, projectSID)
	return err
}
