package voice

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/usage"
)

// Why an update is refused.
var (
	// ErrInvalidState: Status=canceled for a call no longer queued or
	// ringing, or Status=completed for a call not in progress.
	ErrInvalidState = errors.New("voice: the call's status does not allow this")
	// ErrInvalidStatus: a Status other than canceled or completed.
	ErrInvalidStatus = errors.New("voice: Status is not canceled or completed")
)

// errStale: the call moved on while its step was being made.
var errStale = errors.New("voice: the call has moved on")

// advanceBatch bounds the calls one pass moves in one transaction.
const advanceBatch = 500

// Advance moves every call whose next step is due one step on, across
// all projects: queued calls ring; ringing calls are answered, or end
// busy, unanswered or failed; answered calls complete once their talk
// time is over, and are charged. Each step is dated when it was due, so a
// late pass does not stretch a call. It returns how many calls moved.
func (s *Service) Advance(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	for {
		moved, err := s.advanceRinging(ctx, now)
		n += moved
		if err != nil || moved < advanceBatch {
			if err != nil {
				return n, err
			}
			break
		}
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+columns+` FROM calls WHERE next_at <= $1 AND status = 'in-progress' ORDER BY next_at LIMIT $2`,
		now, advanceBatch)
	if err != nil {
		return n, err
	}
	due, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Call, error) { return scan(row) })
	if err != nil {
		return n, err
	}
	for _, c := range due {
		err := s.finish(ctx, c, *c.NextAt, nil)
		if errors.Is(err, errStale) {
			continue // ended by its caller, or by another pass
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// advanceRinging moves the due calls that are queued or ringing, which
// costs nothing, in one transaction.
func (s *Service) advanceRinging(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM calls WHERE next_at <= $1 AND status IN ('queued', 'ringing')
			ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED`, now, advanceBatch)
		if err != nil {
			return err
		}
		due, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Call, error) { return scan(row) })
		if err != nil {
			return err
		}
		for _, c := range due {
			if err := s.step(ctx, tx, c); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// step moves a queued or ringing call, locked in tx, one status on.
func (s *Service) step(ctx context.Context, tx pgx.Tx, c *Call) error {
	at := *c.NextAt
	if c.Status == StatusQueued {
		// Leaving the queue, the call is handed to the network: Twilio's
		// initiated event.
		if err := s.notify(ctx, tx, c, EventInitiated, at); err != nil {
			return err
		}
	}
	switch {
	case c.Status == StatusQueued && c.Outcome == OutcomeFailed:
		return s.endUnconnected(ctx, tx, c, StatusFailed, at)
	case c.Status == StatusQueued:
		next := at.Add(s.ring())
		if err := s.set(ctx, tx, c, `status = 'ringing', next_at = $3, date_updated = $4`, next, at); err != nil {
			return err
		}
		c.Status = StatusRinging
		return s.notify(ctx, tx, c, EventRinging, at)
	case c.Outcome == OutcomeAnswered:
		next := at.Add(time.Duration(c.TalkSeconds) * time.Second)
		if err := s.set(ctx, tx, c, `status = 'in-progress', start_time = $4, next_at = $3, date_updated = $4`, next, at); err != nil {
			return err
		}
		c.Status = StatusInProgress
		return s.notify(ctx, tx, c, EventAnswered, at)
	default:
		return s.endUnconnected(ctx, tx, c, c.Outcome, at)
	}
}

// set updates the call c with the SET clause assignments, whose
// arguments are $3 and on.
func (s *Service) set(ctx context.Context, tx pgx.Tx, c *Call, assignments string, args ...any) error {
	_, err := tx.Exec(ctx, `UPDATE calls SET `+assignments+` WHERE project_sid = $1 AND sid = $2`,
		append([]any{c.ProjectSID, c.SID}, args...)...)
	return err
}

// endUnconnected ends c, which never connected, with status at: it talked
// for nothing and costs nothing.
func (s *Service) endUnconnected(ctx context.Context, tx pgx.Tx, c *Call, status string, at time.Time) error {
	if err := s.set(ctx, tx, c, `status = $3, duration = 0, end_time = $4, next_at = NULL, date_updated = $4`, status, at); err != nil {
		return err
	}
	c.Status = status
	return s.notify(ctx, tx, c, EventCompleted, at)
}

// finish completes the in-progress call c at end and charges its started
// minutes (at least one: it connected) with its usage event, in the
// debit's transaction; by, when set, is who hung up, audited. The call is
// charged even when the balance no longer covers it: it has been made, and
// the balance goes below zero. It returns errStale when the call is no
// longer in progress.
func (s *Service) finish(ctx context.Context, c *Call, end time.Time, by *audit.Actor) error {
	seconds := max(1, int(math.Ceil(end.Sub(*c.StartTime).Seconds())))
	minutes := Minutes(seconds)
	price := c.Rate.Mul(decimal.NewFromInt(int64(minutes)))
	source := "call:" + c.SID
	apply := func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE calls SET status = 'completed', duration = $3, price = $4::numeric, end_time = $5, next_at = NULL, date_updated = $5
			WHERE project_sid = $1 AND sid = $2 AND status = 'in-progress'`, c.ProjectSID, c.SID, seconds, price.String(), end)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errStale
		}
		err = usage.Record(ctx, tx, usage.Event{ProjectSID: c.ProjectSID, AccountSID: c.AccountSID, Category: usage.CallsOutbound,
			Count: 1, Usage: decimal.NewFromInt(int64(minutes)), Price: price, Source: c.SID})
		if err != nil {
			return err
		}
		done := *c
		done.Status, done.Duration = StatusCompleted, seconds
		if err := s.notify(ctx, tx, &done, EventCompleted, end); err != nil {
			return err
		}
		if by == nil {
			return nil
		}
		return audit.Record(ctx, tx, *by, audit.CallEnded, audit.On{Project: c.ProjectSID, Account: c.AccountSID, Target: c.SID},
			map[string]string{"status": StatusCompleted})
	}
	err := s.Ledger.Debit(ctx, billing.Debit{ProjectSID: c.ProjectSID, AccountSID: c.AccountSID, Kind: billing.KindUsage,
		Source: source, Amount: price, Note: usage.CallsOutbound, Apply: apply})
	if errors.Is(err, billing.ErrInsufficientFunds) || errors.Is(err, billing.ErrSuspended) {
		err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			if err := apply(ctx, tx); err != nil {
				return err
			}
			return billing.Post(ctx, tx, c.ProjectSID, c.AccountSID, billing.KindUsage, source, price.Neg(), usage.CallsOutbound)
		})
	}
	// A call finished twice at once (its caller hangs up as its time runs
	// out) is charged once: the second finds its source in the ledger.
	var pgErr *pgconn.PgError
	if errors.Is(err, billing.ErrDuplicate) || errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return errStale
	}
	return err
}

