package main

// The usage issue's benchmark of sending: POST Messages.json from 32
// clients spread over the 4 subaccounts of one project, end to end
// through the real server (authentication, validation, pricing, the
// combining ledger writing each batch's messages, usage events, roll-ups
// and entries together in the debit's transaction, the simulated carrier
// running meanwhile), compared with the naive limit of the billing
// scenarios measured in the same run.
//
// It is checked, not only timed: once the measurement is over, the
// messages, the usage events, both daily roll-ups and the ledger must
// agree exactly with the 201 answers the clients got, per subaccount, and
// the balance with its ledger. It runs after the other scenarios (only
// triggers, which runs the same load again, follows it): a carrier that
// fell behind would work off its backlog during any measurement after it.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/usage"
)

const (
	// messagesDuration is the measurement.
	messagesDuration = 15 * time.Second
	// messagesSubaccounts is how many subaccounts the clients are spread over.
	messagesSubaccounts = 4
	// targetMessagesRatio and targetMessagesP99 are the targets.
	targetMessagesRatio = 2.5
	targetMessagesP99   = 50 * time.Millisecond
	// deliveryWindow is how long the simulated carrier is watched after
	// the run: long enough to measure its rate, short enough that a
	// backlog does not stall the run.
	deliveryWindow = 10 * time.Second
)

// messagesStart is the project's balance: 15 s at 10,000 messages a second
// of two segments to Japan (23.50 JPY) would take 3.5 million.
var messagesStart = decimal.RequireFromString("100000000")

// messageBody is a body the clients send, with its segments counted by
// hand as carriers count them: GSM-7 holds 160 characters in one segment
// and 153 per part beyond; anything else (Japanese) is UCS-2, 70 and 67.
type messageBody struct {
	text     string
	segments int
}

var messageBodies = []messageBody{
	{"Your verification code is 482913. It expires in 10 minutes.", 1}, // 59 GSM-7
	{"Reminder: your appointment at Shibuya Dental is tomorrow, 3 December, at 15:00. Reply YES to confirm or call us on 03-1234-5678 " +
		"to change it. Please bring your insurance card and arrive 10 minutes early.", 2}, // 203 GSM-7
	{"【予約確認】12月3日15:00のご予約を承りました。変更はマイページからどうぞ。", 1}, // 41 UCS-2
	{"ご注文ありがとうございます。ご注文番号A-20481の商品は本日発送いたしました。お届け予定日は12月5日です。" +
		"配送状況はマイページの注文履歴からご確認いただけます。またのご利用をお待ちしております。", 2}, // 100 UCS-2
}

// sentMessages is what the clients were answered, warm-up included:
// every 201 must be in the database, and nothing else.
type sentMessages struct {
	projectSID string
	currency   string
	subs       []credentials
	from       []string // the number each subaccount bought
	// unitPrice is one segment's price to each destination country.
	unitPrice map[string]decimal.Decimal
	// balanceBefore is the project's balance once set up.
	balanceBefore decimal.Decimal

	accepted atomic.Int64
	mu       sync.Mutex
	charged  decimal.Decimal // the sum of the prices in the 201 answers
	segments int64
}

func prepareMessages(ctx context.Context, e *env) (target, error) {
	s, err := e.console(ctx)
	if err != nil {
		return target{}, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	o, err := e.fundedProject(ctx, "messages", "JPY", "Asia/Tokyo", messagesStart)
	if err != nil {
		return target{}, err
	}
	sent, err := setUpMessages(ctx, pool, s.baseURL, o)
	if err != nil {
		return target{}, err
	}

	return target{
		newCaller: clientPerWorker(e, s.baseURL, sent.caller),
		midWarmup: func(ctx context.Context) error { return analyzeSending(ctx, pool) },
		verify: func(ctx context.Context, r *result, _ loadOptions) ([]check, error) {
			return verifyMessages(ctx, pool, sent, r)
		},
		notes: []string{analyzeNote},
	}, nil
}

// analyzeSending gathers the planner's statistics on the tables sending
// fills. The bench's database was created empty a moment ago, and
// PostgreSQL keeps the plans it made for an empty table until the table
// is analyzed: in production autovacuum does that within its first
// minute of use, and a table in use is never empty again. Analyzing once
// the warm-up has filled the tables a little measures the steady state
// rather than a database's first seconds.
func analyzeSending(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `ANALYZE messages, ledger_entries, usage_events, usage_daily, usage_local_daily, river_job`)
	return err
}

