package api

import (
	"net/http"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/reqlog"
)

// audit records an API change made by the request's principal. It is the
// older way, for the handlers whose use cases have not moved to their
// domain's service yet; a service writes its entry with audit.Record.
func (a *API) audit(r *http.Request, db pgx.Tx, action, target string, details map[string]string) error {
	p := principal(r.Context())
	if details == nil {
		details = map[string]string{}
	}
	details["credential"] = p.Account.SID
	if p.Key != nil {
		details["credential"] = p.Key.SID
	}
	return audit.Write(r.Context(), db, audit.Entry{ProjectSID: p.Account.ProjectSID, AccountSID: p.Account.SID, Actor: audit.ActorAPI,
		Action: action, Target: target, IP: reqlog.ClientIP(r), Details: details})
}
