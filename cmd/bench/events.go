package main

// The audit issue's benchmark: Monitor › Events, signed in as the owner of
// a project with a million audit entries (a main account and three
// subaccounts, over 13 months), beside half a million entries of 50 other
// projects. The entries are made by PostgreSQL itself, INSERT … SELECT
// over generate_series, as the usage events are (usagegen.go): the
// scenario measures reading the trail, not writing it.
//
// Three scenarios share the data: events, the first page; events-deep,
// pages far down the trail by cursor; events-filtered, each filter and a
// combination, on their first and on a deep page. Each rotates through
// its URLs, one per request. The target is a page under 50 ms: a
// page read by a few administrators at once, not a page under a
// saturating load, so these run with 4 connections unless -conns says
// otherwise.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	// eventsEntries is the project's trail, eventsNoise the other projects'.
	eventsEntries  = 1_000_000
	eventsNoise    = 500_000
	eventsProjects = 50
	// eventsChunk is how many entries one INSERT makes.
	eventsChunk = 250_000
	// eventsConns is how many administrators read the page at once.
	eventsConns = 4
	// targetEventsP99 is the target.
	targetEventsP99 = 50 * time.Millisecond
	// eventsRareAction is an action of about one entry in ten thousand.
	eventsRareAction = "member.ownership_transferred"
)

// eventsCommonActions are drawn uniformly for the other entries.
var eventsCommonActions = []string{"key.created", "key.revoked", "number.bought", "number.released", "number.renamed",
	"account.renamed", "usage_trigger.created", "usage_trigger.updated", "usage_trigger.fired", "funds.added",
	"card.added", "member.role_changed", "project.renamed", "project.time_zone_changed", "user.project_switched"}

// eventsData is the generated trail, shared by the three scenarios.
type eventsData struct {
	sess     *session
	header   http.Header
	project  string
	owner    string // the owner's user ID
	accounts []string
	rareSub  string // a subaccount with about one entry in a thousand
	notes    []string
}

// generateEntries inserts the entries $3 to $4 of a series of project $1,
// spread evenly from $5 at $6 seconds apart: $2 its accounts (the last one
// rare), $7 its owner, $8 the common actions, $9 the rare action.
const generateEntries = `
	INSERT INTO audit_log (at, project_sid, account_sid, actor, actor_user_id, action, target, ip, details, user_agent, request_id, credential_sid)
	SELECT $5::timestamptz + make_interval(secs => (i + rt) * $6::float8), $1,
		CASE WHEN ra < 0.70 THEN ($2::text[])[1] WHEN ra < 0.85 THEN ($2::text[])[2] WHEN ra < 0.999 THEN ($2::text[])[3] ELSE ($2::text[])[4] END,
		CASE WHEN rk < 0.6 THEN 'user' WHEN rk < 0.9 THEN 'api' ELSE 'system' END,
		CASE WHEN rk < 0.6 THEN $7 END,
		CASE WHEN rx < 0.0001 THEN $9 ELSE ($8::text[])[1 + floor(ry * cardinality($8::text[]))::int] END,
		'SK' || lpad(to_hex(i), 32, '0'),
		CASE WHEN rk < 0.9 THEN '203.0.113.' || (i % 250) ELSE '' END,
		CASE WHEN ry < 0.3 THEN jsonb_build_object('from', 'Name ' || (i - 1), 'to', 'Name ' || i)
		     ELSE jsonb_build_object('friendly_name', 'Name ' || i, 'type', 'standard') END,
		CASE WHEN rk < 0.6 THEN 'Mozilla/5.0 (bench)' WHEN rk < 0.9 THEN 'twilio-go/1.0' ELSE '' END,
		lpad(to_hex(i), 16, '0'),
		CASE WHEN rk >= 0.6 AND rk < 0.9 THEN ($2::text[])[1] ELSE '' END
	FROM (SELECT i, random() AS ra, random() AS rk, random() AS rx, random() AS ry, random() AS rt
		FROM generate_series($3::bigint, $4::bigint) AS i) r`

// generateNoise inserts $2 entries of $1 other projects over the same time.
const generateNoise = `
	INSERT INTO audit_log (at, project_sid, account_sid, actor, action, target, details)
	SELECT $3::timestamptz + make_interval(secs => random() * $4::float8), p, p, 'api', 'key.created', 'SK' || lpad(to_hex(i), 32, '0'), '{}'
	FROM (SELECT i, 'AC' || md5('noise' || (i % $1)) AS p FROM generate_series(1, $2::bigint) AS i) r`

