package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"console/internal/account"
	"console/internal/audit"
)

type principalKey struct{}

// Principal is who authenticated a request: an account by one of its
// tokens, or an API key of an account.
type Principal struct {
	Account *account.Account
	Cred    account.Credential // zero for an API key
	Key     *account.Key
	// TestSID is the test Account SID the request authenticated with.
	TestSID string
}

func principal(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// errInactive refuses, for an account that is suspended or closed, what
// would cost money or change state: Twilio's 10001, "Account is not
// active", whose documented causes include a subaccount whose Status was
// set to suspended.
func errInactive(acc *account.Account) *Error {
	return &Error{Status: http.StatusForbidden, Code: 10001, Message: "Account is not active: " + acc.SID + " is " + acc.Status}
}

// errAccountInactive is errInactive for a service that refused an
// inactive account (account.ErrNotActive) after targetAccount let it by.
var errAccountInactive = twilioError(http.StatusForbidden, 10001, "Account is not active")

var (
	errTestCredentials = &Error{Status: http.StatusForbidden, Code: 20008, Message: "Resource not accessible with Test Account Credentials"}
	errSuspended       = &Error{Status: http.StatusForbidden, Code: 20403, Message: "The account is suspended"}
	errStandardKey     = &Error{Status: http.StatusForbidden, Code: 20403, Message: "This resource needs account credentials or a Main API key"}
)

// authenticate checks HTTP basic credentials: an Account SID (or test
// SID) with an auth token, or an API key SID with its secret.
func (a *API) authenticate(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		user, pass, ok := r.BasicAuth()
		if !ok {
			return errUnauthenticated
		}
		ctx := r.Context()
		p := &Principal{}
		var err error
		if strings.HasPrefix(user, account.KeyPrefix) {
			p.Key, p.Account, err = a.AccountService.AuthenticateKey(ctx, user, pass)
		} else {
			p.Account, p.Cred, err = a.AccountService.Authenticate(ctx, user, pass)
			if p.Cred == account.CredTest {
				p.TestSID = user
			}
		}
		if errors.Is(err, account.ErrWrongCredentials) {
			return errUnauthenticated
		}
		if err != nil {
			return err
		}
		if p.Account.Status == account.StatusSuspended {
			return errSuspended
		}
		ctx = audit.WithActor(context.WithValue(ctx, principalKey{}, p), p.actor(r))
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// manage guards the endpoints that manage accounts and credentials: test
// credentials and Standard keys may not use them.
func (a *API) manage(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r.Context())
		if p.Cred == account.CredTest {
			return errTestCredentials
		}
		if p.Key != nil && p.Key.Type != account.KeyMain {
			return errStandardKey
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// live refuses test credentials: they reach only the metered services' simulations.
func (a *API) live(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		if principal(r.Context()).Cred == account.CredTest {
			return errTestCredentials
		}
		next.ServeHTTP(w, r)
		return nil
	})
}
