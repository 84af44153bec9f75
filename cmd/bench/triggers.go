package main

// The usage-triggers issue's benchmark: with 1,000 armed triggers and the
// messages load running (32 clients over the 4 subaccounts of one
// project, POST Messages.json from the numbers they own), the time from
// the API call that crosses a trigger's value to the trigger's webhook
// arriving at a receiver in this process. Twilio evaluates about once a
// minute; the target is p99 <= 2 s.
//
// The thresholds are set so that most of them are crossed during the
// run, at different moments: a short calibration load measures how fast
// each subaccount spends on this machine, then the triggers are created
// through the REST API with +N offsets, each N a different share of what
// the run is projected to add. Which call crossed a threshold is not
// guessed from the clients' clocks: once the load is over, the usage
// events are replayed in the order they were committed, and the message
// whose event made a trigger's period value reach its value is the
// crossing call, whose 201 the client timed.
//
// It is checked, not only timed: every threshold crossed fired exactly
// once (a row in the database and one webhook), none that was not crossed
// fired, and every webhook carries a valid X-Twilio-Signature and the
// firing's parameters. Any mismatch fails the run.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/usage"
)

const (
	// triggersTotal is the number of armed triggers.
	triggersTotal = 1000
	// triggersDuration is the messages scenario's measurement, the load
	// the issue names.
	triggersDuration = messagesDuration
	// targetTriggerP99 is the target.
	targetTriggerP99 = 2 * time.Second
	// triggersConns are the messages scenario's clients: the calibration
	// runs before the load generator's options are known.
	triggersConns = 32
	// triggersCalibration is the load that measures how fast the
	// subaccounts spend, before any trigger exists.
	triggersCalibration = 2 * time.Second
	// triggerCreators create the triggers concurrently, as a customer's
	// deploy script might.
	triggerCreators = 8
	// triggersQuiet bounds the wait for the calibration's messages to be
	// delivered, so that the scenarios measured next do not run beside
	// its jobs.
	triggersQuiet = time.Minute
	// webhookWait is how long after the load the bench waits for the
	// webhooks of the thresholds it crossed; one still missing then is
	// missing. duplicateGrace is how long it then listens for more.
	webhookWait    = 2 * time.Minute
	duplicateGrace = 2 * time.Second
)

// triggerBench is the scenario's state, from set-up to the checks.
type triggerBench struct {
	projectSID string
	loc        *time.Location
	subs       []credentials
	from       []string
	recv       *hookReceiver
	rates      []usageRates // per subaccount, a second
	calRate    float64      // messages a second during calibration, all subaccounts

	triggers []*benchTrigger

	mu sync.Mutex
	// answered are, per client, when each message's 201 was read, by SID.
	answered []map[string]time.Time
}

// triggerLatencies are each run's latencies, sorted, for the report; verify
// fills them.
var triggerLatencies = map[*result][]time.Duration{}

