package api

import (
	"net/http"

	"console/internal/audit"
)

// actor is the audit actor of a request p authenticated: the API, by the
// SID that authenticated (an API key, the test SID or the account's own).
func (p *Principal) actor(r *http.Request) audit.Actor {
	cred := p.Account.SID
	switch {
	case p.Key != nil:
		cred = p.Key.SID
	case p.TestSID != "":
		cred = p.TestSID
	}
	return audit.RequestActor(r, audit.ActorAPI, "", cred)
}
