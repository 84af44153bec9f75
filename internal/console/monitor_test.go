package console_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/console"
	"console/internal/team"
	"console/internal/webtest"
)

// auditRow is an audit_log row as the tests compare them.
type auditRow struct {
	Project, Account, Actor, UserID, Action, Target, IP, UserAgent, RequestID, Credential string
	Details                                                                               map[string]string
}

func auditRowOf(t *testing.T, app *webtest.App, action, target string) auditRow {
	t.Helper()
	var r auditRow
	var details []byte
	require.NoError(t, app.Pool.QueryRow(context.Background(), `
		SELECT coalesce(project_sid, ''), coalesce(account_sid, ''), actor, coalesce(actor_user_id, ''), action, target, ip,
		       user_agent, request_id, credential_sid, details
		FROM audit_log WHERE action = $1 AND target = $2`, action, target).
		Scan(&r.Project, &r.Account, &r.Actor, &r.UserID, &r.Action, &r.Target, &r.IP, &r.UserAgent, &r.RequestID, &r.Credential, &details))
	require.NoError(t, json.Unmarshal(details, &r.Details))
	return r
}

// Creating an API key in the console and through the API is one use case
// (account.Service.CreateKey): the same entry, but for who made it. The
// API used to add the account and the credential to the details, and
// neither side kept the user agent or the request id.
func TestKeyCreatedIsOneEntryFromConsoleOrAPI(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.Header.Set("User-Agent", "Browser/1.0 (console)")
	c.SignIn(o.Email, o.Password)

	res := c.Post("/settings/keys", url.Values{"friendly_name": {"From the console"}, "type": {"standard"}})
	require.Equal(t, http.StatusOK, res.Status)
	consoleKey := keySID.FindStringSubmatch(res.Body)[1]
	consoleRequest := res.Header.Get("X-Request-Id")

	apiRes := app.API(http.MethodPost, "/2010-04-01/Accounts/"+o.AccountSID+"/Keys.json", o.AccountSID, o.AuthToken,
		url.Values{"FriendlyName": {"From the API"}})
	require.Equal(t, http.StatusCreated, apiRes.Status, apiRes.Body)
	apiKey := apiRes.JSON(t)["sid"].(string)

	fromConsole := auditRowOf(t, app, audit.KeyCreated, consoleKey)
	fromAPI := auditRowOf(t, app, audit.KeyCreated, apiKey)
	require.Equal(t, auditRow{Project: o.AccountSID, Account: o.AccountSID, Actor: "user", UserID: o.UserID, Action: "key.created",
		Target: consoleKey, IP: "127.0.0.1", UserAgent: "Browser/1.0 (console)", RequestID: consoleRequest,
		Details: map[string]string{"friendly_name": "From the console", "type": "standard"}}, fromConsole)
	require.Equal(t, auditRow{Project: o.AccountSID, Account: o.AccountSID, Actor: "api", Action: "key.created",
		Target: apiKey, IP: "127.0.0.1", UserAgent: "Go-http-client/1.1", RequestID: apiRes.Header.Get("X-Request-Id"), Credential: o.AccountSID,
		Details: map[string]string{"friendly_name": "From the API", "type": "standard"}}, fromAPI)
	require.NotEmpty(t, fromAPI.RequestID)
	require.NotEqual(t, fromConsole.RequestID, fromAPI.RequestID)
}

var eventItem = regexp.MustCompile(`data-testid="event" data-id="(\d+)" data-action="([^"]+)"`)

// shown lists the events a page shows, as "action" in order.
func shown(body string) []string {
	var out []string
	for _, m := range eventItem.FindAllStringSubmatch(body, -1) {
		out = append(out, m[2])
	}
	return out
}

