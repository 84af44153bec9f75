// Package testdb gives each test a fresh PostgreSQL database cloned from a
// migrated template, so tests run on the real schema in parallel without
// seeing each other's rows. The template is built once per schema version
// and reused across packages and runs.
package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/database"
	"console/internal/sid"
	"console/migrations"
)

// ServerURL is the PostgreSQL server tests use: TEST_DATABASE_URL, or the
// local server with trust auth.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// DSN returns ServerURL pointed at database name.
func DSN(name string) string {
	u, err := url.Parse(ServerURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// templateName changes whenever a migration does, so a stale template is never used.
func templateName() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return "console_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
}

// lockKey serialises template building and cloning across test processes.
const lockKey = 7341002

// Create makes a fresh migrated database and returns its name.
func Create(ctx context.Context) (string, error) {
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return "", fmt.Errorf("testdb: PostgreSQL must answer at %s: %w", ServerURL(), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey)

	tmpl := templateName()
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tmpl).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		building := tmpl + "_building"
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{building}.Sanitize()); err != nil {
			return "", err
		}
		if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{building}.Sanitize()); err != nil {
			return "", err
		}
		pool, err := pgxpool.New(ctx, DSN(building))
		if err != nil {
			return "", err
		}
		err = database.Migrate(ctx, pool)
		pool.Close()
		if err != nil {
			return "", err
		}
		// Renamed only once complete, so an interrupted build is never cloned.
		if _, err := admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{building}.Sanitize()+` RENAME TO `+pgx.Identifier{tmpl}.Sanitize()); err != nil {
			return "", err
		}
	}
	name := "console_test_" + sid.Hex32()[:16]
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` TEMPLATE `+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		return "", err
	}
	return name, nil
}

// Drop removes a database made by Create, closing its connections.
func Drop(ctx context.Context, name string) error {
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
	return err
}

// New returns a pool on a fresh database, dropped when the test ends.
func New(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	ctx := context.Background()
	name, err := Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, DSN(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		if err := Drop(context.Background(), name); err != nil {
			t.Errorf("testdb: dropping %s: %v", name, err)
		}
	})
	return pool, DSN(name)
}
