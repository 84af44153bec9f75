package audit_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/testdb"
)

// entry inserts an audit row as of at, bypassing the writers, for tests
// that need history.
func entry(t *testing.T, pool *pgxpool.Pool, project, account, actor, userID, action string, at time.Time) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(context.Background(), `
		INSERT INTO audit_log (at, project_sid, account_sid, actor, actor_user_id, action)
		VALUES ($1, nullif($2, ''), nullif($3, ''), $4, nullif($5, ''), $6) RETURNING id`,
		at, project, account, actor, userID, action).Scan(&id))
	return id
}

func ids(events []audit.Event) []int64 {
	var out []int64
	for _, e := range events {
		out = append(out, e.ID)
	}
	return out
}

func TestRecordWritesTheActorAndRefusesNone(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.New(t)
	ctx := context.Background()
	r := httptest.NewRequest("POST", "/x", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	r.Header.Set("User-Agent", "curl/8 "+strings.Repeat("x", 400)+"\xff\x00")
	by := audit.RequestActor(r, audit.ActorAPI, "", "SK0123")
	require.Len(t, by.UserAgent, 256, "a user agent is bounded")
	on := audit.On{Project: "ACp", Account: "ACa", Target: "SKt"}
	require.NoError(t, audit.Record(ctx, pool, by, audit.KeyCreated, on, map[string]string{"type": "standard"}))
	require.ErrorContains(t, audit.Record(ctx, pool, audit.Actor{}, audit.KeyCreated, on, nil), "no actor")

	events, next, err := audit.List(ctx, pool, "ACp", audit.Filter{}, 10)
	require.NoError(t, err)
	require.Nil(t, next)
	require.Len(t, events, 1)
	e := events[0]
	require.Equal(t, audit.Entry{ProjectSID: "ACp", AccountSID: "ACa", Actor: "api", Action: "key.created", Target: "SKt", IP: "192.0.2.7",
		Details: map[string]string{"type": "standard"}, At: e.At, UserAgent: by.UserAgent, CredentialSID: "SK0123"}, e.Entry)

	// A user agent PostgreSQL would refuse (invalid UTF-8, NUL) is stored cleaned.
	r.Header.Set("User-Agent", "bad \xff\x00 agent")
	require.NoError(t, audit.Record(ctx, pool, audit.RequestActor(r, audit.ActorAnonymous, "", ""), audit.UserSignInFailed, on, nil))
	events, _, err = audit.List(ctx, pool, "ACp", audit.Filter{Action: audit.UserSignInFailed}, 10)
	require.NoError(t, err)
	require.Equal(t, "bad \uFFFD agent", events[0].UserAgent)
}

// List reads one project only, newest first by (at, id), narrowed by each
// filter and their combinations, and pages by cursor to the end without
// repeating or skipping an entry, ties of time included.
func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.New(t)
	ctx := context.Background()
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	type row struct {
		id                           int64
		account, actor, user, action string
		at                           time.Time
	}
	var rows []row
	for i := range 30 {
		r := row{account: "ACmain", actor: audit.ActorUser, user: "USann", action: audit.KeyCreated, at: base.Add(time.Duration(i/3) * time.Hour)}
		if i%2 == 1 {
			r.account = "ACsub"
		}
		if i%5 == 0 {
			r.actor, r.user = audit.ActorAPI, ""
		}
		if i%3 == 0 {
			r.action = audit.NumberBought
		}
		r.id = entry(t, pool, "ACproject", r.account, r.actor, r.user, r.action, r.at)
		rows = append(rows, r)
	}
	// Another project's entries, at the same times: never read.
	for i := range 10 {
		entry(t, pool, "ACother", "ACother", audit.ActorUser, "USann", audit.KeyCreated, base.Add(time.Duration(i)*time.Hour))
	}

	want := func(keep func(row) bool) []int64 {
		var out []int64
		for i := len(rows) - 1; i >= 0; i-- { // (at, id) descending: inserted in that order
			if keep(rows[i]) {
				out = append(out, rows[i].id)
			}
		}
		return out
	}
	readAll := func(t *testing.T, f audit.Filter, page int) []int64 {
		var got []int64
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100)
			events, next, err := audit.List(ctx, pool, "ACproject", f, page)
			require.NoError(t, err)
			require.LessOrEqual(t, len(events), page)
			got = append(got, ids(events)...)
			if next == nil {
				return got
			}
			c, err := audit.ParseCursor(next.String())
			require.NoError(t, err)
			require.Equal(t, *next, c)
			f.Before = &c
		}
	}
	from, to := base.Add(2*time.Hour), base.Add(6*time.Hour)
	for name, tc := range map[string]struct {
		f    audit.Filter
		keep func(row) bool
	}{
		"all":          {audit.Filter{}, func(row) bool { return true }},
		"account":      {audit.Filter{AccountSID: "ACsub"}, func(r row) bool { return r.account == "ACsub" }},
		"action":       {audit.Filter{Action: audit.NumberBought}, func(r row) bool { return r.action == audit.NumberBought }},
		"api":          {audit.Filter{ActorKind: audit.ActorAPI}, func(r row) bool { return r.actor == audit.ActorAPI }},
		"user":         {audit.Filter{ActorKind: audit.ActorUser, ActorUserID: "USann"}, func(r row) bool { return r.user == "USann" }},
		"nobody":       {audit.Filter{ActorKind: audit.ActorUser, ActorUserID: "USbob"}, func(row) bool { return false }},
		"dates":        {audit.Filter{From: from, To: to}, func(r row) bool { return !r.at.Before(from) && r.at.Before(to) }},
		"combined":     {audit.Filter{AccountSID: "ACsub", Action: audit.KeyCreated, From: from}, func(r row) bool { return r.account == "ACsub" && r.action == audit.KeyCreated && !r.at.Before(from) }},
		"foreign only": {audit.Filter{AccountSID: "ACother"}, func(row) bool { return false }},
	} {
		t.Run(name, func(t *testing.T) {
			w := want(tc.keep)
			for _, page := range []int{1, 4, 7, 1000} {
				got := readAll(t, tc.f, page)
				if len(w) == 0 {
					require.Empty(t, got)
					continue
				}
				require.Equal(t, w, got, "page size %d", page)
			}
		})
	}
}