func shownIDs(body string) []string {
	var out []string
	for _, m := range eventItem.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// monitorFixture is a project with a subaccount, an Administrator and a
// history made through the console, the API and the system; and another
// project, whose events must never show.
type monitorFixture struct {
	app          *webtest.App
	owner, other *webtest.Owner
	admin        string // the Administrator's user ID
	sub          string
	owners       *webtest.Client
	admins       *webtest.Client
}

func newMonitorFixture(t *testing.T) *monitorFixture {
	t.Helper()
	app := webtest.Start(t)
	ctx := context.Background()
	fx := &monitorFixture{app: app, owner: app.CreateOwner("JPY"), other: app.CreateOwner("JPY")}
	u, err := app.Services.Users.Create(ctx, app.Pool, "admin-"+fx.owner.UserID[2:10]+"@example.com", "Ada Admin", "admin password 1", "")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, fx.owner.AccountSID, u.ID, team.RoleAdmin))
	fx.admin = u.ID
	fx.owners = app.Client()
	fx.owners.SignIn(fx.owner.Email, fx.owner.Password)
	fx.admins = app.Client()
	fx.admins.SignIn(u.Email, "admin password 1")

	// The owner renames the project (before → after) and creates a subaccount.
	require.Equal(t, http.StatusSeeOther, fx.owners.Post("/settings/general",
		url.Values{"friendly_name": {"Renamed Project"}, "time_zone": {"Asia/Tokyo"}, "currency": {"JPY"}}).Status)
	require.Equal(t, http.StatusSeeOther, fx.owners.Post("/settings/subaccounts", url.Values{"friendly_name": {"Shop"}}).Status)
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT sid FROM accounts WHERE parent_sid = $1`, fx.owner.AccountSID).Scan(&fx.sub))
	// The Administrator creates a key; the API creates one in the subaccount.
	require.Equal(t, http.StatusOK, fx.admins.Post("/settings/keys", url.Values{"friendly_name": {"Admin's key"}, "type": {"main"}}).Status)
	res := app.API(http.MethodPost, "/2010-04-01/Accounts/"+fx.sub+"/Keys.json", fx.owner.AccountSID, fx.owner.AuthToken, url.Values{"FriendlyName": {"Sub key"}})
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	// The system acts on its own.
	require.NoError(t, audit.Record(ctx, app.Pool, audit.System(ctx), audit.ProjectSuspendedForFunds,
		audit.On{Project: fx.owner.AccountSID, Account: fx.owner.AccountSID, Target: fx.owner.AccountSID}, nil))
	// The other project has a history of its own, of the same kinds.
	oc := app.Client()
	oc.SignIn(fx.other.Email, fx.other.Password)
	require.Equal(t, http.StatusOK, oc.Post("/settings/keys", url.Values{"friendly_name": {"Foreign key"}, "type": {"main"}}).Status)
	require.Equal(t, http.StatusSeeOther, oc.Post("/settings/general",
		url.Values{"friendly_name": {"Foreign Project"}, "time_zone": {"Asia/Tokyo"}, "currency": {"JPY"}}).Status)
	return fx
}

// Monitor › Events through the real router: the project's trail only,
// newest first, each filter and a combination, and bad filters refused
// next to their field.
func TestMonitorEventsFilters(t *testing.T) {
	t.Parallel()
	fx := newMonitorFixture(t)
	o := fx.owner

	// Signing in is the user's own business, not a project's: it has no
	// project and is not shown.
	all := fx.owners.Get("/monitor/events")
	require.Equal(t, http.StatusOK, all.Status)
	require.Equal(t, []string{"project.suspended_for_funds", "key.created", "key.created", "account.subaccount_created",
		"project.renamed", "user.signed_up"}, shown(all.Body))
	for _, foreign := range []string{fx.other.AccountSID, "Foreign key", "Foreign Project"} {
		require.NotContains(t, all.Body, foreign)
	}
	// The rename shows before → after; the API's entry its credential.
	require.Regexp(t, `data-testid="event-before">Test Project</span>\s*<span class="arrow" role="img" aria-label="changed to"><svg[^>]*><use[^>]*></use></svg></span>\s*<span class="after" data-testid="event-after">Renamed Project</span>`, all.Body)
	require.Contains(t, all.Body, "API ("+o.AccountSID+")")
	require.Contains(t, all.Body, "Ada Admin (")
	require.Contains(t, all.Body, "Shop</option>")
	require.Contains(t, fx.admins.Get("/monitor/events").Body, `data-action="project.renamed"`, "Administrators read it too")

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"actor=user:" + o.UserID, []string{"account.subaccount_created", "project.renamed", "user.signed_up"}},
		{"actor=user:" + fx.admin, []string{"key.created"}},
		{"actor=api", []string{"key.created"}},
		{"actor=system", []string{"project.suspended_for_funds"}},
		{"action=key.created", []string{"key.created", "key.created"}},
		{"account=" + fx.sub, []string{"key.created", "account.subaccount_created"}},
		{"account=" + fx.sub + "&actor=api&action=key.created", []string{"key.created"}},
		{"action=card.removed", nil},
		{"from=2000-01-01&to=2000-01-31", nil},
		{"from=" + time.Now().In(tokyo).Format(time.DateOnly), shown(all.Body)},
	} {
		res := fx.owners.Get("/monitor/events?" + tc.query)
		require.Equal(t, http.StatusOK, res.Status, tc.query)
		require.Equal(t, tc.want, shown(res.Body), tc.query)
		if tc.want == nil {
			require.Contains(t, res.Body, `data-testid="events-empty"`, tc.query)
			require.Contains(t, res.Body, "No events match these filters.")
		}
	}

	for _, tc := range []struct{ query, field, message string }{
		{"actor=user:" + fx.other.UserID, "actor", "Choose a member, API or System."},
		{"actor=robot", "actor", "Choose a member, API or System."},
		{"action=key.stolen", "action", "Choose an action from the list."},
		{"account=" + fx.other.AccountSID, "account", "Choose the main account or one of its subaccounts."},
		{"from=2025-02-30", "from", "Enter a date as YYYY-MM-DD."},
		{"to=yesterday", "to", "Enter a date as YYYY-MM-DD."},
		{"from=2025-03-02&to=2025-03-01", "to", "The end date must not be before the start date."},
	} {
		res := fx.owners.Get("/monitor/events?" + tc.query)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, tc.query)
		require.Contains(t, res.Body, `<p class="field-error" id="`+tc.field+`-error">`+tc.message, tc.query)
		require.Empty(t, shown(res.Body), tc.query)
		require.Contains(t, res.Body, `data-testid="events-invalid"`)
		res = fx.owners.Get("/monitor/events.csv?" + tc.query)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, tc.query)
	}
	require.Equal(t, http.StatusBadRequest, fx.owners.Get("/monitor/events?before=nonsense").Status)

	// A member who left is still named on what they did, but no longer
	// offered as a filter.
	_, err := fx.app.Pool.Exec(context.Background(), `DELETE FROM memberships WHERE user_id = $1`, fx.admin)
	require.NoError(t, err)
	after := fx.owners.Get("/monitor/events?action=key.created")
	require.Contains(t, after.Body, `<span class="event-actor" data-testid="event-actor">Ada Admin (admin-`)
	require.NotContains(t, after.Body, `value="user:`+fx.admin+`"`)

	// The other project's owner sees their own trail only.
	oc := fx.app.Client()
	oc.SignIn(fx.other.Email, fx.other.Password)
	theirs := oc.Get("/monitor/events")
	require.Equal(t, []string{"project.renamed", "key.created", "user.signed_up"}, shown(theirs.Body))
	require.NotContains(t, theirs.Body, o.AccountSID)
	require.NotContains(t, theirs.Body, "Renamed Project")
}

// A date range is whole days of the project's time zone (Asia/Tokyo):
// 2025-03-02 there runs from 2025-03-01 15:00 UTC to 2025-03-02 15:00 UTC.
func TestMonitorEventsDatesAreTheProjectsDays(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	ctx := context.Background()
	for target, at := range map[string]string{"before": "2025-03-01T14:59:59Z", "first": "2025-03-01T15:00:00Z",
		"last": "2025-03-02T14:59:59.999999Z", "after": "2025-03-02T15:00:00Z"} {
		_, err := app.Pool.Exec(ctx, `INSERT INTO audit_log (at, project_sid, account_sid, actor, action, target) VALUES ($1, $2, $2, 'system', 'funds.credited', $3)`,
			at, o.AccountSID, target)
		require.NoError(t, err)
	}
	res := c.Get("/monitor/events?action=funds.credited&from=2025-03-02&to=2025-03-02")
	require.Equal(t, http.StatusOK, res.Status)
	require.Len(t, shown(res.Body), 2)
	require.Contains(t, res.Body, `data-testid="event-target">last<`)
	require.Contains(t, res.Body, `data-testid="event-target">first<`)
	require.Contains(t, res.Body, "2025-03-02 23:59:59 JST")
	require.Contains(t, res.Body, "2025-03-02 00:00:00 JST")
}

// Past the first page, by cursor: every event once, in order, the
// filter kept on every link.
func TestMonitorEventsPages(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	// 120 credits, three at each second (ties broken by id), and other
	// actions between them that the filter leaves out.
	_, err := app.Pool.Exec(context.Background(), `
		INSERT INTO audit_log (at, project_sid, account_sid, actor, action, target)
		SELECT timestamptz '2025-05-01 00:00:00Z' + (i / 3) * interval '1 second', $1, $1, 'system',
		       CASE WHEN i % 4 = 3 THEN 'card.added' ELSE 'funds.credited' END, 'n' || i
		FROM generate_series(0, 159) AS i`, o.AccountSID)
	require.NoError(t, err)
	var want []string
	rows, err := app.Pool.Query(context.Background(), `SELECT id FROM audit_log WHERE project_sid = $1 AND action = 'funds.credited' ORDER BY at DESC, id DESC`, o.AccountSID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		want = append(want, strconv.FormatInt(id, 10))
	}
	require.NoError(t, rows.Err())
	require.Len(t, want, 120)

	older := regexp.MustCompile(`href="([^"]+)" data-testid="events-older"`)
	var got []string
	page := "/monitor/events?action=funds.credited"
	for i := 0; ; i++ {
		require.Less(t, i, 5)
		res := c.Get(page)
		require.Equal(t, http.StatusOK, res.Status)
		ids := shownIDs(res.Body)
		require.LessOrEqual(t, len(ids), 50)
		got = append(got, ids...)
		require.Equal(t, i > 0, strings.Contains(res.Body, `data-testid="events-newest"`), "page %d", i)
		m := older.FindStringSubmatch(res.Body)
		if m == nil {
			break
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		u, err := url.Parse(next)
		require.NoError(t, err)
		require.Equal(t, "funds.credited", u.Query().Get("action"), "the filter is kept")
		page = next
	}
	require.Equal(t, want, got)
}

