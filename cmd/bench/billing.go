package main

// The billing issue's benchmark: many concurrent debits of one project.
// Both scenarios run in this process against the server's own database,
// through a pool of their own, each on a USD project of its own created
// with the server's CLI, so that neither disturbs the other or the
// dashboard's project.
//
//   - naive is the limit of the obvious design: every debit its own
//     transaction, UPDATE balances … RETURNING then INSERT INTO
//     ledger_entries, all of them queueing on the project's one balance
//     row, whose lock is held until each commit is flushed.
//   - ledger is internal/billing's Ledger.Debit, which combines the debits
//     that arrive while one transaction holds the row into the next one.
//
// Both are checked, not only timed: the final balance must be the starting
// balance minus exactly the debits that were answered as made, the ledger
// must hold exactly those entries and sum to the balance, and neither the
// balance nor any point of the ledger's history may go below zero. After
// the ledger's measurement a short phase starts it on a small balance and
// debits past it, to show that it stops at zero and refuses the rest.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/billing"
)

var (
	// debitAmount is what every debit takes, in USD.
	debitAmount = decimal.RequireFromString("0.0079")
	// bigStart is enough that no debit of the measured phases is refused:
	// 10 s at 100,000 debits a second would take 7,900.
	bigStart = decimal.RequireFromString("1000000")
	// smallStart runs out after floor(1.00 / 0.0079) = 126 debits.
	smallStart = decimal.RequireFromString("1.00")
)

const (
	// smallPhase is how long the small balance is debited: far longer
	// than 126 debits take, so most of it is refusals.
	smallPhase = 2 * time.Second
	// targetDebitRatio is the target for ledger/naive.
	targetDebitRatio = 3.0
	// benchPoolConns is the bench's own pool: the 32 naive workers each
	// hold a connection, with room for the checks.
	benchPoolConns = 40
)

// db is the bench's own pool on the server's database.
func (e *env) db(ctx context.Context) (*pgxpool.Pool, error) {
	if e.pool != nil {
		return e.pool, nil
	}
	s, err := e.console(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(s.dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = benchPoolConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	e.pool = pool
	// Registered after the server's teardown, so closed before it.
	e.onClose(pool.Close)
	return pool, nil
}

// usdProject creates a USD project with the server's CLI and sets its
// balance to start. It returns the project's SID.
func (e *env) usdProject(ctx context.Context, label string, start decimal.Decimal) (string, error) {
	o, err := e.fundedProject(ctx, label, "USD", "UTC", start)
	if err != nil {
		return "", err
	}
	return o.AccountSID, nil
}

// fundedProject creates a project with the server's CLI, owned by
// bench-<label>@example.com, and sets its balance to start with an
// adjustment, so that the ledger still sums to the balance.
func (e *env) fundedProject(ctx context.Context, label, currency, timeZone string, start decimal.Decimal) (*owner, error) {
	s, err := e.console(ctx)
	if err != nil {
		return nil, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return nil, err
	}
	o, err := createOwnerAs(ctx, s, ownerEmail(label), "Bench "+label, "Bench "+label, currency, timeZone)
	if err != nil {
		return nil, err
	}
	sid := o.AccountSID
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		bal, err := billing.Balance(ctx, tx, sid)
		if err != nil {
			return err
		}
		if bal.Currency != currency {
			return fmt.Errorf("project %s is in %s, want %s", sid, bal.Currency, currency)
		}
		// The trial credit is already there: adjust by the difference.
		return billing.Post(ctx, tx, sid, sid, billing.KindAdjustment, "bench-start", start.Sub(bal.Amount), "bench starting balance")
	})
	if err != nil {
		return nil, fmt.Errorf("setting the balance of %s: %w", sid, err)
	}
	return o, nil
}

// ownerEmail is the user who owns the project of a scenario.
func ownerEmail(label string) string { return "bench-" + label + "@example.com" }

