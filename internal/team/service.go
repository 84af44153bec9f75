package team

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/mail"
)

// ErrCannotGrant is a change the acting member's role does not allow:
// granting, changing or taking away a role above their grant, acting on
// themselves, or a transfer by anyone but the Owner.
var ErrCannotGrant = errors.New("team: not allowed for this role")

// ErrNotAdmin is a transfer of ownership to a member who is not an
// Administrator.
var ErrNotAdmin = errors.New("team: ownership goes to an administrator only")

// Service holds the team's use cases: inviting, joining and managing the
// members of a project. Each method that changes something checks what
// the acting member's role allows, owns its transaction and writes its
// audit entry; an invitation's mail goes through the outbox in the same
// transaction.
type Service struct {
	pool  *pgxpool.Pool
	users *auth.Store
	jobs  mail.Inserter
	// BaseURL is the console's public URL, for the links in mails.
	BaseURL string
	// Now is the clock, replaceable in tests.
	Now func() time.Time
	// Verified runs, in the transaction, for a user whom accepting an
	// invitation just verified: what a verification link would have done
	// for them (onboard.Service.Verified), set by the composition root.
	Verified func(ctx context.Context, tx pgx.Tx, by audit.Actor, u *auth.User) error
}

// NewService returns the service; mails link to baseURL.
func NewService(pool *pgxpool.Pool, users *auth.Store, jobs mail.Inserter, baseURL string) *Service {
	return &Service{pool: pool, users: users, jobs: jobs, BaseURL: baseURL, Now: time.Now}
}

// Members lists a project's members, the Owner first.
func (s *Service) Members(ctx context.Context, projectSID string) ([]*Member, error) {
	return Members(ctx, s.pool, projectSID)
}

// OpenInvitations lists a project's invitations not accepted or revoked, newest first.
func (s *Service) OpenInvitations(ctx context.Context, projectSID string) ([]*Invitation, error) {
	return OpenInvitations(ctx, s.pool, projectSID)
}

// Invitation returns a project's invitation, or ErrInvitationNotFound.
func (s *Service) Invitation(ctx context.Context, projectSID, id string) (*Invitation, error) {
	return GetInvitation(ctx, s.pool, projectSID, id)
}

// InvitationByToken finds the invitation a link's token belongs to, or
// ErrInvitationNotFound.
func (s *Service) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	return InvitationByToken(ctx, s.pool, token)
}

// Grantable lists the roles a member with role may give.
func Grantable(role string) []string {
	var out []string
	for _, r := range InvitableRoles {
		if CanGrant(role, r) {
			out = append(out, r)
		}
	}
	return out
}
