package trigger_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webhook"
	"console/internal/webtest"
)

// hit is one request a receiver got.
type hit struct {
	method, url, signature string
	params                 url.Values
}

// receiver answers webhooks with the statuses given in turn (the last one
// from then on) and keeps what it got.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	hits     []hit
	statuses []int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		params, _ := url.ParseQuery(string(body))
		full := "http://" + r.Host + r.URL.RequestURI()
		if r.Method == http.MethodGet {
			params = url.Values{}
		}
		rc.mu.Lock()
		n := len(rc.hits)
		rc.hits = append(rc.hits, hit{r.Method, full, r.Header.Get("X-Twilio-Signature"), params})
		status := rc.statuses[min(n, len(rc.statuses)-1)]
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits...)
}

func (rc *receiver) waitFor(t *testing.T, n int) []hit {
	t.Helper()
	require.Eventually(t, func() bool { return len(rc.got()) >= n }, 20*time.Second, 20*time.Millisecond, "waiting for %d webhooks", n)
	return rc.got()
}

// deliverer runs the webhook worker on app's database with a fast
// backoff, as a worker process would, with the given client.
func deliverer(t *testing.T, app *webtest.App, hc *http.Client) {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, &trigger.WebhookWorker{Pool: app.Pool, Client: hc, Backoff: func(int) time.Duration { return 50 * time.Millisecond },
		AuthToken: func(ctx context.Context, projectSID, accountSID string) (string, error) {
			return app.Services.Accounts.AuthToken(ctx, app.Pool, projectSID, accountSID)
		}})
	rc, err := river.NewClient(riverpgxv5.New(app.Pool), &river.Config{
		Queues:            map[string]river.QueueConfig{trigger.Queue: {MaxWorkers: 4}},
		FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond, Workers: workers, TestOnly: true,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, rc.Start(ctx))
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = rc.Stop(stop)
		cancel()
	})
}

