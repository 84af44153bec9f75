package team

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/auth"
	"console/internal/database"
	"console/internal/sid"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Errors of invitations.
var (
	ErrInvitationNotFound = errors.New("team: invitation not found")
	ErrAlreadyInvited     = errors.New("team: an invitation to this email is open")
	ErrAlreadyMember      = errors.New("team: already a member")
	ErrInvitationExpired  = errors.New("team: invitation expired")
	ErrInvitationRevoked  = errors.New("team: invitation revoked")
	ErrInvitationUsed     = errors.New("team: invitation used")
)

// Invitation is an invitation to join a project.
type Invitation struct {
	ID          string
	ProjectSID  string
	Email       string
	Role        string
	InvitedBy   string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	RevokedAt   *time.Time
	ProjectName string
	// ProjectTimeZone is the project's zone, in which its mail gives the
	// expiry.
	ProjectTimeZone string
	InviterName     string
}

// State is where an invitation stands at now.
func (i *Invitation) State(now time.Time) error {
	switch {
	case i.AcceptedAt != nil:
		return ErrInvitationUsed
	case i.RevokedAt != nil:
		return ErrInvitationRevoked
	case !now.Before(i.ExpiresAt):
		return ErrInvitationExpired
	}
	return nil
}

func hashInvitationToken(token string) []byte {
	h := sha256.Sum256([]byte("invitation:" + token))
	return h[:]
}

func newInvitationToken() string { return sid.Hex32() + sid.Hex32() }

const invitationColumns = `i.id, i.project_sid, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at, a.friendly_name, a.time_zone, u.friendly_name`
const invitationFrom = ` FROM invitations i JOIN accounts a ON a.sid = i.project_sid JOIN users u ON u.id = i.invited_by `

func scanInvitation(row pgx.Row) (*Invitation, error) {
	var i Invitation
	err := row.Scan(&i.ID, &i.ProjectSID, &i.Email, &i.Role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt, &i.ProjectName, &i.ProjectTimeZone, &i.InviterName)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrInvitationNotFound
	}
	return &i, err
}

// Invite records an invitation and returns it with the link's token.
// email must be exactly one address (auth.ParseEmail; else
// auth.ErrInvalidEmail): an invitation goes to one person. An email that
// already belongs to a member, or has an open invitation, is refused.
func Invite(ctx context.Context, tx pgx.Tx, projectSID, email, role, invitedBy string, now time.Time) (*Invitation, string, error) {
	email, err := auth.ParseEmail(email)
	if err != nil {
		return nil, "", err
	}
	var member bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.project_sid = $1 AND lower(u.email) = lower($2))`,
		projectSID, email).Scan(&member); err != nil {
		return nil, "", err
	}
	if member {
		return nil, "", ErrAlreadyMember
	}
	token := newInvitationToken()
	var id string
	err = tx.QueryRow(ctx, `
		INSERT INTO invitations (id, project_sid, email, role, token_hash, invited_by, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		sid.New("IV"), projectSID, email, role, hashInvitationToken(token), invitedBy, now.Add(InvitationTTL)).Scan(&id)
	if database.IsUniqueViolation(err, "invitations_open") {
		return nil, "", ErrAlreadyInvited
	}
	if err != nil {
		return nil, "", err
	}
	inv, err := GetInvitation(ctx, tx, projectSID, id)
	return inv, token, err
}

// GetInvitation returns a project's invitation.
func GetInvitation(ctx context.Context, db database.DBTX, projectSID, id string) (*Invitation, error) {
	return scanInvitation(db.QueryRow(ctx, `SELECT `+invitationColumns+invitationFrom+`WHERE i.project_sid = $1 AND i.id = $2`, projectSID, id))
}

// InvitationByToken finds the invitation a link's token belongs to.
func InvitationByToken(ctx context.Context, db database.DBTX, token string) (*Invitation, error) {
	if token == "" {
		return nil, ErrInvitationNotFound
	}
	return scanInvitation(db.QueryRow(ctx, `SELECT `+invitationColumns+invitationFrom+`WHERE i.token_hash = $1`, hashInvitationToken(token)))
}

// OpenInvitations lists a project's invitations not accepted or revoked, newest first.
func OpenInvitations(ctx context.Context, db database.DBTX, projectSID string) ([]*Invitation, error) {
	rows, err := db.Query(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE i.project_sid = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL ORDER BY i.created_at DESC`, projectSID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Invitation, error) { return scanInvitation(row) })
}

// Resend gives an open invitation a new token and a new expiry: the old
// link stops working.
func Resend(ctx context.Context, tx pgx.Tx, projectSID, id string, now time.Time) (*Invitation, string, error) {
	token := newInvitationToken()
	tag, err := tx.Exec(ctx, `UPDATE invitations SET token_hash = $3, expires_at = $4
		WHERE project_sid = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`,
		projectSID, id, hashInvitationToken(token), now.Add(InvitationTTL))
	if err != nil {
		return nil, "", err
	}
	if tag.RowsAffected() == 0 {
		return nil, "", ErrInvitationNotFound
	}
	inv, err := GetInvitation(ctx, tx, projectSID, id)
	return inv, token, err
}

// Revoke withdraws an open invitation.
func Revoke(ctx context.Context, db database.DBTX, projectSID, id string) error {
	tag, err := db.Exec(ctx, `UPDATE invitations SET revoked_at = now() WHERE project_sid = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, projectSID, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrInvitationNotFound
	}
	return nil
}

// Accept uses the invitation for userID and makes them a member. The row
// is locked, so two accepts of one link cannot both succeed.
func Accept(ctx context.Context, tx pgx.Tx, inv *Invitation, userID string, now time.Time) error {
	var acceptedAt, revokedAt *time.Time
	var expiresAt time.Time
	if err := tx.QueryRow(ctx, `SELECT accepted_at, revoked_at, expires_at FROM invitations WHERE project_sid = $1 AND id = $2 FOR UPDATE`,
		inv.ProjectSID, inv.ID).Scan(&acceptedAt, &revokedAt, &expiresAt); err != nil {
		return err
	}
	fresh := *inv
	fresh.AcceptedAt, fresh.RevokedAt, fresh.ExpiresAt = acceptedAt, revokedAt, expiresAt
	if err := fresh.State(now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = $3, accepted_by = $4 WHERE project_sid = $1 AND id = $2`,
		inv.ProjectSID, inv.ID, now, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, $3)`, inv.ProjectSID, userID, inv.Role)
	if database.IsUniqueViolation(err, "") {
		return ErrAlreadyMember
	}
	return err
}