// accounts is a project's debits as their callers saw them, warm-up
// included: every debit answered as made must be in the balance.
type accounts struct {
	projectSID string
	start      decimal.Decimal
	accepted   atomic.Int64
	refused    atomic.Int64
}

func prepareNaive(ctx context.Context, e *env) (target, error) {
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	sid, err := e.usdProject(ctx, "naive", bigStart)
	if err != nil {
		return target{}, err
	}
	acc := &accounts{projectSID: sid, start: bigStart}
	amount, negated := debitAmount.String(), debitAmount.Neg().String()
	return target{
		newCaller: func(worker int) func(ctx context.Context) error {
			prefix := "bench-naive-" + strconv.Itoa(worker) + "-"
			n := 0
			return func(ctx context.Context) error {
				n++
				refused := false
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					var after pgtype.Numeric
					err := tx.QueryRow(ctx, `UPDATE balances SET amount = amount - $2::numeric WHERE project_sid = $1 AND amount >= $2::numeric RETURNING amount`,
						sid, amount).Scan(&after)
					if errors.Is(err, pgx.ErrNoRows) {
						refused = true
						return nil
					}
					if err != nil {
						return err
					}
					_, err = tx.Exec(ctx, `INSERT INTO ledger_entries (project_sid, account_sid, kind, source, amount, note) VALUES ($1, $1, 'usage', $2, $3::numeric, '')`,
						sid, prefix+strconv.Itoa(n), negated)
					return err
				})
				switch {
				case err != nil:
					return err
				case refused:
					acc.refused.Add(1)
					return fmt.Errorf("%w: insufficient funds", errRefused)
				}
				acc.accepted.Add(1)
				return nil
			}
		},
		verify: func(ctx context.Context, _ *result, _ loadOptions) ([]check, error) {
			return verifyAccounts(ctx, pool, "naive", acc, false)
		},
	}, nil
}

func prepareLedger(ctx context.Context, e *env) (target, error) {
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	sid, err := e.usdProject(ctx, "ledger", bigStart)
	if err != nil {
		return target{}, err
	}
	// Made now, so that nothing is set up between measurements.
	lowSID, err := e.usdProject(ctx, "ledger-low", smallStart)
	if err != nil {
		return target{}, err
	}
	// No hooks: no auto-recharge, alerts or suspension, which are not
	// what the issue measures and would refill the small balance.
	ledger := billing.NewLedger(pool, nil)
	acc := &accounts{projectSID: sid, start: bigStart}
	return target{
		newCaller: debitCaller(ledger, acc, "bench-"),
		verify: func(ctx context.Context, _ *result, o loadOptions) ([]check, error) {
			checks, err := verifyAccounts(ctx, pool, "ledger", acc, false)
			if err != nil {
				return nil, err
			}
			low := &accounts{projectSID: lowSID, start: smallStart}
			lowOpts := loadOptions{conns: o.conns, duration: smallPhase, serverPID: o.serverPID, dbName: o.dbName}
			r, err := drive(ctx, "ledger-low", target{newCaller: debitCaller(ledger, low, "bench-low-")}, lowOpts)
			if err != nil {
				return nil, err
			}
			if r.errors > 0 {
				return nil, fmt.Errorf("%s USD phase: %d debits failed; first errors: %v", smallStart.StringFixed(2), r.errors, r.errorSamples)
			}
			lowChecks, err := verifyAccounts(ctx, pool, "ledger "+smallStart.StringFixed(2)+" USD", low, true)
			if err != nil {
				return nil, err
			}
			return append(checks, lowChecks...), nil
		},
	}, nil
}