const analyzeNote = "messages: halfway through the warm-up, ANALYZE of the tables sending fills (messages, ledger_entries, usage_events, " +
	"usage_daily, usage_local_daily, river_job), as autovacuum does in a database's first minute of use"

// setUpMessages gives the project of o its subaccounts, each a number,
// through the REST API, and notes the prices and the balance to check
// the answers and the accounts against.
func setUpMessages(ctx context.Context, pool *pgxpool.Pool, baseURL string, o *owner) (*sentMessages, error) {
	api := newAPIClient(baseURL)
	defer api.close()
	subs, err := api.createSubaccounts(ctx, credentials{sid: o.AccountSID, token: o.AuthToken}, "messages", messagesSubaccounts)
	if err != nil {
		return nil, err
	}
	bal, err := billing.Balance(ctx, pool, o.AccountSID)
	if err != nil {
		return nil, err
	}
	sent := &sentMessages{projectSID: o.AccountSID, currency: bal.Currency, subs: subs, unitPrice: map[string]decimal.Decimal{}}
	// Sending is only allowed from a number the account owns.
	for _, sub := range subs {
		n, err := api.buyNumber(ctx, sub, "JP", "Mobile.json")
		if err != nil {
			return nil, fmt.Errorf("buying a number for %s: %w", sub.sid, err)
		}
		sent.from = append(sent.from, n)
	}
	for _, country := range []string{"JP", "US"} {
		p, _, err := usage.Price(ctx, pool, usage.SMSOutbound, country, sent.currency)
		if err != nil {
			return nil, fmt.Errorf("the price of an SMS to %s in %s: %w", country, sent.currency, err)
		}
		sent.unitPrice[country] = p
	}
	if bal, err = billing.Balance(ctx, pool, sent.projectSID); err != nil {
		return nil, err
	}
	sent.balanceBefore = bal.Amount
	return sent, nil
}

// messageRequest is worker w's n-th POST Messages.json as sub from its
// number: to a Japanese mobile, or every other one a US one, with the
// bodies in turn. It returns the body sent and the destination country.
func messageRequest(ctx context.Context, endpoint string, sub credentials, from string, w, n int) (*http.Request, messageBody, string, error) {
	body := messageBodies[(w+n)%len(messageBodies)]
	to, country := fmt.Sprintf("+8190%08d", (w*7919+n)%100_000_000), "JP"
	if n%2 == 0 {
		to, country = fmt.Sprintf("+1415%07d", (w*7919+n)%10_000_000), "US"
	}
	form := url.Values{"To": {to}, "From": {from}, "Body": {body.text}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, body, country, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sub.sid, sub.token)
	return req, body, country, nil
}

