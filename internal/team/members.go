package team

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// Member is a user's membership as the members page shows it.
type Member struct {
	UserID       string
	Email        string
	FriendlyName string
	Locale       string
	Role         string
	TwoFactor    bool
	LastSignIn   *time.Time
	JoinedAt     time.Time
}

// Errors of member management.
var (
	ErrLastOwner = errors.New("team: the owner cannot be removed or demoted")
)

// Members lists a project's members, the Owner first.
func Members(ctx context.Context, db database.DBTX, projectSID string) ([]*Member, error) {
	rows, err := db.Query(ctx, `
		SELECT u.id, u.email, u.friendly_name, u.locale, m.role, u.totp_enabled, u.last_sign_in_at, m.created_at
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.project_sid = $1
		ORDER BY m.role = 'owner' DESC, m.created_at, u.id`, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Member, error) {
		var m Member
		err := row.Scan(&m.UserID, &m.Email, &m.FriendlyName, &m.Locale, &m.Role, &m.TwoFactor, &m.LastSignIn, &m.JoinedAt)
		return &m, err
	})
}

// Member returns one member of a project.
func GetMember(ctx context.Context, db database.DBTX, projectSID, userID string) (*Member, error) {
	ms, err := Members(ctx, db, projectSID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return m, nil
		}
	}
	return nil, ErrNotMember
}

// SetRole changes a member's role; the Owner's role changes only by transfer.
func SetRole(ctx context.Context, db database.DBTX, projectSID, userID, role string) error {
	tag, err := db.Exec(ctx, `UPDATE memberships SET role = $3 WHERE project_sid = $1 AND user_id = $2 AND role <> 'owner'`, projectSID, userID, role)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNotMember
	}
	return nil
}

// Remove takes a member out of the project at once; the Owner cannot be removed.
func Remove(ctx context.Context, db database.DBTX, projectSID, userID string) error {
	tag, err := db.Exec(ctx, `DELETE FROM memberships WHERE project_sid = $1 AND user_id = $2 AND role <> 'owner'`, projectSID, userID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNotMember
	}
	return nil
}

// TransferOwnership makes an Administrator the Owner; the old Owner
// becomes an Administrator. Exactly one Owner remains throughout.
func TransferOwnership(ctx context.Context, tx pgx.Tx, projectSID, fromUserID, toUserID string) error {
	var role string
	err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE project_sid = $1 AND user_id = $2 FOR UPDATE`, projectSID, toUserID).Scan(&role)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && role != RoleAdmin) {
		return ErrNotMember
	}
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE memberships SET role = 'admin' WHERE project_sid = $1 AND user_id = $2 AND role = 'owner'`, projectSID, fromUserID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return ErrNotMember
	}
	_, err = tx.Exec(ctx, `UPDATE memberships SET role = 'owner' WHERE project_sid = $1 AND user_id = $2`, projectSID, toUserID)
	return err
}

// WithoutTwoFactor lists the members who have not turned on 2FA.
func WithoutTwoFactor(ctx context.Context, db database.DBTX, projectSID string) ([]*Member, error) {
	all, err := Members(ctx, db, projectSID)
	if err != nil {
		return nil, err
	}
	var out []*Member
	for _, m := range all {
		if !m.TwoFactor {
			out = append(out, m)
		}
	}
	return out, nil
}
