package database_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"console/internal/database"
	"console/internal/testdb"
)

func TestUnavailableClassifiesErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Nothing listens on port 1: a real connect error from the driver.
	_, refused := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
	require.Error(t, refused)

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused", refused, true},
		{"wrapped connect error", fmt.Errorf("loading: %w", refused), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"read-only standby", &pgconn.PgError{Code: "25006"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"invalid UTF-8", &pgconn.PgError{Code: "22021"}, false},
		{"NUL in text", &pgconn.PgError{Code: "22P05"}, false},
		{"bad date", &pgconn.PgError{Code: "22008"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"conn closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), true},
		{"socket reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
		{"server closed the socket", io.ErrUnexpectedEOF, true},
		{"deadline", context.DeadlineExceeded, true},
		{"client went away", context.Canceled, false},
		{"no rows", pgx.ErrNoRows, false},
		{"plain bug", errors.New("index out of range"), false},
	} {
		require.Equal(t, tc.want, database.Unavailable(tc.err), tc.name)
	}
}

// A database that refuses connections, and connections killed under the
// pool, are both "unavailable" — the errors the pool really returns.
func TestUnavailableWhenTheDatabaseRefusesConnections(t *testing.T) {
	ctx := context.Background()
	pool, dsn := testdb.New(t)
	require.NoError(t, pool.Ping(ctx))
	name := pool.Config().ConnConfig.Database
	admin, err := pgx.Connect(ctx, testdb.ServerURL())
	require.NoError(t, err)
	defer admin.Close(ctx)
	db := pgx.Identifier{name}.Sanitize()
	_, err = admin.Exec(ctx, `ALTER DATABASE `+db+` ALLOW_CONNECTIONS false`)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), `ALTER DATABASE `+db+` ALLOW_CONNECTIONS true`) })
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
	require.NoError(t, err)

	// The pool's connection was killed: the first query sees that, the
	// next ones fail to connect.
	for range 3 {
		_, err := pool.Exec(ctx, `SELECT 1`)
		require.Error(t, err)
		require.True(t, database.Unavailable(err), "%T %v", err, err)
	}
	_, err = pgx.Connect(ctx, dsn)
	require.True(t, database.Unavailable(err), "%T %v", err, err)

	_, err = admin.Exec(ctx, `ALTER DATABASE `+db+` ALLOW_CONNECTIONS true`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `SELECT 1`)
	require.NoError(t, err, "the pool reconnects once the database is back")
}

func TestIsText(t *testing.T) {
	for s, want := range map[string]bool{"": true, "plain": true, "日本語": true, "tab\tnewline\n": true, "a\x00b": false, "\xff": false, "\xe6\x97": false, "\u2028": true} {
		require.Equal(t, want, database.IsText(s), "%q", s)
	}
}
