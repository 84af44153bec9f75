// Package account owns accounts (a master account is what the console calls
// a project), their SIDs and their auth tokens, sealed at rest with the
// account SID as additional data.
package account

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/seal"
	"console/internal/sid"
)

// ErrNotFound is returned for an unknown SID, and for one outside the caller's scope.
var ErrNotFound = errors.New("account: not found")

// Statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusClosed    = "closed"
)

// Currencies an account may hold.
var Currencies = []string{"JPY", "USD"}

// Account is a master account (project) or a subaccount.
type Account struct {
	SID          string
	ProjectSID   string
	ParentSID    string
	FriendlyName string
	Status       string
	Type         string
	TimeZone     string
	Currency     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// SecondaryCreatedAt is set while a secondary auth token exists.
	SecondaryCreatedAt *time.Time
	// RequireTwoFactor is set on a project whose members must use 2FA.
	RequireTwoFactor bool
}

// IsProject reports whether a is a master account.
func (a *Account) IsProject() bool { return a.ParentSID == "" }

// Active reports whether a may do what costs money or changes state
// (send, call, buy, create or change its resources). A suspended or closed
// account may not, whoever asks: its own credentials, its parent's, an
// API key or the console. Services refuse it with ErrNotActive.
func (a *Account) Active() bool { return a.Status == StatusActive }

// locations caches loaded time zones: time.LoadLocation reads the zone
// file on every call, and pages ask for the project's zone each time.
var locations sync.Map

// Location is the account's time zone, UTC when it cannot be loaded.
func (a *Account) Location() *time.Location {
	if loc, ok := locations.Load(a.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return time.UTC
	}
	locations.Store(a.TimeZone, loc)
	return loc
}

// Store reads and writes accounts.
type Store struct{ box *seal.Box }

// NewStore returns a Store sealing tokens with box.
func NewStore(box *seal.Box) *Store { return &Store{box: box} }

// NewProject describes a master account to create.
type NewProject struct {
	FriendlyName string
	TimeZone     string
	Currency     string
	// CreatedAt dates the project; zero means now. Only seeded history
	// (the demo) creates a project in the past.
	CreatedAt time.Time
}

// ValidCurrency reports whether c is a supported currency.
func ValidCurrency(c string) bool {
	return slices.Contains(Currencies, c)
}

// ValidTimeZone reports whether tz names a known IANA zone.
func ValidTimeZone(tz string) bool {
	if tz == "" || tz == "Local" {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// CreateProject inserts a master account and returns it with its auth token.
func (s *Store) CreateProject(ctx context.Context, db database.DBTX, p NewProject) (*Account, string, error) {
	accSID, testSID := sid.New(sid.Account), sid.New(sid.Account)
	token := sid.Hex32()
	row := db.QueryRow(ctx, `
		INSERT INTO accounts (sid, project_sid, friendly_name, auth_token_enc, time_zone, currency, test_sid, test_token_enc, created_at, updated_at)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), coalesce($8::timestamptz, now()))
		RETURNING `+columns,
		accSID, p.FriendlyName, s.box.Seal([]byte(token), []byte(accSID)), p.TimeZone, p.Currency,
		testSID, s.box.Seal([]byte(sid.Hex32()), []byte(testSID)), optionalTime(p.CreatedAt))
	a, err := scan(row)
	return a, token, err
}

// optionalTime is a timestamptz parameter: nil (the database's now()) for
// the zero time.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

const columns = `sid, project_sid, coalesce(parent_sid, ''), friendly_name, status, type, time_zone, currency, created_at, updated_at, secondary_created_at, require_2fa`

func scan(row pgx.Row) (*Account, error) { return scanWith(row) }

const getSQL = `SELECT ` + columns + ` FROM accounts WHERE project_sid = $1 AND sid = $2`

// Get returns the account with the given SID within project projectSID.
func (s *Store) Get(ctx context.Context, db database.DBTX, projectSID, accountSID string) (*Account, error) {
	return scan(db.QueryRow(ctx, getSQL, projectSID, accountSID))
}

// QueueGet adds the Get lookup to a batch; *dst stays nil for an unknown account.
func (s *Store) QueueGet(b *pgx.Batch, projectSID, accountSID string, dst **Account) {
	b.Queue(getSQL, projectSID, accountSID).QueryRow(func(row pgx.Row) error {
		a, err := scan(row)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		*dst = a
		return err
	})
}

// AuthToken returns the account's primary auth token in clear.
func (s *Store) AuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, error) {
	var enc []byte
	err := db.QueryRow(ctx, `SELECT auth_token_enc FROM accounts WHERE project_sid = $1 AND sid = $2`, projectSID, accountSID).Scan(&enc)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	tok, err := s.box.Open(enc, []byte(accountSID))
	return string(tok), err
}

// RegenerateAuthToken replaces the primary auth token; the old one stops
// working with this transaction's commit.
func (s *Store) RegenerateAuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, error) {
	token := sid.Hex32()
	tag, err := db.Exec(ctx, `UPDATE accounts SET auth_token_enc = $3, updated_at = now() WHERE project_sid = $1 AND sid = $2`,
		projectSID, accountSID, s.box.Seal([]byte(token), []byte(accountSID)))
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() != 1 {
		return "", ErrNotFound
	}
	return token, nil
}

