package console

import (
	"net/http"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/reqlog"
	"console/web"
)

// projectAudit records a change to the project made by the signed-in user.
// It is the older way, for the handlers whose use cases have not moved to
// their domain's service yet; a service writes its entry with audit.Record.
func (c *Console) projectAudit(r *http.Request, db pgx.Tx, accountSID, action, target string, details map[string]string) error {
	v := web.ViewerOf(r.Context())
	return audit.Write(r.Context(), db, audit.Entry{ProjectSID: v.Project.SID, AccountSID: accountSID, ActorUserID: v.User.ID,
		Action: action, Target: target, IP: reqlog.ClientIP(r), Details: details})
}
