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
	var price decimal.Decimal
	var unit string
	err := db.QueryRow(ctx, priceSQL, category, country, currency).Scan(&price, &unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return decimal.Zero, "", ErrNoPrice
	}
	if err != nil {
		return decimal.Zero, "", err
	}
	return price, unit, nil
}

const priceSQL = `SELECT price, unit FROM prices WHERE category = $1 AND country = $2 AND currency = $3`

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

// Record writes an event in the caller's transaction, with its charge;
// see RecordAll.
func Record(ctx context.Context, tx pgx.Tx, e Event) error {
	return RecordAll(ctx, tx, []Event{e})
}

// RecordAll writes events in the caller's transaction, with their
// charges, and adds them to the days' roll-ups: the GMT day (the API's)
// and the day of the project's time zone (the console's and the
// triggers'), summed per row first so that a batch of a thousand messages
// is one statement. Callers hold the projects' balance row locks (every
// charge does), which is what keeps a time-zone change from racing with
// the local roll-up. Under a context from Track, the accounts and
// categories are noted for triggers.
func RecordAll(ctx context.Context, tx pgx.Tx, events []Event) error {
	b := &pgx.Batch{}
	QueueRecordAll(ctx, b, events)
	return tx.SendBatch(ctx, b).Close()
}

// QueueRecordAll queues RecordAll's statement in b, for a transaction
// that sends more with it in one round trip. The events are noted for
// triggers under a context from Track at once: a transaction that fails
// is not looked at.
func QueueRecordAll(ctx context.Context, b *pgx.Batch, events []Event) {
	if len(events) == 0 {
		return
	}
	n := len(events)
	projects, accounts, categories, usages, prices, sources := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	counts, ats := make([]int64, n), make([]*time.Time, n)
	for i, e := range events {
		projects[i], accounts[i], categories[i], counts[i], usages[i], prices[i], sources[i] =
			e.ProjectSID, e.AccountSID, e.Category, int64(e.Count), e.Usage.String(), e.Price.String(), e.Source
		if !e.At.IsZero() {
			at := e.At
			ats[i] = &at
		}
	}
	b.Queue(`
		WITH ev AS (
			INSERT INTO usage_events (project_sid, account_sid, category, count, usage, price, source, at)
			SELECT p, a, c, n, u::numeric, m::numeric, s, coalesce(t, now())
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS x(p, a, c, n, u, m, s, t)
			RETURNING project_sid, account_sid, category, count, usage, price, at
		), utc AS (
			INSERT INTO usage_daily (project_sid, account_sid, category, day, count, usage, price)
			SELECT project_sid, account_sid, category, (at AT TIME ZONE 'UTC')::date, sum(count), sum(usage), sum(price)
			FROM ev GROUP BY 1, 2, 3, 4
			ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
			SET count = usage_daily.count + EXCLUDED.count, usage = usage_daily.usage + EXCLUDED.usage, price = usage_daily.price + EXCLUDED.price
		)
		INSERT INTO usage_local_daily (project_sid, account_sid, category, day, count, usage, price)
		SELECT ev.project_sid, ev.account_sid, ev.category, (ev.at AT TIME ZONE p.time_zone)::date, sum(ev.count), sum(ev.usage), sum(ev.price)
		FROM ev JOIN accounts p ON p.sid = ev.project_sid GROUP BY 1, 2, 3, 4
		ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
		SET count = usage_local_daily.count + EXCLUDED.count, usage = usage_local_daily.usage + EXCLUDED.usage, price = usage_local_daily.price + EXCLUDED.price`,
		projects, accounts, categories, counts, usages, prices, sources, ats)
	for _, e := range events {
		note(ctx, e.AccountSID, e.Category)
	}
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
