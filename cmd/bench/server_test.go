package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pool_max_conns in DATABASE_URL sizes the server's pool; the bench's
// own single connection to the postgres database must not pass it on.
func TestAdminURLDropsPoolSettings(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/console?sslmode=disable&pool_max_conns=4")
	s := &consoleServer{}
	require.NoError(t, s.configure())
	db, err := url.Parse(s.dbURL)
	require.NoError(t, err)
	require.Equal(t, "4", db.Query().Get("pool_max_conns"))
	require.Equal(t, "disable", db.Query().Get("sslmode"))
	require.True(t, strings.HasPrefix(db.Path, "/console_bench_"), db.Path)
	admin, err := url.Parse(s.adminURL)
	require.NoError(t, err)
	require.Equal(t, "/postgres", admin.Path)
	require.Equal(t, url.Values{"sslmode": {"disable"}}, admin.Query())
}
