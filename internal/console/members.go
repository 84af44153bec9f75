package console

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
	"console/web"
)

func grantable(role string) []string {
	var out []string
	for _, r := range team.InvitableRoles {
		if team.CanGrant(role, r) {
			out = append(out, r)
		}
	}
	return out
}

func (c *Console) membersData(r *http.Request) (web.MembersData, error) {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	members, err := team.Members(ctx, c.pool, v.Project.SID)
	if err != nil {
		return web.MembersData{}, err
	}
	invs, err := team.OpenInvitations(ctx, c.pool, v.Project.SID)
	return web.MembersData{Members: members, Invitations: invs, Grantable: grantable(v.Role), Invite: web.InviteForm{Role: team.RoleDeveloper}}, err
}

func (c *Console) membersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.membersData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Members(d))
}

// invitationMail composes the invitation in the recipient's language when
// they already have an account, else in the inviter's.
func (c *Console) invitationMail(r *http.Request, tx pgx.Tx, inv *team.Invitation, token string) (mail.Message, error) {
	locale := i18n.Locale(r.Context())
	if u, err := c.users.ByEmail(r.Context(), tx, inv.Email); err == nil && u.Locale != "" {
		locale = u.Locale
	} else if err != nil && !errors.Is(err, auth.ErrNotFound) {
		return mail.Message{}, err
	}
	link := c.cfg.BaseURL + "/invitation?token=" + token
	role := i18n.Translate(locale, "role."+inv.Role)
	return mail.Message{
		ProjectSID: inv.ProjectSID, Kind: "invitation", To: inv.Email, Locale: locale,
		Subject: i18n.Translate(locale, "mail.invitation_subject", inv.InviterName, inv.ProjectName),
		Body:    i18n.Translate(locale, "mail.invitation_body", inv.InviterName, inv.ProjectName, role, link, inv.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")),
	}, nil
}

// emailError is the catalog key for an address auth.ParseEmail refused:
// a list gets its own message, as an invitation goes to one person.
func emailError(s string) string {
	if strings.Count(s, "@") > 1 || strings.ContainsAny(s, ",;") {
		return "members.invite_one_address"
	}
	return "error.email"
}

func (c *Console) invite(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	d, err := c.membersData(r)
	if err != nil {
		return err
	}
	d.Invite = web.InviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	if _, err := auth.ParseEmail(d.Invite.Email); err != nil {
		d.Invite.Errors.Add("email", emailError(d.Invite.Email))
	}
	if !team.ValidInvitableRole(d.Invite.Role) {
		d.Invite.Errors.Add("role", "members.role_invalid")
	} else if !team.CanGrant(v.Role, d.Invite.Role) {
		return errForbidden
	}
	if !d.Invite.Errors.Any() {
		err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
			inv, token, err := team.Invite(ctx, tx, v.Project.SID, d.Invite.Email, d.Invite.Role, v.User.ID, time.Now())
			if err != nil {
				return err
			}
			msg, err := c.invitationMail(r, tx, inv, token)
			if err != nil {
				return err
			}
			if _, err := mail.Enqueue(ctx, tx, c.jobs, msg); err != nil {
				return err
			}
			return c.projectAudit(r, tx, v.Project.SID, "member.invited", inv.ID, map[string]string{"email": inv.Email, "role": inv.Role})
		})
		switch {
		case errors.Is(err, auth.ErrInvalidEmail):
			d.Invite.Errors.Add("email", emailError(d.Invite.Email))
		case errors.Is(err, team.ErrAlreadyInvited):
			d.Invite.Errors.Add("email", "members.already_invited")
		case errors.Is(err, team.ErrAlreadyMember):
			d.Invite.Errors.Add("email", "members.already_member")
		case err != nil:
			return err
		}
	}
	if d.Invite.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Members(d))
	}
	c.flash(ctx, "ok", "members.invited", d.Invite.Email)
	return redirect(w, r, "/settings/users")
}