func prepareTriggers(ctx context.Context, e *env) (target, error) {
	s, err := e.console(ctx)
	if err != nil {
		return target{}, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	zone := triggersZone(time.Now())
	o, err := e.fundedProject(ctx, "triggers", "JPY", zone, messagesStart)
	if err != nil {
		return target{}, err
	}
	tb, err := newTriggerBench(ctx, pool, s.baseURL, o, zone)
	if tb != nil {
		e.onClose(tb.recv.stop)
	}
	if err != nil {
		return target{}, err
	}

	e.logf("triggers: calibrating: %d clients sending messages for %v", triggersConns, triggersCalibration)
	if err := tb.calibrate(ctx, pool, s.baseURL, triggersConns, triggersCalibration); err != nil {
		return target{}, fmt.Errorf("calibration: %w", err)
	}
	span := e.warmup + cmp.Or(e.duration, triggersDuration)
	e.logf("triggers: %.0f messages/s; creating %d triggers for a run of %v", tb.calRate, triggersTotal, span)
	began := time.Now()
	if err := tb.createTriggers(ctx, s.baseURL, triggersTotal, span); err != nil {
		return target{}, err
	}
	created := time.Since(began)
	waited, pending, err := waitDelivered(ctx, pool, tb.projectSID, triggersQuiet)
	if err != nil {
		return target{}, err
	}
	notes := []string{fmt.Sprintf("triggers: %d triggers created through POST Usage/Triggers.json in %.1fs (%d clients), %d on each of the %d subaccounts of one JPY project in %s:",
		len(tb.triggers), created.Seconds(), triggerCreators, len(tb.triggers)/len(tb.subs), len(tb.subs), zone),
		fmt.Sprintf("  sms-outbound and sms by price, count and usage, totalprice by price and usage; monthly, daily, yearly and alltime; 1 in %d called back by GET;", getEvery),
		fmt.Sprintf("  values +N from the usage when created, N spread over %.0f%%-%.0f%% of what a %v run adds at the %.0f messages/s of a %v calibration's second half; %d (1 in %d) out of reach",
			100*firstShare, 100*lastShare, span, tb.calRate, triggersCalibration, tb.unreachable(), neverEvery)}
	if pending > 0 {
		notes = append(notes, fmt.Sprintf("triggers: %d calibration messages were still undelivered %v after it: their jobs ran into the scenarios measured next", pending, waited.Round(time.Second)))
	}

	return target{
		newCaller: clientPerWorker(e, s.baseURL, tb.caller),
		verify: func(ctx context.Context, r *result, _ loadOptions) ([]check, error) {
			return tb.verify(ctx, pool, r)
		},
		notes: notes,
	}, nil
}

// newTriggerBench gives the project of o its subaccounts, each a number
// to send from, as the messages scenario does, and starts the receiver.
// The receiver, once started, is returned even with an error, to be stopped.
func newTriggerBench(ctx context.Context, pool *pgxpool.Pool, baseURL string, o *owner, zone string) (*triggerBench, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	recv, err := startHookReceiver()
	if err != nil {
		return nil, err
	}
	tb := &triggerBench{projectSID: o.AccountSID, loc: loc, recv: recv}
	sent, err := setUpMessages(ctx, pool, baseURL, o)
	if err != nil {
		return tb, err
	}
	tb.subs, tb.from = sent.subs, sent.from
	// Filled before any trigger exists: the receiver reads it unlocked.
	for _, sub := range tb.subs {
		recv.tokens[sub.sid] = sub.token
	}
	return tb, nil
}

func (tb *triggerBench) unreachable() int {
	n := 0
	for _, t := range tb.triggers {
		if t.never {
			n++
		}
	}
	return n
}

// triggersZone is the project's time zone: Tokyo, the messages scenario's,
// unless local midnight there is near, where a run could straddle the
// end of a day (and of a month or year) and a threshold crossed just
// before it be evaluated just after, in a period where it is not reached.
// UTC is nine hours away from that.
func triggersZone(now time.Time) string {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return "UTC"
	}
	if h := now.In(tokyo).Hour(); h >= 22 || h < 1 {
		return "UTC"
	}
	return "Asia/Tokyo"
}

// caller is client w's closed loop of POST Messages.json, as the messages
// scenario sends them (subaccount w % 4, Japanese and US mobiles in
// turn, the same bodies), noting when each message's answer was read.
func (tb *triggerBench) caller(client *http.Client, baseURL string, w int) func(ctx context.Context) error {
	sub := tb.subs[w%len(tb.subs)]
	from := tb.from[w%len(tb.from)]
	endpoint := baseURL + "/2010-04-01/Accounts/" + sub.sid + "/Messages.json"
	answered := map[string]time.Time{}
	tb.mu.Lock()
	tb.answered = append(tb.answered, answered)
	tb.mu.Unlock()
	n := 0
	return func(ctx context.Context) error {
		n++
		req, _, _, err := messageRequest(ctx, endpoint, sub, from, w, n)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		var m struct {
			SID string `json:"sid"`
		}
		err = json.NewDecoder(resp.Body).Decode(&m)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		at := time.Now()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST Messages.json: status %d, want 201", resp.StatusCode)
		}
		if err != nil {
			return fmt.Errorf("POST Messages.json: reading the answer: %w", err)
		}
		if !strings.HasPrefix(m.SID, "SM") {
			return fmt.Errorf("POST Messages.json: answered sid %q", m.SID)
		}
		answered[m.SID] = at
		return nil
	}
}

