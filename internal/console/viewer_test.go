package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"console/internal/team"
	"console/internal/usage"
	"console/internal/webtest"
)

// The dashboard's spend is read with the viewer, for the project and the
// subaccount the session names, before the membership is checked. The
// page uses it only when they are the viewer's: a member removed from the
// project they were looking at, or viewing a subaccount closed meanwhile,
// sees their own project's figures on the next page, never the others.
func TestDashboardSpendReadWithTheViewerIsTheViewers(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	a, b := app.CreateOwner("JPY"), app.CreateOwner("JPY")
	now := time.Now()
	recordUsage(t, app, a.AccountSID, a.AccountSID, usage.SMSOutbound, 1, "1", "11.75", now)
	recordUsage(t, app, b.AccountSID, b.AccountSID, usage.SMSOutbound, 1, "1", "999", now)

	m := member(t, app, a, "both@example.com", team.RoleDeveloper)
	u, err := app.Services.Users.ByEmail(ctx, app.Pool, "both@example.com")
	require.NoError(t, err)
	require.NoError(t, team.Add(ctx, app.Pool, b.AccountSID, u.ID, team.RoleDeveloper))
	dash := m.Get("/").Body
	require.Contains(t, dash, `data-testid="account-sid">`+a.AccountSID+`<`)
	require.Contains(t, dash, `data-testid="month-spend">¥11.75<`)

	require.Equal(t, http.StatusSeeOther, m.Post("/projects/switch", url.Values{"project": {b.AccountSID}}).Status)
	dash = m.Get("/").Body
	require.Contains(t, dash, `data-testid="account-sid">`+b.AccountSID+`<`)
	require.Contains(t, dash, `data-testid="month-spend">¥999.00<`)

	// B removes the member, whose session still names B's project.
	bo := app.Client()
	bo.SignIn(b.Email, b.Password)
	require.Equal(t, http.StatusSeeOther, bo.Post("/settings/users/"+u.ID+"/remove", nil).Status)
	dash = m.Get("/").Body
	require.Contains(t, dash, `data-testid="account-sid">`+a.AccountSID+`<`)
	require.Contains(t, dash, `data-testid="month-spend">¥11.75<`)
	require.NotContains(t, dash, b.AccountSID)
	require.NotContains(t, dash, "¥999")

	// A views a subaccount, which is closed behind the session's back.
	shop := createSub(t, app, a.AccountSID, "Shop")
	recordUsage(t, app, a.AccountSID, shop, usage.SMSOutbound, 2, "2", "23.5", now)
	ao := app.Client()
	ao.SignIn(a.Email, a.Password)
	require.Equal(t, http.StatusSeeOther, ao.Post("/settings/subaccounts/"+shop+"/view", nil).Status)
	dash = ao.Get("/").Body
	require.Contains(t, dash, `data-testid="account-sid">`+shop+`<`)
	require.Contains(t, dash, `data-testid="month-spend">¥23.50<`)
	_, err = app.Pool.Exec(ctx, `UPDATE accounts SET status = 'closed' WHERE project_sid = $1 AND sid = $2`, a.AccountSID, shop)
	require.NoError(t, err)
	dash = ao.Get("/").Body
	require.Contains(t, dash, `data-testid="account-sid">`+a.AccountSID+`<`)
	require.Contains(t, dash, `data-testid="month-spend">¥35.25<`, "the whole project's: 11.75 + 23.5")
	require.NotContains(t, dash, `data-testid="subaccount-band"`)
}

// roundTrips counts what a pool sends PostgreSQL: each query alone, each
// batch once whatever it holds.
type roundTrips struct {
	mu   sync.Mutex
	sent []string
}

func (r *roundTrips) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, s)
}

func (r *roundTrips) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sent
	r.sent = nil
	return s
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL)
	return ctx
}

func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	r.add("batch of " + strconv.Itoa(d.Batch.Len()))
	return ctx
}

func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// A dashboard view costs two round trips to PostgreSQL, the session and
// one batch with the viewer (the project menu's subaccounts included) and
// the page's spend, whether the project or a subaccount is viewed.
func TestDashboardViewIsTwoRoundTrips(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	shop := createSub(t, app, o.AccountSID, "Shop")
	trips := &roundTrips{}
	peer := app.TracedPeer(trips)
	c := peer.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusOK, c.Get("/").Status) // the first page picks the project
	trips.take()

	require.Equal(t, http.StatusOK, c.Get("/").Status)
	sent := trips.take()
	require.Len(t, sent, 2, "%q", sent)
	require.Contains(t, sent[0], "FROM sessions")
	require.Equal(t, "batch of 9", sent[1], "user, projects, pins, project, balance, the menu's subaccounts, spend, auto-recharge, alerts")

	require.Equal(t, http.StatusSeeOther, c.Post("/settings/subaccounts/"+shop+"/view", nil).Status)
	trips.take()
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	sent = trips.take()
	require.Len(t, sent, 2, "%q", sent)
	require.Equal(t, "batch of 10", sent[1], "and the subaccount")
}
