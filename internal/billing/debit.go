package billing

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/usage"
)

// Errors a debit can end with.
var (
	ErrInsufficientFunds = errors.New("billing: insufficient funds")
	ErrSuspended         = errors.New("billing: project suspended")
)

// Debit is a charge against a project's balance.
type Debit struct {
	ProjectSID string
	AccountSID string
	Kind       string // KindUsage or KindFee
	Source     string // unique per project: a retried debit is not charged twice
	Amount     decimal.Decimal
	Note       string
	// Purchase marks a one-off purchase the user asked for (a phone
	// number). When the balance does not cover it, it is refused and that
	// is all: unlike metered usage that ran out of funds, it neither
	// suspends the project nor starts a recharge.
	Purchase bool
	// At dates the ledger entry; zero means now (the database's clock).
	// A recurring charge is dated at the instant it is charged as of;
	// seeded history (the demo) dates a charge in the past, with the
	// message or call it pays for; the balance moves now all the same.
	At time.Time
	// Apply writes what the debit pays for (a call, a usage event) in
	// the debit's transaction. It runs only for an accepted debit; if it
	// fails, the debit is not made.
	Apply func(ctx context.Context, tx pgx.Tx) error
	// Writes, instead of Apply, is what the debit pays for when it can be
	// written together with the same writes of the other debits of its
	// transaction. If they fail together, each debit's are written on
	// its own, so that one bad write refuses only its own debit.
	Writes Writes
}

// Writes is what a debit pays for, written in bulk: the messages of a
// busy project's batch go in a few statements rather than a few each.
type Writes interface {
	// WriteAll writes batch in tx: writes of the receiver's own type,
	// the receiver among them, each of an accepted debit of one project.
	// The statements whose answers it does not need it queues in b, which
	// the ledger sends with its own in one round trip once every WriteAll
	// has run; any other it runs on tx.
	WriteAll(ctx context.Context, tx pgx.Tx, b *pgx.Batch, batch []Writes) error
}

// errTogether marks a failure of a batch's bulk writes: the batch is then
// made again more carefully (see mode).
var errTogether = errors.New("billing: bulk writes failed")

// errNotCovered: in fast mode, the balance does not cover the whole batch
// or the project is suspended.
var errNotCovered = errors.New("billing: the balance does not cover the batch")

// mode is how a batch is made. A batch tries them in order and moves on
// when one fails with errTogether.
type mode int

const (
	// fast takes the whole batch in one pipelined round trip after BEGIN:
	// the balance falls by the batch's total only if it covers it and the
	// project is not suspended, and everything else is written with it.
	// It serves the busy, funded project; a batch it cannot take whole
	// goes on to together. Only for batches without Apply.
	fast mode = iota
	// together reads the balance first and accepts or refuses each debit
	// in order, then writes the accepted ones' Writes in bulk.
	together
	// alone is together with each debit's Writes under its own savepoint.
	alone
)

// maxBatch bounds how many debits one transaction takes.
const maxBatch = 256

// Ledger makes debits. Concurrent debits of one project are combined:
// while one transaction holds the project's balance row, the debits that
// arrive queue up and go together in the next one. Each debit still gets
// its own answer; the balance check and the uniqueness of sources are done
// by the database under the row lock, so several processes stay correct.
type Ledger struct {
	pool   *pgxpool.Pool
	hooks  Hooks
	mu     sync.Mutex
	queues map[string][]*pendingDebit
	// pending counts each project's debits not answered yet.
	pending map[string]int
	// UsageRecorded, when set, learns after each committed batch which
	// accounts and categories it recorded usage for (usage triggers
	// evaluate them). It is called before the batch's callers get their
	// answers and must not block; set it before the first debit.
	UsageRecorded func(projectSID string, touched []usage.Touched)
}

