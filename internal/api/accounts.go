package api

import (
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/reqlog"
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

func accountResource(a *account.Account, token string) accountJSON {
	base := "/2010-04-01/Accounts/" + a.SID
	owner := a.ParentSID
	if owner == "" {
		owner = a.SID
	}
	return accountJSON{
		AuthToken: token, DateCreated: rfc2822(a.CreatedAt), DateUpdated: rfc2822(a.UpdatedAt),
		FriendlyName: a.FriendlyName, OwnerAccountSID: owner, SID: a.SID, Status: a.Status,
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
	acc, err := a.accounts.Get(r.Context(), a.pool, p.Account.ProjectSID, sid)
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
	token, err := a.accounts.AuthToken(r.Context(), a.pool, acc.ProjectSID, acc.SID)
	if err != nil {
		return err
	}
	writeJSON(w, status, accountResource(acc, token))
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
	if f.Status != "" && !account.ValidStatus(f.Status) {
		return errInvalid("Status", "must be active, suspended or closed")
	}
	ctx := r.Context()
	p := principal(ctx)
	rows, err := a.accounts.List(ctx, a.pool, p.Account, f, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, rows, "accounts", func(acc *account.Account) string { return acc.SID },
		func(acc *account.Account) (accountJSON, error) {
			token, err := a.accounts.AuthToken(ctx, a.pool, acc.ProjectSID, acc.SID)
			return accountResource(acc, token), err
		})
}

const maxFriendlyName = 64

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	if !p.Account.IsProject() {
		return &Error{Status: http.StatusForbidden, Code: 20403, Message: "Subaccounts cannot create subaccounts"}
	}
	name := r.PostFormValue("FriendlyName")
	if utf8.RuneCountInString(name) > maxFriendlyName {
		return errInvalid("FriendlyName", "must be at most 64 characters")
	}
	if name == "" {
		name = account.DefaultSubaccountName(time.Now())
	}
	var sub *account.Account
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		var err error
		if sub, _, err = a.accounts.CreateSubaccount(ctx, tx, p.Account, name, a.cfg.MaxSubaccounts); err != nil {
			return err
		}
		return a.audit(r, tx, "account.subaccount_created", sub.SID, map[string]string{"friendly_name": name})
	})
	if errors.Is(err, account.ErrLimit) {
		return &Error{Status: http.StatusBadRequest, Code: 20001, Message: "This project has reached its limit of subaccounts"}
	}
	if err != nil {
		return err
	}
	return a.writeAccount(w, r, http.StatusCreated, sub)
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
	name, setName := r.PostForm["FriendlyName"]
	status := r.PostFormValue("Status")
	if setName && utf8.RuneCountInString(name[0]) > maxFriendlyName {
		return errInvalid("FriendlyName", "must be at most 64 characters")
	}
	if status != "" {
		if !account.ValidStatus(status) {
			return errInvalid("Status", "must be active, suspended or closed")
		}
		if acc.IsProject() || acc.SID == p.Account.SID {
			return &Error{Status: http.StatusForbidden, Code: 20403, Message: "Only the parent account may change a subaccount's status"}
		}
		if acc.Status == account.StatusClosed && status != account.StatusClosed {
			return &Error{Status: http.StatusBadRequest, Code: 21479, Message: "Unable to update Status for subaccount, subaccount has been closed."}
		}
	}
	if setName && acc.Status == account.StatusClosed && name[0] != acc.FriendlyName {
		return errInactive(acc)
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if setName && name[0] != acc.FriendlyName {
			if acc, err = a.accounts.SetFriendlyName(ctx, tx, acc.ProjectSID, acc.SID, name[0]); err != nil {
				return err
			}
			if err := a.audit(r, tx, "account.renamed", acc.SID, map[string]string{"friendly_name": name[0]}); err != nil {
				return err
			}
		}
		if status != "" && status != acc.Status {
			if acc, err = a.accounts.SetStatus(ctx, tx, acc.ProjectSID, acc.SID, status); err != nil {
				return err
			}
			if err := a.audit(r, tx, "account.status_changed", acc.SID, map[string]string{"status": status}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, account.ErrClosed) {
		return &Error{Status: http.StatusBadRequest, Code: 21479, Message: "Unable to update Status for subaccount, subaccount has been closed."}
	}
	if err != nil {
		return err
	}
	return a.writeAccount(w, r, http.StatusOK, acc)
}

// audit records an API change made by the request's principal.
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
