package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/webtest"
)

func credit(t *testing.T, app *webtest.App, project, amount string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, project, billing.KindAdjustment, "test-"+amount+time.Now().String(), decimal.RequireFromString(amount), "")
	}))
}

func balanceOf(t *testing.T, app *webtest.App, project string) string {
	t.Helper()
	b, err := billing.Balance(context.Background(), app.Pool, project)
	require.NoError(t, err)
	return b.Amount.String()
}

func rows(t *testing.T, app *webtest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, app.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

var messageFields = []string{"account_sid", "api_version", "body", "date_created", "date_sent", "date_updated", "direction", "error_code", "error_message",
	"from", "messaging_service_sid", "num_media", "num_segments", "price", "price_unit", "sid", "status", "subresource_uris", "to", "uri"}

func TestSendMessageIsPricedChargedAndDelivered(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)

	res := app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"Hello from the console"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	m := res.JSON(t)
	require.Equal(t, messageFields, keysOf(m))
	require.Regexp(t, `^SM[0-9a-f]{32}$`, m["sid"])
	require.Equal(t, "queued", m["status"])
	require.Equal(t, "1", m["num_segments"])
	require.Equal(t, "-0.00790", m["price"])
	require.Equal(t, "USD", m["price_unit"])
	require.Equal(t, "outbound-api", m["direction"])
	require.Equal(t, from, m["from"])
	require.Equal(t, "+14155550100", m["to"])
	require.Equal(t, "2010-04-01", m["api_version"])
	require.Nil(t, m["date_sent"])
	require.Equal(t, "0.9921", balanceOf(t, app, o.AccountSID), "charged exactly")
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM usage_events WHERE source = $1 AND category = 'sms-outbound' AND usage = 1 AND price = 0.0079`, m["sid"]))

	// Japanese to a Japanese number: UCS-2, 70 characters a segment, the JP price.
	long := ""
	for i := 0; i < 71; i++ {
		long += "あ"
	}
	res = app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+819012345678"}, "From": {from}, "Body": {long}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	require.Equal(t, "2", res.JSON(t)["num_segments"])
	require.Equal(t, "-0.15660", res.JSON(t)["price"])
	require.Equal(t, "0.8355", balanceOf(t, app, o.AccountSID))

	sid := m["sid"].(string)
	require.Eventually(t, func() bool {
		got := app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/Messages/"+sid+".json", o.AccountSID, o.AuthToken, nil).JSON(t)
		return got["status"] == "delivered" && got["date_sent"] != nil
	}, 15*time.Second, 50*time.Millisecond, "queued → sent → delivered")

	list := app.API("GET", path+"?To=%2B819012345678", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Len(t, list["messages"].([]any), 1)
	all := app.API("GET", path+"?PageSize=1", o.AccountSID, o.AuthToken, nil).JSON(t)
	require.Len(t, all["messages"].([]any), 1)
	require.NotNil(t, all["next_page_uri"])
	today := time.Now().UTC().Format("2006-01-02")
	require.Len(t, app.API("GET", path+"?DateSent="+today, o.AccountSID, o.AuthToken, nil).JSON(t)["messages"].([]any), 2)
	require.Len(t, app.API("GET", path+"?DateSent=2020-01-01", o.AccountSID, o.AuthToken, nil).JSON(t)["messages"].([]any), 0)
	bad, err := billing.CheckLedger(context.Background(), app.Pool)
	require.NoError(t, err)
	require.Empty(t, bad)
}

func TestMessageValidationChangesNothing(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	long := make([]byte, 1601)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		form url.Values
		code int
	}{
		{url.Values{"From": {from}, "Body": {"x"}}, 21604},
		{url.Values{"To": {"+14155550100"}, "Body": {"x"}}, 21603},
		{url.Values{"To": {"+14155550100"}, "From": {from}}, 21602},
		{url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {string(long)}}, 21617},
		{url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"x"}, "StatusCallback": {"ftp://nope"}}, 21609},
		{url.Values{"To": {"0312345678"}, "From": {from}, "Body": {"x"}}, 21211},
		{url.Values{"To": {"+14155550100"}, "From": {"me"}, "Body": {"x"}}, 21212},
		{url.Values{"To": {"+14155550100"}, "From": {"+15017122661"}, "Body": {"x"}}, 21606},
		{url.Values{"To": {"+442071234567"}, "From": {from}, "Body": {"x"}}, 21408},
	} {
		res := app.API("POST", path, o.AccountSID, o.AuthToken, tc.form)
		require.Equal(t, http.StatusBadRequest, res.Status, tc.form.Encode())
		require.Equal(t, float64(tc.code), res.JSON(t)["code"], tc.form.Encode())
	}
	require.Zero(t, rows(t, app, `SELECT count(*) FROM messages`))
	require.Zero(t, rows(t, app, `SELECT count(*) FROM usage_events`))
	require.Equal(t, "1", balanceOf(t, app, o.AccountSID))
}

// Twilio's magic numbers with test credentials: nothing is sent, stored or charged.
func TestMessageTestCredentials(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	testSID, testToken, err := app.Services.Accounts.TestCredentials(context.Background(), app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	path := "/2010-04-01/Accounts/" + testSID + "/Messages.json"
	for _, tc := range []struct {
		from, to string
		status   int
		code     int
	}{
		{"+15005550006", "+14155550100", 201, 0},
		{"+15005550001", "+14155550100", 400, 21212},
		{"+15005550007", "+14155550100", 400, 21606},
		{"+15005550008", "+14155550100", 400, 21611},
		{"+15017122661", "+14155550100", 400, 21606},
		{"+15005550006", "+15005550001", 400, 21211},
		{"+15005550006", "+15005550002", 400, 21612},
		{"+15005550006", "+15005550003", 400, 21408},
		{"+15005550006", "+15005550004", 400, 21610},
		{"+15005550006", "+15005550009", 400, 21614},
	} {
		res := app.API("POST", path, testSID, testToken, url.Values{"From": {tc.from}, "To": {tc.to}, "Body": {"test"}})
		require.Equal(t, tc.status, res.Status, "%s → %s: %s", tc.from, tc.to, res.Body)
		body := res.JSON(t)
		if tc.code != 0 {
			require.Equal(t, float64(tc.code), body["code"], "%s → %s", tc.from, tc.to)
		} else {
			require.Equal(t, testSID, body["account_sid"])
			require.Equal(t, "queued", body["status"])
		}
	}
	require.Zero(t, rows(t, app, `SELECT count(*) FROM messages`), "nothing stored")
	require.Zero(t, rows(t, app, `SELECT count(*) FROM usage_events`))
	require.Equal(t, "1", balanceOf(t, app, o.AccountSID), "nothing charged")
	// Test credentials reach no other account, and cannot read messages.
	require.Equal(t, http.StatusNotFound, app.API("POST", "/2010-04-01/Accounts/"+o.AccountSID+"/Messages.json", testSID, testToken, url.Values{"From": {"+15005550006"}, "To": {"+14155550100"}, "Body": {"x"}}).Status)
	require.Equal(t, http.StatusForbidden, app.API("GET", path, testSID, testToken, nil).Status)
}

// A project whose balance ran out is suspended: paid API calls get
// Twilio's error and cost nothing, until a payment lifts it.
func TestSuspendedProjectCannotSend(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "0.0079")
	sub := app.API("POST", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, url.Values{"FriendlyName": {"shop"}}).JSON(t)
	subSID, subToken := sub["sid"].(string), sub["auth_token"].(string)
	from := map[string]string{o.AccountSID: app.OwnNumber(o.AccountSID, o.AccountSID), subSID: app.OwnNumber(o.AccountSID, subSID)}
	send := func(user, pass, acc string) *webtest.Response {
		return app.API("POST", "/2010-04-01/Accounts/"+acc+"/Messages.json", user, pass, url.Values{"To": {"+14155550100"}, "From": {from[acc]}, "Body": {"hi"}})
	}
	// The subaccount's message is charged to the parent's balance, which reaches zero.
	require.Equal(t, http.StatusCreated, send(subSID, subToken, subSID).Status)
	require.Equal(t, "0", balanceOf(t, app, o.AccountSID))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND account_sid = $2 AND kind = 'usage'`, o.AccountSID, subSID))
	suspended, err := billing.Suspended(context.Background(), app.Pool, o.AccountSID)
	require.NoError(t, err)
	require.True(t, suspended)

	for _, who := range [][3]string{{o.AccountSID, o.AuthToken, o.AccountSID}, {subSID, subToken, subSID}} {
		res := send(who[0], who[1], who[2])
		require.Equal(t, http.StatusForbidden, res.Status)
		require.Equal(t, 10001.0, res.JSON(t)["code"])
	}
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM messages`), "nothing stored while suspended")
	// Free calls still work.
	require.Equal(t, http.StatusOK, app.API("GET", "/2010-04-01/Accounts/"+o.AccountSID+"/Balance.json", o.AccountSID, o.AuthToken, nil).Status)

	credit(t, app, o.AccountSID, "5")
	require.Equal(t, http.StatusCreated, send(o.AccountSID, o.AuthToken, o.AccountSID).Status, "a payment lifts the suspension at once")
}

// StatusCallback receives each status, signed as Twilio signs: the
// official SDK's validator accepts the signature.
func TestMessageStatusCallbackIsSigned(t *testing.T) {
	t.Parallel()
	type hit struct {
		status, sig string
		params      map[string]string
	}
	hits := make(chan hit, 10)
	var cbURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		flat := map[string]string{}
		for k, v := range r.PostForm {
			flat[k] = v[0]
		}
		hits <- hit{r.PostForm.Get("MessageStatus"), r.Header.Get("X-Twilio-Signature"), flat}
	}))
	defer srv.Close()
	cbURL = srv.URL + "/status?source=console"
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	require.Equal(t, 21609.0, app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"x"}, "StatusCallback": {"ftp://nope"}}).JSON(t)["code"])
	res := app.API("POST", path, o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"hi"}, "StatusCallback": {cbURL}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	sid := res.JSON(t)["sid"].(string)
	validator := client.NewRequestValidator(o.AuthToken)
	for _, want := range []string{"sent", "delivered"} {
		select {
		case h := <-hits:
			require.Equal(t, want, h.status)
			require.Equal(t, sid, h.params["MessageSid"])
			require.Equal(t, o.AccountSID, h.params["AccountSid"])
			require.True(t, validator.Validate(cbURL, h.params, h.sig), "signature verified by twilio-go")
		case <-time.After(15 * time.Second):
			t.Fatalf("no %s callback", want)
		}
	}
}

// Messages that queue behind one another for the project's balance are
// charged in one transaction; one among them From a number the account
// does not own is refused alone. Each accepted one is delivered by the
// simulated carrier, and each with a StatusCallback is told sent and
// delivered exactly once.
func TestMessagesChargedTogetherAreEachDelivered(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	heard := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		heard[r.PostForm.Get("MessageSid")] = append(heard[r.PostForm.Get("MessageSid")], r.PostForm.Get("MessageStatus"))
		mu.Unlock()
	}))
	defer srv.Close()
	app := webtest.Start(t, webtest.Workers())
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	ctx := context.Background()
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	from := app.OwnNumber(o.AccountSID, o.AccountSID)

	// The balance row is held while the messages are posted, so that
	// their debits queue up and go together once it is released.
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.LockProject(ctx, tx, o.AccountSID))
	const n, notOwned = 13, 12
	sids := make([]string, n)
	codes := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"hi"}}
			if i%2 == 0 {
				form.Set("StatusCallback", srv.URL+"/status")
			}
			if i == notOwned {
				form.Set("From", "+15017122661")
			}
			res := app.API("POST", path, o.AccountSID, o.AuthToken, form)
			if res.Status == http.StatusCreated {
				sids[i] = res.JSON(t)["sid"].(string)
			} else {
				codes[i] = res.JSON(t)["code"]
			}
		}()
	}
	// Every message has reached the ledger and the first batch waits on the row.
	webtest.Eventually(t, "the debits to queue up", func() bool {
		return app.Services.Billing.Ledger.Pending(o.AccountSID) == n
	})
	app.WaitLockWaits(1)
	require.NoError(t, tx.Rollback(ctx))
	wg.Wait()
	require.Equal(t, 21606.0, codes[notOwned], "the message From a number not the account's")
	sids = sids[:notOwned]
	for i, sid := range sids {
		require.NotEmpty(t, sid, "message %d answered 201", i)
	}
	// A transaction's messages share its start as their date.
	require.Less(t, rows(t, app, `SELECT count(DISTINCT date_created) FROM messages WHERE project_sid = $1`, o.AccountSID), len(sids),
		"messages charged together, in fewer transactions than messages")

	require.Eventually(t, func() bool {
		return rows(t, app, `SELECT count(*) FROM messages WHERE project_sid = $1 AND status = 'delivered' AND date_sent IS NOT NULL`, o.AccountSID) == len(sids)
	}, 15*time.Second, 50*time.Millisecond, "every message delivered")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < len(sids); i += 2 {
			if len(heard[sids[i]]) < 2 {
				return false
			}
		}
		return true
	}, 15*time.Second, 50*time.Millisecond, "every callback posted")
	// Every callback job has run: a duplicate would have arrived by now.
	app.WaitJobs(messaging.CallbackArgs{}.Kind())
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, heard, len(sids)/2, "only messages with a StatusCallback are posted")
	for i := 0; i < len(sids); i += 2 {
		require.ElementsMatch(t, []string{"sent", "delivered"}, heard[sids[i]], "message %d", i)
	}
	require.Equal(t, len(sids), rows(t, app, `SELECT count(*) FROM messages WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, len(sids), rows(t, app, `SELECT count(*) FROM usage_events WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, len(sids), rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID))
	require.Equal(t, decimal.NewFromInt(1).Sub(decimal.RequireFromString("0.0079").Mul(decimal.NewFromInt(int64(len(sids))))).String(),
		balanceOf(t, app, o.AccountSID), "only the accepted ones charged")
}
