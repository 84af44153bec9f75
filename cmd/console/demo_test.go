package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/testdb"
)

type demoSummary struct {
	ProjectSID string `json:"project_sid"`
	Email      string `json:"email"`
	Password   string `json:"password"`
	Accounts   []struct {
		SID          string   `json:"sid"`
		FriendlyName string   `json:"friendly_name"`
		Numbers      []string `json:"numbers"`
		Messages     int      `json:"messages"`
		Calls        int      `json:"calls"`
	} `json:"accounts"`
	Payments int       `json:"payments"`
	Currency string    `json:"currency"`
	Paid     string    `json:"paid"`
	Balance  string    `json:"balance"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
}

func scalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&v), sql)
	return v
}

// `console demo` seeds a project whose 90 days of messages and calls went
// through the metered services: counts per account as printed, final
// statuses, dates spread over the history with daily variation, and a
// ledger, usage events and both daily roll-ups that agree to the last
// digit. A second run with the same email refuses in one line.
func TestDemoSeedsAConsistentProject(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 90 days of history")
	}
	t.Chdir(t.TempDir())
	ctx := context.Background()
	pool, dsn := testdb.New(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(ctx, []string{"demo", "--email", "newcomer@example.com", "--json"}, getenv, &stdout, &stderr), stderr.String())
	now := time.Now()
	var sum demoSummary
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &sum), stdout.String())
	project := sum.ProjectSID
	require.Regexp(t, `^AC[0-9a-f]{32}$`, project)
	require.Equal(t, "newcomer@example.com", sum.Email)
	require.Equal(t, demoPassword, sum.Password)
	owner := scalar[string](t, pool, `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id AND m.role = 'owner' WHERE u.email = $1 AND m.project_sid = $2`, sum.Email, project)
	u, err := auth.NewStore(nil).SignIn(ctx, pool, sum.Email, sum.Password, "192.0.2.1")
	require.NoError(t, err, "the printed password signs in")
	require.Equal(t, owner, u.ID)
	require.Equal(t, "JPY", sum.Currency)
	require.Equal(t, "JPY/Asia/Tokyo", scalar[string](t, pool, `SELECT currency || '/' || time_zone FROM accounts WHERE sid = $1`, project))

	// The project and two subaccounts, each with the numbers it sends and calls from.
	require.Len(t, sum.Accounts, 3)
	require.Equal(t, project, sum.Accounts[0].SID)
	for i, a := range sum.Accounts {
		parent := scalar[string](t, pool, `SELECT coalesce(parent_sid, '') FROM accounts WHERE project_sid = $1 AND sid = $2`, project, a.SID)
		if i == 0 {
			require.Empty(t, parent)
		} else {
			require.Equal(t, project, parent, "a subaccount of the demo project")
		}
		require.Len(t, a.Numbers, 2)
		require.Equal(t, 2, scalar[int](t, pool, `SELECT count(*) FROM incoming_phone_numbers WHERE project_sid = $1 AND account_sid = $2 AND released_at IS NULL AND phone_number = ANY($3)`,
			project, a.SID, a.Numbers))
		require.Equal(t, a.Messages, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND account_sid = $2`, project, a.SID), a.FriendlyName)
		require.Equal(t, a.Calls, scalar[int](t, pool, `SELECT count(*) FROM calls WHERE project_sid = $1 AND account_sid = $2`, project, a.SID), a.FriendlyName)
		require.Greater(t, a.Messages, 300, a.FriendlyName)
		require.Greater(t, a.Calls, 100, a.FriendlyName)
		require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND account_sid = $2 AND from_number <> ALL($3)`, project, a.SID, a.Numbers),
			"sent from the account's own numbers")
	}
	require.Equal(t, 3, scalar[int](t, pool, `SELECT count(*) FROM accounts WHERE project_sid = $1`, project))

	// Final statuses, real bodies, both countries.
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND (status <> 'delivered' OR date_sent IS NULL)`, project))
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM calls WHERE project_sid = $1 AND (status <> 'completed' OR end_time <= start_time)`, project))
	require.Positive(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND body ~ '[ぁ-んァ-ヶ一-龠]' AND to_number LIKE '+81%'`, project), "Japanese")
	require.Positive(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND body !~ '[^ -~]' AND to_number LIKE '+1%'`, project), "English")
	require.Positive(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND num_segments > 1`, project), "long bodies")
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM messages WHERE project_sid = $1 AND body ~ '[{}]'`, project), "every placeholder filled")

	// About 90 days, up to now, every day with messages, not every day alike.
	first := scalar[time.Time](t, pool, `SELECT min(date_created) FROM messages WHERE project_sid = $1`, project)
	last := scalar[time.Time](t, pool, `SELECT max(date_created) FROM messages WHERE project_sid = $1`, project)
	require.True(t, first.After(now.AddDate(0, 0, -91)) && first.Before(now.AddDate(0, 0, -88)), "first message %s", first)
	require.True(t, last.Before(now) && last.After(now.AddDate(0, 0, -2)), "last message %s", last)
	require.True(t, sum.First.Equal(first) || sum.First.Before(first), "summary's first item %s", sum.First)
	days := scalar[int](t, pool, `SELECT count(DISTINCT (date_created AT TIME ZONE 'Asia/Tokyo')::date) FROM messages WHERE project_sid = $1`, project)
	require.GreaterOrEqual(t, days, 89)
	require.LessOrEqual(t, days, 90)
	spread := scalar[float64](t, pool, `SELECT max(n)::float8 / min(n) FROM (SELECT count(*) AS n FROM messages WHERE project_sid = $1 AND account_sid = $1
		AND date_created < date_trunc('day', now() AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo' GROUP BY (date_created AT TIME ZONE 'Asia/Tokyo')::date) d`, project)
	require.Greater(t, spread, 2.0, "weekdays, weekends and growth make days differ")

	// Money: every item was charged on its date, with its usage event, and
	// the ledger, the events and both roll-ups agree exactly.
	spent := scalar[string](t, pool, `SELECT (-sum(amount))::text FROM ledger_entries WHERE project_sid = $1 AND kind IN ('usage', 'fee')`, project)
	events := scalar[string](t, pool, `SELECT sum(price)::text FROM usage_events WHERE project_sid = $1`, project)
	require.True(t, decimal.RequireFromString(spent).Equal(decimal.RequireFromString(events)), "ledger %s, usage events %s", spent, events)
	for _, rollup := range []string{"usage_local_daily", "usage_daily"} {
		require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM (
			(SELECT account_sid, category, sum(count), sum(usage), sum(price) FROM usage_events WHERE project_sid = $1 GROUP BY 1, 2
			 EXCEPT SELECT account_sid, category, sum(count), sum(usage), sum(price) FROM `+rollup+` WHERE project_sid = $1 GROUP BY 1, 2)
			UNION ALL
			(SELECT account_sid, category, sum(count), sum(usage), sum(price) FROM `+rollup+` WHERE project_sid = $1 GROUP BY 1, 2
			 EXCEPT SELECT account_sid, category, sum(count), sum(usage), sum(price) FROM usage_events WHERE project_sid = $1 GROUP BY 1, 2)) d`, project), rollup)
	}
	require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM (
		(SELECT (e.at AT TIME ZONE 'Asia/Tokyo')::date, e.account_sid, e.category, sum(e.price) FROM usage_events e WHERE e.project_sid = $1 GROUP BY 1, 2, 3
		 EXCEPT SELECT day, account_sid, category, price FROM usage_local_daily WHERE project_sid = $1)) d`, project), "each Tokyo day as its events")
	for _, item := range []struct{ table, prefix, category string }{{"messages", "message:", "sms-outbound"}, {"calls", "call:", "calls-outbound"}} {
		require.Zero(t, scalar[int](t, pool, `SELECT count(*) FROM `+item.table+` i
			WHERE i.project_sid = $1 AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.project_sid = $1 AND l.source = $2 || i.sid
				AND l.account_sid = i.account_sid AND l.amount = -i.price AND l.created_at = i.date_created AND l.kind = 'usage')
			OR NOT EXISTS (SELECT 1 FROM usage_events e WHERE e.project_sid = $1 AND e.source = i.sid AND e.category = $3
				AND e.account_sid = i.account_sid AND e.price = i.price AND e.at = i.date_created)`, project, item.prefix, item.category), item.table)
	}
	// Dated across the history: the project the day before it, a payment
	// before each of its months, the triggers firing in each past month.
	created := scalar[time.Time](t, pool, `SELECT created_at FROM accounts WHERE sid = $1`, project)
	require.True(t, created.Before(first) && created.After(first.Add(-48*time.Hour)), "project created %s, first message %s", created, first)
	require.GreaterOrEqual(t, scalar[int](t, pool, `SELECT count(DISTINCT date_trunc('month', created_at AT TIME ZONE 'Asia/Tokyo')) FROM payments
		WHERE project_sid = $1`, project), 3)
	require.GreaterOrEqual(t, scalar[int](t, pool, `SELECT count(DISTINCT period_start) FROM usage_trigger_firings WHERE project_sid = $1`, project), 2)
	require.Equal(t, sum.Payments, scalar[int](t, pool, `SELECT count(*) FROM payments WHERE project_sid = $1 AND status = 'succeeded'`, project))
	require.Positive(t, sum.Payments)
	require.Equal(t, 2, scalar[int](t, pool, `SELECT count(*) FROM payment_methods WHERE project_sid = $1`, project))
	balance := decimal.NewFromInt(2000).Add(decimal.RequireFromString(sum.Paid)).Sub(decimal.RequireFromString(spent))
	require.True(t, balance.Equal(decimal.RequireFromString(sum.Balance)), "trial credit + payments - spend = %s, printed %s", balance, sum.Balance)
	require.True(t, balance.IsPositive())
	require.False(t, scalar[bool](t, pool, `SELECT suspended_at IS NOT NULL FROM balances WHERE project_sid = $1`, project))

	stdout.Reset()
	require.Equal(t, 0, run(ctx, []string{"admin", "check-ledger"}, getenv, &stdout, &stderr), stderr.String())
	require.Contains(t, stdout.String(), "ledger ok")

	// Again with the same email: refused in one line, nothing added.
	stdout.Reset()
	stderr.Reset()
	require.Equal(t, 1, run(ctx, []string{"demo", "--email", "newcomer@example.com"}, getenv, &stdout, &stderr))
	require.Equal(t, "console: a user with email newcomer@example.com exists already (the demo was seeded before?); pass another --email\n",
		stderr.String(), "one line (the first run left the development key)")
	require.Empty(t, stdout.String())
	require.Equal(t, 3, scalar[int](t, pool, `SELECT count(*) FROM accounts`))
}

func TestDemoFlags(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"help"}, func(string) string { return "" }, &stdout, &stderr))
	require.Contains(t, stdout.String(), "demo [--email E] [--password P] [--json]")
	for args, want := range map[string]string{
		"--email nobody":     "console: --email must be an email address\n",
		"--password short":   "console: --password must have 8 to 128 characters\n",
		"--days 30 --json x": "",
	} {
		stderr.Reset()
		require.Equal(t, 2, run(context.Background(), append([]string{"demo"}, strings.Fields(args)...), func(string) string { return "" }, &stdout, &stderr), args)
		if want != "" {
			require.Equal(t, want, lastLine(stderr.String()), args)
		} else {
			require.Contains(t, stderr.String(), "flag provided but not defined: -days", args)
		}
	}
}

// lastLine skips the development-key warning a fresh directory logs first.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1] + "\n"
}
