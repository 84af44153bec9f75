package numbers

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// Errors of buying and keeping numbers.
var (
	ErrNotFound     = errors.New("numbers: not found")
	ErrNotAvailable = errors.New("numbers: not available")
)

// Number is a phone number an account owns.
type Number struct {
	SID, ProjectSID, AccountSID string
	PhoneNumber, FriendlyName   string
	Country, Type               string
	RecurringItem               string
	DateCreated, DateUpdated    time.Time
}

const columns = `sid, project_sid, account_sid, phone_number, friendly_name, country, number_type, recurring_item, date_created, date_updated`

func scan(row pgx.Row) (*Number, error) {
	var n Number
	err := row.Scan(&n.SID, &n.ProjectSID, &n.AccountSID, &n.PhoneNumber, &n.FriendlyName, &n.Country, &n.Type, &n.RecurringItem, &n.DateCreated, &n.DateUpdated)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &n, err
}

// Owned returns which of the numbers someone owns. It reads across
// projects on purpose: a number is owned by one account in the world.
func Owned(ctx context.Context, db database.DBTX, numbers []string) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT phone_number FROM incoming_phone_numbers WHERE released_at IS NULL AND phone_number = ANY($1)`, numbers)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	owned := make(map[string]bool, len(found))
	for _, s := range found {
		owned[s] = true
	}
	return owned, nil
}

// ByRecurringItems returns the project's kept numbers charged by the
// recurring items ids, by item ID.
func ByRecurringItems(ctx context.Context, db database.DBTX, projectSID string, ids []string) (map[string]*Number, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM incoming_phone_numbers
		WHERE project_sid = $1 AND recurring_item = ANY($2) AND released_at IS NULL`, projectSID, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byItem := make(map[string]*Number, len(ids))
	for rows.Next() {
		n, err := scan(rows)
		if err != nil {
			return nil, err
		}
		byItem[n.RecurringItem] = n
	}
	return byItem, rows.Err()
}

// Insert records a bought number in the transaction that charges its first month.
func Insert(ctx context.Context, tx pgx.Tx, n *Number) error {
	return InsertAt(ctx, tx, n, time.Time{})
}

// InsertAt is Insert with the number dated at; the zero time means now.
func InsertAt(ctx context.Context, tx pgx.Tx, n *Number, at time.Time) error {
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO incoming_phone_numbers (sid, project_sid, account_sid, phone_number, friendly_name, country, number_type, recurring_item,
			date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()), coalesce($9::timestamptz, now())) RETURNING date_created, date_updated`,
		n.SID, n.ProjectSID, n.AccountSID, n.PhoneNumber, n.FriendlyName, n.Country, n.Type, n.RecurringItem, when).Scan(&n.DateCreated, &n.DateUpdated)
	if database.IsUniqueViolation(err, "incoming_phone_numbers_owned") {
		return ErrNotAvailable
	}
	return err
}

// Get returns an account's number.
func Get(ctx context.Context, db database.DBTX, projectSID, accountSID, sid string) (*Number, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM incoming_phone_numbers
		WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND released_at IS NULL`, projectSID, accountSID, sid))
}

// GetByPhone returns the account's number phone, ErrNotFound when the
// account does not own it.
func GetByPhone(ctx context.Context, db database.DBTX, projectSID, accountSID, phone string) (*Number, error) {
	return scan(db.QueryRow(ctx, `SELECT `+columns+` FROM incoming_phone_numbers
		WHERE project_sid = $1 AND account_sid = $2 AND phone_number = $3 AND released_at IS NULL`, projectSID, accountSID, phone))
}

// List returns an account's numbers, oldest first, after the number with
// SID after, skipping offset, at most limit.
func List(ctx context.Context, db database.DBTX, projectSID, accountSID, after string, offset, limit int) ([]*Number, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM incoming_phone_numbers
		WHERE project_sid = $1 AND account_sid = $2 AND released_at IS NULL
		  AND ($3 = '' OR (date_created, sid) > (SELECT date_created, sid FROM incoming_phone_numbers WHERE project_sid = $1 AND sid = $3))
		ORDER BY date_created, sid OFFSET $4 LIMIT $5`, projectSID, accountSID, after, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Number, error) { return scan(row) })
}

// Rename changes a number's friendly name.
func Rename(ctx context.Context, db database.DBTX, projectSID, accountSID, sid, name string) (*Number, error) {
	return scan(db.QueryRow(ctx, `UPDATE incoming_phone_numbers SET friendly_name = $4, date_updated = now()
		WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND released_at IS NULL RETURNING `+columns, projectSID, accountSID, sid, name))
}

// Release gives a number up; the caller stops its recurring item in the same transaction.
func Release(ctx context.Context, tx pgx.Tx, projectSID, accountSID, sid string) (*Number, error) {
	return scan(tx.QueryRow(ctx, `UPDATE incoming_phone_numbers SET released_at = now(), date_updated = now()
		WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND released_at IS NULL RETURNING `+columns, projectSID, accountSID, sid))
}

// availablePages bounds how far Available looks into the inventory: far
// enough that owned numbers never empty a search, never an endless scan.
const availablePages = 50

// Available returns up to n numbers of the inventory that match and that
// nobody owns, in the inventory's order. It reads further pages of
// candidates as owned ones are skipped, so a search keeps finding numbers
// however many of the first ones were bought.
func Available(ctx context.Context, db database.DBTX, country, numberType, contains string, n int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for page := 0; page < availablePages && len(out) < n; page++ {
		candidates := Candidates(country, numberType, contains, page, 2*n)
		if len(candidates) == 0 {
			break
		}
		owned, err := Owned(ctx, db, candidates)
		if err != nil {
			return nil, err
		}
		for _, c := range candidates {
			if len(out) == n {
				break
			}
			if !owned[c] && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}
