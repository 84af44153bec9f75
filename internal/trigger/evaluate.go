package trigger

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/audit"
	"console/internal/mail"
	"console/internal/usage"
)

// Service is usage triggers as the program uses them: the store's writes
// (audited), evaluation when usage is recorded, and firing.
//
// Evaluation runs after a charge commits, not inside its transaction: the
// charge holds the project's balance row, which every other charge of the
// project waits for, and a trigger needs a read of the roll-ups it just
// wrote. The ledger tells the service what a committed batch touched
// (Notify); the service coalesces those notes per project and evaluates
// them in the background, a few accounts at a time. What is lost when a
// process dies between a commit and its evaluation the periodic sweep
// finds. Firing is decided by the database (a unique row per trigger,
// revision and period, written with its delivery jobs), so several
// processes evaluating the same usage fire once.
type Service struct {
	Pool *pgxpool.Pool
	// Jobs enqueues deliveries in the firing's transaction; River's client.
	Jobs mail.Inserter
	// BaseURL makes links in mails.
	BaseURL string
	Log     *slog.Logger
	// Now is the clock periods are computed with; tests move it.
	Now func() time.Time

	mu      sync.Mutex
	pending map[string]map[string]map[string]bool // project → account → categories (nil: every category)
	running map[string]bool
	busy    int // projects being drained
	idle    *sync.Cond
	slots   chan struct{}
}

// maxConcurrent bounds the account evaluations running at once, across
// projects, so that a burst of usage in many projects or subaccounts does
// not take the whole pool.
const maxConcurrent = 4

// NewService returns the service; Jobs may be set later (before use).
func NewService(pool *pgxpool.Pool, jobs mail.Inserter, baseURL string, log *slog.Logger) *Service {
	s := &Service{Pool: pool, Jobs: jobs, BaseURL: baseURL, Log: log, Now: time.Now,
		pending: map[string]map[string]map[string]bool{}, running: map[string]bool{}, slots: make(chan struct{}, maxConcurrent)}
	s.idle = sync.NewCond(&s.mu)
	return s
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// UsageRecorded is the ledger's hook: it queues the evaluation of what a
// committed charge batch touched, and returns at once.
func (s *Service) UsageRecorded(projectSID string, touched []usage.Touched) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range touched {
		s.queue(projectSID, t.AccountSID, usage.Covering(t.Category))
	}
	s.start(projectSID)
}

// Notify queues the evaluation of an account's triggers of categories
// (nil: all of them) and returns at once.
func (s *Service) Notify(projectSID, accountSID string, categories []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue(projectSID, accountSID, categories)
	s.start(projectSID)
}

// queue adds to the pending set; s.mu is held.
func (s *Service) queue(projectSID, accountSID string, categories []string) {
	accs := s.pending[projectSID]
	if accs == nil {
		accs = map[string]map[string]bool{}
		s.pending[projectSID] = accs
	}
	cats, seen := accs[accountSID]
	switch {
	case categories == nil:
		accs[accountSID] = nil
	case seen && cats == nil:
		// already every category
	default:
		if cats == nil {
			cats = map[string]bool{}
			accs[accountSID] = cats
		}
		for _, c := range categories {
			cats[c] = true
		}
	}
}

// start drains projectSID's queue in a goroutine unless one does; s.mu is held.
func (s *Service) start(projectSID string) {
	if s.running[projectSID] {
		return
	}
	s.running[projectSID] = true
	s.busy++
	go s.drain(projectSID)
}

// drain evaluates what is queued for a project until nothing is; usage
// recorded meanwhile is coalesced into the next round.
func (s *Service) drain(projectSID string) {
	for {
		s.mu.Lock()
		accs := s.pending[projectSID]
		if len(accs) == 0 {
			delete(s.pending, projectSID)
			delete(s.running, projectSID)
			s.busy--
			if s.busy == 0 {
				s.idle.Broadcast()
			}
			s.mu.Unlock()
			return
		}
		delete(s.pending, projectSID)
		s.mu.Unlock()

		// The accounts are evaluated side by side, each in a slot: a
		// project whose subaccounts all spend at once is not evaluated
		// one account after another while the others' crossings wait.
		var wg sync.WaitGroup
		for accountSID, cats := range accs {
			var list []string
			if cats != nil {
				list = slices.AppendSeq(make([]string, 0, len(cats)), maps.Keys(cats))
			}
			s.slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-s.slots }()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if _, err := s.Evaluate(ctx, projectSID, accountSID, list); err != nil && s.Log != nil {
					// The sweep evaluates it again.
					s.Log.Error("usage trigger evaluation failed", "project", projectSID, "account", accountSID, "err", err)
				}
			})
		}
		wg.Wait()
	}
}

