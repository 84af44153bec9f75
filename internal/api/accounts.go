package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
)

// accountJSON is Twilio's Account resource.
type accountJSON struct {
	AuthToken       string            `json:"auth_token"`
	DateCreated     string            `json:"date_created"`
	DateUpdated     string            `json:"date_updated"`
	FriendlyName    string            `json:"friendly_name"`
	OwnerAccountSID string            `json:"owner_account_sid"`
	SID             string            `json:"sid"`
	Status          string            `json:"status"`
	SubresourceURIs map[string]string `json:"subresource_uris"`
	Type            string            `json:"type"`
	URI             string            `json:"uri"`
}

// accountResource is a's resource; fundsSuspended tells whether its
// project is suspended for lack of funds, which a reports as its status.
func accountResource(a *account.Account, token string, fundsSuspended bool) accountJSON {
	base := "/2010-04-01/Accounts/" + a.SID
	owner := a.ParentSID
	if owner == "" {
		owner = a.SID
	}
	return accountJSON{
		AuthToken: token, DateCreated: rfc2822(a.CreatedAt), DateUpdated: rfc2822(a.UpdatedAt),
		FriendlyName: a.FriendlyName, OwnerAccountSID: owner, SID: a.SID, Status: a.ReportedStatus(fundsSuspended),
		Type: a.Type, URI: base + ".json",
		SubresourceURIs: map[string]string{
			"balance": base + "/Balance.json",
			"keys":    base + "/Keys.json",
		},
	}
}

// targetAccount resolves an account SID in the URL for the caller (see
// resolveAccount) and refuses, with Twilio's 10001, a request that would
// cost money or change state (any method but GET and HEAD) for an account
// that is suspended or closed: its parent's credentials may read its data
// but not send, call, buy or change anything as it. Every state-changing
// route on an account's resources passes here; the account resource
// itself (updateAccount), through which the parent reactivates it, has
// its own rule.
func (a *API) targetAccount(r *http.Request, param string) (*account.Account, error) {
	acc, err := a.resolveAccount(r, param)
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !acc.Active() {
		return nil, errInactive(acc)
	}
	return acc, nil
}

// resolveAccount resolves an account SID in the URL for the caller: their
// own account or, for a master account's credentials, one of its
// subaccounts. Anything else is a 404, exactly like an unknown SID.
func (a *API) resolveAccount(r *http.Request, param string) (*account.Account, error) {
	p := principal(r.Context())
	sid := chi.URLParam(r, param)
	if p.Cred == account.CredTest {
		// Test credentials name their test SID in the URL and reach
		// nothing else.
		if sid != p.TestSID {
			return nil, errNotFound(r.URL.Path)
		}
		return p.Account, nil
	}
	if sid == p.Account.SID {
		// Read by authenticate a moment ago, in this request.
		return p.Account, nil
	}
	acc, err := a.AccountService.Get(r.Context(), p.Account.ProjectSID, sid)
	if errors.Is(err, account.ErrNotFound) {
		return nil, errNotFound(r.URL.Path)
	}
	if err != nil {
		return nil, err
	}
	if acc.SID != p.Account.SID && acc.ParentSID != p.Account.SID {
		return nil, errNotFound(r.URL.Path)
	}
	return acc, nil
}

func (a *API) writeAccount(w http.ResponseWriter, r *http.Request, status int, acc *account.Account) error {
	token, err := a.AccountService.AuthToken(r.Context(), acc.ProjectSID, acc.SID)
	if err != nil {
		return err
	}
	suspended, err := a.billing.FundsSuspended(r.Context(), acc.ProjectSID)
	if err != nil {
		return err
	}
	writeJSON(w, status, accountResource(acc, token, suspended))
	return nil
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.resolveAccount(r, "sid")
	if err != nil {
		return err
	}
	return a.writeAccount(w, r, http.StatusOK, acc)
}

func (a *API) listAccounts(w http.ResponseWriter, r *http.Request) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := account.Filter{FriendlyName: q.Get("FriendlyName"), Status: q.Get("Status")}
	ctx := r.Context()
	p := principal(ctx)
	// Every account listed is of the caller's project.
	suspended, err := a.billing.FundsSuspended(ctx, p.Account.ProjectSID)
	if err != nil {
		return err
	}
	f.FundsSuspended = suspended
	rows, err := a.AccountService.List(ctx, p.Account, f, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return accountInputError(err)
	}
	return writePage(w, r, pg, rows, "accounts", func(acc *account.Account) string { return acc.SID },
		func(acc *account.Account) (accountJSON, error) {
			token, err := a.AccountService.AuthToken(ctx, acc.ProjectSID, acc.SID)
			return accountResource(acc, token, suspended), err
		})
}

var (
	errSubaccountParent = &Error{Status: http.StatusForbidden, Code: 20403, Message: "Subaccounts cannot create subaccounts"}
	errSubaccountLimit  = &Error{Status: http.StatusBadRequest, Code: 20001, Message: "This project has reached its limit of subaccounts"}
	errStatusByParent   = &Error{Status: http.StatusForbidden, Code: 20403, Message: "Only the parent account may change a subaccount's status"}
	errClosedForever    = &Error{Status: http.StatusBadRequest, Code: 21479, Message: "Unable to update Status for subaccount, subaccount has been closed."}
)

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PostFormValue("FriendlyName")
	if name == "" {
		// Twilio names a subaccount made without a name by its creation time.
		name = account.DefaultSubaccountName(time.Now())
	}
	sub, token, err := a.AccountService.CreateSubaccount(ctx, audit.ActorFrom(ctx), principal(ctx).Account, account.SubaccountInput{FriendlyName: name})
	switch {
	case errors.Is(err, account.ErrNotMaster):
		return errSubaccountParent
	case errors.Is(err, account.ErrLimit):
		return errSubaccountLimit
	case err != nil:
		return accountInputError(err)
	}
	suspended, err := a.billing.FundsSuspended(ctx, sub.ProjectSID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, accountResource(sub, token, suspended))
	return nil
}

func (a *API) updateAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	// Not targetAccount: the parent manages a suspended subaccount here,
	// reactivating, renaming or closing it. A closed one changes no more.
	acc, err := a.resolveAccount(r, "sid")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "must be form-encoded")
	}
	in := account.AccountUpdate{Status: r.PostFormValue("Status")}
	if names, ok := r.PostForm["FriendlyName"]; ok {
		in.FriendlyName = &names[0]
	}
	if in.Status != "" && acc.SID == p.Account.SID {
		// A subaccount's own credentials do not change its status.
		return errStatusByParent
	}
	updated, err := a.AccountService.UpdateAccount(ctx, audit.ActorFrom(ctx), acc, in)
	switch {
	case errors.Is(err, account.ErrMasterStatus):
		return errStatusByParent
	case errors.Is(err, account.ErrClosed):
		return errClosedForever
	case errors.Is(err, account.ErrNotActive):
		return errInactive(acc)
	case err != nil:
		return accountInputError(err)
	}
	return a.writeAccount(w, r, http.StatusOK, updated)
}