// caller is worker w's closed loop of POST Messages.json, as the
// subaccount w % 4, to a Japanese or a US mobile in turn, cycling through
// the bodies.
func (sm *sentMessages) caller(client *http.Client, baseURL string, w int) func(ctx context.Context) error {
	sub := sm.subs[w%len(sm.subs)]
	from := sm.from[w%len(sm.from)]
	endpoint := baseURL + "/2010-04-01/Accounts/" + sub.sid + "/Messages.json"
	n := 0
	return func(ctx context.Context) error {
		n++
		req, body, country, err := messageRequest(ctx, endpoint, sub, from, w, n)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		var m struct {
			SID         string `json:"sid"`
			AccountSID  string `json:"account_sid"`
			NumSegments string `json:"num_segments"`
			Price       string `json:"price"`
			PriceUnit   string `json:"price_unit"`
		}
		err = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST Messages.json: status %d, want 201 (%s)", resp.StatusCode, m.SID)
		}
		if err != nil {
			return fmt.Errorf("POST Messages.json: reading the answer: %w", err)
		}
		// Counted before checking the answer: it was made, whatever it says.
		sm.accepted.Add(1)
		price, err := decimal.NewFromString(m.Price)
		if err != nil {
			return fmt.Errorf("POST Messages.json: price %q: %w", m.Price, err)
		}
		sm.mu.Lock()
		sm.charged = sm.charged.Sub(price) // answered negative, as Twilio does
		sm.segments += int64(body.segments)
		sm.mu.Unlock()
		want := sm.unitPrice[country].Mul(decimal.NewFromInt(int64(body.segments))).Neg()
		if m.AccountSID != sub.sid || m.NumSegments != strconv.Itoa(body.segments) || !price.Equal(want) || m.PriceUnit != sm.currency || !strings.HasPrefix(m.SID, "SM") {
			return fmt.Errorf("POST Messages.json: answered sid %q account %s, %s segments at %s %s; want account %s, %d segments at %s %s",
				m.SID, m.AccountSID, m.NumSegments, m.Price, m.PriceUnit, sub.sid, body.segments, want, sm.currency)
		}
		return nil
	}
}

// usageTotals are one account's messages as one table holds them.
type usageTotals struct {
	count    int64
	segments decimal.Decimal
	price    decimal.Decimal
}

func (t usageTotals) add(u usageTotals) usageTotals {
	return usageTotals{count: t.count + u.count, segments: t.segments.Add(u.segments), price: t.price.Add(u.price)}
}

func (t usageTotals) equal(u usageTotals) bool {
	return t.count == u.count && t.segments.Equal(u.segments) && t.price.Equal(u.price)
}

func (t usageTotals) String() string {
	return fmt.Sprintf("%d messages, %s segments, %s", t.count, t.segments, t.price)
}

// messagesBySource reads the project's messages per account from each
// place that records them. The ledger has no segments: its "segments" are
// left zero and compared apart.
const messagesBySource = `
	SELECT 'messages', account_sid, count(*), sum(num_segments)::text, sum(price)::text
	FROM messages WHERE project_sid = $1 GROUP BY account_sid
	UNION ALL
	SELECT 'usage_events', account_sid, sum(count), sum(usage)::text, sum(price)::text
	FROM usage_events WHERE project_sid = $1 AND category = $2 GROUP BY account_sid
	UNION ALL
	SELECT 'usage_daily', account_sid, sum(count), sum(usage)::text, sum(price)::text
	FROM usage_daily WHERE project_sid = $1 AND category = $2 GROUP BY account_sid
	UNION ALL
	SELECT 'usage_local_daily', account_sid, sum(count), sum(usage)::text, sum(price)::text
	FROM usage_local_daily WHERE project_sid = $1 AND category = $2 GROUP BY account_sid
	UNION ALL
	SELECT 'ledger', account_sid, count(*), '0', (-sum(amount))::text
	FROM ledger_entries WHERE project_sid = $1 AND kind = 'usage' GROUP BY account_sid`

// messageSources are the places messagesBySource reads, in the order
// they are reported.
var messageSources = []string{"messages", "usage_events", "usage_daily", "usage_local_daily", "ledger"}

