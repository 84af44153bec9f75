package database_test

import (
	"context"
	"net/url"
	"runtime"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"console/internal/database"
	"console/internal/sid"
	"console/internal/testdb"
)

// open opens a database that does not exist yet, with query added to its
// URL, and drops it when the test ends.
func open(t *testing.T, query url.Values) (*pgxpool.Pool, string) {
	t.Helper()
	ctx := context.Background()
	name := "console_opentest_" + sid.Hex32()[:12]
	u, err := url.Parse(testdb.DSN(name))
	require.NoError(t, err)
	q := u.Query()
	for k, v := range query {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	pool, err := database.Open(ctx, u.String())
	t.Cleanup(func() {
		if pool != nil {
			pool.Close()
		}
		conn, err := pgx.Connect(ctx, testdb.ServerURL())
		require.NoError(t, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		require.NoError(t, err)
	})
	require.NoError(t, err)
	return pool, name
}

// pgxpool's settings in DATABASE_URL size the pool; they are not sent to
// PostgreSQL, also not while the database is being created.
func TestOpenWithPoolSettingsCreatesTheDatabase(t *testing.T) {
	pool, name := open(t, url.Values{"pool_max_conns": {"3"}})
	require.EqualValues(t, 3, pool.Config().MaxConns)
	var db string
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT current_database()").Scan(&db))
	require.Equal(t, name, db)
}

// Without pool_max_conns the pool has four connections per CPU the
// process may use, and at least eight.
func TestOpenSizesThePoolToTheCPUs(t *testing.T) {
	pool, _ := open(t, nil)
	require.EqualValues(t, max(8, 4*runtime.GOMAXPROCS(0)), pool.Config().MaxConns)
}
