package team

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/auth"
)

// RoleInput is the role a member is given.
type RoleInput struct {
	Role string
}

// Validate returns the problem with in: a role that cannot be given
// (ownership moves only by transfer).
func (in RoleInput) Validate() error {
	var ps auth.Problems
	if !ValidInvitableRole(in.Role) {
		ps.Add(auth.FieldRole, auth.ReasonInvalid)
	}
	return ps.Err()
}

// managedMember is project projectSID's member userID as actor by, whose
// role is role, may manage them: never themselves, never someone above
// role's grant (ErrCannotGrant). ErrNotMember for a user not in the project.
func (s *Service) managedMember(ctx context.Context, by audit.Actor, projectSID, role, userID string) (*Member, error) {
	m, err := GetMember(ctx, s.pool, projectSID, userID)
	if err != nil {
		return nil, err
	}
	if m.UserID == by.UserID || !CanGrant(role, m.Role) {
		return nil, ErrCannotGrant
	}
	return m, nil
}

// ChangeRole gives project projectSID's member userID the role in.Role,
// by actor by whose role is role, and returns the member as they were.
// It returns ErrNotMember, ErrCannotGrant, and auth.Problems for a role
// that cannot be given.
func (s *Service) ChangeRole(ctx context.Context, by audit.Actor, projectSID, role, userID string, in RoleInput) (*Member, error) {
	m, err := s.managedMember(ctx, by, projectSID, role, userID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !CanGrant(role, in.Role) {
		return nil, ErrCannotGrant
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := SetRole(ctx, tx, projectSID, m.UserID, in.Role); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberRoleChanged, audit.On{Project: projectSID, Account: projectSID, Target: m.UserID},
			map[string]string{"from": m.Role, "to": in.Role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveMember takes project projectSID's member userID out of it at
// once, by actor by whose role is role, and returns the member removed.
// It returns ErrNotMember and ErrCannotGrant.
func (s *Service) RemoveMember(ctx context.Context, by audit.Actor, projectSID, role, userID string) (*Member, error) {
	m, err := s.managedMember(ctx, by, projectSID, role, userID)
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := Remove(ctx, tx, projectSID, m.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberRemoved, audit.On{Project: projectSID, Account: projectSID, Target: m.UserID},
			map[string]string{"email": m.Email, "role": m.Role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// TransferOwnership makes project projectSID's Administrator userID its
// Owner; the Owner, actor by whose role is role, becomes an
// Administrator. It returns the new Owner as they were, ErrCannotGrant
// unless role is Owner, ErrNotMember and ErrNotAdmin.
func (s *Service) TransferOwnership(ctx context.Context, by audit.Actor, projectSID, role, userID string) (*Member, error) {
	if role != RoleOwner {
		return nil, ErrCannotGrant
	}
	m, err := GetMember(ctx, s.pool, projectSID, userID)
	if err != nil {
		return nil, err
	}
	if m.Role != RoleAdmin {
		return nil, ErrNotAdmin
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := TransferOwnership(ctx, tx, projectSID, by.UserID, m.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberOwnershipTransferred, audit.On{Project: projectSID, Account: projectSID, Target: m.UserID},
			map[string]string{"from": by.UserID, "to": m.UserID})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
