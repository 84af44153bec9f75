package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/messaging"
	"console/internal/sid"
	"console/internal/voice"
	"console/internal/webtest"
)

// logMessage is a message a logs test inserts: its To, From, status and
// time; the rest as a delivered one-segment message.
type logMessage struct {
	to, from, status string
	at               time.Time
}

// insertMessages records msgs of the owner's project in one statement,
// as the debit batch does, and returns their SIDs in order.
func insertMessages(t *testing.T, app *webtest.App, project string, msgs []logMessage) []string {
	t.Helper()
	ctx := context.Background()
	rows := make([]*messaging.Message, len(msgs))
	for i, m := range msgs {
		rows[i] = &messaging.Message{SID: sid.New("SM"), ProjectSID: project, AccountSID: project, To: m.to, From: m.from, Body: "log test",
			Status: m.status, NumSegments: 1, Encoding: messaging.GSM7, Price: decimal.RequireFromString("0.0079"), PriceUnit: "USD",
			DateCreated: m.at, DateUpdated: m.at}
	}
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error { return messaging.InsertAll(ctx, tx, rows) }))
	sids := make([]string, len(rows))
	for i, m := range rows {
		sids[i] = m.SID
	}
	return sids
}

// insertCalls records calls of the owner's project, ended at their
// time with status, and returns their SIDs in order.
func insertCalls(t *testing.T, app *webtest.App, project string, calls []logMessage) []string {
	t.Helper()
	ctx := context.Background()
	sids := make([]string, len(calls))
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		for i, c := range calls {
			start, end := c.at.Add(10*time.Second), c.at.Add(70*time.Second)
			call := &voice.Call{SID: sid.New("CA"), ProjectSID: project, AccountSID: project, To: c.to, From: c.from, Status: c.status,
				Direction: "outbound-api", Duration: 60, Price: decimal.RequireFromString("0.028"), PriceUnit: "USD", Twiml: "<Response/>",
				StartTime: &start, EndTime: &end, DateCreated: c.at, DateUpdated: end, Rate: decimal.RequireFromString("0.014")}
			if err := voice.Insert(ctx, tx, call); err != nil {
				return err
			}
			sids[i] = call.SID
		}
		return nil
	}))
	return sids
}

var (
	logRowRE  = regexp.MustCompile(`<tr data-sid="((?:SM|CA)[0-9a-f]{32})">`)
	logLinkRE = regexp.MustCompile(`<a href="([^"]+)"[^>]*data-testid="(sms|voice)-(older|newer)"`)
)

// logPage is one page of a log as a browser reads it: its rows' SIDs in
// order and the links to the pages beside it.
type logPage struct {
	sids         []string
	older, newer string
}

func readLogPage(t *testing.T, c *webtest.Client, path string) logPage {
	t.Helper()
	res := c.Get(path)
	require.Equal(t, http.StatusOK, res.Status, path)
	var p logPage
	for _, m := range logRowRE.FindAllStringSubmatch(res.Body, -1) {
		p.sids = append(p.sids, m[1])
	}
	for _, m := range logLinkRE.FindAllStringSubmatch(res.Body, -1) {
		if m[3] == "older" {
			p.older = html.UnescapeString(m[1])
		} else {
			p.newer = html.UnescapeString(m[1])
		}
	}
	return p
}

