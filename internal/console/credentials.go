package console

import (
	"errors"
	"net/http"

	"console/internal/account"
	"console/internal/audit"
	"console/web"
)

// credentialsPage shows the acting account's live and test credentials;
// ?reveal= shows one secret, on a page never cached.
func (c *Console) credentialsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	fresh, err := c.accountService.Get(ctx, a.ProjectSID, a.SID)
	if err != nil {
		return err
	}
	testSID, testToken, err := c.accountService.TestCredentials(ctx, a.ProjectSID, a.SID)
	if err != nil {
		return err
	}
	d := web.CredentialsData{AccountSID: a.SID, TestSID: testSID, SecondaryCreated: fresh.SecondaryCreatedAt}
	switch r.URL.Query().Get("reveal") {
	case "primary":
		d.Primary, err = c.accountService.AuthToken(ctx, a.ProjectSID, a.SID)
	case "secondary":
		d.Secondary, err = c.accountService.SecondaryAuthToken(ctx, a.ProjectSID, a.SID)
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

// credentialChanged answers a secondary-token change: back to the
// credentials page, revealing reveal when the change went through.
func (c *Console) credentialChanged(w http.ResponseWriter, r *http.Request, err error, flashKey, reveal string) error {
	ctx := r.Context()
	switch {
	case errors.Is(err, account.ErrSecondaryExists) || errors.Is(err, account.ErrNoSecondary):
		c.flash(ctx, "error", "credentials.changed_meanwhile")
	case errors.Is(err, account.ErrNotActive):
		return errInactive
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
	ctx := r.Context()
	_, _, err := c.accountService.CreateSecondaryToken(ctx, audit.ActorFrom(ctx), actingAccount(r))
	return c.credentialChanged(w, r, err, "credentials.secondary_created", "secondary")
}

func (c *Console) promoteSecondary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, _, err := c.accountService.PromoteSecondaryToken(ctx, audit.ActorFrom(ctx), actingAccount(r))
	return c.credentialChanged(w, r, err, "credentials.promoted", "")
}

func (c *Console) deleteSecondary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := c.accountService.DeleteSecondaryToken(ctx, audit.ActorFrom(ctx), actingAccount(r))
	return c.credentialChanged(w, r, err, "credentials.secondary_deleted", "")
}
