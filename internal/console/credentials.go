package console

import (
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/web"
)

// credentialsPage shows the acting account's live and test credentials;
// ?reveal= shows one secret, on a page never cached.
func (c *Console) credentialsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	fresh, err := c.accounts.Get(ctx, c.pool, a.ProjectSID, a.SID)
	if err != nil {
		return err
	}
	testSID, testToken, err := c.accounts.TestCredentials(ctx, c.pool, a.ProjectSID, a.SID)
	if err != nil {
		return err
	}
	d := web.CredentialsData{AccountSID: a.SID, TestSID: testSID, SecondaryCreated: fresh.SecondaryCreatedAt}
	switch r.URL.Query().Get("reveal") {
	case "primary":
		d.Primary, err = c.accounts.AuthToken(ctx, c.pool, a.ProjectSID, a.SID)
	case "secondary":
		d.Secondary, err = c.accounts.SecondaryAuthToken(ctx, c.pool, a.ProjectSID, a.SID)
		if errors.Is(err, account.ErrNoSecondary) {
			err = nil
		}
	case "test":
		d.Test = testToken
	}
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.Credentials(d))
}

// credentialChange runs one secondary-token change on the acting account
// with its audit entry, then returns to the credentials page.
func (c *Console) credentialChange(w http.ResponseWriter, r *http.Request, action, flashKey, reveal string, change func(tx pgx.Tx, a *account.Account) error) error {
	ctx := r.Context()
	a := actingAccount(r)
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if err := change(tx, a); err != nil {
			return err
		}
		return c.projectAudit(r, tx, a.SID, action, a.SID, nil)
	})
	switch {
	case errors.Is(err, account.ErrSecondaryExists) || errors.Is(err, account.ErrNoSecondary):
		c.flash(ctx, "error", "credentials.changed_meanwhile")
	case err != nil:
		return err
	default:
		c.flash(ctx, "ok", flashKey)
	}
	to := "/settings/credentials"
	if reveal != "" && err == nil {
		to += "?reveal=" + reveal
	}
	return redirect(w, r, to)
}

func (c *Console) createSecondary(w http.ResponseWriter, r *http.Request) error {
	return c.credentialChange(w, r, "account.secondary_token_created", "credentials.secondary_created", "secondary", func(tx pgx.Tx, a *account.Account) error {
		_, _, err := c.accounts.CreateSecondaryAuthToken(r.Context(), tx, a.ProjectSID, a.SID)
		return err
	})
}

func (c *Console) promoteSecondary(w http.ResponseWriter, r *http.Request) error {
	return c.credentialChange(w, r, "account.secondary_token_promoted", "credentials.promoted", "", func(tx pgx.Tx, a *account.Account) error {
		_, _, err := c.accounts.PromoteSecondaryAuthToken(r.Context(), tx, a.ProjectSID, a.SID)
		return err
	})
}

func (c *Console) deleteSecondary(w http.ResponseWriter, r *http.Request) error {
	return c.credentialChange(w, r, "account.secondary_token_deleted", "credentials.secondary_deleted", "", func(tx pgx.Tx, a *account.Account) error {
		return c.accounts.DeleteSecondaryAuthToken(r.Context(), tx, a.ProjectSID, a.SID)
	})
}