// The logs page through every entry newest first, 50 at a time, by
// cursor: no entry is skipped or shown twice (entries made in the same
// microsecond included), Newer leads back to exactly the page before, and
// an entry arriving meanwhile does not shift the pages already linked.
func TestLogsPageThroughEveryEntry(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var entries []logMessage
	for i := range 120 {
		// Pairs share their time: the SID orders them.
		entries = append(entries, logMessage{"+14155550100", "+15017122661", "delivered", base.Add(-time.Duration(i/2) * time.Minute)})
	}
	for _, log := range []struct {
		path string
		sids []string
	}{
		{"/sms/logs", insertMessages(t, app, o.AccountSID, entries)},
		{"/voice/logs", insertCalls(t, app, o.AccountSID, callStatuses(entries))},
	} {
		t.Run(log.path, func(t *testing.T) {
			// Newest first: by time, then by SID, both descending.
			want := slices.Clone(log.sids)
			slices.SortStableFunc(want, func(a, b string) int {
				ia, ib := slices.Index(log.sids, a), slices.Index(log.sids, b)
				if ia/2 != ib/2 {
					return ia/2 - ib/2
				}
				return -strings.Compare(a, b)
			})
			first := readLogPage(t, c, log.path)
			require.Len(t, first.sids, 50)
			require.Empty(t, first.newer, "the first page has nothing newer")
			require.NotEmpty(t, first.older)
			second := readLogPage(t, c, first.older)
			require.Len(t, second.sids, 50)
			require.NotEmpty(t, second.newer)
			third := readLogPage(t, c, second.older)
			require.Len(t, third.sids, 20)
			require.Empty(t, third.older, "the last page has nothing older")
			require.Equal(t, want, slices.Concat(first.sids, second.sids, third.sids))

			require.Equal(t, second.sids, readLogPage(t, c, third.newer).sids, "Newer leads back to the page before")
			require.Equal(t, first.sids, readLogPage(t, c, second.newer).sids)
			require.Empty(t, readLogPage(t, c, second.newer).newer)

			// An entry arriving now is on the first page; the pages
			// already linked stay as they were.
			if log.path == "/sms/logs" {
				insertMessages(t, app, o.AccountSID, []logMessage{{"+14155550100", "+15017122661", "queued", time.Now()}})
			} else {
				insertCalls(t, app, o.AccountSID, []logMessage{{"+14155550100", "+15017122661", "completed", time.Now()}})
			}
			require.Equal(t, second.sids, readLogPage(t, c, first.older).sids)
			require.Len(t, readLogPage(t, c, log.path).sids, 50)
			require.NotEqual(t, first.sids[0], readLogPage(t, c, log.path).sids[0])
		})
	}
}

// A page link the log did not make is a 400, a filter typed wrong a 422
// with the field's message next to it: never a 500.
func TestLogsRefuseBadInput(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	insertMessages(t, app, o.AccountSID, []logMessage{{"+14155550100", "+15017122661", "delivered", time.Now()}})
	cursor := "1764000000000000-SM" + strings.Repeat("a", 32)
	for _, tc := range []struct {
		query  string
		status int
		field  string // the field whose error shows, for a 422
	}{
		{"older=garbage", 400, ""},
		{"older=" + url.QueryEscape("1764000000000000-SMnot"), 400, ""},
		{"newer=-5-SM" + strings.Repeat("a", 32), 400, ""},
		{"older=1764000000000000", 400, ""},
		{"older=99999999999999999999-SM" + strings.Repeat("a", 32), 400, ""},
		{"newer=9223372036854775807-SM" + strings.Repeat("a", 32), 400, ""}, // past PostgreSQL's years
		{"older=" + cursor + "&newer=" + cursor, 400, ""},
		{"after=SM" + strings.Repeat("a", 32), 200, ""}, // an old link: the first page
		{"older=" + cursor, 200, ""},
		{"newer=" + cursor, 200, ""},
		{"status=bogus", 422, "status"},
		{"to=abc", 422, "to"},
		{"from=" + url.QueryEscape("+1 415"), 422, "from"},
		{"since=2026-13-01", 422, "since"},
		{"until=yesterday", 422, "until"},
		{"since=1999-12-31", 422, "since"},
		{"until=10000-01-01", 422, "until"},
		{"since=2026-11-28&until=2026-11-27", 422, "until"},
		{"since=2026-11-27&until=2026-11-27", 200, ""},
	} {
		for _, path := range []string{"/sms/logs", "/voice/logs"} {
			res := c.Get(path + "?" + tc.query)
			require.Equal(t, tc.status, res.Status, path+"?"+tc.query)
			if tc.field != "" {
				require.Contains(t, res.Body, `id="`+tc.field+`-error"`, path+"?"+tc.query)
			}
		}
	}
	// The status must be the log's own: a call's status is not a message's.
	require.Equal(t, http.StatusUnprocessableEntity, c.Get("/sms/logs?status=ringing").Status)
	require.Equal(t, http.StatusOK, c.Get("/voice/logs?status=ringing").Status)
}