func flat(v url.Values) map[string]string {
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

// A webhook carries Twilio's parameters and signature (checked with the
// official twilio-go validator), is retried on failure with the same
// IdempotencyToken, stops at the first 2xx, and every attempt is logged.
func TestWebhookSignedRetriedUntil2xx(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	rc := newReceiver(t, 500, 503, 204)
	hookURL := rc.URL + "/usage?source=trigger"
	tr := create(t, app.Services.Triggers, p, p, trigger.Spec{FriendlyName: "Spend", UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(100), Recurring: trigger.Monthly, CallbackURL: hookURL})
	spend(t, app, p, p, usage.SMSOutbound, "120.5", time.Now())
	settle(t, app.Services.Triggers)
	deliverer(t, app, webhook.NewClient(true))

	hits := rc.waitFor(t, 3)
	// The job has finished: a fourth attempt would have been made.
	app.WaitJobs(trigger.WebhookArgs{}.Kind())
	require.Len(t, rc.got(), 3, "a 2xx stops the retries")
	validator := client.NewRequestValidator(o.AuthToken)
	wrong := client.NewRequestValidator("00000000000000000000000000000000")
	for _, h := range hits {
		require.Equal(t, http.MethodPost, h.method)
		require.Equal(t, hookURL, h.url)
		require.True(t, validator.Validate(h.url, flat(h.params), h.signature), "signature of %v", h.params)
		require.False(t, wrong.Validate(h.url, flat(h.params), h.signature))
		require.Equal(t, hits[0].params, h.params, "every attempt sends the same, IdempotencyToken included")
	}
	fired := hits[0].params
	require.Equal(t, p, fired.Get("AccountSid"))
	require.Equal(t, tr.SID, fired.Get("UsageTriggerSid"))
	require.Equal(t, "monthly", fired.Get("Recurring"))
	require.Equal(t, "totalprice", fired.Get("UsageCategory"))
	require.Equal(t, "price", fired.Get("TriggerBy"))
	require.Equal(t, "100", fired.Get("TriggerValue"))
	require.Equal(t, "120.5", fired.Get("CurrentValue"))
	require.Equal(t, "/2010-04-01/Accounts/"+p+"/Usage/Records.json?Category=totalprice", fired.Get("UsageRecordUri"))
	require.NotEmpty(t, fired.Get("IdempotencyToken"))
	firedAt, err := time.Parse(time.RFC1123Z, fired.Get("DateFired"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), firedAt, time.Minute)
	require.Len(t, fired, 10)

	hist, err := app.Services.Triggers.History(ctx, p, p, tr.SID, 0, 10)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.Equal(t, fired.Get("IdempotencyToken"), hist[0].IdempotencyToken)
	require.Equal(t, "120.5", hist[0].CurrentValue.String())
	require.Eventually(t, func() bool {
		h, err := app.Services.Triggers.History(ctx, p, p, tr.SID, 0, 10)
		return err == nil && len(h[0].Attempts) == 3
	}, 5*time.Second, 20*time.Millisecond)
	hist, err = app.Services.Triggers.History(ctx, p, p, tr.SID, 0, 10)
	require.NoError(t, err)
	var statuses []int
	for i, a := range hist[0].Attempts {
		require.Equal(t, i+1, a.Attempt)
		require.Equal(t, hookURL, a.URL)
		require.Equal(t, "POST", a.Method)
		statuses = append(statuses, a.StatusCode)
	}
	require.Equal(t, []int{500, 503, 204}, statuses)
	require.Contains(t, hist[0].Attempts[0].Error, "answered 500")
	require.Equal(t, webhook.FailureStatus, hist[0].Attempts[0].Failure)
	require.False(t, hist[0].Attempts[0].OK())
	require.True(t, hist[0].Attempts[2].OK())
	require.Empty(t, hist[0].Attempts[2].Error)
	require.Empty(t, hist[0].Attempts[2].Failure)
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM river_job WHERE kind = 'usage_trigger_webhook' AND state = 'completed'`) == 1
	}, 5*time.Second, 20*time.Millisecond)
}

// With CallbackMethod GET the parameters go in the query string and the
// signature covers the whole URL, as Twilio signs GET webhooks.
func TestWebhookGET(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := owner(t, app, "USD")
	p := o.AccountSID
	rc := newReceiver(t, 200)
	create(t, app.Services.Triggers, p, p, trigger.Spec{UsageCategory: "sms", TriggerBy: trigger.ByCount, TriggerValue: decimal.NewFromInt(1),
		Recurring: trigger.Daily, CallbackURL: rc.URL + "/get?k=v", CallbackMethod: "GET"})
	spend(t, app, p, p, usage.SMSOutbound, "0.0079", time.Now())
	settle(t, app.Services.Triggers)
	deliverer(t, app, webhook.NewClient(true))
	h := rc.waitFor(t, 1)[0]
	require.Equal(t, http.MethodGet, h.method)
	u, err := url.Parse(h.url)
	require.NoError(t, err)
	require.Equal(t, "v", u.Query().Get("k"))
	require.Equal(t, "1", u.Query().Get("CurrentValue"))
	require.Equal(t, "daily", u.Query().Get("Recurring"))
	validator := client.NewRequestValidator(o.AuthToken)
	require.True(t, validator.Validate(h.url, map[string]string{}, h.signature))
}

// In production mode the client refuses private, loopback and link-local
// destinations, however spelled, after DNS; every refused attempt is
// logged and retried, and nothing reaches them. A redirect is never
// followed: the private address it points to gets nothing.
func TestWebhookAddressBlocklist(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	private := newReceiver(t, 200)
	_, port, _ := strings.Cut(strings.TrimPrefix(private.URL, "http://"), ":")
	targets := []string{
		private.URL + "/", // 127.0.0.1
		"http://[::1]:" + port + "/",
		"http://10.0.0.1/",
		"http://169.254.169.254/latest/meta-data",
		"http://0x7f000001:" + port + "/",
		"http://localhost:" + port + "/", // a name resolving to loopback
	}
	var sids []string
	for _, u := range targets {
		tr := create(t, app.Services.Triggers, p, p, trigger.Spec{FriendlyName: u, UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
			TriggerValue: decimal.NewFromInt(1), Recurring: trigger.Monthly, CallbackURL: u})
		sids = append(sids, tr.SID)
	}
	spend(t, app, p, p, usage.SMSOutbound, "5", time.Now())
	settle(t, app.Services.Triggers)
	deliverer(t, app, webhook.NewClient(false))

	for i, s := range sids {
		require.Eventually(t, func() bool {
			h, err := app.Services.Triggers.History(ctx, p, p, s, 0, 1)
			return err == nil && len(h) == 1 && len(h[0].Attempts) >= 2
		}, 20*time.Second, 50*time.Millisecond, targets[i])
		h, err := app.Services.Triggers.History(ctx, p, p, s, 0, 1)
		require.NoError(t, err)
		for _, a := range h[0].Attempts {
			require.Zero(t, a.StatusCode, targets[i])
			require.Contains(t, a.Error, "destination address not allowed", targets[i])
			require.Equal(t, webhook.FailureForbidden, a.Failure, targets[i])
		}
	}
	require.Empty(t, private.got(), "nothing reached the loopback receiver")

	// A public-looking server redirecting to a private address: the 302 is
	// the answer (a failure), the redirect target is never asked. (The
	// redirecting server is itself on loopback, so this part runs with
	// private addresses allowed, as in development.)
	app2 := webtest.Start(t)
	o2 := owner(t, app2, "JPY")
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/stolen", http.StatusFound)
	}))
	t.Cleanup(redirector.Close)
	tr := create(t, app2.Services.Triggers, o2.AccountSID, o2.AccountSID, trigger.Spec{UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(1), Recurring: trigger.Monthly, CallbackURL: redirector.URL + "/hook"})
	spend(t, app2, o2.AccountSID, o2.AccountSID, usage.SMSOutbound, "5", time.Now())
	settle(t, app2.Services.Triggers)
	deliverer(t, app2, webhook.NewClient(true))
	require.Eventually(t, func() bool {
		h, err := app2.Services.Triggers.History(ctx, o2.AccountSID, o2.AccountSID, tr.SID, 0, 1)
		return err == nil && len(h) == 1 && len(h[0].Attempts) >= 2
	}, 20*time.Second, 50*time.Millisecond)
	h, err := app2.Services.Triggers.History(ctx, o2.AccountSID, o2.AccountSID, tr.SID, 0, 1)
	require.NoError(t, err)
	require.Equal(t, http.StatusFound, h[0].Attempts[0].StatusCode)
	require.Contains(t, h[0].Attempts[0].Error, "answered 302")
	require.Empty(t, private.got(), "the redirect was not followed")
}

// A firing whose trigger was deleted is not delivered; the job ends.
func TestDeletedTriggerIsNotDelivered(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	rc := newReceiver(t, 200)
	tr := create(t, app.Services.Triggers, p, p, trigger.Spec{UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(1), Recurring: trigger.Monthly, CallbackURL: rc.URL})
	spend(t, app, p, p, usage.SMSOutbound, "5", time.Now())
	settle(t, app.Services.Triggers)
	require.NoError(t, app.Services.Triggers.Delete(ctx, byTest, p, p, tr.SID))
	deliverer(t, app, webhook.NewClient(true))
	require.Eventually(t, func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM river_job WHERE kind = 'usage_trigger_webhook' AND state = 'cancelled'`) == 1
	}, 10*time.Second, 20*time.Millisecond)
	require.Empty(t, rc.got())
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM usage_trigger_firings`))
}

// Retries span about a day: exponential from 30 s, at most 2 h apart.
func TestDefaultBackoffSpansADay(t *testing.T) {
	t.Parallel()
	require.Equal(t, 30*time.Second, trigger.DefaultBackoff(1))
	require.Equal(t, time.Minute, trigger.DefaultBackoff(2))
	require.Equal(t, 2*time.Hour, trigger.DefaultBackoff(15))
	var total time.Duration
	for attempt := 1; attempt < trigger.MaxAttempts; attempt++ {
		total += trigger.DefaultBackoff(attempt)
	}
	require.InDelta(t, 24, total.Hours(), 1.5, "retried for about a day (%s)", total)
}
