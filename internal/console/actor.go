package console

import (
	"net/http"

	"console/internal/audit"
	"console/web"
)

// withActor builds the request's audit actor once its viewer is known:
// the signed-in user, or an anonymous visitor. Services take it from
// there (audit.ActorFrom).
func withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := audit.RequestActor(r, audit.ActorAnonymous, "", "")
		if u := web.CurrentUser(r.Context()); u != nil {
			a.Kind, a.UserID = audit.ActorUser, u.ID
		}
		next.ServeHTTP(w, r.WithContext(audit.WithActor(r.Context(), a)))
	})
}