// Each filter narrows the log, alone and with the others, and the page
// links keep it; the dates are days in the project's time zone (the
// test projects are in Asia/Tokyo, UTC+9).
func TestLogsFilters(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	utc := func(s string) time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC).Add(mustDuration(t, s)) }
	entries := []logMessage{
		{"+14155550100", "+15017122661", "delivered", utc("14h30m")}, // 2026-11-26 23:30 JST
		{"+14155550100", "+15017122661", "failed", utc("15h30m")},    // 2026-11-27 00:30 JST
		{"+14155550199", "+15017122661", "delivered", utc("47h")},    // 2026-11-28 08:00 JST
		{"+14155550199", "+15017122662", "failed", utc("71h")},       // 2026-11-29 08:00 JST
	}
	for _, log := range []struct {
		path       string
		sids       []string
		failed, ok string // the statuses entries take in this log
	}{
		{"/sms/logs", insertMessages(t, app, o.AccountSID, entries), "failed", "delivered"},
		{"/voice/logs", insertCalls(t, app, o.AccountSID, callStatuses(entries)), "busy", "completed"},
	} {
		s := log.sids
		for _, tc := range []struct {
			query string
			want  []string // newest first
		}{
			{"", []string{s[3], s[2], s[1], s[0]}},
			{"to=%2B14155550100", []string{s[1], s[0]}},
			{"to=+14155550100", []string{s[1], s[0]}}, // a '+' left unescaped
			{"to=1+(415)+555-0100", []string{s[1], s[0]}},
			{"to=%2B819000000000", nil},
			{"from=%2B15017122662", []string{s[3]}},
			{"status=" + log.failed, []string{s[3], s[1]}},
			{"status=" + log.ok, []string{s[2], s[0]}},
			{"since=2026-11-27", []string{s[3], s[2], s[1]}},
			{"until=2026-11-27", []string{s[1], s[0]}},
			{"since=2026-11-27&until=2026-11-28", []string{s[2], s[1]}},
			{"since=2026-11-27&until=2026-11-27", []string{s[1]}},
			{"since=2026-11-27&status=" + log.failed + "&to=%2B14155550199", []string{s[3]}},
		} {
			require.Equal(t, tc.want, readLogPage(t, c, log.path+"?"+tc.query).sids, log.path+"?"+tc.query)
		}
	}
	res := c.Get("/sms/logs?to=%2B819000000000")
	require.Contains(t, res.Body, `data-testid="sms-no-match"`, "a filter that keeps nothing says so")
	require.Contains(t, res.Body, `value="+819000000000"`, "the filter keeps what was typed")
}

// callStatuses is entries as calls: failed ones busy, the others completed.
func callStatuses(entries []logMessage) []logMessage {
	out := slices.Clone(entries)
	for i := range out {
		out[i].status = map[string]string{"failed": voice.StatusBusy, "delivered": voice.StatusCompleted}[out[i].status]
	}
	return out
}

func mustDuration(t *testing.T, s string) time.Duration {
	d, err := time.ParseDuration(s)
	require.NoError(t, err)
	return d
}

