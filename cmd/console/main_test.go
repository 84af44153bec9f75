package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