// The export: the page's filters, every matching event of the project
// (read in batches) up to its cap, with a byte-order mark, and cells a
// spreadsheet would run as formulas made inert.
func TestMonitorEventsCSV(t *testing.T) {
	t.Parallel()
	defer console.SetEventsCSVLimits(7, 40)()
	fx := newMonitorFixture(t)
	o := fx.owner
	ctx := context.Background()
	_, err := fx.app.Pool.Exec(ctx, `UPDATE users SET friendly_name = '=HYPERLINK("http://evil.example")' WHERE id = $1`, fx.admin)
	require.NoError(t, err)

	res := fx.owners.Get("/monitor/events.csv?account=" + fx.sub)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
	require.Regexp(t, `^attachment; filename="events-`+o.AccountSID+`-\d{8}-\d{6}\.csv"$`, res.Header.Get("Content-Disposition"))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	require.True(t, strings.HasPrefix(res.Body, "\uFEFF"), "a byte-order mark for Excel")
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"time", "actor", "user_email", "user_name", "credential", "action", "description",
		"account_sid", "target", "ip", "user_agent", "request_id", "details"}, records[0])
	require.Len(t, records, 3)
	apiKey, created := records[1], records[2]
	require.Equal(t, []string{"api", "", "", o.AccountSID, "key.created", "API key created", fx.sub}, apiKey[1:8])
	require.Equal(t, `{"friendly_name":"Sub key","type":"standard"}`, apiKey[12])
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$`, apiKey[0], "in the project's time zone")
	require.Equal(t, []string{"user", fx.owner.Email, "Test Owner", "", "account.subaccount_created", "Subaccount created", fx.sub}, created[1:8])

	// Japanese labels for a Japanese user; the admin's name made inert.
	fx.owners.Header.Set("Accept-Language", "ja")
	require.Equal(t, http.StatusSeeOther, fx.owners.Post("/user/settings/language", url.Values{"locale": {"ja"}}).Status)
	res = fx.owners.Get("/monitor/events.csv?actor=user:" + fx.admin)
	records, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 2)
	require.Equal(t, []string{"key.created", "API キーを作成"}, records[1][5:7])
	require.Equal(t, `'=HYPERLINK("http://evil.example")`, records[1][3])

	// Many events: read 7 at a time, cut at the cap of 40, newest first.
	_, err = fx.app.Pool.Exec(ctx, `
		INSERT INTO audit_log (at, project_sid, account_sid, actor, action, target)
		SELECT now() + i * interval '1 second', $1, $1, 'system', 'funds.credited', 'n' || i FROM generate_series(1, 60) AS i`, o.AccountSID)
	require.NoError(t, err)
	res = fx.owners.Get("/monitor/events.csv?action=funds.credited")
	records, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 1+40)
	for i, r := range records[1:] {
		require.Equal(t, "n"+strconv.Itoa(60-i), r[8])
	}
	// The page says how much the export holds.
	require.Contains(t, fx.owners.Get("/monitor/events").Body, "最大 40 件")
}
