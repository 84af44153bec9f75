package account

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/sid"
)

// Errors of subaccount management.
var (
	ErrLimit        = errors.New("account: subaccount limit reached")
	ErrClosed       = errors.New("account: closed accounts cannot be reopened")
	ErrMasterStatus = errors.New("account: a master account's status is not changed here")
	ErrBadStatus    = errors.New("account: unknown status")
)

// DefaultSubaccountLimit bounds subaccounts per project unless configured.
const DefaultSubaccountLimit = 1000

// CreateSubaccount adds a subaccount under the master account parent,
// inheriting its time zone and currency. The parent row is locked so that
// concurrent creations cannot pass the limit together.
func (s *Store) CreateSubaccount(ctx context.Context, tx pgx.Tx, parent *Account, friendlyName string, limit int) (*Account, string, error) {
	return s.CreateSubaccountAt(ctx, tx, parent, friendlyName, limit, time.Time{})
}

// CreateSubaccountAt is CreateSubaccount with the subaccount dated at; the
// zero time means now. Only seeded history (the demo) dates one in the past.
func (s *Store) CreateSubaccountAt(ctx context.Context, tx pgx.Tx, parent *Account, friendlyName string, limit int, at time.Time) (*Account, string, error) {
	if !parent.IsProject() {
		return nil, "", ErrNotFound
	}
	// Lock first, count after: in READ COMMITTED the count must come from
	// a statement that starts once the lock is held, or it would not see
	// the subaccounts that the previous holder created.
	var locked string
	err := tx.QueryRow(ctx, `SELECT sid FROM accounts WHERE project_sid = $1 AND sid = $1 FOR UPDATE`, parent.SID).Scan(&locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE project_sid = $1 AND parent_sid = $1`, parent.SID).Scan(&n); err != nil {
		return nil, "", err
	}
	if n >= limit {
		return nil, "", ErrLimit
	}
	accSID, testSID := sid.New(sid.Account), sid.New(sid.Account)
	token := sid.Hex32()
	a, err := scan(tx.QueryRow(ctx, `
		INSERT INTO accounts (sid, project_sid, parent_sid, friendly_name, auth_token_enc, time_zone, currency, type, test_sid, test_token_enc,
			created_at, updated_at)
		SELECT $1, p.sid, p.sid, $2, $3, p.time_zone, p.currency, p.type, $4, $5, coalesce($7::timestamptz, now()), coalesce($7::timestamptz, now())
		FROM accounts p WHERE p.sid = $6
		RETURNING `+columns,
		accSID, friendlyName, s.box.Seal([]byte(token), []byte(accSID)), testSID, s.box.Seal([]byte(sid.Hex32()), []byte(testSID)), parent.SID,
		optionalTime(at)))
	return a, token, err
}

// Filter narrows a list of accounts.
type Filter struct {
	FriendlyName string
	// Status keeps the accounts that report it (see ReportedStatus).
	Status string
	// FundsSuspended is set while the project is suspended for lack of
	// funds, which its accounts report as their status.
	FundsSuspended bool
}

// List returns the accounts viewer may see (itself and, for a master
// account, its subaccounts), oldest first, after the account with SID
// after (a page token), at most limit of them, skipping offset.
func (s *Store) List(ctx context.Context, db database.DBTX, viewer *Account, f Filter, after string, offset, limit int) ([]*Account, error) {
	rows, err := db.Query(ctx, `
		SELECT `+columns+` FROM accounts a
		WHERE project_sid = $1 AND (sid = $2 OR parent_sid = $2)
		  AND ($3 = '' OR friendly_name = $3) AND ($4 = '' OR (CASE WHEN $8 AND status = 'active' THEN 'suspended' ELSE status END) = $4)
		  AND ($5 = '' OR (created_at, sid) > (SELECT created_at, sid FROM accounts WHERE project_sid = $1 AND sid = $5))
		ORDER BY created_at, sid OFFSET $6 LIMIT $7`,
		viewer.ProjectSID, viewer.SID, f.FriendlyName, f.Status, after, offset, limit, f.FundsSuspended)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Account, error) { return scanWith(row) })
}

// Subaccounts lists a project's subaccounts, newest first, for the console.
func (s *Store) Subaccounts(ctx context.Context, db database.DBTX, projectSID string) ([]*Account, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM accounts WHERE project_sid = $1 AND parent_sid = $1 ORDER BY created_at DESC, sid`, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Account, error) { return scanWith(row) })
}

// SetFriendlyName renames an account.
func (s *Store) SetFriendlyName(ctx context.Context, db database.DBTX, projectSID, accountSID, name string) (*Account, error) {
	return scan(db.QueryRow(ctx, `UPDATE accounts SET friendly_name = $3, updated_at = now() WHERE project_sid = $1 AND sid = $2 RETURNING `+columns,
		projectSID, accountSID, name))
}

// ValidStatus reports whether st is an account status.
func ValidStatus(st string) bool {
	return st == StatusActive || st == StatusSuspended || st == StatusClosed
}

// SetStatus suspends, reactivates or closes a subaccount. Closing is
// final: a closed account's status never changes again.
func (s *Store) SetStatus(ctx context.Context, db database.DBTX, projectSID, accountSID, status string) (*Account, error) {
	if !ValidStatus(status) {
		return nil, ErrBadStatus
	}
	cur, err := s.Get(ctx, db, projectSID, accountSID)
	if err != nil {
		return nil, err
	}
	if cur.IsProject() {
		return nil, ErrMasterStatus
	}
	if cur.Status == StatusClosed {
		if status == StatusClosed {
			return cur, nil
		}
		return nil, ErrClosed
	}
	a, err := scan(db.QueryRow(ctx, `
		UPDATE accounts SET status = $3, updated_at = now(), closed_at = CASE WHEN $3 = 'closed' THEN now() END
		WHERE project_sid = $1 AND sid = $2 AND status <> 'closed' RETURNING `+columns, projectSID, accountSID, status))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrClosed // closed meanwhile
	}
	return a, err
}

// SetTimeZone changes a project's time zone.
func (s *Store) SetTimeZone(ctx context.Context, db database.DBTX, projectSID, tz string) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET time_zone = $2, updated_at = now() WHERE project_sid = $1`, projectSID, tz)
	return err
}

// SetCurrency changes the currency of a project and its subaccounts.
func (s *Store) SetCurrency(ctx context.Context, db database.DBTX, projectSID, currency string) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET currency = $2, updated_at = now() WHERE project_sid = $1`, projectSID, currency)
	return err
}

// DefaultSubaccountName is Twilio's default friendly name for a subaccount.
func DefaultSubaccountName(t time.Time) string {
	return "SubAccount Created at " + t.UTC().Format("2006-01-02 03:04 pm")
}
