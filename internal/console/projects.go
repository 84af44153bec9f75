package console

import (
	"net/http"

	"console/internal/audit"
	"console/web"
)

// switchProject makes another of the user's projects the current one.
// A project the user does not belong to is a 404, like an unknown one.
func (c *Console) switchProject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	want := r.PostFormValue("project")
	for _, p := range v.Projects {
		if p.SID == want {
			c.sessions.Put(ctx, keyProject, p.SID)
			c.sessions.Remove(ctx, keyAccount)
			if err := c.accountService.RecordProjectSwitch(ctx, audit.ActorFrom(ctx), p.SID); err != nil {
				return err
			}
			return redirect(w, r, "/")
		}
	}
	return errNotFound
}
