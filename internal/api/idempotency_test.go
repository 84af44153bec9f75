package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/maintenance"
	"console/internal/webtest"
)

type keyedAnswer struct {
	status   int
	body     string
	replayed bool
}

// postWithKey posts form to path with basic auth and an Idempotency-Key;
// it returns errors rather than failing, so goroutines may use it.
func postWithKey(app *webtest.App, path, user, pass, key string, form url.Values) (keyedAnswer, error) {
	req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return keyedAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Idempotency-Key", key)
	req.SetBasicAuth(user, pass)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return keyedAnswer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return keyedAnswer{res.StatusCode, string(b), res.Header.Get("Idempotent-Replayed") == "true"}, err
}

// Twenty clients retrying one message with one Idempotency-Key at once,
// while the first is still being charged, get one answer: one message,
// one charge. The key with other parameters, or on another resource, is a
// 422; another account's same key is its own.
func TestIdempotencyKeySendsOnce(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	credit(t, app, o.AccountSID, "1")
	from := app.OwnNumber(o.AccountSID, o.AccountSID)
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	form := url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"once"}}
	ctx := context.Background()

	// The balance row is held, so the first request waits in its charge
	// while the others arrive.
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.LockProject(ctx, tx, o.AccountSID))
	const n = 20
	answers := make([]keyedAnswer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i], errs[i] = postWithKey(app, path, o.AccountSID, o.AuthToken, "order-42/sms", form) })
	}
	require.Eventually(t, func() bool {
		return rows(t, app, `SELECT count(*) FROM idempotency_keys WHERE account_sid = $1 AND status IS NULL`, o.AccountSID) == 1
	}, 10*time.Second, 10*time.Millisecond, "the first request claimed the key")
	require.NoError(t, tx.Rollback(ctx))
	wg.Wait()
	replays := 0
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, http.StatusCreated, answers[i].status, answers[i].body)
		require.JSONEq(t, answers[0].body, answers[i].body, "every retry gets the first answer")
		if answers[i].replayed {
			replays++
		}
	}
	require.Equal(t, n-1, replays)
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM messages WHERE project_sid = $1`, o.AccountSID))
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage'`, o.AccountSID))
	require.Equal(t, decimal.RequireFromString("0.9921").String(), balanceOf(t, app, o.AccountSID))

	other := url.Values{"To": {"+14155550100"}, "From": {from}, "Body": {"twice?"}}
	for _, tc := range []struct {
		path string
		form url.Values
	}{{path, other}, {"/2010-04-01/Accounts/" + o.AccountSID + "/Calls.json", url.Values{"To": {"+14155550100"}, "From": {from}, "Url": {"https://example.com/t"}}}} {
		res, err := postWithKey(app, tc.path, o.AccountSID, o.AuthToken, "order-42/sms", tc.form)
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		require.Contains(t, res.body, `"code":20422`)
		require.Contains(t, res.body, "different parameters")
	}
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM messages`)+rows(t, app, `SELECT count(*) FROM calls`))

	// Keys are the account's: another project's same key does its own work.
	o2 := app.CreateOwner("USD")
	credit(t, app, o2.AccountSID, "1")
	form2 := url.Values{"To": {"+14155550100"}, "From": {app.OwnNumber(o2.AccountSID, o2.AccountSID)}, "Body": {"once"}}
	res, err := postWithKey(app, "/2010-04-01/Accounts/"+o2.AccountSID+"/Messages.json", o2.AccountSID, o2.AuthToken, "order-42/sms", form2)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	require.False(t, res.replayed)

	// Stored hashed: neither the key nor the parameters are in the table.
	require.Zero(t, rows(t, app, `SELECT count(*) FROM idempotency_keys WHERE position('order-42' IN encode(key_hash, 'escape')) > 0`))
}

// A key is 1 to 255 printable ASCII characters; anything else is a 400
// and nothing is done.
func TestIdempotencyKeyMustBePrintable(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	path := "/2010-04-01/Accounts/" + o.AccountSID + "/Keys.json"
	for _, key := range []string{"", strings.Repeat("k", 256), "caf\u00e9"} {
		res, err := postWithKey(app, path, o.AccountSID, o.AuthToken, key, url.Values{"FriendlyName": {"k"}})
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, res.status, "%q", key)
		require.Contains(t, res.body, "Idempotency-Key")
	}
	res, err := postWithKey(app, path, o.AccountSID, o.AuthToken, strings.Repeat("k", 255), url.Values{"FriendlyName": {"k"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	again, err := postWithKey(app, path, o.AccountSID, o.AuthToken, strings.Repeat("k", 255), url.Values{"FriendlyName": {"k"}})
	require.NoError(t, err)
	require.Equal(t, res.body, again.body, "the key and its secret, once")
	require.Equal(t, 1, rows(t, app, `SELECT count(*) FROM api_keys WHERE account_sid = $1`, o.AccountSID))
	var key struct{ Secret string }
	require.NoError(t, json.Unmarshal([]byte(res.body), &key))
	require.NotEmpty(t, key.Secret)
	require.Zero(t, rows(t, app, `SELECT count(*) FROM idempotency_keys WHERE position(convert_to($1, 'UTF8') IN body) > 0`, key.Secret),
		"the stored answer is sealed: the secret is not in the table")
}

// An answer is replayed for 24 hours; after that the key does the work
// again, and the cleanup job forgets it.
func TestIdempotencyKeysExpire(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	path := "/2010-04-01/Accounts.json"
	form := url.Values{"FriendlyName": {"Osaka shop"}}
	first, err := postWithKey(app, path, o.AccountSID, o.AuthToken, "sub-1", form)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	_, err = app.Pool.Exec(context.Background(), `UPDATE idempotency_keys SET created_at = now() - interval '23 hours 59 minutes'`)
	require.NoError(t, err)
	replay, err := postWithKey(app, path, o.AccountSID, o.AuthToken, "sub-1", form)
	require.NoError(t, err)
	require.True(t, replay.replayed)
	require.Equal(t, first.body, replay.body)

	_, err = app.Pool.Exec(context.Background(), `UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 minute'`)
	require.NoError(t, err)
	w := &maintenance.CleanupWorker{Pool: app.Pool, Outbox: app.Services.Outbox}
	require.NoError(t, w.Work(context.Background(), nil))
	require.Zero(t, rows(t, app, `SELECT count(*) FROM idempotency_keys`), "forgotten by the cleanup")
	fresh, err := postWithKey(app, path, o.AccountSID, o.AuthToken, "sub-1", form)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, fresh.status)
	require.False(t, fresh.replayed)
	require.NotEqual(t, first.body, fresh.body, "a new subaccount")
	require.Equal(t, 2, rows(t, app, `SELECT count(*) FROM accounts WHERE parent_sid = $1`, o.AccountSID))
}
