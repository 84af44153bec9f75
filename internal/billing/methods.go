package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/sid"
)

// ErrNotFound is returned for an unknown card or payment.
var ErrNotFound = errors.New("billing: not found")

// Method is a saved card.
type Method struct {
	ID         string
	ProjectSID string
	Holder     string
	Brand      string
	Last4      string
	ExpMonth   int
	ExpYear    int
	Token      string
	Position   int
	CreatedAt  time.Time
}

// Label is how people tell cards apart: "Visa •••• 4242".
func (m *Method) Label() string { return fmt.Sprintf("%s •••• %s", m.Brand, m.Last4) }

// Primary reports whether this is the card tried first.
func (m *Method) Primary() bool { return m.Position == 0 }

const methodColumns = `id, project_sid, holder, brand, last4, exp_month, exp_year, gateway_token, position, created_at`

func scanMethod(row pgx.Row) (*Method, error) {
	var m Method
	err := row.Scan(&m.ID, &m.ProjectSID, &m.Holder, &m.Brand, &m.Last4, &m.ExpMonth, &m.ExpYear, &m.Token, &m.Position, &m.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &m, err
}

// AddMethod saves a tokenized card as the last backup.
func AddMethod(ctx context.Context, tx pgx.Tx, projectSID string, c Card, tok Tokenized) (*Method, error) {
	return AddMethodAt(ctx, tx, projectSID, c, tok, time.Time{})
}

// AddMethodAt is AddMethod with the card dated at (zero: now); only
// seeded history (the demo) dates a card in the past.
func AddMethodAt(ctx context.Context, tx pgx.Tx, projectSID string, c Card, tok Tokenized, at time.Time) (*Method, error) {
	if err := LockProject(ctx, tx, projectSID); err != nil {
		return nil, err
	}
	return scanMethod(tx.QueryRow(ctx, `
		INSERT INTO payment_methods (id, project_sid, holder, brand, last4, exp_month, exp_year, gateway_token, position, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT coalesce(max(position) + 1, 0) FROM payment_methods WHERE project_sid = $2),
			coalesce($9::timestamptz, now()))
		RETURNING `+methodColumns,
		sid.New("PM"), projectSID, c.Holder, tok.Brand, tok.Last4, c.ExpMonth, c.ExpYear, tok.Token, optionalTime(at)))
}

// Methods lists a project's cards, the primary first.
func Methods(ctx context.Context, db database.DBTX, projectSID string) ([]*Method, error) {
	rows, err := db.Query(ctx, `SELECT `+methodColumns+` FROM payment_methods WHERE project_sid = $1 ORDER BY position, created_at`, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Method, error) { return scanMethod(row) })
}

// GetMethod returns one of a project's cards.
func GetMethod(ctx context.Context, db database.DBTX, projectSID, id string) (*Method, error) {
	return scanMethod(db.QueryRow(ctx, `SELECT `+methodColumns+` FROM payment_methods WHERE project_sid = $1 AND id = $2`, projectSID, id))
}

// moveMethod puts a card at position to (0 makes it the primary) and
// renumbers the others in their order.
func moveMethod(ctx context.Context, tx pgx.Tx, projectSID, id string, to int) error {
	ms, err := Methods(ctx, tx, projectSID)
	if err != nil {
		return err
	}
	var moved *Method
	var rest []*Method
	for _, m := range ms {
		if m.ID == id {
			moved = m
		} else {
			rest = append(rest, m)
		}
	}
	if moved == nil {
		return ErrNotFound
	}
	to = max(0, min(to, len(rest)))
	order := append(append(append([]*Method{}, rest[:to]...), moved), rest[to:]...)
	for i, m := range order {
		if _, err := tx.Exec(ctx, `UPDATE payment_methods SET position = $3 WHERE project_sid = $1 AND id = $2`, projectSID, m.ID, i); err != nil {
			return err
		}
	}
	return nil
}

// removeMethod deletes a card; the others close ranks.
func removeMethod(ctx context.Context, tx pgx.Tx, projectSID, id string) error {
	tag, err := tx.Exec(ctx, `DELETE FROM payment_methods WHERE project_sid = $1 AND id = $2`, projectSID, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	_, err = tx.Exec(ctx, `UPDATE payment_methods p SET position = r.n - 1 FROM (
		SELECT id, row_number() OVER (ORDER BY position, created_at) AS n FROM payment_methods WHERE project_sid = $1) r
		WHERE p.project_sid = $1 AND p.id = r.id`, projectSID)
	return err
}

// LockProject takes the project's balance row lock in tx: every charge
// takes it first, so holding it keeps charges (and the usage they record)
// out until tx ends.
func LockProject(ctx context.Context, tx pgx.Tx, projectSID string) error {
	_, err := tx.Exec(ctx, `SELECT 1 FROM balances WHERE project_sid = $1 FOR UPDATE`, projectSID)
	return err
}
