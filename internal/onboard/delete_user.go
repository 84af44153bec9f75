package onboard

import (
	"cmp"
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
)

// Why deleting a user is refused.
var (
	// ErrOwnsSharedProject: the user owns a project others belong to;
	// they transfer it first.
	ErrOwnsSharedProject = errors.New("onboard: the user owns a project with other members")
	// ErrOwnsFunds: the user owns a project whose balance is above zero,
	// money that would be lost with it.
	ErrOwnsFunds = errors.New("onboard: the user owns a project with a balance")
)

// DeleteUser deletes user u at their own request, by by (u, re-checked
// by the caller). It is refused while u owns a project with other members
// (ErrOwnsSharedProject) or with money (ErrOwnsFunds). Otherwise, in one
// transaction: the projects u owns alone are closed (their credentials
// stop working, their recurring charges stop; the rows stay for the
// records), u leaves every other project, their sessions end, their name,
// email, password and second factor are erased (the row stays as a
// tombstone, so audit entries keep a pseudonymous actor id), and their
// email and name are taken out of the audit entries by or about them.
// The address being erased is mailed that the account was deleted.
func (s *Service) DeleteUser(ctx context.Context, by audit.Actor, u *auth.User) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.users.Lock(ctx, tx, u.ID); err != nil {
			return err
		}
		ms, err := team.MembershipsOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		closed := 0
		for _, m := range ms {
			if m.Role != team.RoleOwner {
				continue
			}
			if m.Others > 0 {
				return ErrOwnsSharedProject
			}
			// Locked: no payment lands between the check and the closing.
			if err := billing.LockProject(ctx, tx, m.ProjectSID); err != nil {
				return err
			}
			bal, err := billing.Balance(ctx, tx, m.ProjectSID)
			if err != nil {
				return err
			}
			if bal.Amount.IsPositive() {
				return ErrOwnsFunds
			}
		}
		for _, m := range ms {
			on := audit.On{Project: m.ProjectSID, Account: m.ProjectSID, Target: u.ID}
			if m.Role == team.RoleOwner {
				if err := s.accounts.CloseProject(ctx, tx, m.ProjectSID); err != nil {
					return err
				}
				if err := billing.StopRecurring(ctx, tx, m.ProjectSID); err != nil {
					return err
				}
				if err := team.RevokeAll(ctx, tx, m.ProjectSID); err != nil {
					return err
				}
				on.Target = m.ProjectSID
				if err := audit.Record(ctx, tx, by, audit.ProjectClosed, on, map[string]string{"reason": "owner_deleted"}); err != nil {
					return err
				}
				closed++
				continue
			}
			if err := audit.Record(ctx, tx, by, audit.MemberLeft, on, map[string]string{"role": m.Role}); err != nil {
				return err
			}
		}
		if err := team.RemoveAll(ctx, tx, u.ID); err != nil {
			return err
		}
		if err := audit.Pseudonymize(ctx, tx, u.ID, u.Email, u.FriendlyName); err != nil {
			return err
		}
		// Written before the address is erased: the mail is sealed in the
		// outbox with it, the one place it is still kept.
		if err := s.mailUserDeleted(ctx, tx, u, ms); err != nil {
			return err
		}
		if err := s.users.Erase(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.UserDeleted, audit.On{Target: u.ID},
			map[string]string{"projects_closed": strconv.Itoa(closed), "projects_left": strconv.Itoa(len(ms) - closed)})
	})
}

// mailUserDeleted tells u, in their language, that their account was
// deleted now, the time shown in the zone of the project they joined last
// (UTC when they had none).
func (s *Service) mailUserDeleted(ctx context.Context, tx pgx.Tx, u *auth.User, ms []team.Membership) error {
	zone := "UTC"
	var last *team.Membership
	for i := range ms {
		if last == nil || ms[i].JoinedAt.After(last.JoinedAt) {
			last = &ms[i]
		}
	}
	if last != nil {
		p, err := s.accounts.Get(ctx, tx, last.ProjectSID, last.ProjectSID)
		if err != nil {
			return err
		}
		zone = p.TimeZone
	}
	// A user who follows the browser's language reads the one they
	// deleted their account in.
	locale := mailLocale(cmp.Or(u.Locale, i18n.Locale(ctx)))
	_, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{
		Kind: "user_deleted", To: u.Email, Locale: locale,
		Subject: i18n.Translate(locale, "mail.user_deleted_subject"),
		Body:    i18n.Translate(locale, "mail.user_deleted_body", u.Email, mail.Time(locale, zone, s.users.Now())),
	})
	return err
}
