package console

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/onboard"
	"console/internal/team"
	"console/web"
)

// projectProblemKeys are the messages of the "Create new project" form.
var projectProblemKeys = map[auth.Problem]string{
	{Field: auth.FieldProjectName, Reason: auth.ReasonRequired}: "error.required",
	{Field: auth.FieldProjectName, Reason: auth.ReasonTooLong}:  "error.too_long",
	{Field: auth.FieldCurrency, Reason: auth.ReasonInvalid}:     "error.currency",
	{Field: onboard.FieldTimeZone, Reason: auth.ReasonInvalid}:  "error.time_zone",
}

// newProjectPage is "Create new project", and where a user with no
// project left lands. Its defaults follow the user's language, as
// sign-up's do.
func (c *Console) newProjectPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.ProjectForm{Currency: i18n.T(ctx, "signup.default_currency"), TimeZone: i18n.T(ctx, "signup.default_time_zone")}
	return render(w, r, http.StatusOK, web.NewProject(f))
}

// createProject opens a project owned by the user and switches to it.
func (c *Console) createProject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.ProjectForm{
		Name:     strings.TrimSpace(r.PostFormValue("project_name")),
		Currency: r.PostFormValue("currency"),
		TimeZone: r.PostFormValue("time_zone"),
	}
	p, err := c.onboard.CreateProject(ctx, audit.ActorFrom(ctx), web.CurrentUser(ctx).ID,
		onboard.ProjectInput{Name: f.Name, Currency: f.Currency, TimeZone: f.TimeZone})
	switch {
	case userProblems(err, &f.Errors, projectProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.NewProject(f))
	case errors.Is(err, onboard.ErrTooManyProjects):
		f.Errors.Add("form", "projects.too_many")
		return render(w, r, http.StatusUnprocessableEntity, web.NewProject(f))
	case err != nil:
		return err
	}
	c.sessions.Put(ctx, keyProject, p.SID)
	c.sessions.Remove(ctx, keyAccount)
	c.flash(ctx, "ok", "projects.created", p.FriendlyName)
	return redirect(w, r, "/")
}

// leaveProjectPage asks a member to confirm leaving the current project,
// or tells its Owner to transfer it first.
func (c *Console) leaveProjectPage(w http.ResponseWriter, r *http.Request) error {
	v := web.ViewerOf(r.Context())
	return render(w, r, http.StatusOK, web.LeaveProject(web.LeaveData{Owner: v.Role == team.RoleOwner}))
}

// leaveProject takes the user out of the project the form names (the one
// the confirmation showed, even if another tab has switched since); the
// console then opens another of theirs, or offers to create one. A
// project the user does not belong to is a 404, like an unknown one.
func (c *Console) leaveProject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	want := r.PostFormValue("project")
	i := slices.IndexFunc(v.Projects, func(p team.Project) bool { return p.SID == want })
	if i < 0 {
		return errNotFound
	}
	p := v.Projects[i]
	err := c.team.Leave(ctx, audit.ActorFrom(ctx), p.SID)
	switch {
	case errors.Is(err, team.ErrOwnerCannotLeave):
		return render(w, r, http.StatusUnprocessableEntity, web.LeaveProject(web.LeaveData{Owner: true}))
	case errors.Is(err, team.ErrNotMember):
		return errNotFound
	case err != nil:
		return err
	}
	if p.SID == v.Project.SID {
		c.sessions.Remove(ctx, keyProject)
		c.sessions.Remove(ctx, keyAccount)
	}
	c.flash(ctx, "ok", "projects.left", p.FriendlyName)
	if len(v.Projects) == 1 {
		// None left: straight to creating one, where the flash shows.
		return redirect(w, r, "/projects/new")
	}
	return redirect(w, r, "/")
}

// menuSubaccountLimit bounds the project menu's subaccount search.
const menuSubaccountLimit = 20

// menuSubaccounts answers the project menu's subaccount search: the list
// for htmx, a page of matches without JavaScript.
func (c *Console) menuSubaccounts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := web.SubaccountMatches{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if q := []rune(d.Query); len(q) > auth.MaxNameLen {
		d.Query = string(q[:auth.MaxNameLen]) // no name is longer
	}
	subs, err := c.accountService.SearchSubaccounts(ctx, web.CurrentProject(ctx).SID, d.Query, menuSubaccountLimit)
	if err != nil {
		return err
	}
	d.Subaccounts = subs
	return renderPart(w, r, http.StatusOK, web.SubaccountMatchesPage(d), web.SubaccountMatchesPart(d))
}

// deleteUserPage is User Settings › Delete account.
func (c *Console) deleteUserPage(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, web.DeleteUser(web.DeleteUserForm{}))
}

// deleteUser deletes the signed-in user once they gave their password
// again, and signs the browser out.
func (c *Console) deleteUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var f web.DeleteUserForm
	status, err := c.recheck(w, r, auth.AskPassword, "current_password", &f.Errors)
	if err != nil {
		return err
	}
	if !f.Errors.Any() {
		err = c.onboard.DeleteUser(ctx, audit.ActorFrom(ctx), web.CurrentUser(ctx))
		switch {
		case errors.Is(err, onboard.ErrOwnsSharedProject):
			f.Errors.Add("form", "account_delete.owns_shared")
		case errors.Is(err, onboard.ErrOwnsFunds):
			f.Errors.Add("form", "account_delete.owns_funds")
		case err != nil:
			return err
		}
	}
	if f.Errors.Any() {
		return render(w, r, cmp.Or(status, http.StatusUnprocessableEntity), web.DeleteUser(f))
	}
	locale := i18n.Locale(ctx)
	if err := c.sessions.Destroy(ctx); err != nil {
		return err
	}
	c.sessions.Put(ctx, keyLocale, locale)
	c.flash(ctx, "ok", "account_delete.done")
	return redirect(w, r, "/signin")
}