func scanWith(row pgx.Row, extra ...any) (*Account, error) {
	var a Account
	dest := append([]any{&a.SID, &a.ProjectSID, &a.ParentSID, &a.FriendlyName, &a.Status, &a.Type, &a.TimeZone, &a.Currency, &a.CreatedAt, &a.UpdatedAt, &a.SecondaryCreatedAt, &a.RequireTwoFactor}, extra...)
	err := row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &a, err
}

// SetRequireTwoFactor turns the project's 2FA requirement on or off.
func (s *Store) SetRequireTwoFactor(ctx context.Context, db database.DBTX, projectSID string, on bool) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET require_2fa = $2, updated_at = now() WHERE project_sid = $1 AND sid = $1`, projectSID, on)
	return err
}

// ReportedStatus is the status the API and the console show for a. A
// project suspended for lack of funds (billing's suspension, which a
// payment lifts) reports suspended on itself and every subaccount, while
// each account's own status, which a person sets and only a person lifts,
// stays as it was underneath: the two suspensions never mix.
func (a *Account) ReportedStatus(fundsSuspended bool) string {
	if fundsSuspended && a.Status == StatusActive {
		return StatusSuspended
	}
	return a.Status
}

// HoldUntilVerified makes project projectSID's API credentials answer as
// wrong ones until its owner proves their address (ReleaseVerified).
func HoldUntilVerified(ctx context.Context, db database.DBTX, projectSID string) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET pending_verification = true WHERE project_sid = $1 AND sid = $1`, projectSID)
	return err
}

// ReleaseVerified opens the API credentials of the projects held for
// userID's verification, the ones they own, and returns those projects,
// oldest first.
func ReleaseVerified(ctx context.Context, tx pgx.Tx, userID string) ([]*Account, error) {
	rows, err := tx.Query(ctx, `
		UPDATE accounts a SET pending_verification = false, updated_at = now()
		FROM memberships m
		WHERE m.user_id = $1 AND m.role = 'owner' AND m.project_sid = a.project_sid AND a.sid = a.project_sid AND a.pending_verification
		RETURNING a.sid, a.project_sid, coalesce(a.parent_sid, ''), a.friendly_name, a.status, a.type, a.time_zone, a.currency,
		          a.created_at, a.updated_at, a.secondary_created_at, a.require_2fa`, userID)
	if err != nil {
		return nil, err
	}
	held, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Account, error) { return scan(row) })
	slices.SortFunc(held, func(x, y *Account) int { return x.CreatedAt.Compare(y.CreatedAt) })
	return held, err
}
