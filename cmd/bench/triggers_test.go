package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webhook"
	"console/internal/webtest"
)

// The plan spreads the triggers evenly: as many on each subaccount, every
// kind with every period, one in ten out of reach, one in five by GET,
// and the firing ones at distinct shares within the bounds on each.
func TestPlanTriggers(t *testing.T) {
	plans := planTriggers(1000, 4)
	require.Len(t, plans, 1000)
	perSub := map[int]int{}
	never, gets := 0, 0
	combos := map[string]bool{}
	shares := map[int]map[float64]bool{}
	for _, p := range plans {
		perSub[p.sub]++
		combos[p.kind.category+"/"+p.kind.by+"/"+p.recurring] = true
		if p.method == http.MethodGet {
			gets++
		}
		if p.never {
			never++
			require.Zero(t, p.share)
			continue
		}
		require.GreaterOrEqual(t, p.share, firstShare)
		require.Less(t, p.share, lastShare)
		if shares[p.sub] == nil {
			shares[p.sub] = map[float64]bool{}
		}
		require.False(t, shares[p.sub][p.share], "two triggers of subaccount %d at share %v", p.sub, p.share)
		shares[p.sub][p.share] = true
	}
	require.Equal(t, map[int]int{0: 250, 1: 250, 2: 250, 3: 250}, perSub)
	require.Equal(t, 100, never)
	require.Equal(t, 200, gets)
	require.Len(t, combos, len(triggerKinds)*4, "every kind with daily, monthly, yearly and alltime")
	for _, k := range triggerKinds {
		require.False(t, k.category == usage.TotalPrice && k.by == trigger.ByCount, "totalprice has no count: it would never fire")
	}
}

// An offset is the plan's share of the projected usage in the field's
// unit: whole messages and segments, prices to two decimals, never zero.
func TestTriggerOffset(t *testing.T) {
	r := usageRates{count: decimal.NewFromInt(100), segments: decimal.NewFromInt(150), price: decimal.RequireFromString("975.125")}
	span := 10 * time.Second
	at := func(category, by string, share float64) string {
		return triggerPlan{kind: triggerKind{category, by}, share: share}.offset(r, span).String()
	}
	require.Equal(t, "500", at(usage.SMSOutbound, trigger.ByCount, 0.5))
	require.Equal(t, "751", at("sms", trigger.ByUsage, 0.5004)) // 750.6 segments: the next whole one
	require.Equal(t, "4875.63", at(usage.SMSOutbound, trigger.ByPrice, 0.5))
	require.Equal(t, "4875.63", at(usage.TotalPrice, trigger.ByUsage, 0.5), "totalprice's usage is its price")
	require.Equal(t, "1", at(usage.SMSOutbound, trigger.ByCount, 0.0001))
	require.Equal(t, "0.01", at(usage.TotalPrice, trigger.ByPrice, 0.000001))
	require.Equal(t, neverValue.String(), triggerPlan{kind: triggerKind{"sms", trigger.ByPrice}, never: true}.offset(r, span).String())
}

// The replay finds, for each trigger and period, the event that made its
// value reach the trigger value, counting what the server's roll-ups
// count: the roll-up's concrete categories, every price for totalprice,
// the trigger's own account only.
func TestExpectedFirings(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	day1 := time.Date(2026, 5, 31, 14, 0, 0, 0, time.UTC) // 23:00 in Tokyo
	day2 := day1.Add(2 * time.Hour)                       // 1 June, 01:00 in Tokyo
	ev := func(id int64, account, category string, segments int64, price string, at time.Time) usageEvent {
		return usageEvent{id: id, account: account, category: category, source: "SM" + string(rune('a'+id)), count: 1,
			usage: decimal.NewFromInt(segments), price: decimal.RequireFromString(price), at: at}
	}
	events := []usageEvent{
		ev(1, "A", "phonenumbers-mobile", 1, "100", day1),
		ev(2, "A", usage.SMSOutbound, 2, "23.5", day1),
		ev(3, "B", usage.SMSOutbound, 2, "23.5", day1),
		ev(4, "A", usage.SMSOutbound, 1, "11.75", day1),
		ev(5, "A", usage.SMSOutbound, 2, "23.5", day2),
		ev(6, "A", usage.SMSOutbound, 1, "11.75", day2),
	}
	tr := func(sid, category, by, recurring, value string) *benchTrigger {
		return &benchTrigger{sid: sid, account: "A", kind: triggerKind{category, by}, recurring: recurring, value: decimal.RequireFromString(value)}
	}
	ts := []*benchTrigger{
		tr("total", usage.TotalPrice, trigger.ByPrice, trigger.Monthly, "120"),     // 100 + 23.5 at event 2
		tr("sms", "sms", trigger.ByUsage, trigger.Monthly, "3"),                    // 2 + 1 at event 4 (B's do not count), 2 + 1 at event 6
		tr("daily", usage.SMSOutbound, trigger.ByCount, trigger.Daily, "2"),        // 2 on 31 May (event 4), 2 on 1 June (event 6)
		tr("monthly", usage.SMSOutbound, trigger.ByCount, trigger.Monthly, "2"),    // May: event 4; June: event 6
		tr("alltime", usage.SMSOutbound, trigger.ByPrice, trigger.AllTime, "70.5"), // 23.5+11.75+23.5+11.75 = 70.5 at event 6
		tr("never", usage.SMSOutbound, trigger.ByPrice, trigger.Yearly, "1000"),
		tr("calls", "calls", trigger.ByCount, trigger.Monthly, "1"),
	}
	got := map[string]int64{}
	for k, e := range expectedFirings(ts, events, tokyo) {
		got[k.String()] = e.id
	}
	require.Equal(t, map[string]int64{
		"total in the period from 2026-05-01":   2,
		"sms in the period from 2026-05-01":     4,
		"sms in the period from 2026-06-01":     6,
		"daily in the period from 2026-05-31":   4,
		"daily in the period from 2026-06-01":   6,
		"monthly in the period from 2026-05-01": 4,
		"monthly in the period from 2026-06-01": 6,
		"alltime in the period from 0001-01-01": 6,
	}, got)
}

