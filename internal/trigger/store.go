package trigger

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/audit"
	"console/internal/database"
	"console/internal/sid"
)

// Prefix is the SID prefix of usage triggers.
const Prefix = "UT"

const columns = `sid, project_sid, account_sid, friendly_name, usage_category, trigger_by, trigger_value, recurring,
	callback_url, callback_method, email_team, email_to, email_locale, revision, fired_period, date_fired, date_created, date_updated`

func scan(row pgx.Row) (*Trigger, error) {
	var t Trigger
	err := row.Scan(&t.SID, &t.ProjectSID, &t.AccountSID, &t.FriendlyName, &t.UsageCategory, &t.TriggerBy, &t.TriggerValue, &t.Recurring,
		&t.CallbackURL, &t.CallbackMethod, &t.EmailTeam, &t.EmailTo, &t.EmailLocale, &t.Revision, &t.FiredPeriod, &t.DateFired,
		&t.DateCreated, &t.DateUpdated)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func scanAll(rows pgx.Rows, err error) ([]*Trigger, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Trigger, error) { return scan(row) })
}

// Get returns one trigger of an account.
func Get(ctx context.Context, db database.DBTX, projectSID, accountSID, triggerSID string) (*Trigger, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM usage_triggers WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`,
		projectSID, accountSID, triggerSID))
}

// Filter narrows a list of triggers; empty fields do not filter.
type Filter struct {
	Recurring, TriggerBy, UsageCategory string
}

// List returns an account's triggers, newest first, after the trigger with
// SID after (a page token; "" for the start), skipping offset, at most limit.
func List(ctx context.Context, db database.DBTX, projectSID, accountSID string, f Filter, after string, offset, limit int) ([]*Trigger, error) {
	return scanAll(db.Query(ctx, `SELECT `+columns+` FROM usage_triggers
		WHERE project_sid = $1 AND account_sid = $2
		  AND ($3 = '' OR recurring = $3) AND ($4 = '' OR trigger_by = $4) AND ($5 = '' OR usage_category = $5)
		  AND ($6 = '' OR (date_created, sid) < (SELECT date_created, sid FROM usage_triggers WHERE project_sid = $1 AND sid = $6))
		ORDER BY date_created DESC, sid DESC OFFSET $7 LIMIT $8`,
		projectSID, accountSID, f.Recurring, f.TriggerBy, f.UsageCategory, after, offset, limit))
}

// Get returns one trigger of an account; ErrNotFound for another
// account's, another tenant's included.
func (s *Service) Get(ctx context.Context, projectSID, accountSID, triggerSID string) (*Trigger, error) {
	return Get(ctx, s.Pool, projectSID, accountSID, triggerSID)
}

// List returns an account's triggers as List does, each with the value
// of its current period, read in one round trip.
func (s *Service) List(ctx context.Context, projectSID, accountSID string, f Filter, after string, offset, limit int) ([]*Trigger, error) {
	ts, err := List(ctx, s.Pool, projectSID, accountSID, f, after, offset, limit)
	if err != nil {
		return nil, err
	}
	return ts, s.FillCurrentValues(ctx, projectSID, ts...)
}

// History returns a trigger's firings with their deliveries, newest
// first, from the one after the firing with ID before (0 for the newest).
func (s *Service) History(ctx context.Context, projectSID, accountSID, triggerSID string, before int64, limit int) ([]*Firing, error) {
	return history(ctx, s.Pool, projectSID, accountSID, triggerSID, before, limit)
}

// Create saves a new trigger of an account of the project, resolving a +N
// offset against the current value, and audits it, by actor by, in the
// same transaction. It returns Problems for a bad spec and ErrNotFound for
// an account outside the project. A trigger whose value is already reached fires at once.
func (s *Service) Create(ctx context.Context, by audit.Actor, projectSID, accountSID string, spec Spec) (*Trigger, error) {
	t, err := s.create(ctx, by, projectSID, accountSID, spec, time.Time{})
	if err != nil {
		return nil, err
	}
	s.Notify(projectSID, accountSID, nil)
	return t, nil
}

// CreateAt is Create as of the instant at: the trigger and its entry are
// dated at, a +N offset is taken from the value then, and it is evaluated
// as of at, before CreateAt returns. Only seeded history (the demo)
// creates a trigger in the past, then replays its days with EvaluateAt.
func (s *Service) CreateAt(ctx context.Context, by audit.Actor, projectSID, accountSID string, spec Spec, at time.Time) (*Trigger, error) {
	t, err := s.create(ctx, by, projectSID, accountSID, spec, at)
	if err != nil {
		return nil, err
	}
	if _, err := s.EvaluateAt(ctx, projectSID, accountSID, nil, at); err != nil {
		return nil, err
	}
	return t, nil
}

// create saves a trigger dated at (zero: now).
func (s *Service) create(ctx context.Context, by audit.Actor, projectSID, accountSID string, spec Spec, at time.Time) (*Trigger, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	var t *Trigger
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := s.resolveOffset(ctx, tx, projectSID, accountSID, &spec, when); err != nil {
			return err
		}
		var err error
		t, err = scan(tx.QueryRow(ctx, `
			INSERT INTO usage_triggers (sid, project_sid, account_sid, friendly_name, usage_category, trigger_by, trigger_value, recurring,
				callback_url, callback_method, email_team, email_to, email_locale, date_created, date_updated)
			SELECT $1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10, $11, $12, $13, coalesce($14::timestamptz, now()), coalesce($14::timestamptz, now())
			FROM accounts WHERE sid = $3 AND project_sid = $2
			RETURNING `+columns,
			sid.New(Prefix), projectSID, accountSID, spec.FriendlyName, spec.UsageCategory, spec.TriggerBy, spec.TriggerValue.String(), spec.Recurring,
			spec.CallbackURL, spec.CallbackMethod, spec.EmailTeam, emptyIfNil(spec.EmailTo), spec.EmailLocale, when))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UsageTriggerCreated, audit.On{Project: t.ProjectSID, Account: t.AccountSID, Target: t.SID, At: at}, details(t))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Update changes a trigger: change gets the current spec (with Offset
// false) and edits it; the result is checked and saved, and audited, all
// under the trigger's row lock. A change of category, field, value or
// period re-arms the trigger: it may fire again in the current period,
// as a new trigger would.
func (s *Service) Update(ctx context.Context, by audit.Actor, projectSID, accountSID, triggerSID string, change func(*Spec) error) (*Trigger, error) {
	var t *Trigger
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		old, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM usage_triggers WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 FOR UPDATE`,
			projectSID, accountSID, triggerSID))
		if err != nil {
			return err
		}
		spec := old.Spec
		spec.EmailTo = append([]string(nil), old.EmailTo...)
		if err := change(&spec); err != nil {
			return err
		}
		if err := spec.Validate(); err != nil {
			return err
		}
		if err := s.resolveOffset(ctx, tx, projectSID, accountSID, &spec, nil); err != nil {
			return err
		}
		rearm := spec.UsageCategory != old.UsageCategory || spec.TriggerBy != old.TriggerBy || !spec.TriggerValue.Equal(old.TriggerValue) ||
			spec.Recurring != old.Recurring
		t, err = scan(tx.QueryRow(ctx, `
			UPDATE usage_triggers SET friendly_name = $4, usage_category = $5, trigger_by = $6, trigger_value = $7::numeric, recurring = $8,
				callback_url = $9, callback_method = $10, email_team = $11, email_to = $12, email_locale = $13,
				revision = revision + CASE WHEN $14 THEN 1 ELSE 0 END,
				fired_period = CASE WHEN $14 THEN NULL ELSE fired_period END, date_updated = now()
			WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 RETURNING `+columns,
			projectSID, accountSID, triggerSID, spec.FriendlyName, spec.UsageCategory, spec.TriggerBy, spec.TriggerValue.String(), spec.Recurring,
			spec.CallbackURL, spec.CallbackMethod, spec.EmailTeam, emptyIfNil(spec.EmailTo), spec.EmailLocale, rearm))
		if err != nil {
			return err
		}
		return record(ctx, tx, by, t, audit.UsageTriggerUpdated, details(t))
	})
	if err != nil {
		return nil, err
	}
	s.Notify(projectSID, accountSID, nil)
	return t, nil
}