// calibrate runs the load from conns clients for d and measures each
// subaccount's messages, segments and spending a second over the second
// half: the first warms up connections, pools and caches, and runs
// slower than the measured load will.
func (tb *triggerBench) calibrate(ctx context.Context, pool *pgxpool.Pool, baseURL string, conns int, d time.Duration) error {
	began := time.Now()
	until := began.Add(d)
	from := began.Add(d / 2)
	out := make([]workerResult, conns)
	var wg sync.WaitGroup
	for w := range out {
		client, closeClient := newClient()
		call := tb.caller(client, baseURL, w)
		wg.Go(func() {
			defer closeClient()
			out[w] = work(ctx, call, began, until)
		})
	}
	wg.Wait()
	elapsed := time.Since(from)
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, w := range out {
		if w.errors > 0 {
			return fmt.Errorf("%d failed requests, first: %s", w.errors, w.samples[0])
		}
	}
	rows, err := pool.Query(ctx, `SELECT account_sid, sum(count), sum(usage)::text, sum(price)::text
		FROM usage_events WHERE project_sid = $1 AND category = $2 AND at >= $3 GROUP BY account_sid`, tb.projectSID, usage.SMSOutbound, from)
	if err != nil {
		return err
	}
	per := decimal.NewFromFloat(elapsed.Seconds())
	bySID := map[string]usageRates{}
	total := int64(0)
	for rows.Next() {
		var acc, use, price string
		var count int64
		if err := rows.Scan(&acc, &count, &use, &price); err != nil {
			rows.Close()
			return err
		}
		total += count
		bySID[acc] = usageRates{count: decimal.NewFromInt(count).Div(per), segments: decimal.RequireFromString(use).Div(per),
			price: decimal.RequireFromString(price).Div(per)}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, sub := range tb.subs {
		r, ok := bySID[sub.sid]
		if !ok || r.count.Sign() == 0 {
			return fmt.Errorf("subaccount %s sent nothing", sub.sid)
		}
		tb.rates = append(tb.rates, r)
	}
	tb.calRate = float64(total) / elapsed.Seconds()
	return nil
}

// createTriggers creates n planned triggers through the REST API, as
// their subaccounts, a few requests at a time, their values set for a
// run of span.
func (tb *triggerBench) createTriggers(ctx context.Context, baseURL string, n int, span time.Duration) error {
	api := &apiClient{baseURL: baseURL, http: &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: triggerCreators}, Timeout: 30 * time.Second}}
	defer api.close()
	plans := planTriggers(n, len(tb.subs))
	created := make([]*benchTrigger, len(plans))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range triggerCreators {
		wg.Go(func() {
			for i := range next {
				t, err := tb.createTrigger(ctx, api, i, plans[i], span)
				if err != nil {
					cancel(err)
					return
				}
				created[i] = t
			}
		})
	}
feed:
	for i := range plans {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	tb.triggers = created
	return nil
}

func (tb *triggerBench) createTrigger(ctx context.Context, api *apiClient, i int, p triggerPlan, span time.Duration) (*benchTrigger, error) {
	sub := tb.subs[p.sub]
	callback := tb.recv.baseURL + "/usage-triggers"
	if p.method == http.MethodGet {
		callback += "?via=get" // a query the GET signature must cover with the parameters
	}
	offset := p.offset(tb.rates[p.sub], span)
	form := url.Values{
		"FriendlyName":   {fmt.Sprintf("Bench %d %s %s %s", i+1, p.kind.category, p.kind.by, p.recurring)},
		"UsageCategory":  {p.kind.category},
		"TriggerBy":      {p.kind.by},
		"Recurring":      {p.recurring},
		"TriggerValue":   {"+" + offset.String()},
		"CallbackUrl":    {callback},
		"CallbackMethod": {p.method},
	}
	var got struct {
		SID            string `json:"sid"`
		AccountSID     string `json:"account_sid"`
		UsageCategory  string `json:"usage_category"`
		TriggerBy      string `json:"trigger_by"`
		TriggerValue   string `json:"trigger_value"`
		CurrentValue   string `json:"current_value"`
		Recurring      string `json:"recurring"`
		CallbackMethod string `json:"callback_method"`
	}
	path := "/2010-04-01/Accounts/" + sub.sid + "/Usage/Triggers.json"
	if err := api.call(ctx, http.MethodPost, path, sub, form, http.StatusCreated, &got); err != nil {
		return nil, err
	}
	value, err := decimal.NewFromString(got.TriggerValue)
	if err != nil {
		return nil, fmt.Errorf("POST %s: trigger_value %q: %w", path, got.TriggerValue, err)
	}
	current, err := decimal.NewFromString(got.CurrentValue)
	if err != nil {
		return nil, fmt.Errorf("POST %s: current_value %q: %w", path, got.CurrentValue, err)
	}
	// Nothing is sent while the triggers are created: the value is the
	// usage of the period so far plus the offset, exactly.
	if !strings.HasPrefix(got.SID, "UT") || got.AccountSID != sub.sid || got.UsageCategory != p.kind.category || got.TriggerBy != p.kind.by ||
		got.Recurring != p.recurring || got.CallbackMethod != p.method || !value.Equal(current.Add(offset)) {
		return nil, fmt.Errorf("POST %s: created %+v, asked for %s by %s %s, %s, +%s", path, got, p.kind.category, p.kind.by, p.recurring, p.method, offset)
	}
	return &benchTrigger{sid: got.SID, account: sub.sid, kind: p.kind, recurring: p.recurring, value: value, never: p.never}, nil
}

