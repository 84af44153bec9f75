package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/team"
	"console/web"
)

func (c *Console) membersData(r *http.Request) (web.MembersData, error) {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	members, err := c.team.Members(ctx, v.Project.SID)
	if err != nil {
		return web.MembersData{}, err
	}
	invs, err := c.team.OpenInvitations(ctx, v.Project.SID)
	return web.MembersData{Members: members, Invitations: invs, Grantable: team.Grantable(v.Role), Invite: web.InviteForm{Role: team.RoleDeveloper}}, err
}

func (c *Console) membersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.membersData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Members(d))
}

// teamError maps the team service's refusals that are not a form's.
func teamError(err error) error {
	switch {
	case errors.Is(err, team.ErrCannotGrant):
		return errForbidden
	case errors.Is(err, team.ErrNotMember), errors.Is(err, team.ErrInvitationNotFound):
		return errNotFound
	}
	return err
}

func (c *Console) invite(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	d, err := c.membersData(r)
	if err != nil {
		return err
	}
	d.Invite = web.InviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	_, err = c.team.Invite(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, team.InvitationInput{Email: d.Invite.Email, Role: d.Invite.Role},
		i18n.Locale(ctx))
	switch {
	case userProblems(err, &d.Invite.Errors, inviteProblemKeys):
	case errors.Is(err, team.ErrAlreadyInvited):
		d.Invite.Errors.Add("email", "members.already_invited")
	case errors.Is(err, team.ErrAlreadyMember):
		d.Invite.Errors.Add("email", "members.already_member")
	case err != nil:
		return teamError(err)
	}
	if d.Invite.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Members(d))
	}
	c.flash(ctx, "ok", "members.invited", d.Invite.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) resendInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	inv, err := c.team.ResendInvitation(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, chi.URLParam(r, "id"), i18n.Locale(ctx))
	if err != nil {
		return teamError(err)
	}
	c.flash(ctx, "ok", "members.resent", inv.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	inv, err := c.team.RevokeInvitation(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, chi.URLParam(r, "id"))
	if err != nil {
		return teamError(err)
	}
	c.flash(ctx, "ok", "members.revoked", inv.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) changeRole(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	m, err := c.team.ChangeRole(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, chi.URLParam(r, "user"), team.RoleInput{Role: r.PostFormValue("role")})
	var errs web.FieldErrors
	if userProblems(err, &errs, userProblemKeys) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "members.role_invalid"}
	}
	if err != nil {
		return teamError(err)
	}
	c.flash(ctx, "ok", "members.role_changed", m.Email)
	return redirect(w, r, "/settings/users")
}

func (c *Console) removeMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	m, err := c.team.RemoveMember(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, chi.URLParam(r, "user"))
	if err != nil {
		return teamError(err)
	}
	c.flash(ctx, "ok", "members.removed", m.Email)
	return redirect(w, r, "/settings/users")
}

// transferOwnership hands the project to an Administrator; only the Owner may.
func (c *Console) transferOwnership(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	m, err := c.team.TransferOwnership(ctx, audit.ActorFrom(ctx), v.Project.SID, v.Role, chi.URLParam(r, "user"))
	if errors.Is(err, team.ErrNotAdmin) {
		return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "members.transfer_admin_only"}
	}
	if err != nil {
		return teamError(err)
	}
	// The signed-in user's privileges dropped: a new session token.
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.flash(ctx, "ok", "members.transferred", m.Email)
	return redirect(w, r, "/settings/users")
}
