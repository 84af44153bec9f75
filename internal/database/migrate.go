package database

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"console/migrations"
)

// Migrate applies River's migrations and then ours. Concurrent callers are
// serialised by goose's and River's advisory locks.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	p, db, err := provider(pool)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// Status prints each migration and whether it is applied.
func Status(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	p, db, err := provider(pool)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := p.Status(ctx)
	if err != nil {
		return err
	}
	for _, r := range results {
		applied := "pending"
		if r.State == goose.StateApplied {
			applied = "applied " + r.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(w, "%05d  %-40s %s\n", r.Source.Version, r.Source.Path, applied)
	}
	return nil
}

// Pending reports how many of our migrations are not applied yet.
func Pending(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	p, db, err := provider(pool)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	results, err := p.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range results {
		if r.State != goose.StateApplied {
			n++
		}
	}
	return n, nil
}

func provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(mustLocker()))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db, nil
}