// The receiver accepts what the server's webhook sender signs, by POST
// and by GET with a query of its own, and flags a signature made with
// another token or for an account it does not know.
func TestHookReceiverSignatures(t *testing.T) {
	recv, err := startHookReceiver()
	require.NoError(t, err)
	defer recv.stop()
	const token = "0123456789abcdef0123456789abcdef"
	recv.tokens["AC1"] = token
	ctx := context.Background()
	client := webhook.NewClient(true)
	params := func(account, idem string) url.Values {
		return url.Values{"AccountSid": {account}, "UsageTriggerSid": {"UT1"}, "IdempotencyToken": {idem}, "CurrentValue": {"12.5"}}
	}
	_, err = webhook.Send(ctx, client, http.MethodPost, recv.baseURL+"/usage-triggers", token, params("AC1", "post"))
	require.NoError(t, err)
	_, err = webhook.Send(ctx, client, http.MethodGet, recv.baseURL+"/usage-triggers?via=get", token, params("AC1", "get"))
	require.NoError(t, err)
	_, err = webhook.Send(ctx, client, http.MethodPost, recv.baseURL+"/usage-triggers", "ffffffffffffffffffffffffffffffff", params("AC1", "forged"))
	require.NoError(t, err)
	_, err = webhook.Send(ctx, client, http.MethodPost, recv.baseURL+"/usage-triggers", token, params("AC2", "stranger"))
	require.NoError(t, err)

	signed := map[string]bool{}
	for _, a := range recv.received() {
		signed[a.params.Get("IdempotencyToken")] = a.signed
	}
	require.Equal(t, map[string]bool{"post": true, "get": true, "forged": false, "stranger": false}, signed)
	require.Equal(t, 4, recv.distinctTokens())
}

// A small run through the real server passes every check: thresholds
// crossed by the messages fire once each, with signed webhooks whose
// latency is measured. A webhook delivered twice, a forged one, or a
// firing the usage does not explain fails the check that sees it.
func TestTriggersChecks(t *testing.T) {
	app := webtest.Start(t, webtest.Workers())
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindAdjustment, "bench-test", decimal.NewFromInt(1000000), "")
	}))
	tb, err := newTriggerBench(ctx, app.Pool, app.URL, &owner{AccountSID: o.AccountSID, AuthToken: o.AuthToken}, "Asia/Tokyo")
	if tb != nil {
		defer tb.recv.stop()
	}
	require.NoError(t, err)
	require.NoError(t, tb.calibrate(ctx, app.Pool, app.URL, 4, 300*time.Millisecond))
	require.Len(t, tb.rates, messagesSubaccounts)
	require.NoError(t, tb.createTriggers(ctx, app.URL, 80, 2*time.Second))
	require.Len(t, tb.triggers, 80)
	require.Equal(t, 8, tb.unreachable())

	began := time.Now()
	out := make([]workerResult, 4)
	var wg sync.WaitGroup
	for w := range out {
		client, closeClient := newClient()
		defer closeClient()
		call := tb.caller(client, app.URL, w)
		wg.Go(func() { out[w] = work(ctx, call, began, began.Add(2*time.Second)) })
	}
	wg.Wait()
	for _, res := range out {
		require.Zero(t, res.errors, res.samples)
	}

	r := &result{conns: 4}
	checks, err := tb.verify(ctx, app.Pool, r)
	require.NoError(t, err)
	for _, c := range checks {
		require.True(t, c.ok, "%s %s", c.name, c.detail)
	}
	require.Len(t, checks, 4)
	lat := triggerLatencies[r]
	require.NotEmpty(t, lat, "some thresholds were crossed")
	for _, l := range lat {
		require.Less(t, l, time.Minute)
	}
	require.True(t, strings.HasPrefix(r.notes[0], "triggers: from the 201 of the call that crossed a value"), r.notes[0])

	// The same webhook again, then a forged one for the same firing.
	first := tb.recv.received()[0]
	resend := func(signature string) {
		req, err := http.NewRequest(first.method, tb.recv.baseURL+"/usage-triggers", strings.NewReader(first.params.Encode()))
		require.NoError(t, err)
		if first.method == http.MethodGet {
			req.URL.RawQuery = first.params.Encode() // via=get included
			req.Body = http.NoBody
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", signature)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	resend("forged")
	checks, err = tb.verify(ctx, app.Pool, &result{})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"triggers fired once per crossing:": true, "triggers webhooks once each:": false,
		"triggers webhook signatures:": false, "triggers webhook parameters:": true}, checksByName(checks))

	// A firing the replayed usage does not explain.
	for _, tr := range tb.triggers {
		if tr.sid == first.params.Get("UsageTriggerSid") {
			tr.value = tr.value.Add(decimal.NewFromInt(1_000_000_000))
		}
	}
	checks, err = tb.verify(ctx, app.Pool, &result{})
	require.NoError(t, err)
	require.False(t, checksByName(checks)["triggers fired once per crossing:"])
}