// A filter's page links keep the filter, and htmx gets the log alone,
// to swap in place; a browser without it the whole page.
func TestLogsPagesKeepTheFilterAndSwapInPlace(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	var entries []logMessage
	for i := range 60 {
		entries = append(entries, logMessage{"+14155550100", "+15017122661", "delivered", time.Now().Add(-time.Duration(i) * time.Minute)})
		entries = append(entries, logMessage{"+14155550199", "+15017122661", "failed", time.Now().Add(-time.Duration(i) * time.Minute)})
	}
	insertMessages(t, app, o.AccountSID, entries)
	first := readLogPage(t, c, "/sms/logs?status=failed")
	require.Contains(t, first.older, "status=failed")
	second := readLogPage(t, c, first.older)
	require.Len(t, second.sids, 10)
	require.Contains(t, second.newer, "status=failed")

	c.Header.Set("HX-Request", "true")
	part := c.Get(first.older)
	require.Equal(t, http.StatusOK, part.Status)
	require.True(t, strings.HasPrefix(strings.TrimSpace(part.Body), `<div id="sms-logs-page">`), "htmx gets the log alone")
	require.NotContains(t, part.Body, "<html")
	bad := c.Get("/sms/logs?status=bogus")
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "htmx swaps a 422: the filter shows its error in place")
	require.Contains(t, bad.Body, `id="status-error"`)
	require.NotContains(t, bad.Body, "<html")
}

// A call has a page of its own, linked from the log: who called whom,
// its statuses with their times in the project's time zone, how long it
// lasted and what it cost, exactly. Another account's call is a 404.
func TestCallDetail(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	at := time.Date(2026, 11, 26, 15, 30, 0, 0, time.UTC) // 2026-11-27 00:30 JST
	sids := insertCalls(t, app, o.AccountSID, []logMessage{{"+14155550100", "+15017122661", voice.StatusCompleted, at}})
	foreign := insertCalls(t, app, other.AccountSID, []logMessage{{"+14155550100", "+15017122661", voice.StatusCompleted, at}})

	require.Contains(t, c.Get("/voice/logs").Body, `href="/voice/logs/`+sids[0]+`"`, "the log links to the call")
	res := c.Get("/voice/logs/" + sids[0])
	require.Equal(t, http.StatusOK, res.Status)
	for _, want := range []string{
		sids[0], "+14155550100", "+15017122661", "Outbound (API)", "60 s", "$0.03",
		`data-testid="voice-call-status">completed<`,
		"2026-11-27 00:30 JST", // created
		"2026-11-27 00:30 JST", // answered, 10 s later
		"2026-11-27 00:31 JST", // ended, a minute later
		`datetime="2026-11-26T15:31:10Z"`,
		"Ended: completed",
	} {
		require.Contains(t, res.Body, want)
	}
	c.Header.Set("Accept-Language", "ja")
	ja := c.Get("/voice/logs/" + sids[0]).Body
	for _, want := range []string{"<h1>通話</h1>", "発信（API）", "60 秒", "ステータスの推移", "作成（発信待ち）", "終了：完了", "通話ログに戻る"} {
		require.Contains(t, ja, want)
	}
	require.Contains(t, c.Get("/sms/logs?status=bogus").Body, "ステータスは一覧から選んでください。")
	c.Header.Del("Accept-Language")
	require.Equal(t, http.StatusNotFound, c.Get("/voice/logs/"+foreign[0]).Status, "another project's call")
	require.Equal(t, http.StatusNotFound, c.Get("/voice/logs/CA"+strings.Repeat("0", 32)).Status)
	require.Equal(t, http.StatusNotFound, c.Get("/voice/logs/not-a-sid").Status)

	// A call still ringing shows where it is, and no duration or price.
	ringing := insertCalls(t, app, o.AccountSID, []logMessage{{"+14155550100", "+15017122661", voice.StatusRinging, at}})
	_, err := app.Pool.Exec(context.Background(), `UPDATE calls SET start_time = NULL, end_time = NULL, price = 0 WHERE sid = $1`, ringing[0])
	require.NoError(t, err)
	res = c.Get("/voice/logs/" + ringing[0])
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, res.Body, "Now: ringing")
	require.NotContains(t, res.Body, "Ended:")
}
