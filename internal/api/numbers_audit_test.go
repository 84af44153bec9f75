package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/numbers"
	"console/internal/webtest"
)

// A purchase through the API is audited in its transaction; one the
// balance does not cover is refused (10001) without suspending the project.
func TestBuyNumberIsAuditedAndARefusalDoesNotSuspend(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "5")
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/IncomingPhoneNumbers.json"
	phones := numbers.Candidates("JP", numbers.Local, "", 7, 2)

	res := app.API("POST", base, o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phones[0]}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sid := res.JSON(t)["sid"].(string)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM audit_log WHERE project_sid = $1 AND actor = 'api' AND action = 'number.bought' AND target = $2
		AND details->>'phone_number' = $3 AND credential_sid = $1`, o.AccountSID, sid, phones[0]))
	require.Equal(t, "0.5", balanceOf(t, app, o.AccountSID))

	refused := app.API("POST", base, o.AccountSID, o.AuthToken, url.Values{"PhoneNumber": {phones[1]}})
	require.Equal(t, http.StatusForbidden, refused.Status)
	require.Equal(t, 10001.0, refused.JSON(t)["code"])
	suspended, err := billing.Suspended(context.Background(), app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.False(t, suspended, "a refused purchase is only refused")
	require.Equal(t, "0.5", balanceOf(t, app, o.AccountSID))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM incoming_phone_numbers WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM audit_log WHERE action = 'number.bought'`))
}
