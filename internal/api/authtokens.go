package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
)

// The /v1 resources use ISO 8601 dates, as Twilio's accounts API does.
func iso8601(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type secondaryJSON struct {
	AccountSID         string  `json:"account_sid"`
	DateCreated        string  `json:"date_created"`
	DateUpdated        string  `json:"date_updated"`
	SecondaryAuthToken *string `json:"secondary_auth_token"`
	URL                string  `json:"url"`
}

type promotionJSON struct {
	AccountSID  string `json:"account_sid"`
	AuthToken   string `json:"auth_token"`
	DateCreated string `json:"date_created"`
	DateUpdated string `json:"date_updated"`
	URL         string `json:"url"`
}

var errNoSecondary = &Error{Status: http.StatusNotFound, Code: 20404, Message: "The account has no secondary auth token"}

// tokenChange runs change on the caller's own account with its audit entry.
func (a *API) tokenChange(r *http.Request, action string, change func(tx pgx.Tx, acc *account.Account) error) error {
	ctx := r.Context()
	acc := principal(ctx).Account
	return pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if err := change(tx, acc); err != nil {
			return err
		}
		return a.audit(r, tx, action, acc.SID, nil)
	})
}

func (a *API) createSecondary(w http.ResponseWriter, r *http.Request) error {
	var token string
	var acc *account.Account
	err := a.tokenChange(r, "account.secondary_token_created", func(tx pgx.Tx, p *account.Account) (err error) {
		token, acc, err = a.accounts.CreateSecondaryAuthToken(r.Context(), tx, p.ProjectSID, p.SID)
		return err
	})
	if errors.Is(err, account.ErrSecondaryExists) {
		return &Error{Status: http.StatusBadRequest, Code: 20001, Message: "A secondary auth token already exists; delete or promote it first"}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, secondaryJSON{
		AccountSID: acc.SID, DateCreated: iso8601(*acc.SecondaryCreatedAt), DateUpdated: iso8601(acc.UpdatedAt),
		SecondaryAuthToken: &token, URL: a.cfg.BaseURL + "/v1/AuthTokens/Secondary",
	})
	return nil
}

func (a *API) deleteSecondary(w http.ResponseWriter, r *http.Request) error {
	err := a.tokenChange(r, "account.secondary_token_deleted", func(tx pgx.Tx, p *account.Account) error {
		return a.accounts.DeleteSecondaryAuthToken(r.Context(), tx, p.ProjectSID, p.SID)
	})
	if errors.Is(err, account.ErrNoSecondary) {
		return errNoSecondary
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) promoteSecondary(w http.ResponseWriter, r *http.Request) error {
	var token string
	var acc *account.Account
	err := a.tokenChange(r, "account.secondary_token_promoted", func(tx pgx.Tx, p *account.Account) (err error) {
		token, acc, err = a.accounts.PromoteSecondaryAuthToken(r.Context(), tx, p.ProjectSID, p.SID)
		return err
	})
	if errors.Is(err, account.ErrNoSecondary) {
		return errNoSecondary
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, promotionJSON{
		AccountSID: acc.SID, AuthToken: token, DateCreated: iso8601(acc.CreatedAt), DateUpdated: iso8601(acc.UpdatedAt),
		URL: a.cfg.BaseURL + "/v1/AuthTokens/Promote",
	})
	return nil
}
