package api

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

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

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	keys, err := a.accounts.Keys(r.Context(), a.pool, acc.ProjectSID, acc.SID, pg.After, pg.Offset(), pg.Size+1)
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
	name := r.PostFormValue("FriendlyName")
	if utf8.RuneCountInString(name) > maxFriendlyName {
		return errInvalid("FriendlyName", "must be at most 64 characters")
	}
	k, secret, err := a.AccountService.CreateKey(ctx, audit.ActorFrom(ctx), acc, name, account.KeyStandard)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, newKeyJSON{keyJSON: keyResource(k), Secret: secret})
	return nil
}

func (a *API) key(r *http.Request) (*account.Account, *account.Key, error) {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return nil, nil, err
	}
	k, err := a.accounts.GetKey(r.Context(), a.pool, acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, account.ErrNotFound) {
		return nil, nil, errNotFound(r.URL.Path)
	}
	return acc, k, err
}

func (a *API) getKey(w http.ResponseWriter, r *http.Request) error {
	_, k, err := a.key(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResource(k))
	return nil
}

func (a *API) updateKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, k, err := a.key(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "must be form-encoded")
	}
	if names, ok := r.PostForm["FriendlyName"]; ok {
		if utf8.RuneCountInString(names[0]) > maxFriendlyName {
			return errInvalid("FriendlyName", "must be at most 64 characters")
		}
		err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
			if k, err = a.accounts.RenameKey(ctx, tx, acc.ProjectSID, acc.SID, k.SID, names[0]); err != nil {
				return err
			}
			return a.audit(r, tx, "key.renamed", k.SID, map[string]string{"friendly_name": names[0]})
		})
		if errors.Is(err, account.ErrNotFound) {
			return errNotFound(r.URL.Path)
		}
		if err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, keyResource(k))
	return nil
}

func (a *API) deleteKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, k, err := a.key(r)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if err := a.accounts.DeleteKey(ctx, tx, acc.ProjectSID, acc.SID, k.SID); err != nil {
			return err
		}
		return a.audit(r, tx, "key.revoked", k.SID, nil)
	})
	if errors.Is(err, account.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