// Delete removes a trigger with its history, audited; pending deliveries
// of its firings are dropped.
func (s *Service) Delete(ctx context.Context, by audit.Actor, projectSID, accountSID, triggerSID string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		t, err := scan(tx.QueryRow(ctx, `DELETE FROM usage_triggers WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 RETURNING `+columns,
			projectSID, accountSID, triggerSID))
		if err != nil {
			return err
		}
		return record(ctx, tx, by, t, audit.UsageTriggerDeleted, map[string]string{"friendly_name": t.FriendlyName})
	})
}

// resolveOffset turns a +N value into an absolute one, against the
// current period's value (of the period holding at, when set), and checks
// that the value is positive.
func (s *Service) resolveOffset(ctx context.Context, tx pgx.Tx, projectSID, accountSID string, spec *Spec, at *time.Time) error {
	if spec.Offset {
		loc, err := projectLocation(ctx, tx, projectSID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.now()
		if at != nil {
			now = *at
		}
		cur, err := Value(ctx, tx, projectSID, accountSID, spec.UsageCategory, spec.TriggerBy, spec.Recurring, now, loc)
		if err != nil {
			return err
		}
		spec.TriggerValue, spec.Offset = cur.Add(spec.TriggerValue), false
	}
	if spec.TriggerValue.Sign() <= 0 {
		return Problems{{FieldTriggerValue, ReasonNotPositive}}
	}
	return nil
}

func record(ctx context.Context, tx pgx.Tx, by audit.Actor, t *Trigger, action string, d map[string]string) error {
	return audit.Record(ctx, tx, by, action, audit.On{Project: t.ProjectSID, Account: t.AccountSID, Target: t.SID}, d)
}

func details(t *Trigger) map[string]string {
	return map[string]string{"friendly_name": t.FriendlyName, "usage_category": t.UsageCategory, "trigger_by": t.TriggerBy,
		"trigger_value": t.TriggerValue.String(), "recurring": t.Recurring, "callback_url": t.CallbackURL, "callback_method": t.CallbackMethod}
}

func emptyIfNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// FillCurrentValues sets the CurrentValue of triggers of one project to
// the value of their current period, in one round trip.
func (s *Service) FillCurrentValues(ctx context.Context, projectSID string, ts ...*Trigger) error {
	if len(ts) == 0 {
		return nil
	}
	loc, err := projectLocation(ctx, s.Pool, projectSID)
	if err != nil {
		return err
	}
	vs, err := values(ctx, s.Pool, ts, s.now(), loc)
	if err != nil {
		return err
	}
	for i, t := range ts {
		t.CurrentValue = vs[i]
	}
	return nil
}

// Firing is one time a trigger fired, with its deliveries.
type Firing struct {
	ID          int64
	TriggerSID  string
	Revision    int
	PeriodStart time.Time // a local date at midnight UTC; zero for alltime
	FiredAt     time.Time
	// What the trigger was when it fired.
	UsageCategory, TriggerBy, Recurring string
	TriggerValue, CurrentValue          decimal.Decimal
	IdempotencyToken                    string
	// Attempts are the webhook's delivery attempts, oldest first.
	Attempts []Attempt
	// Emails are the mails sent, with their delivery status.
	Emails []Email
}

// Attempt is one webhook delivery attempt.
type Attempt struct {
	Attempt    int
	At         time.Time
	Method     string
	URL        string
	StatusCode int // 0 when no response came
	Error      string
	Failure    string // why it failed, a webhook.Failure… kind; "" when delivered
	Duration   time.Duration
}

// OK reports whether the attempt delivered the webhook (a 2xx answer).
func (a Attempt) OK() bool { return a.StatusCode >= 200 && a.StatusCode <= 299 && a.Error == "" }

// Email is one mail a firing sent.
type Email struct {
	To        string
	Locale    string
	SentAt    *time.Time
	Attempts  int
	LastError string
}

// history is a page of a trigger's firings, newest first, at most limit,
// from the one after the firing with ID before (0 for the newest), each
// with its webhook attempts and mails.
func history(ctx context.Context, db database.DBTX, projectSID, accountSID, triggerSID string, before int64, limit int) ([]*Firing, error) {
	rows, err := db.Query(ctx, `
		SELECT id, trigger_sid, revision, period_start, fired_at, usage_category, trigger_by, recurring, trigger_value, current_value, idempotency_token
		FROM usage_trigger_firings WHERE project_sid = $1 AND account_sid = $2 AND trigger_sid = $3
		  AND ($4 = 0 OR (fired_at, id) < (SELECT fired_at, id FROM usage_trigger_firings WHERE project_sid = $1 AND id = $4))
		ORDER BY fired_at DESC, id DESC LIMIT $5`, projectSID, accountSID, triggerSID, before, limit)
	if err != nil {
		return nil, err
	}
	var out []*Firing
	byID := map[int64]*Firing{}
	var ids []int64
	for rows.Next() {
		var f Firing
		if err := rows.Scan(&f.ID, &f.TriggerSID, &f.Revision, &f.PeriodStart, &f.FiredAt, &f.UsageCategory, &f.TriggerBy, &f.Recurring,
			&f.TriggerValue, &f.CurrentValue, &f.IdempotencyToken); err != nil {
			rows.Close()
			return nil, err
		}
		if f.Recurring == AllTime {
			f.PeriodStart = time.Time{}
		}
		out = append(out, &f)
		byID[f.ID] = &f
		ids = append(ids, f.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	rows, err = db.Query(ctx, `SELECT firing_id, attempt, at, method, url, coalesce(status_code, 0), error, failure, duration_ms
		FROM usage_trigger_attempts WHERE project_sid = $1 AND firing_id = ANY($2) ORDER BY id`, projectSID, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var a Attempt
		var ms int
		if err := rows.Scan(&id, &a.Attempt, &a.At, &a.Method, &a.URL, &a.StatusCode, &a.Error, &a.Failure, &ms); err != nil {
			rows.Close()
			return nil, err
		}
		a.Duration = time.Duration(ms) * time.Millisecond
		byID[id].Attempts = append(byID[id].Attempts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT e.firing_id, e.to_addr, m.locale, m.sent_at, m.attempts, m.last_error
		FROM usage_trigger_emails e JOIN mail_outbox m ON m.id = e.outbox_id
		WHERE e.project_sid = $1 AND e.firing_id = ANY($2) ORDER BY e.outbox_id`, projectSID, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e Email
		if err := rows.Scan(&id, &e.To, &e.Locale, &e.SentAt, &e.Attempts, &e.LastError); err != nil {
			return nil, err
		}
		byID[id].Emails = append(byID[id].Emails, e)
	}
	return out, rows.Err()
}