// debitCaller is worker i's closed loop of Ledger.Debit, each with a
// source of its own.
func debitCaller(ledger *billing.Ledger, acc *accounts, sourcePrefix string) func(worker int) func(ctx context.Context) error {
	return func(worker int) func(ctx context.Context) error {
		prefix := sourcePrefix + strconv.Itoa(worker) + "-"
		n := 0
		return func(ctx context.Context) error {
			n++
			err := ledger.Debit(ctx, billing.Debit{
				ProjectSID: acc.projectSID,
				AccountSID: acc.projectSID,
				Kind:       billing.KindUsage,
				Source:     prefix + strconv.Itoa(n),
				Amount:     debitAmount,
			})
			switch {
			case err == nil:
				acc.accepted.Add(1)
				return nil
			case errors.Is(err, billing.ErrInsufficientFunds):
				acc.refused.Add(1)
				return fmt.Errorf("%w: %w", errRefused, err)
			}
			return err
		}
	}
}

// verifyAccounts checks a project's money after its debits. exhaust says
// the balance was meant to run out: then refusals are expected and the
// debits made must be exactly those the balance covered; otherwise every
// debit must have been made.
func verifyAccounts(ctx context.Context, pool *pgxpool.Pool, label string, acc *accounts, exhaust bool) ([]check, error) {
	accepted, refused := acc.accepted.Load(), acc.refused.Load()
	bal, err := billing.Balance(ctx, pool, acc.projectSID)
	if err != nil {
		return nil, err
	}
	var entries int64
	var lowest string
	// Debits of a project serialise on its balance row and insert their
	// entries while they hold it, so id order is commit order: the
	// running sum in that order is the balance after each entry.
	err = pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE kind = 'usage'), coalesce(min(running), 0)::text
		FROM (SELECT kind, sum(amount) OVER (ORDER BY id) AS running FROM ledger_entries WHERE project_sid = $1) t`,
		acc.projectSID).Scan(&entries, &lowest)
	if err != nil {
		return nil, err
	}
	lowestRunning, err := decimal.NewFromString(lowest)
	if err != nil {
		return nil, err
	}
	mismatches, err := billing.CheckLedger(ctx, pool)
	if err != nil {
		return nil, err
	}

	spent := debitAmount.Mul(decimal.NewFromInt(accepted))
	want := acc.start.Sub(spent)
	checks := []check{
		{
			name: label + " balance:",
			detail: fmt.Sprintf("final %s USD, expected %s - %d x %s = %s",
				usd(bal.Amount), usd(acc.start), accepted, debitAmount, usd(want)),
			ok: bal.Amount.Equal(want),
		},
		{
			name:   label + " entries:",
			detail: fmt.Sprintf("%d usage entries in the ledger for %d debits answered as made", entries, accepted),
			ok:     entries == accepted,
		},
		{
			name:   label + " never < 0:",
			detail: fmt.Sprintf("final %s USD, lowest running balance in ledger order %s USD", usd(bal.Amount), usd(lowestRunning)),
			ok:     !bal.Amount.IsNegative() && !lowestRunning.IsNegative(),
		},
	}
	if exhaust {
		// Equal debits stop exactly when the balance no longer covers one.
		covered := acc.start.Div(debitAmount).Floor().IntPart()
		checks = append(checks, check{
			name: label + " refusals:",
			detail: fmt.Sprintf("%d made = floor(%s / %s), %d refused with ErrInsufficientFunds, %s USD left",
				accepted, usd(acc.start), debitAmount, refused, usd(bal.Amount)),
			ok: accepted == covered && refused > 0 && bal.Amount.LessThan(debitAmount),
		})
	} else {
		checks = append(checks, check{
			name:   label + " refusals:",
			detail: fmt.Sprintf("%d refused (the balance covers every debit)", refused),
			ok:     refused == 0,
		})
	}
	detail := "every project's balance equals the sum of its ledger"
	if len(mismatches) > 0 {
		m := mismatches[0]
		detail = fmt.Sprintf("%d mismatches, first %s balance %s ledger %s", len(mismatches), m.ProjectSID, m.Balance, m.LedgerSum)
	}
	checks = append(checks, check{name: label + " CheckLedger:", detail: detail, ok: len(mismatches) == 0})
	return checks, nil
}

// usd shows an amount with all its digits, and at least cents.
func usd(d decimal.Decimal) string { return d.StringFixed(max(2, -d.Exponent())) }
