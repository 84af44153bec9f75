package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/usage"
	"console/internal/webtest"
)

// rollupRows is a project's rows of a roll-up table, as text, in order.
func rollupRows(t *testing.T, db interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, table, projectSID string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT account_sid || ' ' || category || ' ' || day || ' ' || count || ' ' || usage || ' ' || price
		FROM `+table+` WHERE project_sid = $1 ORDER BY account_sid, category, day`, projectSID)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// schemaOf lists usage_events' constraints and indexes.
func schemaOf(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'usage_events'::regclass
		UNION ALL
		SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'usage_events'::regclass
		ORDER BY 1`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// The generated roll-ups must be what usage.Record would have written for
// the same events: usage_local_daily what usage.RebuildLocal computes from
// the events, usage_daily what the migration that introduced it computes.
// A small history: the bench's 10 million are only made by make bench.
func TestGenerateUsageRollupsMatchTheEvents(t *testing.T) {
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY") // Asia/Tokyo
	api := newAPIClient(app.URL)
	defer api.close()
	subs, err := api.createSubaccounts(ctx, credentials{sid: o.AccountSID, token: o.AuthToken}, "gen", 2)
	require.NoError(t, err)
	accounts := []string{o.AccountSID, subs[0].sid, subs[1].sid}

	// An event recorded the ordinary way before: the generated roll-ups
	// must add to its day, not overwrite it.
	loc, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	from := time.Date(2026, 8, 1, 0, 0, 0, 0, loc)
	to := time.Date(2026, 10, 15, 12, 0, 0, 0, loc)
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return usage.Record(ctx, tx, usage.Event{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Category: usage.SMSOutbound,
			Count: 1, Usage: decimal.NewFromInt(1), Price: decimal.RequireFromString("11.75"), Source: "SMbefore", At: from.Add(time.Hour)})
	}))

	prices := map[string]decimal.Decimal{}
	for _, c := range []string{usage.SMSOutbound, usage.CallsOutbound, categoryNumbers} {
		prices[c], _, err = usage.Price(ctx, app.Pool, c, "JP", "JPY")
		require.NoError(t, err)
	}
	schema := schemaOf(t, app.Pool)
	require.Len(t, schema, 5, "the primary key and its index, two foreign keys, one more index: %v", schema)

	const n = 20_000
	spec := usageSpec{projectSID: o.AccountSID, accounts: accounts, events: n, from: from, to: to, loc: loc, prices: prices}
	g, err := generateUsage(ctx, app.Pool, spec, nil)
	require.NoError(t, err)
	require.EqualValues(t, n, g.events)
	require.Len(t, g.checks, 3)
	for _, c := range g.checks {
		require.True(t, c.ok, "%s %s", c.name, c.detail)
	}
	require.Equal(t, schema, schemaOf(t, app.Pool), "the indexes and foreign keys are back as they were")

	// The events: n generated plus the one before, in the period, priced
	// from the price list, the main account with about twice a
	// subaccount's share, one number renewal per account and month.
	type catStats struct {
		count, minUsage, maxUsage int64
		wrongPrice                int64
		first, last               time.Time
	}
	stats := map[string]*catStats{}
	rows, err := app.Pool.Query(ctx, `SELECT category, count(*), min(usage)::bigint, max(usage)::bigint,
			count(*) FILTER (WHERE price <> usage * CASE category WHEN 'sms-outbound' THEN $2::numeric WHEN 'calls-outbound' THEN $3::numeric ELSE $4::numeric END),
			min(at), max(at)
		FROM usage_events WHERE project_sid = $1 AND source <> 'SMbefore' GROUP BY category`,
		o.AccountSID, prices[usage.SMSOutbound].String(), prices[usage.CallsOutbound].String(), prices[categoryNumbers].String())
	require.NoError(t, err)
	for rows.Next() {
		var cat string
		s := &catStats{}
		require.NoError(t, rows.Scan(&cat, &s.count, &s.minUsage, &s.maxUsage, &s.wrongPrice, &s.first, &s.last))
		stats[cat] = s
	}
	require.NoError(t, rows.Err())
	require.Len(t, stats, 3)
	nums := stats[categoryNumbers]
	require.EqualValues(t, 3*len(accounts), nums.count, "Aug, Sep and Oct for each account")
	require.True(t, nums.first.Equal(from), "renewed at the start of the first local month, got %v", nums.first)
	require.True(t, nums.last.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, loc)), "got %v", nums.last)
	sms, calls := stats[usage.SMSOutbound], stats[usage.CallsOutbound]
	require.EqualValues(t, n, sms.count+calls.count+nums.count)
	require.InDelta(t, 0.7, float64(sms.count)/float64(sms.count+calls.count), 0.03)
	require.EqualValues(t, 1, sms.minUsage)
	require.EqualValues(t, 3, sms.maxUsage)
	require.EqualValues(t, 1, calls.minUsage)
	require.EqualValues(t, 10, calls.maxUsage)
	for cat, s := range stats {
		require.Zero(t, s.wrongPrice, cat)
		require.False(t, s.first.Before(from), cat)
		require.True(t, s.last.Before(to), cat)
	}
	var mainShare float64
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT avg((account_sid = $1)::int) FROM usage_events WHERE project_sid = $1`, o.AccountSID).Scan(&mainShare))
	require.InDelta(t, 0.5, mainShare, 0.03, "two shares of four")

	// usage_daily as the migration that introduced it computes it.
	var wantDaily []string
	rows, err = app.Pool.Query(ctx, `SELECT account_sid || ' ' || category || ' ' || day || ' ' || count || ' ' || usage || ' ' || price FROM (
			SELECT account_sid, category, (at AT TIME ZONE 'UTC')::date AS day, sum(count) AS count, sum(usage) AS usage, sum(price) AS price
			FROM usage_events WHERE project_sid = $1 GROUP BY 1, 2, 3) d ORDER BY account_sid, category, day`, o.AccountSID)
	require.NoError(t, err)
	wantDaily, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, wantDaily, rollupRows(t, app.Pool, "usage_daily", o.AccountSID))
	require.Greater(t, len(wantDaily), 2*len(accounts)*70, "a row per account, category and day")

	// usage_local_daily as usage.RebuildLocal computes it (rolled back).
	generated := rollupRows(t, app.Pool, "usage_local_daily", o.AccountSID)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	require.NoError(t, usage.RebuildLocal(ctx, tx, o.AccountSID))
	require.Equal(t, rollupRows(t, tx, "usage_local_daily", o.AccountSID), generated)
	// Local days are not GMT days: the two roll-ups must differ somewhere.
	require.NotEqual(t, wantDaily, generated)
}

// A roll-up that disagrees with the events fails the generation's checks.
func TestGeneratedUsageCheckCatchesAMismatch(t *testing.T) {
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	loc, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	spec := usageSpec{projectSID: o.AccountSID, accounts: []string{o.AccountSID}, events: 1000,
		from: time.Date(2026, 9, 1, 0, 0, 0, 0, loc), to: time.Date(2026, 9, 20, 0, 0, 0, 0, loc), loc: loc,
		prices: map[string]decimal.Decimal{usage.SMSOutbound: decimal.RequireFromString("11.75"),
			usage.CallsOutbound: decimal.RequireFromString("23.64"), categoryNumbers: decimal.NewFromInt(675)}}
	g, err := generateUsage(ctx, app.Pool, spec, nil)
	require.NoError(t, err)
	for _, c := range g.checks {
		require.True(t, c.ok, "%s %s", c.name, c.detail)
	}
	_, err = app.Pool.Exec(ctx, `UPDATE usage_local_daily SET price = price + 0.01
		WHERE project_sid = $1 AND day = (SELECT min(day) FROM usage_local_daily WHERE project_sid = $1 AND category = 'sms-outbound') AND category = 'sms-outbound'`, o.AccountSID)
	require.NoError(t, err)
	checks, err := checkGeneratedUsage(ctx, app.Pool, spec, 0)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, c := range checks {
		got[c.name] = c.ok
	}
	require.Equal(t, map[string]bool{"usage-summary events:": true, "usage-summary usage_daily:": true, "usage-summary usage_local_daily:": false}, got)
	require.Contains(t, fmt.Sprint(checks), "sms-outbound")
	require.True(t, strings.HasPrefix(checks[2].detail, "3 groups in usage_local_daily for 3 in the events; "+o.AccountSID+" sms-outbound: events "), checks[2].detail)
}
