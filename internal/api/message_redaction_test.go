package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/team"
	"console/internal/webtest"
)

// A sent message's body is redacted by an empty Body and the message is
// deleted by DELETE, through the SDK and the console; a message still
// queued is refused with 20009; the charge and the usage stay.
func TestRedactAndDeleteMessages(t *testing.T) {
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	tw := sdk(t, app, o.AccountSID, o.AuthToken)
	base := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages/"

	// No workers run here: the message stays queued until the test moves it.
	m, err := tw.Api.CreateMessage(&openapi.CreateMessageParams{To: ptr("+14155550100"), From: ptr(from), Body: ptr("my PIN is 1234")})
	require.NoError(t, err)
	sid := *m.Sid
	var tErr *client.TwilioRestError
	_, err = tw.Api.UpdateMessage(sid, &openapi.UpdateMessageParams{Body: ptr("")})
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20009, tErr.Code)
	require.Equal(t, http.StatusBadRequest, tErr.Status)
	err = tw.Api.DeleteMessage(sid, &openapi.DeleteMessageParams{})
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20009, tErr.Code)

	_, err = app.Pool.Exec(ctx, `UPDATE messages SET status = 'delivered', date_sent = now() WHERE sid = $1`, sid)
	require.NoError(t, err)
	balance := balanceOf(t, app, o.AccountSID)

	for _, tc := range []struct {
		form   url.Values
		status int
		code   float64
	}{
		{url.Values{"Body": {"changed"}}, 400, 20001},
		{url.Values{"Status": {"canceled"}}, 400, 30409},
	} {
		res := app.API("POST", base+sid+".json", o.AccountSID, o.AuthToken, tc.form)
		require.Equal(t, tc.status, res.Status, res.Body)
		require.Equal(t, tc.code, res.JSON(t)["code"])
	}
	require.Equal(t, http.StatusNotFound, app.API("POST", "/2010-04-01/Accounts/"+other.AccountSID+"/Messages/"+sid+".json", other.AccountSID,
		other.AuthToken, url.Values{"Body": {""}}).Status, "another project's message is not found")
	require.Equal(t, http.StatusNotFound, app.API("DELETE", "/2010-04-01/Accounts/"+other.AccountSID+"/Messages/"+sid+".json", other.AccountSID,
		other.AuthToken, nil).Status)
	unchanged := app.API("POST", base+sid+".json", o.AccountSID, o.AuthToken, url.Values{})
	require.Equal(t, http.StatusOK, unchanged.Status)
	require.Equal(t, "my PIN is 1234", unchanged.JSON(t)["body"], "no Body, no change")

	redacted, err := tw.Api.UpdateMessage(sid, &openapi.UpdateMessageParams{Body: ptr("")})
	require.NoError(t, err)
	require.Equal(t, "", *redacted.Body)
	require.Equal(t, "+14155550100", *redacted.To)
	require.Equal(t, "-0.00790", *redacted.Price, "the price stays")
	fetched, err := tw.Api.FetchMessage(sid, &openapi.FetchMessageParams{})
	require.NoError(t, err)
	require.Equal(t, "", *fetched.Body)

	require.NoError(t, tw.Api.DeleteMessage(sid, &openapi.DeleteMessageParams{}))
	_, err = tw.Api.FetchMessage(sid, &openapi.FetchMessageParams{})
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 20404, tErr.Code)
	require.Equal(t, http.StatusNotFound, app.API("DELETE", base+sid+".json", o.AccountSID, o.AuthToken, nil).Status, "deleted once")
	require.Equal(t, balance, balanceOf(t, app, o.AccountSID), "the charge stays")
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM usage_events WHERE source = $1`, sid), "the usage stays")
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM audit_log WHERE target = $1 AND action = 'message.redacted'`, sid))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM audit_log WHERE target = $1 AND action = 'message.deleted'`, sid))

	// The console: the message page offers both to those who manage messages.
	msg := app.InsertMessage(o.AccountSID, o.AccountSID)
	page := "/sms/logs/" + msg
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	require.Contains(t, owner.Get(page).Body, `data-testid="sms-redact"`)
	u, err := app.Services.Users.Create(ctx, app.Pool, "support@example.com", "Support", "support password", "")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, o.AccountSID, u.ID, team.RoleSupport))
	support := app.Client()
	support.SignIn("support@example.com", "support password")
	res := support.Get(page)
	require.Equal(t, http.StatusOK, res.Status)
	require.NotContains(t, res.Body, `data-testid="sms-manage"`)
	require.Equal(t, http.StatusForbidden, support.Post(page+"/delete", nil).Status)

	res = owner.Post(page+"/redact", nil)
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	require.Equal(t, page, res.Location())
	res = owner.Get(page)
	require.Contains(t, res.Body, "The message&#39;s body was redacted.")
	require.Contains(t, res.Body, `data-testid="sms-body-redacted"`)
	require.NotContains(t, res.Body, `data-testid="sms-redact"`)
	res = owner.Post(page+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	require.Equal(t, "/sms/logs", res.Location())
	require.Contains(t, owner.Get("/sms/logs").Body, "The message was deleted.")
	require.Equal(t, http.StatusNotFound, owner.Get(page).Status)
}