// Hooks are what a debit transaction does when the balance falls: open a
// recharge, fire low-balance alerts, suspend. Set by the billing service.
type Hooks interface {
	// AfterDebit queues in b what it needs to read, which the ledger
	// sends with the batch's writes in one round trip, and returns what
	// to do in tx once b is sent. st is complete only then (the fast
	// mode learns the balance from its update in b): the statements must
	// not take its figures as arguments, the returned function may.
	AfterDebit(b *pgx.Batch, st *BalanceState) func(ctx context.Context, tx pgx.Tx) error
}

// BalanceState is the project's balance within a debit transaction.
type BalanceState struct {
	ProjectSID string
	Currency   string
	Before     decimal.Decimal
	After      decimal.Decimal
	Suspended  bool
	// Refused is true when a debit was refused for insufficient funds.
	Refused bool
}

type pendingDebit struct {
	d    Debit
	done chan error
}

// NewLedger returns a Ledger on pool; hooks may be nil.
func NewLedger(pool *pgxpool.Pool, hooks Hooks) *Ledger {
	return &Ledger{pool: pool, hooks: hooks, queues: map[string][]*pendingDebit{}, pending: map[string]int{}}
}

// Debit charges d and returns nil, ErrInsufficientFunds, ErrSuspended,
// ErrDuplicate, Apply's error, or a database error. The answer always
// reflects what was committed.
func (l *Ledger) Debit(ctx context.Context, d Debit) error {
	if d.Amount.Sign() < 0 {
		return errors.New("billing: negative debit")
	}
	if d.Apply != nil && d.Writes != nil {
		return errors.New("billing: a debit has Apply or Writes, not both")
	}
	p := &pendingDebit{d: d, done: make(chan error, 1)}
	l.mu.Lock()
	q, running := l.queues[d.ProjectSID]
	l.queues[d.ProjectSID] = append(q, p)
	l.pending[d.ProjectSID]++
	if !running {
		go l.drain(d.ProjectSID)
	}
	l.mu.Unlock()
	// The debit is not abandoned when ctx ends: it may already be in a
	// transaction, and the caller must learn whether it was made.
	return <-p.done
}

// Pending is how many debits of a project wait for their answer, queued
// or in a transaction: a test that holds the balance row knows from it
// that its concurrent debits have all arrived.
func (l *Ledger) Pending(projectSID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending[projectSID]
}

// drain runs batches for a project until no debit waits.
func (l *Ledger) drain(projectSID string) {
	for {
		l.mu.Lock()
		q := l.queues[projectSID]
		if len(q) == 0 {
			delete(l.queues, projectSID)
			l.mu.Unlock()
			return
		}
		n := min(len(q), maxBatch)
		batch := q[:n:n]
		l.queues[projectSID] = q[n:]
		l.mu.Unlock()
		l.run(projectSID, batch)
	}
}

func (l *Ledger) run(projectSID string, batch []*pendingDebit) {
	results := make([]error, len(batch))
	var touched []usage.Touched
	var err error
	for m := fast; m <= alone; m++ {
		if m == fast && !fastEligible(batch) {
			continue
		}
		clear(results)
		touched, err = l.attempt(projectSID, batch, results, m)
		if !errors.Is(err, errTogether) {
			break
		}
	}
	if err == nil && l.UsageRecorded != nil && len(touched) > 0 {
		l.UsageRecorded(projectSID, touched)
	}
	l.mu.Lock()
	if l.pending[projectSID] -= len(batch); l.pending[projectSID] <= 0 {
		delete(l.pending, projectSID)
	}
	l.mu.Unlock()
	for i, p := range batch {
		if err != nil && results[i] == nil {
			p.done <- err
		} else {
			p.done <- results[i]
		}
	}
}

// fastEligible reports whether fast mode can take the batch: no Apply,
// and no source twice.
func fastEligible(batch []*pendingDebit) bool {
	seen := make(map[string]bool, len(batch))
	for _, p := range batch {
		if p.d.Apply != nil || seen[p.d.Source] {
			return false
		}
		seen[p.d.Source] = true
	}
	return true
}

