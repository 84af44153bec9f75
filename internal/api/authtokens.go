package api

import (
	"errors"
	"net/http"
	"time"

	"console/internal/account"
	"console/internal/audit"
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

func (a *API) createSecondary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token, acc, err := a.AccountService.CreateSecondaryToken(ctx, audit.ActorFrom(ctx), principal(ctx).Account)
	switch {
	case errors.Is(err, account.ErrSecondaryExists):
		return &Error{Status: http.StatusBadRequest, Code: 20001, Message: "A secondary auth token already exists; delete or promote it first"}
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	case err != nil:
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
	ctx := r.Context()
	err := a.AccountService.DeleteSecondaryToken(ctx, audit.ActorFrom(ctx), principal(ctx).Account)
	switch {
	case errors.Is(err, account.ErrNoSecondary):
		return errNoSecondary
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	case err != nil:
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) promoteSecondary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token, acc, err := a.AccountService.PromoteSecondaryToken(ctx, audit.ActorFrom(ctx), principal(ctx).Account)
	switch {
	case errors.Is(err, account.ErrNoSecondary):
		return errNoSecondary
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	case err != nil:
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, promotionJSON{
		AccountSID: acc.SID, AuthToken: token, DateCreated: iso8601(acc.CreatedAt), DateUpdated: iso8601(acc.UpdatedAt),
		URL: a.cfg.BaseURL + "/v1/AuthTokens/Promote",
	})
	return nil
}
