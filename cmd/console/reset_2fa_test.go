package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/testdb"
)

// The operator's recovery of a user who lost both the authenticator and
// the recovery codes: reset-2fa removes the seed, the codes and the
// trusted browsers, records it, and mails the user.
func TestResetTwoFactor(t *testing.T) {
	t.Chdir(t.TempDir())
	pool, dsn := testdb.New(t)
	ctx := context.Background()
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(ctx, []string{"admin", "create-owner", "--email", "lost@example.com", "--password", "long enough pw",
		"--name", "Lost", "--project", "P", "--json"}, getenv, &stdout, &stderr), stderr.String())
	var out map[string]string
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out))
	uid := out["user_id"]
	_, err := pool.Exec(ctx, `UPDATE users SET totp_enabled = true, totp_secret_enc = '\x01' WHERE id = $1`, uid)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, '\x01'), ($1, '\x02')`, uid)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO trusted_browsers (token_hash, user_id, expires_at) VALUES ('\x01', $1, now() + interval '1 day')`, uid)
	require.NoError(t, err)

	stderr.Reset()
	require.Equal(t, 2, run(ctx, []string{"admin", "reset-2fa"}, getenv, &stdout, &stderr))
	require.Equal(t, "console: --email must be an email address\n", stderr.String())
	stderr.Reset()
	require.Equal(t, 1, run(ctx, []string{"admin", "reset-2fa", "--email", "nobody@example.com"}, getenv, &stdout, &stderr))
	require.Equal(t, "console: no user with this email\n", stderr.String())

	stdout.Reset()
	require.Equal(t, 0, run(ctx, []string{"admin", "reset-2fa", "--email", "LOST@example.com"}, getenv, &stdout, &stderr), stderr.String())
	require.Equal(t, "removed two-factor authentication of user "+uid+" (lost@example.com); they were mailed\n", stdout.String())
	count := func(sql string) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, sql, uid).Scan(&n))
		return n
	}
	require.Zero(t, count(`SELECT count(*) FROM users WHERE id = $1 AND (totp_enabled OR totp_secret_enc IS NOT NULL)`))
	require.Zero(t, count(`SELECT count(*) FROM recovery_codes WHERE user_id = $1`))
	require.Zero(t, count(`SELECT count(*) FROM trusted_browsers WHERE user_id = $1`))
	require.Equal(t, 1, count(`SELECT count(*) FROM audit_log WHERE action = 'user.two_factor_reset' AND target = $1 AND actor = 'system'`))
	require.Equal(t, 1, count(`SELECT count(*) FROM mail_outbox WHERE kind = 'two_factor_reset' AND to_addr = (SELECT email FROM users WHERE id = $1)`))
}
