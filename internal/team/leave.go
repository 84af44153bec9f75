package team

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/database"
)

// ErrOwnerCannotLeave refuses the Owner leaving their project: a project
// always has one, so they transfer ownership first.
var ErrOwnerCannotLeave = errors.New("team: the owner transfers ownership before leaving")

// Leave takes user by.UserID out of project projectSID at their own
// request. It returns ErrOwnerCannotLeave for the Owner and ErrNotMember
// for a user not in the project.
func (s *Service) Leave(ctx context.Context, by audit.Actor, projectSID string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var role string
		err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE project_sid = $1 AND user_id = $2 FOR UPDATE`, projectSID, by.UserID).Scan(&role)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotMember
		}
		if err != nil {
			return err
		}
		if role == RoleOwner {
			return ErrOwnerCannotLeave
		}
		if err := Remove(ctx, tx, projectSID, by.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberLeft, audit.On{Project: projectSID, Account: projectSID, Target: by.UserID},
			map[string]string{"role": role})
	})
}

// Owned counts the projects userID owns.
func Owned(ctx context.Context, db database.DBTX, userID string) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE user_id = $1 AND role = 'owner'`, userID).Scan(&n)
	return n, err
}

// Membership is one of a user's memberships, as deleting their user sees
// it: the project, the role, and how many other members it has.
type Membership struct {
	ProjectSID string
	Role       string
	Others     int
	// JoinedAt is when the user joined (the Owner: opened the project).
	JoinedAt time.Time
}

// MembershipsOf lists userID's memberships with each project's other
// members counted, locking them until the end of tx so that no one joins
// or leaves meanwhile.
func MembershipsOf(ctx context.Context, tx pgx.Tx, userID string) ([]Membership, error) {
	rows, err := tx.Query(ctx, `
		SELECT m.project_sid, m.role,
			(SELECT count(*) FROM memberships o WHERE o.project_sid = m.project_sid AND o.user_id <> m.user_id), m.created_at
		FROM memberships m WHERE m.user_id = $1 ORDER BY m.project_sid FOR UPDATE OF m`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Membership, error) {
		var m Membership
		err := row.Scan(&m.ProjectSID, &m.Role, &m.Others, &m.JoinedAt)
		return m, err
	})
}

// RemoveAll takes userID out of every project, the Owner's memberships
// included: only deleting the user does this, once their projects are
// closed.
func RemoveAll(ctx context.Context, db database.DBTX, userID string) error {
	_, err := db.Exec(ctx, `DELETE FROM memberships WHERE user_id = $1`, userID)
	return err
}

// RevokeAll revokes every open invitation to project projectSID: no one
// joins a project being closed.
func RevokeAll(ctx context.Context, db database.DBTX, projectSID string) error {
	_, err := db.Exec(ctx, `UPDATE invitations SET revoked_at = now() WHERE project_sid = $1 AND accepted_at IS NULL AND revoked_at IS NULL`, projectSID)
	return err
}