func (e *env) eventsTrail(ctx context.Context) (*eventsData, error) {
	if e.events != nil {
		return e.events, nil
	}
	s, err := e.console(ctx)
	if err != nil {
		return nil, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return nil, err
	}
	const label = "events"
	o, err := createOwnerAs(ctx, s, ownerEmail(label), "Bench "+label, "Bench "+label, "JPY", "Asia/Tokyo")
	if err != nil {
		return nil, err
	}
	api := newAPIClient(s.baseURL)
	defer api.close()
	subs, err := api.createSubaccounts(ctx, credentials{sid: o.AccountSID, token: o.AuthToken}, label, 3)
	if err != nil {
		return nil, err
	}
	d := &eventsData{project: o.AccountSID, owner: o.UserID, accounts: []string{o.AccountSID}}
	for _, sub := range subs {
		d.accounts = append(d.accounts, sub.sid)
	}
	d.rareSub = d.accounts[3]

	// Thirteen months, ending now: inside the default retention.
	to := time.Now()
	from := to.AddDate(0, -13, 0)
	step := to.Sub(from).Seconds() / eventsEntries
	start := time.Now()
	e.logf("events: generating %d audit entries for project %s and %d of %d other projects", eventsEntries, o.AccountSID, eventsNoise, eventsProjects)
	for lo := int64(1); lo <= eventsEntries; lo += eventsChunk {
		hi := min(lo+eventsChunk-1, eventsEntries)
		if _, err := pool.Exec(ctx, generateEntries, o.AccountSID, d.accounts, lo, hi, from, step, o.UserID, eventsCommonActions, eventsRareAction); err != nil {
			return nil, fmt.Errorf("generating entries %d to %d: %w", lo, hi, err)
		}
		e.logf("events: %d entries", hi)
	}
	if _, err := pool.Exec(ctx, generateNoise, eventsProjects, eventsNoise, from, to.Sub(from).Seconds()); err != nil {
		return nil, fmt.Errorf("generating the other projects' entries: %w", err)
	}
	load := time.Since(start)
	// The statistics a production table would have, before any plan is made.
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE audit_log`); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `CHECKPOINT`); err != nil {
		e.logf("events: CHECKPOINT refused (%v); continuing", err)
	}
	var total, mine int64
	var size string
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE project_sid = $1),
		pg_size_pretty(pg_total_relation_size('audit_log')) FROM audit_log`, o.AccountSID).Scan(&total, &mine, &size); err != nil {
		return nil, err
	}
	d.notes = append(d.notes, fmt.Sprintf("events: %d audit entries (%d of the measured project, over 13 months), generated in %.1fs, analysed in %.1fs; audit_log with its indexes: %s",
		total, mine, load.Seconds(), (time.Since(start)-load).Seconds(), size))

	if d.sess, err = signInAs(ctx, s, ownerEmail(label), o); err != nil {
		return nil, err
	}
	d.header = http.Header{"Cookie": {d.sess.cookie}}
	e.events = d
	return d, nil
}

// deepCursor is the cursor past the first depth entries that where
// matches, newest first: what the Older link would lead to after
// depth/50 pages.
func deepCursor(ctx context.Context, pool *pgxpool.Pool, project, where string, depth int64, args ...any) (string, error) {
	var micros, id int64
	err := pool.QueryRow(ctx, `SELECT (extract(epoch FROM at) * 1000000)::bigint, id FROM audit_log
		WHERE project_sid = $1 `+where+` ORDER BY at DESC, id DESC OFFSET $2 LIMIT 1`, append([]any{project, depth}, args...)...).Scan(&micros, &id)
	if err != nil {
		return "", fmt.Errorf("a cursor %d entries deep (%s): %w", depth, where, err)
	}
	return strconv.FormatInt(micros, 10) + "-" + strconv.FormatInt(id, 10), nil
}

// rotateTarget sends its URLs in turn, each a page that must answer 200.
func rotateTarget(urls []string, header http.Header) target {
	var n atomic.Uint64
	return target{
		newRequest: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, urls[(n.Add(1)-1)%uint64(len(urls))], nil)
			if err != nil {
				return nil, err
			}
			req.Header = header
			return req, nil
		},
		wantStatus: http.StatusOK,
	}
}

