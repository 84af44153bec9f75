package billing_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/webtest"
)

// named is what a test debit pays for: a row of writes_test, which the
// debits of a batch insert in one statement. sizes records each
// WriteAll's batch size.
type named struct {
	name  string
	sizes *sizes
}

type sizes struct {
	mu  sync.Mutex
	all []int
}

func (s *sizes) add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, n)
}

func (w *named) WriteAll(ctx context.Context, tx pgx.Tx, b *pgx.Batch, batch []billing.Writes) error {
	w.sizes.add(len(batch))
	names := make([]string, len(batch))
	for i, b := range batch {
		names[i] = b.(*named).name
	}
	b.Queue(`INSERT INTO writes_test (name) SELECT unnest($1::text[])`, names)
	return nil
}

// Debits that queue behind one holding the balance row are made in one
// transaction with their Writes in one call; when that call fails, each
// debit's writes are made on their own, so that only the debit whose
// write fails is refused, with its own error, and nothing of it is kept.
// A batch the balance does not cover whole is made debit by debit.
func TestWritesTogetherThenAlone(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	setBalance(t, app, o.AccountSID, "100")
	_, err := app.Pool.Exec(ctx, `CREATE TABLE writes_test (name text PRIMARY KEY); INSERT INTO writes_test VALUES ('taken')`)
	require.NoError(t, err)

	// Debit bad of the run fails its write, or with reuse, repeats a source
	// already charged.
	run := func(prefix string, bad int, reuse bool) ([]error, *sizes) {
		t.Helper()
		// The balance row is held meanwhile so that the debits queue up
		// and go together once it is released.
		tx, err := app.Pool.Begin(ctx)
		require.NoError(t, err)
		require.NoError(t, billing.LockProject(ctx, tx, o.AccountSID))
		s := &sizes{}
		errs := make([]error, 30)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name, source := fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("%s-%d", prefix, i)
				if i == bad && reuse {
					source = "ok-3"
				} else if i == bad {
					name = "taken"
				}
				errs[i] = app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage,
					Source: source, Amount: dec("1"), Writes: &named{name: name, sizes: s}})
			}()
		}
		// Every debit has arrived and the first batch waits on the row.
		webtest.Eventually(t, "the debits to queue up", func() bool {
			return app.Services.Billing.Ledger.Pending(o.AccountSID) == len(errs)
		})
		app.WaitLockWaits(1)
		require.NoError(t, tx.Rollback(ctx))
		wg.Wait()
		return errs, s
	}

	// All good: few transactions, one WriteAll each, every write made.
	errs, s := run("ok", -1, false)
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Greater(t, maxOf(s.all), 1, "WriteAll sizes %v", s.all)
	sum := 0
	for _, n := range s.all {
		sum += n
	}
	require.Equal(t, 30, sum, "each write made once: %v", s.all)
	require.Equal(t, 30, count(t, app, `SELECT count(*) FROM writes_test WHERE name LIKE 'ok-%'`))
	require.Equal(t, "70", balance(t, app, o.AccountSID).String())

	// One write fails: only its debit is refused, with its own error.
	errs, s = run("bad", 7, false)
	for i, err := range errs {
		if i == 7 {
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "debit 7: %v", err)
			require.Equal(t, "23505", pgErr.Code)
			continue
		}
		require.NoError(t, err, "debit %d", i)
	}
	require.Greater(t, maxOf(s.all), 1, "tried together first: %v", s.all)
	require.Equal(t, 29, count(t, app, `SELECT count(*) FROM writes_test WHERE name LIKE 'bad-%'`))
	require.Equal(t, 0, count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source = 'bad-7'`, o.AccountSID))
	require.Equal(t, 29, count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source LIKE 'bad-%'`, o.AccountSID))
	require.Equal(t, "41", balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)

	// A retried debit among others is refused as a duplicate; the
	// others are made, and nothing of it is written.
	errs, _ = run("dup", 4, true)
	for i, err := range errs {
		if i == 4 {
			require.ErrorIs(t, err, billing.ErrDuplicate)
			continue
		}
		require.NoError(t, err, "debit %d", i)
	}
	require.Equal(t, 29, count(t, app, `SELECT count(*) FROM writes_test WHERE name LIKE 'dup-%'`))
	require.Equal(t, 0, count(t, app, `SELECT count(*) FROM writes_test WHERE name = 'dup-4'`))
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source = 'ok-3'`, o.AccountSID))
	require.Equal(t, "12", balance(t, app, o.AccountSID).String())
	requireLedgerMatches(t, app)

	// Apply and Writes together is a mistake, refused before anything is made.
	err = app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage,
		Source: "both", Amount: dec("1"), Writes: &named{name: "both", sizes: &sizes{}}, Apply: func(context.Context, pgx.Tx) error { return nil }})
	require.Error(t, err)
	require.Equal(t, "12", balance(t, app, o.AccountSID).String())

	// A batch the balance covers only in part: the debits are taken in
	// order while it lasts, the rest refused, and only the taken ones'
	// writes are made. (Debits that arrived after the refusing batch find
	// the project suspended: no auto-recharge.)
	errs, _ = run("short", -1, false)
	made := 0
	for i, err := range errs {
		if err == nil {
			made++
			continue
		}
		require.True(t, errors.Is(err, billing.ErrInsufficientFunds) || errors.Is(err, billing.ErrSuspended), "debit %d: %v", i, err)
	}
	require.Equal(t, 12, made)
	require.Equal(t, 12, count(t, app, `SELECT count(*) FROM writes_test WHERE name LIKE 'short-%'`))
	require.Equal(t, 12, count(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND source LIKE 'short-%'`, o.AccountSID))
	require.True(t, balance(t, app, o.AccountSID).IsZero())
	requireLedgerMatches(t, app)
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
