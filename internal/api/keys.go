package api

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
)

// keyJSON is Twilio's Key resource; newKeyJSON adds the secret, sent only
// in the response that creates the key.
type keyJSON struct {
	SID          string `json:"sid"`
	FriendlyName string `json:"friendly_name"`
	DateCreated  string `json:"date_created"`
	DateUpdated  string `json:"date_updated"`
}

type newKeyJSON struct {
	keyJSON
	Secret string `json:"secret"`
}

func keyResource(k *account.Key) keyJSON {
	return keyJSON{SID: k.SID, FriendlyName: k.FriendlyName, DateCreated: rfc2822(k.CreatedAt), DateUpdated: rfc2822(k.UpdatedAt)}
}

// keyError turns the account service's refusal of a key change into
// Twilio's error.
func keyError(r *http.Request, acc *account.Account, err error) error {
	switch {
	case errors.Is(err, account.ErrNotFound):
		return errNotFound(r.URL.Path)
	case errors.Is(err, account.ErrNotActive):
		return errInactive(acc)
	}
	return accountInputError(err)
}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	keys, err := a.AccountService.Keys(r.Context(), acc.ProjectSID, acc.SID, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, keys, "keys", func(k *account.Key) string { return k.SID },
		func(k *account.Key) (keyJSON, error) { return keyResource(k), nil })
}

// createKey makes a Standard key, as Twilio's 2010-04-01 API does; Main
// keys are made in the console.
func (a *API) createKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	k, secret, err := a.AccountService.CreateKey(ctx, audit.ActorFrom(ctx), acc,
		account.KeyInput{FriendlyName: r.PostFormValue("FriendlyName"), Type: account.KeyStandard})
	if err != nil {
		return keyError(r, acc, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, newKeyJSON{keyJSON: keyResource(k), Secret: secret})
	return nil
}

func (a *API) getKey(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	k, err := a.AccountService.Key(r.Context(), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, account.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResource(k))
	return nil
}

func (a *API) updateKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	keySID := chi.URLParam(r, "sid")
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "must be form-encoded")
	}
	var k *account.Key
	if names, ok := r.PostForm["FriendlyName"]; ok {
		k, err = a.AccountService.RenameKey(ctx, audit.ActorFrom(ctx), acc, keySID, names[0])
	} else {
		k, err = a.AccountService.Key(ctx, acc.ProjectSID, acc.SID, keySID)
	}
	if err != nil {
		return keyError(r, acc, err)
	}
	writeJSON(w, http.StatusOK, keyResource(k))
	return nil
}

func (a *API) deleteKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	if err := a.AccountService.RevokeKey(ctx, audit.ActorFrom(ctx), acc, chi.URLParam(r, "sid")); err != nil {
		return keyError(r, acc, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
