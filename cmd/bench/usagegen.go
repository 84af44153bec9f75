package main

// Generating a project's usage history in bulk, for the usage-summary
// scenario.
//
// Why not usage.Record, the way the metered services write usage: each
// event there is a transaction with a charge (ledger entry, balance row,
// roll-up upserts). At the ledger's few thousand debits a second on this
// machine, 10 million events would take the best part of an hour, and
// the scenario measures reading usage, not writing it (messages measures
// that). So the events are made by PostgreSQL itself, INSERT … SELECT
// over generate_series in chunks, and both roll-ups are computed from the
// generated events with GROUP BY: each chunk's INSERT returns the events
// it made, which the same statement adds up per account, category and
// day, and the roll-ups are the sums of those; exactly what usage.Record
// would have added up event by event (and what usage.RebuildLocal and the
// usage_daily migration compute from the events). A pass over the events
// afterwards checks it, and the test of this file checks it against
// usage.RebuildLocal on a small history.
//
// No ledger entries are generated: Usage › Summary reads the local-day
// roll-ups only, and a ledger of 10 million entries would only slow the
// generation. The project's balance is therefore not the sum of this
// usage; nothing in the scenario reads it.
//
// The foreign keys and the secondary index of usage_events are dropped
// while the events are loaded and added back after (PostgreSQL's advice
// for populating a database): checking the keys row by row tripled the
// load time, maintaining the indexes row by row doubled what remained;
// an index built after the load is one sort, and adding a key back checks
// every generated row in one join.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/usage"
)

const (
	// usageChunk is how many events one INSERT makes: small enough to show
	// progress and keep each transaction short, large enough to cost nothing.
	usageChunk = 500_000
	// loadConns is how many chunks are inserted at once.
	loadConns = 2
)

// generateEvents inserts the events $7 to $8 of the series: $1 the
// project, $2 its accounts (weighted by repetition), $3 and $4 the prices
// of an SMS segment and a call minute, $5 the start of the period and $6
// the seconds between two events.
const generateEvents = `
	WITH ev AS (
		INSERT INTO usage_events (project_sid, account_sid, category, count, usage, price, source, at)
		SELECT $1, ($2::text[])[1 + floor(ra * cardinality($2::text[]))::int],
			CASE WHEN sms THEN 'sms-outbound' ELSE 'calls-outbound' END, 1, u,
			u * CASE WHEN sms THEN $3::numeric ELSE $4::numeric END,
			CASE WHEN sms THEN 'SM' ELSE 'CA' END || lpad(to_hex(i), 32, '0'),
			$5::timestamptz + make_interval(secs => (i - 1 + rt) * $6::float8)
		FROM (
			-- segments: 1 mostly, long messages 2 or 3; minutes: 1 to 10, short calls commoner
			SELECT i, ra, rt, sms, CASE WHEN sms THEN CASE WHEN ru < 0.8 THEN 1 WHEN ru < 0.95 THEN 2 ELSE 3 END
				ELSE 1 + floor(ru * ru * 10)::int END AS u
			FROM (SELECT i, random() AS ra, random() AS rt, random() < 0.7 AS sms, random() AS ru
				FROM generate_series($7::bigint, $8::bigint) AS i) r
		) e
		RETURNING account_sid, category, count, usage, price, at
	)` + addUpEvents

// addUpEvents follows a CTE ev of inserted events of project $1: it adds
// them up per account, category, GMT day and day of the project's time
// zone (as usage.Record does, one by one) into bench_usage_groups.
const addUpEvents = `
	INSERT INTO bench_usage_groups (account_sid, category, utc_day, local_day, count, usage, price)
	SELECT ev.account_sid, ev.category, (ev.at AT TIME ZONE 'UTC')::date, (ev.at AT TIME ZONE p.time_zone)::date,
		sum(ev.count), sum(ev.usage), sum(ev.price)
	FROM ev JOIN accounts p ON p.sid = $1
	GROUP BY 1, 2, 3, 4`

// categoryNumbers is the usage category of a local number's monthly renewal.
const categoryNumbers = "phonenumbers-local"