// Idle waits until every queued evaluation has run, or ctx ends; tests
// use it to know that nothing more will fire.
func (s *Service) Idle(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.mu.Lock()
		for s.busy > 0 {
			s.idle.Wait()
		}
		s.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Evaluate checks an account's triggers watching categories (nil: all)
// against the current period's usage, and fires those whose value is
// reached and that have not fired this period. It returns the firings it
// made; another process may have made the others.
func (s *Service) Evaluate(ctx context.Context, projectSID, accountSID string, categories []string) ([]*Firing, error) {
	return s.EvaluateAt(ctx, projectSID, accountSID, categories, s.now())
}

// EvaluateAt is Evaluate as of the instant now: the period holding now,
// its usage up to now's local day, and a firing dated now. Seeded history
// (the demo) replays its days with it, so that its triggers fire on the
// days they would have.
func (s *Service) EvaluateAt(ctx context.Context, projectSID, accountSID string, categories []string, now time.Time) ([]*Firing, error) {
	var catArg any
	if categories != nil {
		catArg = categories
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+columns+`, (SELECT time_zone FROM accounts WHERE sid = $1) FROM usage_triggers
		WHERE project_sid = $1 AND account_sid = $2 AND ($3::text[] IS NULL OR usage_category = ANY($3))`, projectSID, accountSID, catArg)
	if err != nil {
		return nil, err
	}
	var all []*Trigger
	var tz string
	for rows.Next() {
		var t Trigger
		if err := rows.Scan(&t.SID, &t.ProjectSID, &t.AccountSID, &t.FriendlyName, &t.UsageCategory, &t.TriggerBy, &t.TriggerValue, &t.Recurring,
			&t.CallbackURL, &t.CallbackMethod, &t.EmailTeam, &t.EmailTo, &t.EmailLocale, &t.Revision, &t.FiredPeriod, &t.DateFired,
			&t.DateCreated, &t.DateUpdated, &tz); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, &t)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(all) == 0 {
		return nil, err
	}
	loc := projectLoc(tz)
	// Triggers that fired this period cost no usage read.
	var armed []*Trigger
	for _, t := range all {
		start, _ := Period(t.Recurring, now, loc)
		if t.FiredPeriod == nil || !t.FiredPeriod.Equal(start) {
			armed = append(armed, t)
		}
	}
	vs, err := values(ctx, s.Pool, armed, now, loc)
	if err != nil {
		return nil, err
	}
	var fired []*Firing
	for i, t := range armed {
		if vs[i].LessThan(t.TriggerValue) {
			continue
		}
		start, _ := Period(t.Recurring, now, loc)
		f, err := s.fire(ctx, t, start, vs[i], now)
		if err != nil {
			return fired, err
		}
		if f != nil {
			fired = append(fired, f)
		}
	}
	return fired, nil
}

// fire records the firing of t's current revision in the period starting
// at periodStart, with its deliveries, unless it exists or t changed since
// it was read. Two processes firing the same trigger meet on its row lock
// and on the firing's unique key: one inserts, the other finds it.
func (s *Service) fire(ctx context.Context, t *Trigger, periodStart time.Time, value decimal.Decimal, now time.Time) (*Firing, error) {
	var f *Firing
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		cur, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM usage_triggers WHERE project_sid = $1 AND sid = $2 FOR UPDATE`, t.ProjectSID, t.SID))
		if errors.Is(err, ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if cur.Revision != t.Revision {
			return nil // changed meanwhile; its update queued a new evaluation
		}
		f = &Firing{TriggerSID: t.SID, Revision: t.Revision, PeriodStart: periodStart, UsageCategory: t.UsageCategory, TriggerBy: t.TriggerBy,
			Recurring: t.Recurring, TriggerValue: t.TriggerValue, CurrentValue: value,
			IdempotencyToken: t.AccountSID + "-FIRES-" + t.SID + "-" + sqlDate(periodStart, false) + "-" + strconv.Itoa(t.Revision)}
		err = tx.QueryRow(ctx, `
			INSERT INTO usage_trigger_firings (project_sid, account_sid, trigger_sid, revision, period_start, fired_at,
				usage_category, trigger_by, recurring, trigger_value, current_value, idempotency_token)
			VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10::numeric, $11::numeric, $12)
			ON CONFLICT (project_sid, trigger_sid, revision, period_start) DO NOTHING
			RETURNING id, fired_at`,
			t.ProjectSID, t.AccountSID, t.SID, t.Revision, sqlDate(periodStart, false), now, t.UsageCategory, t.TriggerBy, t.Recurring,
			t.TriggerValue.String(), value.String(), f.IdempotencyToken).Scan(&f.ID, &f.FiredAt)
		if errors.Is(err, pgx.ErrNoRows) {
			f = nil // fired already, by this process or another
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE usage_triggers SET fired_period = $3::date, date_fired = $4 WHERE project_sid = $1 AND sid = $2`,
			t.ProjectSID, t.SID, sqlDate(periodStart, false), f.FiredAt); err != nil {
			return err
		}
		if cur.CallbackURL != "" {
			if _, err := s.Jobs.InsertTx(ctx, tx, WebhookArgs{ProjectSID: t.ProjectSID, FiringID: f.ID}, nil); err != nil {
				return err
			}
		}
		if err := s.mailFiring(ctx, tx, cur, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.System(ctx), audit.UsageTriggerFired, audit.On{Project: t.ProjectSID, Account: t.AccountSID, Target: t.SID, At: now},
			map[string]string{"friendly_name": cur.FriendlyName, "usage_category": t.UsageCategory, "trigger_by": t.TriggerBy,
				"trigger_value": t.TriggerValue.String(), "current_value": value.String(), "period_start": sqlDate(periodStart, false)})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
