package api

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
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

// targetAccount resolves {Sid} in the URL for the caller: their own
// account or, for a master account, one of its subaccounts. Anything
// else is a 404, exactly like an unknown SID.
func (a *API) targetAccount(r *http.Request, param string) (*account.Account, error) {
	p := principal(r.Context())
	sid := chi.URLParam(r, param)
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

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "sid")
	if err != nil {
		return err
	}
	token, err := a.accounts.AuthToken(r.Context(), a.pool, acc.ProjectSID, acc.SID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accountResource(acc, token))
	return nil
}