// Update ends acc's call callSID early, as its caller asked by actor by:
// Status canceled hangs up a call still queued or ringing, which costs
// nothing; completed hangs up a call in progress, charged for the minutes
// it lasted. A suspended account may still hang up: that only stops a
// cost. It returns the call as it is then, or ErrNotFound,
// ErrInvalidStatus or ErrInvalidState.
func (s *Service) Update(ctx context.Context, by audit.Actor, acc *account.Account, callSID, status string) (*Call, error) {
	switch status {
	case StatusCanceled:
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			c, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM calls WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 FOR UPDATE`,
				acc.ProjectSID, acc.SID, callSID))
			if err != nil {
				return err
			}
			if !slices.Contains([]string{StatusQueued, StatusRinging}, c.Status) {
				return ErrInvalidState
			}
			if err := s.endUnconnected(ctx, tx, c, StatusCanceled, s.now()); err != nil {
				return err
			}
			return audit.Record(ctx, tx, by, audit.CallEnded, audit.On{Project: c.ProjectSID, Account: c.AccountSID, Target: c.SID},
				map[string]string{"status": StatusCanceled})
		})
		if err != nil {
			return nil, err
		}
	case StatusCompleted:
		c, err := get(ctx, s.Pool, acc.ProjectSID, acc.SID, callSID)
		if err != nil {
			return nil, err
		}
		if c.Status != StatusInProgress {
			return nil, ErrInvalidState
		}
		// A call whose time ran out before the network's pass ended then.
		err = s.finish(ctx, c, minTime(s.now(), *c.NextAt), &by)
		if errors.Is(err, errStale) {
			return nil, ErrInvalidState
		}
		if err != nil {
			return nil, err
		}
	default:
		return nil, ErrInvalidStatus
	}
	return get(ctx, s.Pool, acc.ProjectSID, acc.SID, callSID)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
