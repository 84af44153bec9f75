package api

import (
	"net/http"
	"time"
)

// fair admits a request within its account's fair use (see fairuse): a
// request per second beyond the account's rate, or beyond its requests in
// progress, is answered 429 with Twilio's code 20429 and Retry-After, and
// nothing is done. The account is the one whose credentials authenticated
// (a subaccount's own credentials count for the subaccount).
func (a *API) fair(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		release, wait, ok := a.fairUse.Acquire(principal(r.Context()).Account.SID, time.Now())
		if !ok {
			return &Error{Status: http.StatusTooManyRequests, Code: 20429, Message: "Too Many Requests", RetryAfter: wait}
		}
		defer release()
		next.ServeHTTP(w, r)
		return nil
	})
}
