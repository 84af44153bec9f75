package team

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/mail"
)

// InvitationInput is an invitation to make: to whom, with which role.
type InvitationInput struct {
	Email string
	Role  string
}

// Validate returns every problem with in: an email that is not exactly
// one address, a role that cannot be given by invitation.
func (in InvitationInput) Validate() error {
	var ps auth.Problems
	ps.Add(auth.FieldEmail, auth.EmailProblem(in.Email))
	if !ValidInvitableRole(in.Role) {
		ps.Add(auth.FieldRole, auth.ReasonInvalid)
	}
	return ps.Err()
}

// Invite invites in.Email to project projectSID with in.Role, by actor by
// whose role in the project is role, and mails the link: in the
// recipient's language when they have an account, else in locale (the
// inviter's). It returns ErrCannotGrant for a role above role's grant,
// auth.Problems for a bad input, ErrAlreadyMember and ErrAlreadyInvited.
func (s *Service) Invite(ctx context.Context, by audit.Actor, projectSID, role string, in InvitationInput, locale string) (*Invitation, error) {
	// A role the inviter may not give is refused before anything else is
	// looked at: the form does not offer it.
	if ValidInvitableRole(in.Role) && !CanGrant(role, in.Role) {
		return nil, ErrCannotGrant
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var inv *Invitation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var token string
		var err error
		if inv, token, err = Invite(ctx, tx, projectSID, in.Email, in.Role, by.UserID, s.Now()); err != nil {
			return err
		}
		if err := s.mailInvitation(ctx, tx, inv, token, locale); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberInvited, audit.On{Project: projectSID, Account: projectSID, Target: inv.ID},
			map[string]string{"email": inv.Email, "role": inv.Role})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// mailInvitation enqueues inv's mail with the link's token, in the
// recipient's language when they already have an account and chose one,
// else in locale (the inviter's), with the expiry in the project's zone.
func (s *Service) mailInvitation(ctx context.Context, tx pgx.Tx, inv *Invitation, token, locale string) error {
	if u, err := s.users.ByEmail(ctx, tx, inv.Email); err == nil {
		locale = mail.Language(u.Locale, locale)
	} else if !errors.Is(err, auth.ErrNotFound) {
		return err
	}
	locale = mail.Language(locale, "")
	link := s.BaseURL + "/invitation?token=" + token
	role := i18n.Translate(locale, "role."+inv.Role)
	_, err := mail.Enqueue(ctx, tx, s.jobs, mail.Message{
		ProjectSID: inv.ProjectSID, Kind: "invitation", To: inv.Email, Locale: locale,
		Subject: i18n.Translate(locale, "mail.invitation_subject", inv.InviterName, inv.ProjectName),
		Body:    i18n.Translate(locale, "mail.invitation_body", inv.InviterName, inv.ProjectName, role, link, mail.Time(locale, inv.ProjectTimeZone, inv.ExpiresAt)),
	})
	return err
}

// managedInvitation is project projectSID's open or closed invitation id,
// as a member with role may manage it: ErrInvitationNotFound, or
// ErrCannotGrant for an invitation to a role above role's grant.
func (s *Service) managedInvitation(ctx context.Context, projectSID, role, id string) (*Invitation, error) {
	inv, err := GetInvitation(ctx, s.pool, projectSID, id)
	if err != nil {
		return nil, err
	}
	if !CanGrant(role, inv.Role) {
		return nil, ErrCannotGrant
	}
	return inv, nil
}

// ResendInvitation gives project projectSID's open invitation id a new
// link and expiry and mails it again (see Invite for the language), by
// actor by whose role is role. The old link stops working. It returns
// ErrInvitationNotFound (an unknown, used or revoked invitation) and
// ErrCannotGrant.
func (s *Service) ResendInvitation(ctx context.Context, by audit.Actor, projectSID, role, id, locale string) (*Invitation, error) {
	inv, err := s.managedInvitation(ctx, projectSID, role, id)
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		fresh, token, err := Resend(ctx, tx, projectSID, inv.ID, s.Now())
		if err != nil {
			return err
		}
		if err := s.mailInvitation(ctx, tx, fresh, token, locale); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberInvitationResent, audit.On{Project: projectSID, Account: projectSID, Target: inv.ID},
			map[string]string{"email": inv.Email})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// RevokeInvitation withdraws project projectSID's open invitation id, by
// actor by whose role is role. It returns ErrInvitationNotFound and
// ErrCannotGrant.
func (s *Service) RevokeInvitation(ctx context.Context, by audit.Actor, projectSID, role, id string) (*Invitation, error) {
	inv, err := s.managedInvitation(ctx, projectSID, role, id)
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := Revoke(ctx, tx, projectSID, inv.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.MemberInvitationRevoked, audit.On{Project: projectSID, Account: projectSID, Target: inv.ID},
			map[string]string{"email": inv.Email})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Accept makes the signed-in user by a member through inv. It returns
// the invitation's state (ErrInvitationExpired, ErrInvitationRevoked,
// ErrInvitationUsed) or ErrAlreadyMember when it did nothing.
func (s *Service) Accept(ctx context.Context, by audit.Actor, inv *Invitation) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.Join(ctx, tx, by, inv) })
}

// Join is Accept inside the caller's transaction tx, for a use case that
// makes the member first (a sign-up through the link): by.UserID joins.
// Following the link mailed to the invitation's address proves it: a
// user who signed up with that address and had not verified it yet is
// verified.
func (s *Service) Join(ctx context.Context, tx pgx.Tx, by audit.Actor, inv *Invitation) error {
	if err := Accept(ctx, tx, inv, by.UserID, s.Now()); err != nil {
		return err
	}
	u, err := s.users.MarkVerified(ctx, tx, by.UserID, inv.Email)
	if err != nil {
		return err
	}
	if u != nil && s.Verified != nil {
		if err := s.Verified(ctx, tx, by, u); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, by, audit.MemberJoined, audit.On{Project: inv.ProjectSID, Account: inv.ProjectSID, Target: inv.ID},
		map[string]string{"role": inv.Role})
}