// eventsTarget checks that each URL is the real page, then rotates them.
func eventsTarget(ctx context.Context, d *eventsData, name string, queries []url.Values) (target, error) {
	var urls []string
	for _, q := range queries {
		u := d.sess.baseURL + "/monitor/events"
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		// A page that shows events has them in its list; one that answered
		// with the sign-in page or an error page would measure nothing.
		if err := checkPage(ctx, u, d.header, `data-testid="event"`); err != nil {
			return target{}, err
		}
		urls = append(urls, u)
	}
	t := rotateTarget(urls, d.header)
	t.notes = append(t.notes, fmt.Sprintf("%s: %d pages of 50 in turn: %s", name, len(urls), describeQueries(queries)))
	return t, nil
}

func describeQueries(qs []url.Values) string {
	s := ""
	for i, q := range qs {
		if i > 0 {
			s += "; "
		}
		if len(q) == 0 {
			s += "(first page)"
			continue
		}
		if q.Has("before") { // the cursor says nothing to a reader
			q = cloneValues(q)
			q.Set("before", "deep")
		}
		s += q.Encode()
	}
	return s
}

func cloneValues(q url.Values) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}

func prepareEvents(ctx context.Context, e *env) (target, error) {
	d, err := e.eventsTrail(ctx)
	if err != nil {
		return target{}, err
	}
	t, err := eventsTarget(ctx, d, "events", []url.Values{{}})
	t.notes = append(d.notes, t.notes...)
	return t, err
}

func prepareEventsDeep(ctx context.Context, e *env) (target, error) {
	d, err := e.eventsTrail(ctx)
	if err != nil {
		return target{}, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	var qs []url.Values
	for _, depth := range []int64{100_000, 500_000, 900_000, eventsEntries - 60} {
		c, err := deepCursor(ctx, pool, d.project, "", depth)
		if err != nil {
			return target{}, err
		}
		qs = append(qs, url.Values{"before": {c}})
	}
	t, err := eventsTarget(ctx, d, "events-deep", qs)
	if err == nil {
		t.notes[0] += " (cursors 100,000, 500,000, 900,000 and 999,940 entries deep)"
	}
	return t, err
}

func prepareEventsFiltered(ctx context.Context, e *env) (target, error) {
	d, err := e.eventsTrail(ctx)
	if err != nil {
		return target{}, err
	}
	pool, err := e.db(ctx)
	if err != nil {
		return target{}, err
	}
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return target{}, err
	}
	week := time.Now().In(loc).AddDate(0, -6, 0)
	weekFrom, weekTo := week.Format(time.DateOnly), week.AddDate(0, 0, 6).Format(time.DateOnly)
	type filter struct {
		q     url.Values
		where string
		args  []any
		depth int64 // a deep page as well, this many matches down; 0 for none
	}
	filters := []filter{
		{url.Values{"actor": {"user:" + d.owner}}, "AND actor = 'user' AND actor_user_id = $3", []any{d.owner}, 500_000},
		{url.Values{"actor": {"api"}}, "AND actor = 'api'", nil, 250_000},
		{url.Values{"actor": {"system"}}, "AND actor = 'system'", nil, 90_000},
		{url.Values{"action": {"key.created"}}, "AND action = 'key.created'", nil, 60_000},
		{url.Values{"action": {eventsRareAction}}, "", nil, 0},
		{url.Values{"account": {d.accounts[1]}}, "AND account_sid = $3", []any{d.accounts[1]}, 140_000},
		{url.Values{"account": {d.rareSub}}, "", nil, 0},
		{url.Values{"from": {weekFrom}, "to": {weekTo}}, "", nil, 0},
		{url.Values{"account": {d.accounts[2]}, "action": {"number.bought"}}, "AND account_sid = $3 AND action = 'number.bought'", []any{d.accounts[2]}, 9_000},
		{url.Values{"actor": {"api"}, "from": {weekFrom}, "to": {weekTo}}, "", nil, 0},
	}
	var qs []url.Values
	for _, f := range filters {
		qs = append(qs, f.q)
		if f.depth > 0 {
			c, err := deepCursor(ctx, pool, d.project, f.where, f.depth, f.args...)
			if err != nil {
				return target{}, err
			}
			deep := cloneValues(f.q)
			deep.Set("before", c)
			qs = append(qs, deep)
		}
	}
	return eventsTarget(ctx, d, "events-filtered", qs)
}
