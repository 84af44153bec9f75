// Package team owns who belongs to which project and with what role.
package team

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// Roles, as Twilio names them.
const (
	RoleOwner     = "owner"
	RoleAdmin     = "admin"
	RoleDeveloper = "developer"
	RoleBilling   = "billing"
	RoleSupport   = "support"
)

// ErrNotMember is returned when the user has no role in the project.
var ErrNotMember = errors.New("team: not a member")

// Add gives userID a role in projectSID.
func Add(ctx context.Context, db database.DBTX, projectSID, userID, role string) error {
	return AddAt(ctx, db, projectSID, userID, role, time.Time{})
}

// AddAt is Add with the membership dated at; the zero time means now.
// Only seeded history (the demo) adds a member in the past.
func AddAt(ctx context.Context, db database.DBTX, projectSID, userID, role string, at time.Time) error {
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	_, err := db.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role, created_at) VALUES ($1, $2, $3, coalesce($4::timestamptz, now()))`,
		projectSID, userID, role, when)
	return err
}

// Role returns userID's role in projectSID.
func Role(ctx context.Context, db database.DBTX, projectSID, userID string) (string, error) {
	var role string
	err := db.QueryRow(ctx, `SELECT role FROM memberships WHERE project_sid = $1 AND user_id = $2`, projectSID, userID).Scan(&role)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotMember
	}
	return role, err
}

// Project is a project as its member sees it in the switcher.
type Project struct {
	SID          string
	FriendlyName string
	Role         string
}

const projectsOfSQL = `
	SELECT a.sid, a.friendly_name, m.role FROM memberships m JOIN accounts a ON a.sid = m.project_sid
	WHERE m.user_id = $1 ORDER BY m.created_at, a.sid`

// QueueProjectsOf adds to a batch the lookup of the projects userID
// belongs to, oldest membership first.
func QueueProjectsOf(b *pgx.Batch, userID string, dst *[]Project) {
	b.Queue(projectsOfSQL, userID).Query(func(rows pgx.Rows) error {
		var err error
		*dst, err = scanProjects(rows)
		return err
	})
}

func scanProjects(rows pgx.Rows) ([]Project, error) {
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Project])
}