// invitation finds {id} among the project's open invitations, as the viewer may manage it.
func (c *Console) managedInvitation(r *http.Request) (*team.Invitation, error) {
	v := web.ViewerOf(r.Context())
	inv, err := team.GetInvitation(r.Context(), c.pool, v.Project.SID, chi.URLParam(r, "id"))
	if errors.Is(err, team.ErrInvitationNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if !team.CanGrant(v.Role, inv.Role) {
		return nil, errForbidden
	}
	return inv, nil
}

func (c *Console) resendInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	inv, err := c.managedInvitation(r)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		fresh, token, err := team.Resend(ctx, tx, inv.ProjectSID, inv.ID, time.Now())
		if err != nil {
			return err
		}
		msg, err := c.invitationMail(r, tx, fresh, token)
		if err != nil {
			return err
		}
		if _, err := mail.Enqueue(ctx, tx, c.jobs, msg); err != nil {
			return err
		}
		return c.projectAudit(r, tx, inv.ProjectSID, "member.invitation_resent", inv.ID, map[string]string{"email": inv.Email})
	})
	if errors.Is(err, team.ErrInvitationNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.resent", inv.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	inv, err := c.managedInvitation(r)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := team.Revoke(ctx, tx, inv.ProjectSID, inv.ID); err != nil {
			return err
		}
		return c.projectAudit(r, tx, inv.ProjectSID, "member.invitation_revoked", inv.ID, map[string]string{"email": inv.Email})
	})
	if errors.Is(err, team.ErrInvitationNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.revoked", inv.Email)
	return redirect(w, r, "/settings/users")
}

// managedMember finds {user} among the project's members, as the viewer
// may manage them: never themselves, never someone above their grant.
func (c *Console) managedMember(r *http.Request) (*team.Member, error) {
	v := web.ViewerOf(r.Context())
	m, err := team.GetMember(r.Context(), c.pool, v.Project.SID, chi.URLParam(r, "user"))
	if errors.Is(err, team.ErrNotMember) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if m.UserID == v.User.ID || !team.CanGrant(v.Role, m.Role) {
		return nil, errForbidden
	}
	return m, nil
}

func (c *Console) changeRole(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	m, err := c.managedMember(r)
	if err != nil {
		return err
	}
	role := r.PostFormValue("role")
	if !team.ValidInvitableRole(role) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "members.role_invalid"}
	}
	if !team.CanGrant(v.Role, role) {
		return errForbidden
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := team.SetRole(ctx, tx, v.Project.SID, m.UserID, role); err != nil {
			return err
		}
		return c.projectAudit(r, tx, v.Project.SID, "member.role_changed", m.UserID, map[string]string{"from": m.Role, "to": role})
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.role_changed", m.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) removeMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	m, err := c.managedMember(r)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := team.Remove(ctx, tx, v.Project.SID, m.UserID); err != nil {
			return err
		}
		return c.projectAudit(r, tx, v.Project.SID, "member.removed", m.UserID, map[string]string{"email": m.Email, "role": m.Role})
	})
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.removed", m.Email)
	return redirect(w, r, "/settings/users")
}

// transferOwnership hands the project to an Administrator; only the Owner may.
func (c *Console) transferOwnership(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	if v.Role != team.RoleOwner {
		return errForbidden
	}
	m, err := team.GetMember(ctx, c.pool, v.Project.SID, chi.URLParam(r, "user"))
	if errors.Is(err, team.ErrNotMember) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if m.Role != team.RoleAdmin {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "members.transfer_admin_only"}
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := team.TransferOwnership(ctx, tx, v.Project.SID, v.User.ID, m.UserID); err != nil {
			return err
		}
		return c.projectAudit(r, tx, v.Project.SID, "member.ownership_transferred", m.UserID, map[string]string{"from": v.User.ID, "to": m.UserID})
	})
	if err != nil {
		return err
	}
	// The signed-in user's privileges dropped: a new session token.
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.transferred", m.Email)
	return redirect(w, r, "/settings/users")
}