func TestParseCursorRefusesWhatItDidNotMake(t *testing.T) {
	t.Parallel()
	c := audit.Cursor{At: time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC), ID: 42}
	got, err := audit.ParseCursor(c.String())
	require.NoError(t, err)
	require.Equal(t, c, got)
	for _, bad := range []string{"", "x", "1-", "-1", "12", "1-0", "1--5", "a-b", "99999999999999999999-1", "1-2-3"} {
		_, err := audit.ParseCursor(bad)
		require.ErrorIs(t, err, audit.ErrBadCursor, bad)
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("1735787045123456-42")
	f.Add("0-1")
	f.Add("-")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := audit.ParseCursor(s)
		if err != nil {
			return
		}
		again, err := audit.ParseCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("%q parsed to %v, which does not round-trip", s, c)
		}
	})
}

func TestChangesReadBeforeAndAfter(t *testing.T) {
	t.Parallel()
	changes, rest := audit.Changes(map[string]string{"from": "Tokyo", "to": "Osaka", "threshold.from": "10", "threshold.to": "20",
		"target.from": "5", "card": "Visa •••• 4242"})
	require.Equal(t, []audit.Change{{Field: "", From: "Tokyo", To: "Osaka"}, {Field: "threshold", From: "10", To: "20"}}, changes)
	require.Equal(t, []audit.Detail{{"card", "Visa •••• 4242"}, {"target.from", "5"}}, rest, "half a pair is an ordinary detail")
	changes, rest = audit.Changes(nil)
	require.Empty(t, changes)
	require.Empty(t, rest)
}

// Purge deletes only what is older than the cut-off, a bounded number of
// rows per run; what a run leaves, the next deletes.
func TestPurgeIsBoundedAndExact(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.New(t)
	ctx := context.Background()
	cut := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var keep []int64
	for i := range 7 {
		entry(t, pool, "ACp", "ACp", audit.ActorSystem, "", audit.FundsCredited, cut.Add(-time.Duration(i+1)*time.Hour))
	}
	keep = append(keep, entry(t, pool, "ACp", "ACp", audit.ActorSystem, "", audit.FundsCredited, cut))
	keep = append(keep, entry(t, pool, "", "", audit.ActorAnonymous, "", audit.UserSignInFailed, cut.Add(time.Hour)))

	n, err := audit.Purge(ctx, pool, cut, 2, 3)
	require.NoError(t, err)
	require.EqualValues(t, 6, n, "three statements of two")
	n, err = audit.Purge(ctx, pool, cut, 2, 3)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	var left []int64
	rows, err := pool.Query(ctx, `SELECT id FROM audit_log ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		left = append(left, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, keep, left)
}
