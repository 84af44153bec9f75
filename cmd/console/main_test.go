package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/testdb"
)

// A wrong setting stops start-up with exit status 2 and one line naming it.
func TestBadConfigStopsStartUp(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct{ name, value string }{
		{"CONSOLE_ENV", "staging"},
		{"CONSOLE_ADDR", "nonsense"},
		{"CONSOLE_SIGNUP", "perhaps"},
		{"CONSOLE_SESSION_LIFETIME", "forever"},
		{"CONSOLE_SECRET_KEY", "abc"},
		{"DATABASE_URL", "mysql://localhost/console"},
	} {
		var stdout, stderr bytes.Buffer
		getenv := func(k string) string {
			if k == tc.name {
				return tc.value
			}
			return ""
		}
		code := run(context.Background(), []string{"serve"}, getenv, &stdout, &stderr)
		require.Equal(t, 2, code, tc.name)
		out := strings.TrimRight(stderr.String(), "\n")
		require.NotContains(t, out, "\n", "one line")
		require.Contains(t, out, tc.name)
		require.Empty(t, stdout.String())
	}
}

func TestProductionNeedsASecretKey(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, func(k string) string {
		if k == "CONSOLE_ENV" {
			return "production"
		}
		return ""
	}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Equal(t, "console: configuration: CONSOLE_SECRET_KEY: is required in production (32 random bytes, base64)\n", stderr.String())
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"version"}, func(string) string { return "" }, &stdout, &stderr))
	require.Equal(t, "console dev\n", stdout.String())
}

func TestCreateOwnerPrintsJSON(t *testing.T) {
	t.Chdir(t.TempDir())
	pool, dsn := testdb.New(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	args := []string{"admin", "create-owner", "--email", "ops@example.com", "--password", "long enough pw", "--name", "Ops",
		"--project", "Tokyo", "--currency", "JPY", "--time-zone", "Asia/Tokyo", "--json"}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), args, getenv, &stdout, &stderr), stderr.String())
	var out map[string]string
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out))
	require.Regexp(t, `^US[0-9a-f]{32}$`, out["user_id"])
	require.Regexp(t, `^AC[0-9a-f]{32}$`, out["account_sid"])
	require.Regexp(t, `^[0-9a-f]{32}$`, out["auth_token"])
	require.Equal(t, "ops@example.com", out["email"])
	require.Equal(t, "Tokyo", out["project"])
	require.Equal(t, "JPY", out["currency"])
	require.Equal(t, "Asia/Tokyo", out["time_zone"])
	var verified, held bool
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT u.verified_at IS NOT NULL, a.pending_verification FROM users u, accounts a
		WHERE u.id = $1 AND a.sid = $2`, out["user_id"], out["account_sid"]).Scan(&verified, &held))
	require.True(t, verified, "the operator's tool makes verified users")
	require.False(t, held)

	stdout.Reset()
	stderr.Reset()
	require.Equal(t, 1, run(context.Background(), args, getenv, &stdout, &stderr))
	require.Equal(t, "console: a user with this email already exists\n", stderr.String())

	bad := []string{"admin", "create-owner", "--email", "x@example.com", "--password", "long enough pw", "--name", "X", "--project", "P", "--currency", "EUR"}
	stderr.Reset()
	require.Equal(t, 2, run(context.Background(), bad, getenv, &stdout, &stderr))
	require.Equal(t, "console: --currency must be JPY or USD\n", stderr.String())
}

func TestCreditAndCheckLedger(t *testing.T) {
	t.Chdir(t.TempDir())
	pool, dsn := testdb.New(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"admin", "create-owner", "--email", "o@example.com", "--password", "long enough pw",
		"--name", "O", "--project", "P", "--currency", "JPY", "--json"}, getenv, &stdout, &stderr), stderr.String())
	var out map[string]string
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out))
	sid := out["account_sid"]

	stdout.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"admin", "credit", "--account", sid, "--amount", "1500", "--note", "support credit"}, getenv, &stdout, &stderr), stderr.String())
	require.Equal(t, "credited ¥1,500.00 to "+sid+"; balance ¥1,500.00\n", stdout.String())
	var actions int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'funds.credited' AND project_sid = $1`, sid).Scan(&actions))
	require.Equal(t, 1, actions)
	stderr.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"admin", "credit", "--account", sid, "--amount", "-5", "--note", "x"}, getenv, &stdout, &stderr))
	// Amounts are read as the console's forms read them: never a comma dropped.
	for _, bad := range []string{"15,00", "1e3", "10.5", ""} {
		stderr.Reset()
		require.Equal(t, 2, run(context.Background(), []string{"admin", "credit", "--account", sid, "--amount", bad, "--note", "x"}, getenv, &stdout, &stderr), bad)
	}
	stdout.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"admin", "credit", "--account", sid, "--amount", "1,500", "--note", "grouped"}, getenv, &stdout, &stderr), stderr.String())
	require.Equal(t, "credited ¥1,500.00 to "+sid+"; balance ¥3,000.00\n", stdout.String())

	stdout.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"admin", "check-ledger"}, getenv, &stdout, &stderr))
	require.Contains(t, stdout.String(), "ledger ok")
	_, err := pool.Exec(context.Background(), `UPDATE balances SET amount = amount + 1 WHERE project_sid = $1`, sid)
	require.NoError(t, err)
	stderr.Reset()
	require.Equal(t, 1, run(context.Background(), []string{"admin", "check-ledger"}, getenv, &stdout, &stderr))
	require.Equal(t, "console: project "+sid+": balance 3001, ledger sum 3000\n", stderr.String())
}
