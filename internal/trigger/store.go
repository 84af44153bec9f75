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

// Create saves a new trigger of an account of the project, resolving a +N
// offset against the current value, and audits it in the same transaction
// (by names the actor: Actor, ActorUserID, IP, Details). It returns a
// *FieldError for a bad spec and ErrNotFound for an account outside the
// project. A trigger whose value is already reached fires at once.
func (s *Service) Create(ctx context.Context, by audit.Entry, projectSID, accountSID string, spec Spec) (*Trigger, error) {
	if err := spec.normalize(); err != nil {
		return nil, err
	}
	var t *Trigger
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := s.resolveOffset(ctx, tx, projectSID, accountSID, &spec); err != nil {
			return err
		}
		var err error
		t, err = scan(tx.QueryRow(ctx, `
			INSERT INTO usage_triggers (sid, project_sid, account_sid, friendly_name, usage_category, trigger_by, trigger_value, recurring,
				callback_url, callback_method, email_team, email_to, email_locale)
			SELECT $1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10, $11, $12, $13 FROM accounts WHERE sid = $3 AND project_sid = $2
			RETURNING `+columns,
			sid.New(Prefix), projectSID, accountSID, spec.FriendlyName, spec.UsageCategory, spec.TriggerBy, spec.TriggerValue.String(), spec.Recurring,
			spec.CallbackURL, spec.CallbackMethod, spec.EmailTeam, emptyIfNil(spec.EmailTo), spec.EmailLocale))
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, t, "usage_trigger.created", details(t))
	})
	if err != nil {
		return nil, err
	}
	s.Notify(projectSID, accountSID, nil)
	return t, nil
}

// Update changes a trigger: change gets the current spec (with Offset
// false) and edits it; the result is checked and saved, and audited, all
// under the trigger's row lock. A change of category, field, value or
// period re-arms the trigger: it may fire again in the current period,
// as a new trigger would.
func (s *Service) Update(ctx context.Context, by audit.Entry, projectSID, accountSID, triggerSID string, change func(*Spec) error) (*Trigger, error) {
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
		if err := spec.normalize(); err != nil {
			return err
		}
		if err := s.resolveOffset(ctx, tx, projectSID, accountSID, &spec); err != nil {
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
		return s.audit(ctx, tx, by, t, "usage_trigger.updated", details(t))
	})
	if err != nil {
		return nil, err
	}
	s.Notify(projectSID, accountSID, nil)
	return t, nil
}

// Delete removes a trigger with its history, audited; pending deliveries
// of its firings are dropped.
func (s *Service) Delete(ctx context.Context, by audit.Entry, projectSID, accountSID, triggerSID string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		t, err := scan(tx.QueryRow(ctx, `DELETE FROM usage_triggers WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 RETURNING `+columns,
			projectSID, accountSID, triggerSID))
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, t, "usage_trigger.deleted", map[string]string{"friendly_name": t.FriendlyName})
	})
}

// resolveOffset turns a +N value into an absolute one, against the
// current period's value, and checks that the value is positive.
func (s *Service) resolveOffset(ctx context.Context, tx pgx.Tx, projectSID, accountSID string, spec *Spec) error {
	if spec.Offset {
		loc, err := projectLocation(ctx, tx, projectSID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		cur, err := Value(ctx, tx, projectSID, accountSID, spec.UsageCategory, spec.TriggerBy, spec.Recurring, s.now(), loc)
		if err != nil {
			return err
		}
		spec.TriggerValue, spec.Offset = cur.Add(spec.TriggerValue), false
	}
	if spec.TriggerValue.Sign() <= 0 {
		return &FieldError{FieldTriggerValue, ReasonNotPositive}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, tx pgx.Tx, by audit.Entry, t *Trigger, action string, d map[string]string) error {
	by.ProjectSID, by.AccountSID, by.Action, by.Target = t.ProjectSID, t.AccountSID, action, t.SID
	if by.Details == nil {
		by.Details = map[string]string{}
	}
	for k, v := range d {
		by.Details[k] = v
	}
	return audit.Write(ctx, tx, by)
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
func (s *Service) FillCurrentValues(ctx context.Context, db DB, projectSID string, ts ...*Trigger) error {
	if len(ts) == 0 {
		return nil
	}
	loc, err := projectLocation(ctx, db, projectSID)
	if err != nil {
		return err
	}
	vs, err := values(ctx, db, ts, s.now(), loc)
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

// History returns a trigger's firings, newest first, at most limit, each
// with its webhook attempts and mails.
func History(ctx context.Context, db database.DBTX, projectSID, accountSID, triggerSID string, limit int) ([]*Firing, error) {
	rows, err := db.Query(ctx, `
		SELECT id, trigger_sid, revision, period_start, fired_at, usage_category, trigger_by, recurring, trigger_value, current_value, idempotency_token
		FROM usage_trigger_firings WHERE project_sid = $1 AND account_sid = $2 AND trigger_sid = $3
		ORDER BY fired_at DESC, id DESC LIMIT $4`, projectSID, accountSID, triggerSID, limit)
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
