package console

import (
	"net/http"
)

// errInactive answers a change to an account that is suspended or closed.
var errInactive = &Error{Status: http.StatusForbidden, MsgKey: "error.account_inactive"}

// activeAccount guards the routes that act on the account being viewed
// (its numbers, keys, credentials and triggers): a request that would
// change anything (any method but GET and HEAD) is refused while that
// account is suspended or closed, whoever the member is. Its pages still
// show. The parent reactivates a suspended subaccount from Settings ›
// Subaccounts, which acts on the project and is not behind this guard;
// so are billing and members, which belong to the project.
func (c *Console) activeAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !actingAccount(r).Active() {
			c.renderError(w, r, errInactive.Status, errInactive.MsgKey)
			return
		}
		next.ServeHTTP(w, r)
	})
}
