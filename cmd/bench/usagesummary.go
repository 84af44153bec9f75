package main

// The usage issue's benchmark of reading usage: Usage › Summary for a
// month, signed in as the owner of a project with 10 million usage events
// (a main account and three subaccounts; messages, calls and number
// renewals over three months of Asia/Tokyo). The events and their
// roll-ups are generated in bulk first (see usagegen.go); how long that
// took is printed with the results.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/usage"
)

const (
	// defaultUsageEvents is the volume.
	defaultUsageEvents = 10_000_000
	// usageSubaccounts is how many subaccounts share the events with the
	// main account.
	usageSubaccounts = 3
	// targetSummaryP50 is the target.
	targetSummaryP50 = 30 * time.Millisecond
	// usageSummaryPath is Usage › Summary.
	usageSummaryPath = "/usage"
)

func prepareUsageSummary(ctx context.Context, e *env) (target, error) {
	s, err := e.console(ctx)
	if err != nil {
		return target{}, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	const label = "usage"
	o, err := createOwnerAs(ctx, s, ownerEmail(label), "Bench "+label, "Bench "+label, "JPY", "Asia/Tokyo")
	if err != nil {
		return target{}, err
	}
	api := newAPIClient(s.baseURL)
	defer api.close()
	subs, err := api.createSubaccounts(ctx, credentials{sid: o.AccountSID, token: o.AuthToken}, label, usageSubaccounts)
	if err != nil {
		return target{}, err
	}
	accounts := []string{o.AccountSID}
	for _, sub := range subs {
		accounts = append(accounts, sub.sid)
	}

	var zone, currency string
	if err := pool.QueryRow(ctx, `SELECT time_zone, currency FROM accounts WHERE sid = $1`, o.AccountSID).Scan(&zone, &currency); err != nil {
		return target{}, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return target{}, err
	}
	// Three months of the project's time zone: the two before this one,
	// and this one so far. The one before this is measured: it is whole.
	now := time.Now()
	local := now.In(loc)
	thisMonth := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	spec := usageSpec{projectSID: o.AccountSID, accounts: accounts, events: e.usageEvents,
		from: thisMonth.AddDate(0, -2, 0), to: now, loc: loc, prices: map[string]decimal.Decimal{}}
	month := thisMonth.AddDate(0, -1, 0)
	for _, c := range []string{usage.SMSOutbound, usage.CallsOutbound, categoryNumbers} {
		if spec.prices[c], _, err = usage.Price(ctx, pool, c, "JP", currency); err != nil {
			return target{}, fmt.Errorf("the price of %s to JP in %s: %w", c, currency, err)
		}
	}
	// A project with three months of usage was created before it: the
	// console offers no month before a project's creation.
	if _, err := pool.Exec(ctx, `UPDATE accounts SET created_at = $2 WHERE project_sid = $1`, o.AccountSID, spec.from); err != nil {
		return target{}, err
	}

	e.logf("usage-summary: generating %d usage events for project %s", spec.events, o.AccountSID)
	gen, err := generateUsage(ctx, pool, spec, e.logf)
	if err != nil {
		return target{}, fmt.Errorf("generating usage: %w", err)
	}
	// The load's dirty pages written out now rather than during a later
	// measurement. It needs the pg_checkpoint role: without it the
	// checkpointer does it on its own schedule.
	if _, err := pool.Exec(ctx, `CHECKPOINT`); err != nil {
		e.logf("usage-summary: CHECKPOINT refused (%v); continuing", err)
	}

	sess, err := signInAs(ctx, s, ownerEmail(label), o)
	if err != nil {
		return target{}, err
	}
	url := sess.baseURL + usageSummaryPath + "?month=" + month.Format("2006-01")
	header := http.Header{"Cookie": {sess.cookie}}

	// The page measured must be the real summary of that month: the
	// main account's total, as the roll-ups hold it, must be on it.
	first, last := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC), time.Date(month.Year(), month.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	var count int64
	var total string
	err = pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0), coalesce(sum(price), 0)::text FROM usage_local_daily
		WHERE project_sid = $1 AND account_sid = $1 AND day BETWEEN $2::date AND $3::date`,
		o.AccountSID, first.Format(time.DateOnly), last.Format(time.DateOnly)).Scan(&count, &total)
	if err != nil {
		return target{}, err
	}
	shown := billing.Money{Amount: decimal.RequireFromString(total), Currency: currency}.Format()
	if err := checkPage(ctx, url, header, o.AccountSID, shown); err != nil {
		return target{}, err
	}

	t := getTarget(url, header)
	t.checks = gen.checks
	t.notes = []string{
		fmt.Sprintf("usage-summary: %d usage events of %d accounts generated in %.1fs (events %.1fs, indexes and foreign keys %.1fs, roll-ups %.1fs, checking them %.1fs), %s to %s %s",
			gen.events, len(accounts), gen.total().Seconds(), gen.load.Seconds(), gen.keys.Seconds(), gen.rollup.Seconds(), gen.verify.Seconds(),
			spec.from.Format(time.DateOnly), now.In(loc).Format(time.DateOnly), zone),
		fmt.Sprintf("usage-summary: GET %s?month=%s, the main account's %d events of that month, total %s shown",
			usageSummaryPath, month.Format("2006-01"), count, shown),
	}
	return t, nil
}

// checkPage gets the page once and checks that it answers 200 with each
// of want in it.
func checkPage(ctx context.Context, url string, header http.Header, want ...string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header = header
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s (Location %q), want 200 OK", req.URL.RequestURI(), resp.Status, resp.Header.Get("Location"))
	}
	for _, w := range want {
		if !bytes.Contains(body, []byte(w)) {
			return fmt.Errorf("GET %s: 200 OK but %q is not on the page", req.URL.RequestURI(), w)
		}
	}
	return nil
}
