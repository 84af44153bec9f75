package console

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/onboard"
	"console/internal/team"
	"console/web"
)

// keyInvitation and keyInvitationProject name the invitation whose link
// is being followed: the link's token is looked up once and leaves the URL
// (and the logs); the session keeps the invitation's id, never the token,
// since session data is stored as it is.
const (
	keyInvitation        = "invitation"
	keyInvitationProject = "invitation_project"
)

var invitationStates = map[error]string{
	team.ErrInvitationExpired: "invitation.expired",
	team.ErrInvitationRevoked: "invitation.revoked",
	team.ErrInvitationUsed:    "invitation.used",
}

// currentInvitation is the invitation whose link the session followed.
func (c *Console) currentInvitation(r *http.Request) (*team.Invitation, error) {
	ctx := r.Context()
	id, project := c.sessions.GetString(ctx, keyInvitation), c.sessions.GetString(ctx, keyInvitationProject)
	if id == "" || project == "" {
		return nil, &Error{Status: http.StatusNotFound, MsgKey: "invitation.invalid"}
	}
	inv, err := c.team.Invitation(ctx, project, id)
	if errors.Is(err, team.ErrInvitationNotFound) {
		return nil, &Error{Status: http.StatusNotFound, MsgKey: "invitation.invalid"}
	}
	return inv, err
}

// forgetInvitation ends following an invitation's link.
func (c *Console) forgetInvitation(r *http.Request) {
	c.sessions.Remove(r.Context(), keyInvitation)
	c.sessions.Remove(r.Context(), keyInvitationProject)
}

// invitationData decides what the link's page offers the visitor.
func (c *Console) invitationData(r *http.Request, inv *team.Invitation) (web.InvitationData, int, error) {
	d := web.InvitationData{Invitation: inv}
	if err := inv.State(time.Now()); err != nil {
		d.State = invitationStates[err]
		return d, http.StatusGone, nil
	}
	if u := web.CurrentUser(r.Context()); u != nil {
		if strings.EqualFold(u.Email, inv.Email) {
			d.Mode = "accept"
			return d, http.StatusOK, nil
		}
		d.Mode = "wrong_user"
		return d, http.StatusForbidden, nil
	}
	registered, err := c.auth.Registered(r.Context(), inv.Email)
	if err != nil {
		return d, 0, err
	}
	d.Mode = "signup"
	if registered {
		d.Mode = "signin"
	}
	return d, http.StatusOK, nil
}

func (c *Console) invitationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if token := r.URL.Query().Get("token"); token != "" {
		inv, err := c.team.InvitationByToken(ctx, token)
		switch {
		case errors.Is(err, team.ErrInvitationNotFound):
			c.forgetInvitation(r)
		case err != nil:
			return err
		default:
			c.sessions.Put(ctx, keyInvitation, inv.ID)
			c.sessions.Put(ctx, keyInvitationProject, inv.ProjectSID)
		}
		return redirect(w, r, "/invitation")
	}
	inv, err := c.currentInvitation(r)
	if err != nil {
		return err
	}
	d, status, err := c.invitationData(r, inv)
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, status, web.InvitationPage(d))
}

// invitationRefused renders why an accept did nothing.
func (c *Console) invitationRefused(w http.ResponseWriter, r *http.Request, inv *team.Invitation, err error) error {
	if key, ok := invitationStates[err]; ok {
		return render(w, r, http.StatusGone, web.InvitationPage(web.InvitationData{Invitation: inv, State: key}))
	}
	if errors.Is(err, team.ErrAlreadyMember) {
		return render(w, r, http.StatusConflict, web.InvitationPage(web.InvitationData{Invitation: inv, State: "invitation.already_member"}))
	}
	return err
}

func (c *Console) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	inv, err := c.currentInvitation(r)
	if err != nil {
		return err
	}
	d, status, err := c.invitationData(r, inv)
	if err != nil {
		return err
	}
	if d.Mode != "accept" {
		return render(w, r, status, web.InvitationPage(d))
	}
	if err := c.team.Accept(ctx, audit.ActorFrom(ctx), inv); err != nil {
		return c.invitationRefused(w, r, inv, err)
	}
	c.forgetInvitation(r)
	c.sessions.Put(ctx, keyProject, inv.ProjectSID)
	c.sessions.Remove(ctx, keyAccount)
	c.flash(ctx, "ok", "invitation.joined", inv.ProjectName)
	return redirect(w, r, "/")
}

// invitationSignUp creates the invitee's user with the invited email and
// makes them a member, in one transaction (onboard.Service.SignUpInvited).
func (c *Console) invitationSignUp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	inv, err := c.currentInvitation(r)
	if err != nil {
		return err
	}
	d, status, err := c.invitationData(r, inv)
	if err != nil {
		return err
	}
	if d.Mode != "signup" {
		return render(w, r, status, web.InvitationPage(d))
	}
	d.SignUp.Name = strings.TrimSpace(r.PostFormValue("name"))
	u, err := c.onboard.SignUpInvited(ctx, audit.ActorFrom(ctx), inv, onboard.InvitedSignUpInput{
		Name: d.SignUp.Name, Password: r.PostFormValue("password"), Locale: i18n.Locale(ctx),
	})
	switch {
	case userProblems(err, &d.SignUp.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.InvitationPage(d))
	case errors.Is(err, auth.ErrBusy):
		c.retryAfter(w)
		d.SignUp.Errors.Add("password", "auth.busy")
		return render(w, r, http.StatusServiceUnavailable, web.InvitationPage(d))
	case errors.Is(err, auth.ErrEmailTaken):
		d.Mode = "signin"
		return render(w, r, http.StatusConflict, web.InvitationPage(d))
	case err != nil:
		return c.invitationRefused(w, r, inv, err)
	}
	if err := c.startSession(ctx, u.ID, u.SessionEpoch); err != nil {
		return err
	}
	c.forgetInvitation(r)
	c.sessions.Put(ctx, keyProject, inv.ProjectSID)
	c.flash(ctx, "ok", "invitation.joined", inv.ProjectName)
	return redirect(w, r, "/")
}
