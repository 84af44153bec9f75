// Package database opens the PostgreSQL pool, creates the database when it
// is missing and applies the schema (goose migrations and River's own).
package database

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DBTX is what a query needs: the pool or a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects to the database named by dsn, creating it first if it does
// not exist.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	if err := EnsureExists(ctx, dsn); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return pool, nil
}

// defaultMaxConns is the pool's size unless DATABASE_URL sets
// pool_max_conns: four connections per CPU the process may use, at least
// eight. A request holds a connection for one short round trip at a time,
// and no job holds one across a network call, so a few per core keep
// PostgreSQL busy; more only let more backends compete for the same cores,
// where a request waits behind others in the kernel's scheduler instead of
// in the pool's first-come queue. On the 2-core bench machine, 8 instead of
// 32 connections cut PostgreSQL's CPU per dashboard view by a fifth and
// its p99 from 33–36 ms to 21–22 ms (README, Performance).
func defaultMaxConns() int32 { return int32(max(8, 4*runtime.GOMAXPROCS(0))) }

// EnsureExists creates the database named in dsn when the server lacks it.
func EnsureExists(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := strings.Trim(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	// pgxpool's own settings (pool_max_conns, ...) are not PostgreSQL's:
	// a plain connection would send them to the server, which refuses them.
	q := admin.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	admin.RawQuery = q.Encode()
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("database: connecting to the server: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by another process
		return nil
	}
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint violation,
// optionally of the named constraint.
func IsUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}
