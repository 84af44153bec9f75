package config

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var goodKey = base64.StdEncoding.EncodeToString(make([]byte, 32))

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, "postgres://postgres@127.0.0.1:5432/console?sslmode=disable", c.DatabaseURL)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.Equal(t, "http://127.0.0.1:8080", c.BaseURL)
	require.Equal(t, EnvDevelopment, c.Env)
	require.True(t, c.SignUp)
	require.Equal(t, time.Hour, c.SessionIdleTimeout)
	require.Equal(t, 12*time.Hour, c.SessionLifetime)
	require.Equal(t, 400*24*time.Hour, c.AuditRetention)
	require.Len(t, c.SecretKey, 32)
	require.False(t, c.SecretKeyGenerated)
	require.False(t, c.Production())
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		varName string
	}{
		{map[string]string{"CONSOLE_ENV": "staging"}, "CONSOLE_ENV"},
		{map[string]string{"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "postgres://host"}, "DATABASE_URL"},
		{map[string]string{"CONSOLE_ADDR": "8080"}, "CONSOLE_ADDR"},
		{map[string]string{"CONSOLE_BASE_URL": "ftp://x"}, "CONSOLE_BASE_URL"},
		{map[string]string{"CONSOLE_SIGNUP": "maybe"}, "CONSOLE_SIGNUP"},
		{map[string]string{"CONSOLE_SESSION_IDLE_TIMEOUT": "soon"}, "CONSOLE_SESSION_IDLE_TIMEOUT"},
		{map[string]string{"CONSOLE_SESSION_IDLE_TIMEOUT": "-5m"}, "CONSOLE_SESSION_IDLE_TIMEOUT"},
		{map[string]string{"CONSOLE_SESSION_LIFETIME": "0s"}, "CONSOLE_SESSION_LIFETIME"},
		{map[string]string{"CONSOLE_SESSION_IDLE_TIMEOUT": "13h"}, "CONSOLE_SESSION_IDLE_TIMEOUT"},
		{map[string]string{"CONSOLE_LOG_LEVEL": "loud"}, "CONSOLE_LOG_LEVEL"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "forever"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "0"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "-30"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "400s"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "23h"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "36501"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_AUDIT_RETENTION": "400y"}, "CONSOLE_AUDIT_RETENTION"},
		{map[string]string{"CONSOLE_SECRET_KEY": "not base64!"}, "CONSOLE_SECRET_KEY"},
		{map[string]string{"CONSOLE_SECRET_KEY": base64.StdEncoding.EncodeToString([]byte("short"))}, "CONSOLE_SECRET_KEY"},
		{map[string]string{"CONSOLE_ENV": "production"}, "CONSOLE_SECRET_KEY"},
		{map[string]string{"CONSOLE_ENV": "production", "CONSOLE_SECRET_KEY": goodKey}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "http://mail.example"}, "SMTP_URL"},
		{map[string]string{"CONSOLE_WEBHOOKS_ALLOW_PRIVATE": "sometimes"}, "CONSOLE_WEBHOOKS_ALLOW_PRIVATE"},
		{map[string]string{"CONSOLE_ENV": "production", "CONSOLE_SECRET_KEY": goodKey, "SMTP_URL": "smtp://m.example", "CONSOLE_WEBHOOKS_ALLOW_PRIVATE": "true"}, "CONSOLE_WEBHOOKS_ALLOW_PRIVATE"},
	} {
		if _, ok := tc.env["CONSOLE_SECRET_KEY"]; !ok && tc.env["CONSOLE_ENV"] != "production" {
			tc.env["CONSOLE_SECRET_KEY"] = goodKey
		}
		_, err := Load(env(tc.env), t.TempDir())
		require.Error(t, err, "%v", tc.env)
		var ce *Error
		require.ErrorAs(t, err, &ce)
		require.Equal(t, tc.varName, ce.Var, "%v", tc.env)
		require.True(t, strings.HasPrefix(err.Error(), tc.varName+": "), err.Error())
		require.NotContains(t, err.Error(), "\n")
	}
}

func TestDevelopmentKeyIsGeneratedOnce(t *testing.T) {
	dir := t.TempDir()
	c1, err := Load(env(nil), dir)
	require.NoError(t, err)
	require.True(t, c1.SecretKeyGenerated)
	st, err := os.Stat(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	c2, err := Load(env(nil), dir)
	require.NoError(t, err)
	require.False(t, c2.SecretKeyGenerated)
	require.Equal(t, c1.SecretKey, c2.SecretKey)
}

func TestLogValueMasksSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, "DATABASE_URL": "postgres://u:hunter2@db/console"}), t.TempDir())
	require.NoError(t, err)
	s := c.LogValue().String()
	require.NotContains(t, s, "hunter2")
	require.NotContains(t, s, goodKey)
	require.Contains(t, s, "CONSOLE_SECRET_KEY=********")
	require.Contains(t, s, "postgres://u:xxxxx@db/console")
}