// verifyMessages checks that every place that records the messages agrees
// with the answers, and reports how far the simulated carrier got.
func verifyMessages(ctx context.Context, pool *pgxpool.Pool, sm *sentMessages, r *result) ([]check, error) {
	accepted := sm.accepted.Load()
	sm.mu.Lock()
	charged, segments := sm.charged, sm.segments
	sm.mu.Unlock()
	answered := usageTotals{count: accepted, segments: decimal.NewFromInt(segments), price: charged}

	delivered, pending, rate, err := watchDelivery(ctx, pool, sm.projectSID)
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("messages: %d answered 201 (warm-up included); %d delivered by the simulated carrier, %d not yet", accepted, delivered, pending)
	if pending > 0 && rate > 0 {
		note += fmt.Sprintf(": it delivered %.0f messages/s over the %v after the run, so the rest needs about %.0fs more",
			rate, deliveryWindow, float64(pending)/rate)
	}
	r.notes = append(r.notes, note)

	bySource := map[string]map[string]usageTotals{}
	rows, err := pool.Query(ctx, messagesBySource, sm.projectSID, usage.SMSOutbound)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var source, account, segs, price string
		var count int64
		if err := rows.Scan(&source, &account, &count, &segs, &price); err != nil {
			rows.Close()
			return nil, err
		}
		t := usageTotals{count: count, segments: decimal.RequireFromString(segs), price: decimal.RequireFromString(price)}
		if bySource[source] == nil {
			bySource[source] = map[string]usageTotals{}
		}
		bySource[source][account] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Each subaccount sends from its own clients only, and is charged for
	// exactly what they were answered: compare per account, not only in total.
	messages := bySource["messages"]
	var checks []check
	for _, source := range messageSources {
		got := bySource[source]
		var total usageTotals
		perAccount := true
		for acc, t := range got {
			total = total.add(t)
			want := messages[acc]
			if source == "ledger" {
				t.segments, want.segments = decimal.Zero, decimal.Zero
			}
			if !t.equal(want) {
				perAccount = false
			}
		}
		want := answered
		if source == "ledger" {
			want.segments = decimal.Zero
		}
		detail := fmt.Sprintf("%s; the 201 answers: %s", total, want)
		if !perAccount {
			detail += "; per account they differ from messages"
		}
		checks = append(checks, check{name: "messages " + source + ":", detail: detail,
			ok: total.equal(want) && perAccount && len(got) == len(sm.subs)})
	}

	bal, err := billing.Balance(ctx, pool, sm.projectSID)
	if err != nil {
		return nil, err
	}
	want := sm.balanceBefore.Sub(charged)
	checks = append(checks, check{
		name:   "messages balance:",
		detail: fmt.Sprintf("final %s %s, expected %s before the run - %s charged = %s", bal.Amount, sm.currency, sm.balanceBefore, charged, want),
		ok:     bal.Amount.Equal(want),
	})
	mismatches, err := billing.CheckLedger(ctx, pool)
	if err != nil {
		return nil, err
	}
	detail := "every project's balance equals its credits minus its debits"
	if len(mismatches) > 0 {
		m := mismatches[0]
		detail = fmt.Sprintf("%d mismatches, first %s balance %s ledger %s", len(mismatches), m.ProjectSID, m.Balance, m.LedgerSum)
	}
	checks = append(checks, check{name: "messages CheckLedger:", detail: detail, ok: len(mismatches) == 0})
	return checks, nil
}

// watchDelivery watches the project's messages for deliveryWindow, or
// until all are delivered, and returns how many are delivered and not, and
// how many a second were delivered meanwhile. Delivery is not a check:
// a message still queued is charged and recorded all the same, and a
// backlog says how fast the carrier runs, not that money is wrong.
func watchDelivery(ctx context.Context, pool *pgxpool.Pool, projectSID string) (delivered, pending int64, rate float64, err error) {
	count := func() (int64, int64, error) {
		var d, p int64
		err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status <> 'delivered')
			FROM messages WHERE project_sid = $1`, projectSID).Scan(&d, &p)
		return d, p, err
	}
	began := time.Now()
	first, _, err := count()
	if err != nil {
		return 0, 0, 0, err
	}
	for {
		if delivered, pending, err = count(); err != nil {
			return 0, 0, 0, err
		}
		elapsed := time.Since(began)
		if pending == 0 || elapsed >= deliveryWindow {
			return delivered, pending, float64(delivered-first) / elapsed.Seconds(), nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, 0, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
