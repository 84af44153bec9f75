package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/voice"
	"console/internal/webtest"
)

// The official twilio-go SDK drives a call from created to in progress to
// completed, and cancels another before it is answered: the first is
// charged once, for the minutes it lasted; the canceled one costs nothing.
func TestTwilioGoSDKDrivesCalls(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "10")
	clock := simulate(app, voice.OutcomeAnswered, 10*time.Minute)
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	tw := sdk(t, app, o.AccountSID, o.AuthToken)
	params := func() *openapi.CreateCallParams {
		return (&openapi.CreateCallParams{}).SetTo("+14155550100").SetFrom(from).SetUrl("https://example.com/twiml")
	}

	call, err := tw.Api.CreateCall(params())
	require.NoError(t, err)
	require.Equal(t, "queued", *call.Status)
	require.Nil(t, call.Price)
	require.Nil(t, call.StartTime)

	advance(t, app, clock, time.Second)
	advance(t, app, clock, 4*time.Second)
	call, err = tw.Api.FetchCall(*call.Sid, nil)
	require.NoError(t, err)
	require.Equal(t, "in-progress", *call.Status)
	require.NotNil(t, call.StartTime)

	clock.Add(2*time.Minute + 30*time.Second)
	call, err = tw.Api.UpdateCall(*call.Sid, (&openapi.UpdateCallParams{}).SetStatus("completed"))
	require.NoError(t, err)
	require.Equal(t, "completed", *call.Status)
	require.Equal(t, "150", *call.Duration)
	require.Equal(t, "-0.04200", *call.Price, "3 started minutes at $0.014")
	require.NotNil(t, call.EndTime)

	other, err := tw.Api.CreateCall(params())
	require.NoError(t, err)
	advance(t, app, clock, time.Second)
	other, err = tw.Api.FetchCall(*other.Sid, nil)
	require.NoError(t, err)
	require.Equal(t, "ringing", *other.Status)
	other, err = tw.Api.UpdateCall(*other.Sid, (&openapi.UpdateCallParams{}).SetStatus("canceled"))
	require.NoError(t, err)
	require.Equal(t, "canceled", *other.Status)
	require.Nil(t, other.Price)

	_, err = tw.Api.UpdateCall(*other.Sid, (&openapi.UpdateCallParams{}).SetStatus("completed"))
	var tErr *client.TwilioRestError
	require.ErrorAs(t, err, &tErr)
	require.Equal(t, 21220, tErr.Code)

	advance(t, app, clock, time.Hour)
	calls, err := tw.Api.ListCall(&openapi.ListCallParams{})
	require.NoError(t, err)
	require.Len(t, calls, 2)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID))
	require.Equal(t, "9.958", balanceOf(t, app, o.AccountSID))
}

// A call's StatusCallback is told the events it subscribed to (here all
// four, space-separated as Twilio allows), in order, numbered, signed as
// Twilio signs: the SDK's validator accepts each. The network runs in real
// time on the workers, with short timings.
func TestCallStatusCallbacksAreSigned(t *testing.T) {
	type hit struct {
		sig    string
		params map[string]string
	}
	hits := make(chan hit, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		flat := map[string]string{}
		for k, v := range r.PostForm {
			flat[k] = v[0]
		}
		hits <- hit{r.Header.Get("X-Twilio-Signature"), flat}
	}))
	defer srv.Close()
	cbURL := srv.URL + "/call-status?source=console"
	app := webtest.Start(t, webtest.Workers())
	app.Services.Calls.Network = voice.Network{Dial: 50 * time.Millisecond, Ring: 50 * time.Millisecond,
		Talk: func(string) time.Duration { return time.Second }, Outcome: func(string) string { return voice.OutcomeAnswered }}
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	res := app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/Calls.json", o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"},
		"From": {from}, "Url": {"https://example.com/twiml"}, "StatusCallback": {cbURL}, "StatusCallbackEvent": {"initiated ringing answered completed"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sid := res.JSON(t)["sid"].(string)
	validator := client.NewRequestValidator(o.AuthToken)
	got := map[string]map[string]string{}
	for range 4 {
		select {
		case h := <-hits:
			require.True(t, validator.Validate(cbURL, h.params, h.sig), "signature verified by twilio-go")
			require.Equal(t, sid, h.params["CallSid"])
			require.Equal(t, o.AccountSID, h.params["AccountSid"])
			got[h.params["SequenceNumber"]] = h.params
		case <-time.After(20 * time.Second):
			t.Fatalf("callbacks so far: %v", got)
		}
	}
	for seq, status := range []string{"initiated", "ringing", "in-progress", "completed"} {
		require.Equal(t, status, got[string(rune('0'+seq))]["CallStatus"], "event %d", seq)
	}
	require.Equal(t, "1", got["3"]["CallDuration"])
	require.Eventually(t, func() bool {
		return rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID) == 1
	}, 5*time.Second, 50*time.Millisecond)
}
