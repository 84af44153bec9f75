package api

import (
	"net/http"
)

type balanceJSON struct {
	AccountSID string `json:"account_sid"`
	Balance    string `json:"balance"`
	Currency   string `json:"currency"`
}

// getBalance answers with the project's balance: subaccounts spend their
// parent's, so theirs is the same.
func (a *API) getBalance(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	b, err := a.billing.Balance(r.Context(), acc.ProjectSID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, balanceJSON{AccountSID: acc.SID, Balance: b.Amount.StringFixed(2), Currency: b.Currency})
	return nil
}