// attempt makes the batch in one transaction in mode m. It returns what
// the committed transaction recorded usage for.
func (l *Ledger) attempt(projectSID string, batch []*pendingDebit, results []error, m mode) ([]usage.Touched, error) {
	// The batch's usage records note what they touch, so that the
	// triggers are evaluated after the commit, outside the transaction
	// that holds the balance row.
	ctx, touched := usage.Track(context.Background())
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		if m == fast {
			return l.applyFast(ctx, tx, projectSID, batch)
		}
		return l.apply(ctx, tx, projectSID, batch, results, m == together)
	})
	if err != nil {
		return nil, err
	}
	return touched(), nil
}

// applyFast makes the whole batch in one round trip, or fails with
// errTogether (errNotCovered when the balance does not cover it).
func (l *Ledger) applyFast(ctx context.Context, tx pgx.Tx, projectSID string, batch []*pendingDebit) error {
	st := &BalanceState{ProjectSID: projectSID}
	total := decimal.Zero
	all := make([]int, len(batch))
	for i, p := range batch {
		total = total.Add(p.d.Amount)
		all[i] = i
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE balances SET amount = amount - $2::numeric, updated_at = now()
		WHERE project_sid = $1 AND suspended_at IS NULL AND amount >= $2::numeric
		RETURNING amount + $2::numeric, amount, currency`,
		projectSID, total.String()).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&st.Before, &st.After, &st.Currency)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotCovered
		}
		return err
	})
	return l.send(ctx, tx, b, projectSID, batch, all, st)
}

// send queues in b, after what b holds (the balance's update), the Writes
// and ledger entries of the debits batch[i], i in idx, and what the hooks
// read; sends it all in one round trip (what WriteAll cannot queue it
// runs itself first); then lets the hooks act.
func (l *Ledger) send(ctx context.Context, tx pgx.Tx, b *pgx.Batch, projectSID string, batch []*pendingDebit, idx []int, st *BalanceState) error {
	if err := writeTogether(ctx, tx, b, batch, idx); err != nil {
		return fmt.Errorf("%w: %w", errTogether, err)
	}
	queueEntries(b, projectSID, batch, idx)
	var then func(context.Context, pgx.Tx) error
	if l.hooks != nil {
		then = l.hooks.AfterDebit(b, st)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("%w: %w", errTogether, err)
	}
	if then != nil {
		return then(ctx, tx)
	}
	return nil
}

// apply makes the batch's debits in tx, filling results for the refused ones.
func (l *Ledger) apply(ctx context.Context, tx pgx.Tx, projectSID string, batch []*pendingDebit, results []error, together bool) error {
	st := &BalanceState{ProjectSID: projectSID}
	// Together, a batch does not look for sources already in the ledger:
	// a retried debit is rare, and the entries' insert notices one (see
	// queueEntries), which makes the batch again alone. Alone, it looks.
	var sources []string
	if !together {
		sources = make([]string, len(batch))
		for i, p := range batch {
			sources[i] = p.d.Source
		}
	}
	var dups []string
	err := tx.QueryRow(ctx, `
		SELECT amount, currency, suspended_at IS NOT NULL,
			ARRAY(SELECT source FROM ledger_entries WHERE project_sid = $1 AND source = ANY($2))
		FROM balances WHERE project_sid = $1 FOR UPDATE`,
		projectSID, sources).Scan(&st.Before, &st.Currency, &st.Suspended, &dups)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(batch))
	for _, s := range dups {
		seen[s] = true
	}

	balance := st.Before
	var bulk []int // accepted debits whose entries are inserted together
	for i, p := range batch {
		d := p.d
		switch {
		case seen[d.Source]:
			results[i] = ErrDuplicate
			continue
		case st.Suspended:
			results[i] = ErrSuspended
			continue
		case balance.LessThan(d.Amount):
			results[i] = ErrInsufficientFunds
			st.Refused = st.Refused || !d.Purchase
			continue
		}
		seen[d.Source] = true
		apply := d.Apply
		if d.Writes != nil && !together {
			w := d.Writes
			apply = func(ctx context.Context, tx pgx.Tx) error {
				b := &pgx.Batch{}
				if err := w.WriteAll(ctx, tx, b, []Writes{w}); err != nil {
					return err
				}
				return tx.SendBatch(ctx, b).Close()
			}
		}
		if apply == nil {
			bulk = append(bulk, i)
			balance = balance.Sub(d.Amount)
			continue
		}
		// A debit with its own writes gets a savepoint, so that one
		// failing does not undo the others.
		if err := l.applyOne(ctx, tx, d, apply); err != nil {
			results[i] = err
			continue
		}
		balance = balance.Sub(d.Amount)
	}
	b := &pgx.Batch{}
	st.After = balance
	if !st.After.Equal(st.Before) {
		b.Queue(`UPDATE balances SET amount = $2::numeric, updated_at = now() WHERE project_sid = $1`, projectSID, st.After.String())
	}
	return l.send(ctx, tx, b, projectSID, batch, bulk, st)
}

// queueEntries queues the insert of the ledger entries of the debits
// batch[i], i in idx.
func queueEntries(b *pgx.Batch, projectSID string, batch []*pendingDebit, idx []int) {
	if len(idx) == 0 {
		return
	}
	accounts, kinds, srcs, amounts, notes := make([]string, len(idx)), make([]string, len(idx)), make([]string, len(idx)), make([]string, len(idx)), make([]string, len(idx))
	ats := make([]*time.Time, len(idx))
	for j, i := range idx {
		d := batch[i].d
		accounts[j], kinds[j], srcs[j], amounts[j], notes[j], ats[j] = d.AccountSID, d.Kind, d.Source, d.Amount.Neg().String(), d.Note, entryTime(d)
	}
	b.Queue(`
		INSERT INTO ledger_entries (project_sid, account_sid, kind, source, amount, note, created_at)
		SELECT $1, a, k, s, m::numeric, n, coalesce(at, now())
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(a, k, s, m, n, at)
		ON CONFLICT (project_sid, source) DO NOTHING`,
		projectSID, accounts, kinds, srcs, amounts, notes, ats,
	).Exec(func(ct pgconn.CommandTag) error {
		if ct.RowsAffected() != int64(len(idx)) {
			return errSourceTaken
		}
		return nil
	})
}

// errSourceTaken: a batch's entry has a source already in the ledger.
var errSourceTaken = errors.New("billing: a source is already in the ledger")

// writeTogether writes the Writes of the debits batch[i], i in idx, one
// WriteAll per type of Writes.
func writeTogether(ctx context.Context, tx pgx.Tx, b *pgx.Batch, batch []*pendingDebit, idx []int) error {
	var types []reflect.Type
	groups := map[reflect.Type][]Writes{}
	for _, i := range idx {
		w := batch[i].d.Writes
		if w == nil {
			continue
		}
		t := reflect.TypeOf(w)
		if _, ok := groups[t]; !ok {
			types = append(types, t)
		}
		groups[t] = append(groups[t], w)
	}
	for _, t := range types {
		g := groups[t]
		if err := g[0].WriteAll(ctx, tx, b, g); err != nil {
			return err
		}
	}
	return nil
}

func (l *Ledger) applyOne(ctx context.Context, tx pgx.Tx, d Debit, apply func(context.Context, pgx.Tx) error) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.Exec(ctx, `INSERT INTO ledger_entries (project_sid, account_sid, kind, source, amount, note, created_at)
		VALUES ($1, $2, $3, $4, $5::numeric, $6, coalesce($7::timestamptz, now()))`,
		d.ProjectSID, d.AccountSID, d.Kind, d.Source, d.Amount.Neg().String(), d.Note, entryTime(d))
	if err == nil {
		err = apply(ctx, sp)
	}
	if err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return sp.Commit(ctx)
}

// entryTime is the debit's date for the ledger, nil for now.
func entryTime(d Debit) *time.Time { return optionalTime(d.At) }