// usageSpec is the history to generate.
type usageSpec struct {
	projectSID string
	// accounts are the project's accounts, the main account first. It
	// gets two shares of the events, each subaccount one.
	accounts []string
	events   int64
	// from and to bound the events' times. Every account renews a number
	// at the start of each month of the project's time zone in the period.
	from, to time.Time
	loc      *time.Location
	// prices per unit by category: sms-outbound per segment,
	// calls-outbound per minute, phonenumbers-local per number.
	prices map[string]decimal.Decimal
}

// usageGenerated is what generateUsage did and how long it took.
type usageGenerated struct {
	events int64
	// load is inserting the events, keys the indexes built and the
	// foreign keys checked after it.
	load, keys, rollup, verify time.Duration
	checks                     []check
}

func (g *usageGenerated) total() time.Duration { return g.load + g.keys + g.rollup + g.verify }

// monthStarts are the first instants of the months of loc that start in
// [from, to).
func monthStarts(from, to time.Time, loc *time.Location) []time.Time {
	f := from.In(loc)
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if m.Before(from) {
		m = m.AddDate(0, 1, 0)
	}
	var out []time.Time
	for ; m.Before(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// generateUsage writes spec's events and their roll-ups, then checks that
// the roll-ups agree with the events exactly.
func generateUsage(ctx context.Context, pool *pgxpool.Pool, spec usageSpec, logf func(string, ...any)) (*usageGenerated, error) {
	for _, c := range []string{usage.SMSOutbound, usage.CallsOutbound, categoryNumbers} {
		if _, ok := spec.prices[c]; !ok {
			return nil, fmt.Errorf("no price for %s", c)
		}
	}
	g := &usageGenerated{}
	if months := int64(len(monthStarts(spec.from, spec.to, spec.loc))); spec.events < months*int64(len(spec.accounts)) {
		return nil, fmt.Errorf("%d events are fewer than the monthly number renewals alone", spec.events)
	}
	// Events of the project before ours are left alone (there are none
	// in the bench, but the roll-ups are added to, never overwritten).
	var before int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM usage_events`).Scan(&before); err != nil {
		return nil, err
	}

	began := time.Now()
	// Each chunk's events are added up by day as they are inserted, from
	// the rows the INSERT returns, into this table of partial sums: the
	// roll-ups are made from it at the end, without reading 10 million
	// events back.
	if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS bench_usage_groups;
		CREATE UNLOGGED TABLE bench_usage_groups (account_sid text, category text, utc_day date, local_day date, count bigint, usage numeric, price numeric)`); err != nil {
		return nil, err
	}
	defer func() {
		// Its own context: the run's may be cancelled already.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = pool.Exec(dctx, `DROP TABLE IF EXISTS bench_usage_groups`)
	}()
	restore, err := dropForLoad(ctx, pool, "usage_events", logf)
	if err != nil {
		return nil, err
	}
	// Monthly number renewals: one per account and month.
	var accs []string
	var ats []time.Time
	for _, m := range monthStarts(spec.from, spec.to, spec.loc) {
		for _, a := range spec.accounts {
			accs, ats = append(accs, a), append(ats, m)
		}
	}
	renewed := int64(len(accs))
	if renewed > 0 {
		_, err = pool.Exec(ctx, `
			WITH ev AS (
				INSERT INTO usage_events (project_sid, account_sid, category, count, usage, price, source, at)
				SELECT $1, a, $2, 1, 1, $3::numeric, 'PN' || lpad(to_hex(n), 32, '0'), t
				FROM unnest($4::text[], $5::timestamptz[]) WITH ORDINALITY AS u(a, t, n)
				RETURNING account_sid, category, count, usage, price, at
			)`+addUpEvents, spec.projectSID, categoryNumbers, spec.prices[categoryNumbers].String(), accs, ats)
		if err != nil {
			return nil, restoreAfter(ctx, restore, fmt.Errorf("generating number renewals: %w", err))
		}
	}
	// Messages and calls: 70% and 30%, spread evenly over the period in
	// the order of the series, each at a random instant of its slot. The
	// main account takes two shares, each subaccount one. Chunks go to
	// one connection per core: the load is CPU-bound in PostgreSQL.
	weighted := append([]string{spec.accounts[0]}, spec.accounts...)
	n := spec.events - renewed
	slot := spec.to.Sub(spec.from).Seconds() / float64(max(n, 1))
	chunks := make(chan [2]int64)
	go func() {
		defer close(chunks)
		for lo := int64(1); lo <= n; lo += usageChunk {
			chunks <- [2]int64{lo, min(lo+usageChunk-1, n)}
		}
	}()
	var done atomic.Int64
	done.Add(renewed)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, loadConns)
	var wg sync.WaitGroup
	for range loadConns {
		wg.Go(func() {
			for c := range chunks {
				if lctx.Err() != nil {
					continue // drain
				}
				if _, err := pool.Exec(lctx, generateEvents, spec.projectSID, weighted, spec.prices[usage.SMSOutbound].String(),
					spec.prices[usage.CallsOutbound].String(), spec.from, slot, c[0], c[1]); err != nil {
					errs <- fmt.Errorf("generating events %d to %d: %w", c[0], c[1], err)
					cancel()
					continue
				}
				total := done.Add(c[1] - c[0] + 1)
				if logf != nil && (total/usageChunk)%5 == 0 {
					logf("usage-summary: %d of %d events generated (%.0fs)", total, spec.events, time.Since(began).Seconds())
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, restoreAfter(ctx, restore, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g.events = spec.events
	g.load = time.Since(began)
	if logf != nil {
		logf("usage-summary: building the indexes and checking the foreign keys of usage_events (%.0fs)", g.load.Seconds())
	}
	began = time.Now()
	if err := restore(ctx); err != nil {
		return nil, fmt.Errorf("adding back the indexes and foreign keys of usage_events: %w", err)
	}
	g.keys = time.Since(began)

	began = time.Now()
	_, err = pool.Exec(ctx, `
		WITH utc AS (
			INSERT INTO usage_daily (project_sid, account_sid, category, day, count, usage, price)
			SELECT $1, account_sid, category, utc_day, sum(count), sum(usage), sum(price) FROM bench_usage_groups GROUP BY account_sid, category, utc_day
			ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
			SET count = usage_daily.count + EXCLUDED.count, usage = usage_daily.usage + EXCLUDED.usage, price = usage_daily.price + EXCLUDED.price
		)
		INSERT INTO usage_local_daily (project_sid, account_sid, category, day, count, usage, price)
		SELECT $1, account_sid, category, local_day, sum(count), sum(usage), sum(price) FROM bench_usage_groups GROUP BY account_sid, category, local_day
		ON CONFLICT (project_sid, account_sid, category, day) DO UPDATE
		SET count = usage_local_daily.count + EXCLUDED.count, usage = usage_local_daily.usage + EXCLUDED.usage, price = usage_local_daily.price + EXCLUDED.price`,
		spec.projectSID)
	if err != nil {
		return nil, fmt.Errorf("rolling the events up: %w", err)
	}
	// Autovacuum may be off (it is on the project's machine): without
	// statistics the planner would guess at tables it has never seen grow.
	if _, err := pool.Exec(ctx, `ANALYZE usage_events, usage_daily, usage_local_daily`); err != nil {
		return nil, err
	}
	g.rollup = time.Since(began)

	began = time.Now()
	if g.checks, err = checkGeneratedUsage(ctx, pool, spec, before); err != nil {
		return nil, err
	}
	g.verify = time.Since(began)
	return g, nil
}

// checkGeneratedUsage compares, per account and category, the project's
// events (those before the generation's included, id <= before) with both
// roll-ups, by a pass over the events of its own, and counts the
// generated events.
func checkGeneratedUsage(ctx context.Context, pool *pgxpool.Pool, spec usageSpec, before int64) ([]check, error) {
	rows, err := pool.Query(ctx, `
		SELECT 'events', account_sid, category, sum(count), sum(usage)::text, sum(price)::text, count(*) FILTER (WHERE id > $2)
		FROM usage_events WHERE project_sid = $1 GROUP BY account_sid, category
		UNION ALL
		SELECT 'usage_daily', account_sid, category, sum(count), sum(usage)::text, sum(price)::text, 0
		FROM usage_daily WHERE project_sid = $1 GROUP BY account_sid, category
		UNION ALL
		SELECT 'usage_local_daily', account_sid, category, sum(count), sum(usage)::text, sum(price)::text, 0
		FROM usage_local_daily WHERE project_sid = $1 GROUP BY account_sid, category`, spec.projectSID, before)
	if err != nil {
		return nil, err
	}
	totals := map[string]map[string]usageTotals{}
	var generated int64
	for rows.Next() {
		var source, acc, cat, use, price string
		var count, gen int64
		if err := rows.Scan(&source, &acc, &cat, &count, &use, &price, &gen); err != nil {
			rows.Close()
			return nil, err
		}
		if totals[source] == nil {
			totals[source] = map[string]usageTotals{}
		}
		totals[source][acc+" "+cat] = usageTotals{count: count, segments: decimal.RequireFromString(use), price: decimal.RequireFromString(price)}
		generated += gen
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	events := totals["events"]
	checks := []check{{
		name:   "usage-summary events:",
		detail: fmt.Sprintf("%d generated, %d wanted", generated, spec.events),
		ok:     generated == spec.events,
	}}
	for _, rollup := range []string{"usage_daily", "usage_local_daily"} {
		got := totals[rollup]
		same := len(got) == len(events)
		var diff []string
		for k, t := range events {
			if !got[k].equal(t) {
				same = false
				diff = append(diff, fmt.Sprintf("%s: events %s, %s %s", k, t, rollup, got[k]))
			}
		}
		slices.Sort(diff)
		detail := fmt.Sprintf("count, usage and price equal the events' for each of %d accounts × categories", len(events))
		if !same {
			detail = fmt.Sprintf("%d groups in %s for %d in the events; %s", len(got), rollup, len(events), strings.Join(diff, "; "))
		}
		checks = append(checks, check{name: "usage-summary " + rollup + ":", detail: detail, ok: same})
	}
	return checks, nil
}

// dropForLoad drops table's foreign keys and its indexes other than
// those of its primary key and unique constraints, and returns what adds
// them back as they were: the indexes built in one sort each, the foreign
// keys checked in one join each.
func dropForLoad(ctx context.Context, pool *pgxpool.Pool, table string, logf func(string, ...any)) (restore func(context.Context) error, err error) {
	rows, err := pool.Query(ctx, `
		SELECT 'ALTER TABLE ' || $1::regclass::text || ' DROP CONSTRAINT ' || quote_ident(conname),
			'ALTER TABLE ' || $1::regclass::text || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid), 2
		FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'
		UNION ALL
		SELECT 'DROP INDEX ' || i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), 1
		FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT i.indisunique
		ORDER BY 3, 2`, table)
	if err != nil {
		return nil, err
	}
	var drops, adds []string
	for rows.Next() {
		var drop, add string
		var order int
		if err := rows.Scan(&drop, &add, &order); err != nil {
			rows.Close()
			return nil, err
		}
		drops, adds = append(drops, drop), append(adds, add)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, d := range drops {
			if _, err := tx.Exec(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Indexes first, then the foreign keys (the order of the query), with
	// more memory than the default 64 MB for the sort. Most of the build is
	// comparing text keys in the database's collation, not spilling: 1 GB
	// (the whole sort in memory) was no faster than this.
	return func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
				return err
			}
			for _, a := range adds {
				began := time.Now()
				if _, err := tx.Exec(ctx, a); err != nil {
					return fmt.Errorf("%s: %w", a, err)
				}
				if logf != nil {
					logf("usage-summary: %s (%.1fs)", a, time.Since(began).Seconds())
				}
			}
			return nil
		})
	}, nil
}

// restoreAfter adds the indexes and foreign keys back after a failed
// load, so that a failure leaves the schema as it was; the load's error
// is the one returned.
func restoreAfter(ctx context.Context, restore func(context.Context) error, err error) error {
	if ctx.Err() != nil {
		// Interrupted: the bench drops the database anyway.
		return err
	}
	if rerr := restore(ctx); rerr != nil {
		return fmt.Errorf("%w (and adding back the indexes and foreign keys: %v)", err, rerr)
	}
	return err
}