func TestPasswordHashingAndSignUpLimits(t *testing.T) {
	c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, runtime.GOMAXPROCS(0), c.PasswordHashConcurrency, "one hashing slot per CPU")
	require.Equal(t, 2*time.Second, c.PasswordHashWait)
	require.Equal(t, 5, c.SignUpPerIPHour)
	require.Equal(t, 20, c.SignUpPerDomainHour)

	c, err = Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, "CONSOLE_PASSWORD_HASH_CONCURRENCY": "3", "CONSOLE_PASSWORD_HASH_WAIT": "500ms",
		"CONSOLE_SIGNUP_PER_IP_HOUR": "0", "CONSOLE_SIGNUP_PER_DOMAIN_HOUR": "100"}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, 3, c.PasswordHashConcurrency)
	require.Equal(t, 500*time.Millisecond, c.PasswordHashWait)
	require.Equal(t, 0, c.SignUpPerIPHour, "0 turns the limit off")
	require.Equal(t, 100, c.SignUpPerDomainHour)

	for k, bad := range map[string][]string{
		"CONSOLE_PASSWORD_HASH_CONCURRENCY": {"0", "-1", "two", "1025"},
		"CONSOLE_PASSWORD_HASH_WAIT":        {"0s", "-1s", "soon", "2m"},
		"CONSOLE_SIGNUP_PER_IP_HOUR":        {"-1", "five", "1.5"},
		"CONSOLE_SIGNUP_PER_DOMAIN_HOUR":    {"-1", "many"},
	} {
		for _, v := range bad {
			_, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, k: v}), t.TempDir())
			var ce *Error
			require.ErrorAs(t, err, &ce, "%s=%s", k, v)
			require.Equal(t, k, ce.Var)
		}
	}
}

func TestAuditRetention(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"":      400 * 24 * time.Hour,
		"30":    30 * 24 * time.Hour,
		" 90d ": 90 * 24 * time.Hour,
		"1":     24 * time.Hour,
		"9600h": 400 * 24 * time.Hour,
		"36h":   36 * time.Hour,
		"36500": 36500 * 24 * time.Hour,
	} {
		c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, "CONSOLE_AUDIT_RETENTION": v}), t.TempDir())
		require.NoError(t, err, v)
		require.Equal(t, want, c.AuditRetention, v)
	}
	_, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, "CONSOLE_AUDIT_RETENTION": "400s"}), t.TempDir())
	require.EqualError(t, err, "CONSOLE_AUDIT_RETENTION: must be a number of days (400 or 400d) or a Go duration (9600h), at least 1 day and at most 36500 days")
	require.Equal(t, "400d", formatRetention(400*24*time.Hour))
	require.Equal(t, "36h0m0s", formatRetention(36*time.Hour))
}

func TestAPIFairUseLimits(t *testing.T) {
	c, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, 2000, c.APIRatePerSecond)
	require.Equal(t, 4000, c.APIRateBurst, "twice the rate unless set")
	require.Equal(t, 100, c.APIConcurrencyPerAccount)

	c, err = Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, "CONSOLE_API_RATE_PER_SECOND": "5", "CONSOLE_API_RATE_BURST": "7",
		"CONSOLE_API_CONCURRENCY_PER_ACCOUNT": "0"}), t.TempDir())
	require.NoError(t, err)
	require.Equal(t, 5, c.APIRatePerSecond)
	require.Equal(t, 7, c.APIRateBurst)
	require.Equal(t, 0, c.APIConcurrencyPerAccount, "0 turns the limit off")
	require.Contains(t, c.LogValue().String(), "CONSOLE_API_RATE_PER_SECOND=5")

	for _, k := range []string{"CONSOLE_API_RATE_PER_SECOND", "CONSOLE_API_RATE_BURST", "CONSOLE_API_CONCURRENCY_PER_ACCOUNT"} {
		for _, v := range []string{"-1", "many", "1.5"} {
			_, err := Load(env(map[string]string{"CONSOLE_SECRET_KEY": goodKey, k: v}), t.TempDir())
			var ce *Error
			require.ErrorAs(t, err, &ce, "%s=%s", k, v)
			require.Equal(t, k, ce.Var)
		}
	}
}