// waitDelivered waits, at most max, until the simulated carrier has
// delivered every message of the project, and returns how long it waited
// and how many were still undelivered.
func waitDelivered(ctx context.Context, pool *pgxpool.Pool, projectSID string, max time.Duration) (time.Duration, int64, error) {
	began := time.Now()
	for {
		var pending int64
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE project_sid = $1 AND status <> 'delivered'`, projectSID).Scan(&pending); err != nil {
			return 0, 0, err
		}
		waited := time.Since(began)
		if pending == 0 || waited >= max {
			return waited, pending, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// dbFiring is a row of usage_trigger_firings.
type dbFiring struct {
	key               firingKey
	token             string
	firedAt           time.Time
	value, current    decimal.Decimal
	account, category string
	by, recurring     string
}

// verify waits for the webhooks of the thresholds the load crossed, then
// checks them against the usage events and the firings in the database,
// and computes the latencies.
func (tb *triggerBench) verify(ctx context.Context, pool *pgxpool.Pool, r *result) ([]check, error) {
	loadEnded := time.Now()
	events, err := readUsageEvents(ctx, pool, tb.projectSID)
	if err != nil {
		return nil, err
	}
	expected := expectedFirings(tb.triggers, events, tb.loc)
	want := map[string]bool{}
	for k := range expected {
		want[k.trigger] = true
	}

	// Wait until every trigger crossed has called back, then listen a
	// little longer for anything fired twice.
	var lastIn time.Duration
	for {
		got := map[string]bool{}
		for _, a := range tb.recv.received() {
			got[a.params.Get("UsageTriggerSid")] = true
		}
		all := true
		for sid := range want {
			all = all && got[sid]
		}
		lastIn = time.Since(loadEnded)
		if all || lastIn >= webhookWait {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(duplicateGrace):
	}
	arrivals := tb.recv.received()
	firings, err := readFirings(ctx, pool, tb.projectSID)
	if err != nil {
		return nil, err
	}

	var checks []check
	// The database fired exactly the thresholds the events crossed.
	dbByKey := map[firingKey]dbFiring{}
	var missing, unexpected []string
	for _, f := range firings {
		dbByKey[f.key] = f
		if _, ok := expected[f.key]; !ok {
			unexpected = append(unexpected, f.key.String())
		}
	}
	for k := range expected {
		if _, ok := dbByKey[k]; !ok {
			missing = append(missing, k.String())
		}
	}
	detail := fmt.Sprintf("%d of %d triggers' values crossed (%d set out of reach), %d firings in the database",
		len(expected), len(tb.triggers), tb.unreachable(), len(firings))
	checks = append(checks, check{name: "triggers fired once per crossing:", detail: detail + listed("not fired", missing) + listed("fired uncrossed", unexpected),
		ok: len(missing) == 0 && len(unexpected) == 0 && len(firings) == len(dbByKey)})

	// Each firing called back exactly once (the receiver answers 200, so
	// a second delivery would be a job run twice), and nothing else did.
	byToken := map[string][]hookArrival{}
	for _, a := range arrivals {
		tok := a.params.Get("IdempotencyToken")
		byToken[tok] = append(byToken[tok], a)
	}
	var notCalled, twice, unknown []string
	for _, f := range firings {
		switch n := len(byToken[f.token]); {
		case n == 0:
			notCalled = append(notCalled, f.key.String())
		case n > 1:
			twice = append(twice, fmt.Sprintf("%s (%d times)", f.key, n))
		}
	}
	byTokenDB := map[string]dbFiring{}
	for _, f := range firings {
		byTokenDB[f.token] = f
	}
	for tok := range byToken {
		if _, ok := byTokenDB[tok]; !ok {
			unknown = append(unknown, fmt.Sprintf("token %q", tok))
		}
	}
	last := "none arrived"
	if len(arrivals) > 0 {
		lastAt := arrivals[0].at
		for _, a := range arrivals {
			if a.at.After(lastAt) {
				lastAt = a.at
			}
		}
		if after := lastAt.Sub(loadEnded); after > 0 {
			last = fmt.Sprintf("the last %.1fs after the load ended", after.Seconds())
		} else {
			last = "all before the load ended"
		}
	}
	checks = append(checks, check{name: "triggers webhooks once each:",
		detail: fmt.Sprintf("%d webhooks for %d firings, %s", len(arrivals), len(firings), last) +
			listed("none", notCalled) + listed("twice", twice) + listed("for no firing", unknown),
		ok: len(notCalled) == 0 && len(twice) == 0 && len(unknown) == 0})

	// Every webhook is signed for its account and says what fired.
	var badSig, badParams []string
	for _, a := range arrivals {
		p := a.params
		if !a.signed {
			badSig = append(badSig, p.Get("UsageTriggerSid"))
		}
		f, ok := byTokenDB[p.Get("IdempotencyToken")]
		if !ok {
			continue // reported above
		}
		cur, err := decimal.NewFromString(p.Get("CurrentValue"))
		val, err2 := decimal.NewFromString(p.Get("TriggerValue"))
		if err != nil || err2 != nil || p.Get("UsageTriggerSid") != f.key.trigger || p.Get("AccountSid") != f.account ||
			p.Get("UsageCategory") != f.category || p.Get("TriggerBy") != f.by || p.Get("Recurring") != f.recurring ||
			!val.Equal(f.value) || !cur.Equal(f.current) || cur.LessThan(val) || p.Get("DateFired") == "" ||
			!strings.Contains(p.Get("UsageRecordUri"), "/Usage/Records.json") {
			badParams = append(badParams, fmt.Sprintf("%s %v", a.method, p))
		}
	}
	checks = append(checks, check{name: "triggers webhook signatures:",
		detail: fmt.Sprintf("%d of %d valid for their subaccount's auth token (twilio-go's validator)", len(arrivals)-len(badSig), len(arrivals)) + listed("invalid", badSig),
		ok:     len(badSig) == 0})
	checks = append(checks, check{name: "triggers webhook parameters:",
		detail: fmt.Sprintf("%d of %d match their firing (trigger, account, category, field, period, values)", len(arrivals)-len(badParams), len(arrivals)) + listed("differ", badParams),
		ok:     len(badParams) == 0})

	// Latency: from the crossing call's 201 to the firing's webhook.
	answered := map[string]time.Time{}
	tb.mu.Lock()
	for _, m := range tb.answered {
		for sid, at := range m {
			answered[sid] = at
		}
	}
	tb.mu.Unlock()
	// The two halves, on the one clock of this machine: evaluation (the
	// crossing call's 201 to the firing's fired_at, the time the
	// evaluation that fired it began) and delivery (fired_at to arrival).
	var lat, eval, deliv []time.Duration
	var unanswered []string
	for k, ev := range expected {
		f, ok := dbByKey[k]
		if !ok || len(byToken[f.token]) == 0 {
			continue
		}
		sent, ok := answered[ev.source]
		if !ok {
			unanswered = append(unanswered, ev.source)
			continue
		}
		arrived := byToken[f.token][0].at
		lat = append(lat, arrived.Sub(sent))
		eval = append(eval, f.firedAt.Sub(sent))
		deliv = append(deliv, arrived.Sub(f.firedAt))
	}
	slices.Sort(lat)
	slices.Sort(eval)
	slices.Sort(deliv)
	if len(unanswered) > 0 {
		checks = append(checks, check{name: "triggers crossing calls timed:", ok: false,
			detail: fmt.Sprintf("%d crossing messages whose 201 no client read", len(unanswered)) + listed("", unanswered)})
	}
	triggerLatencies[r] = lat
	lr := &result{latencies: lat}
	if len(lat) > 0 {
		r.notes = append(r.notes, fmt.Sprintf("triggers: from the 201 of the call that crossed a value to the webhook at a receiver in the bench, %d firings: p50 %s, p90 %s, p99 %s, max %s",
			len(lat), ms(lr.percentile(0.50)), ms(lr.percentile(0.90)), ms(lr.percentile(0.99)), ms(lat[len(lat)-1])))
		er, dr := &result{latencies: eval}, &result{latencies: deliv}
		r.notes = append(r.notes, fmt.Sprintf("  of which evaluation (to the firing's fired_at) p50 %s, p99 %s; delivery (fired_at to the receiver) p50 %s, p99 %s",
			ms(er.percentile(0.50)), ms(er.percentile(0.99)), ms(dr.percentile(0.50)), ms(dr.percentile(0.99))))
	}
	r.notes = append(r.notes, fmt.Sprintf("triggers: the table's triggers row is the messages load meanwhile: POST Messages.json answered 201, %d clients over the %d subaccounts",
		r.conns, len(tb.subs)))
	return checks, nil
}

// listed appends up to three of items to a check's detail.
func listed(what string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	slices.Sort(items)
	s := fmt.Sprintf("; %d %s", len(items), what)
	if len(items) > 3 {
		return s + ", first: " + strings.Join(items[:3], ", ")
	}
	return s + ": " + strings.Join(items, ", ")
}

// readUsageEvents reads the project's usage events in the order they
// were committed: the ledger commits a project's charges one batch after
// another, and a batch's events take their ids in order.
func readUsageEvents(ctx context.Context, pool *pgxpool.Pool, projectSID string) ([]usageEvent, error) {
	rows, err := pool.Query(ctx, `SELECT id, account_sid, category, source, count, usage::text, price::text, at
		FROM usage_events WHERE project_sid = $1 ORDER BY id`, projectSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []usageEvent
	for rows.Next() {
		var e usageEvent
		var use, price string
		if err := rows.Scan(&e.id, &e.account, &e.category, &e.source, &e.count, &use, &price, &e.at); err != nil {
			return nil, err
		}
		e.usage, e.price = decimal.RequireFromString(use), decimal.RequireFromString(price)
		out = append(out, e)
	}
	return out, rows.Err()
}

func readFirings(ctx context.Context, pool *pgxpool.Pool, projectSID string) ([]dbFiring, error) {
	rows, err := pool.Query(ctx, `SELECT trigger_sid, period_start, idempotency_token, fired_at, trigger_value::text, current_value::text,
			account_sid, usage_category, trigger_by, recurring
		FROM usage_trigger_firings WHERE project_sid = $1`, projectSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dbFiring
	for rows.Next() {
		var f dbFiring
		var value, current string
		var period time.Time
		if err := rows.Scan(&f.key.trigger, &period, &f.token, &f.firedAt, &value, &current, &f.account, &f.category, &f.by, &f.recurring); err != nil {
			return nil, err
		}
		f.key.period = periodKey(period)
		var err1, err2 error
		f.value, err1 = decimal.NewFromString(value)
		f.current, err2 = decimal.NewFromString(current)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// reportTriggers prints the target for a run of the scenario.
func reportTriggers(w io.Writer, r *result, row string) {
	lat := triggerLatencies[r]
	if len(lat) == 0 {
		fmt.Fprintf(w, row, "trigger webhook p99:", "n/a", fmt.Sprintf("(target <= %v)", targetTriggerP99), "not judged: no firing measured")
		return
	}
	p99 := (&result{latencies: lat}).percentile(0.99)
	fmt.Fprintf(w, row, "trigger webhook p99:", ms(p99), fmt.Sprintf("(target <= %v)", targetTriggerP99), verdict(p99 <= targetTriggerP99))
}
