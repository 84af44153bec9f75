package demo_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/demo"
	"console/internal/webtest"
)

func scalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&v), sql)
	return v
}

// days of history the test seeds: enough to span a past month whatever
// today is, fewer than the demo's 90 to keep the test short.
const days = 40

// The demo's history is dated across it, not today: the project and its
// setup the day before the first message, a payment before each month
// funding what follows it, each number's monthly charge on its date, a
// ledger that sums to the balance with entries dated as what they pay
// for; and Usage › Summary shows last month's figures.
func TestDemoHistoryIsDated(t *testing.T) {
	app := webtest.Start(t)
	ctx := context.Background()
	s := app.Services
	now := time.Now()
	sum, err := demo.Seed(ctx, demo.Deps{Pool: app.Pool, Users: s.Users, Accounts: s.Accounts, Billing: s.Billing, Numbers: s.Numbers,
		Messages: s.Messages, Calls: s.Calls, Triggers: s.Triggers, SubaccountLimit: app.Config.MaxSubaccounts},
		demo.Options{Email: "history@example.com", Password: "console-demo", Days: days, Now: now})
	require.NoError(t, err)
	pool, project := app.Pool, sum.ProjectSID
	tokyo, err := time.LoadLocation(demo.TimeZone)
	require.NoError(t, err)
	local := now.In(tokyo)
	start := time.Date(local.Year(), local.Month(), local.Day()-(days-1), 0, 0, 0, 0, tokyo)

	// The project, its subaccounts, cards and numbers: the day before the
	// history starts.
	created := scalar[time.Time](t, pool, `SELECT created_at FROM accounts WHERE sid = $1`, project)
	require.True(t, created.Before(start) && created.After(start.Add(-24*time.Hour)), "project created %s, history starts %s", created, start)
	require.True(t, sum.First.After(created), "first item %s after the project's creation %s", sum.First, created)
	for _, q := range []string{
		`SELECT max(created_at) FROM accounts WHERE project_sid = $1`,
		`SELECT max(created_at) FROM payment_methods WHERE project_sid = $1`,
		`SELECT max(date_created) FROM incoming_phone_numbers WHERE project_sid = $1`,
		`SELECT max(date_created) FROM usage_triggers WHERE project_sid = $1`,
		`SELECT max(created_at) FROM memberships WHERE project_sid = $1`,
		`SELECT max(u.created_at) FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.project_sid = $1`,
	} {
		at := scalar[time.Time](t, pool, q, project)
		require.True(t, !at.Before(created) && at.Before(start), "%s: %s", q, at)
	}
	require.Equal(t, 1, scalar[int](t, pool, `SELECT count(*) FROM users WHERE email = 'history@example.com' AND verified_at = created_at
		AND trial_granted_at = created_at`), "the demo's owner is verified and has had the trial credit")
	require.False(t, scalar[bool](t, pool, `SELECT pending_verification FROM accounts WHERE sid = $1`, project))
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE project_sid = $1 AND at > $2`, project, now),
		"the demo's audit entries dated with what they record")
	require.Equal(t, created, scalar[time.Time](t, pool, `SELECT min(at) FROM audit_log WHERE project_sid = $1`, project))

	// Payments: the first with the setup, then one before each month, in
	// at least two months; each completed when made, credited then.
	require.Equal(t, sum.Payments, scalar[int](t, pool, `SELECT count(*) FROM payments WHERE project_sid = $1 AND status = 'succeeded'`, project))
	require.GreaterOrEqual(t, scalar[int](t, pool, `SELECT count(DISTINCT date_trunc('month', created_at AT TIME ZONE 'Asia/Tokyo')) FROM payments
		WHERE project_sid = $1`, project), 2)
	require.True(t, scalar[time.Time](t, pool, `SELECT min(created_at) FROM payments WHERE project_sid = $1`, project).Before(start))
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM payments p WHERE p.project_sid = $1 AND (p.completed_at <> p.created_at
		OR NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.project_sid = $1 AND l.source = 'payment:' || p.id AND l.created_at = p.created_at
			AND l.amount = p.amount))`, project), "each payment completed and credited on its date")

	// Each number's monthly charge on each anniversary of its purchase
	// that has passed: a past month's, at least; usage of its category.
	numbers := scalar[int](t, pool, `SELECT count(*) FROM incoming_phone_numbers WHERE project_sid = $1`, project)
	require.Equal(t, 6, numbers)
	lastMonth := time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, tokyo)
	thisMonth := lastMonth.AddDate(0, 1, 0)
	require.GreaterOrEqual(t, scalar[int](t, pool, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source LIKE 'recurring:%'
		AND created_at < $2`, project, thisMonth), numbers, "last month's charges")
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM ledger_entries l JOIN recurring_items r ON l.source LIKE 'recurring:' || r.id || ':%'
		WHERE l.project_sid = $1 AND r.project_sid = $1
		  AND to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') <> split_part(l.source, ':', 3)`, project), "charged on its date")
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM recurring_items WHERE project_sid = $1 AND next_charge_at <= $2`, project, now),
		"nothing left due")
	require.Equal(t, scalar[int](t, pool, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source LIKE 'recurring:%'`, project),
		scalar[int](t, pool, `SELECT count(*) FROM usage_events e JOIN ledger_entries l ON l.project_sid = $1 AND l.source LIKE 'recurring:%'
			AND split_part(l.source, ':', 2) = e.source AND l.created_at = e.at
			WHERE e.project_sid = $1 AND e.category LIKE 'phonenumbers-%'`, project), "each monthly charge is usage on its date")

	// The ledger: sums to the balance, never below zero along the way,
	// and what it records spent is the usage recorded.
	require.Equal(t, sum.Balance.Amount.String(),
		decimal.RequireFromString(scalar[string](t, pool, `SELECT sum(amount)::text FROM ledger_entries WHERE project_sid = $1`, project)).String())
	require.Equal(t, sum.Balance.Amount.String(),
		decimal.RequireFromString(scalar[string](t, pool, `SELECT amount::text FROM balances WHERE project_sid = $1`, project)).String())
	require.True(t, scalar[bool](t, pool, `SELECT min(running) >= 0 FROM (SELECT sum(amount) OVER (ORDER BY created_at, id) AS running
		FROM ledger_entries WHERE project_sid = $1) r`, project), "funded before it was spent")
	require.True(t, decimal.RequireFromString(scalar[string](t, pool, `SELECT (-sum(amount))::text FROM ledger_entries WHERE project_sid = $1 AND kind IN ('usage', 'fee')`, project)).
		Equal(decimal.RequireFromString(scalar[string](t, pool, `SELECT sum(price)::text FROM usage_events WHERE project_sid = $1`, project))))
	require.True(t, scalar[time.Time](t, pool, `SELECT max(created_at) FROM ledger_entries WHERE project_sid = $1`, project).Before(now))

	// The usage triggers fired across the history: last month's value
	// reached each, once, on a day of the month it counts, dated then.
	require.Equal(t, 2, scalar[int](t, pool, `SELECT count(*) FROM usage_triggers WHERE project_sid = $1`, project))
	require.Equal(t, 2, scalar[int](t, pool, `SELECT count(*) FROM usage_trigger_firings WHERE project_sid = $1 AND period_start = $2::date`,
		project, lastMonth.Format(time.DateOnly)), "last month's firings")
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM usage_trigger_firings WHERE project_sid = $1
		AND ((fired_at AT TIME ZONE 'Asia/Tokyo')::date < period_start OR (fired_at AT TIME ZONE 'Asia/Tokyo')::date >= period_start + interval '1 month'
			OR fired_at > $2 OR current_value < trigger_value)`, project, now), "each fired in its month, in the past, with its value reached")
	require.Equal(t, scalar[int](t, pool, `SELECT count(*) FROM usage_trigger_firings WHERE project_sid = $1`, project),
		scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE project_sid = $1 AND action = 'usage_trigger.fired' AND at < $2`, project, now))

	// Usage › Summary offers last month and shows its figures.
	c := app.Client()
	c.SignIn("history@example.com", "console-demo")
	month := lastMonth.Format("2006-01")
	res := c.Get("/usage?month=" + month)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Contains(t, res.Body, `<option value="`+month+`" selected`)
	want := decimal.RequireFromString(scalar[string](t, pool, `SELECT sum(price)::text FROM usage_local_daily
		WHERE project_sid = $1 AND account_sid = $1 AND day >= $2::date AND day < $3::date`, project,
		lastMonth.Format(time.DateOnly), thisMonth.Format(time.DateOnly)))
	require.True(t, want.IsPositive())
	total := regexp.MustCompile(`data-testid="usage-total">([^<]*)<`).FindStringSubmatch(res.Body)
	require.NotNil(t, total, "the month's total")
	shown := decimal.RequireFromString(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return -1
	}, total[1]))
	require.True(t, shown.Sub(want).Abs().LessThan(decimal.RequireFromString("0.01")), "shown %s, last month's usage %s", total[1], want)
	require.Contains(t, c.Get("/usage/subaccounts?month="+month).Body, billing.Money{Amount: want, Currency: demo.Currency}.Format())
	// Payment history: last month's payments, each with its receipt, dated then.
	var lastPayment string
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM payments WHERE project_sid = $1 AND created_at >= $2 AND created_at < $3
		ORDER BY created_at DESC LIMIT 1`, project, lastMonth, thisMonth).Scan(&lastPayment), "a payment last month")
	res = c.Get("/billing/history?month=" + month)
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, `href="/billing/receipts/`+lastPayment+`"`)
	res = c.Get("/billing/receipts/" + lastPayment)
	require.Equal(t, http.StatusOK, res.Status)
	// The trigger's page lists its firings of the past months.
	var trig string
	require.NoError(t, pool.QueryRow(ctx, `SELECT sid FROM usage_triggers WHERE project_sid = $1 AND account_sid = $1`, project).Scan(&trig))
	res = c.Get("/usage/triggers/" + trig)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, scalar[int](t, pool, `SELECT count(*) FROM usage_trigger_firings WHERE project_sid = $1 AND trigger_sid = $2`, project, trig),
		strings.Count(res.Body, `class="firing"`), "every firing listed")

	// The first month with usage (or the project's creation) is the
	// earliest offered; the month before it is refused.
	before := time.Date(created.In(tokyo).Year(), created.In(tokyo).Month()-1, 1, 0, 0, 0, 0, tokyo).Format("2006-01")
	require.Equal(t, http.StatusUnprocessableEntity, c.Get("/usage?month="+before).Status)
}
