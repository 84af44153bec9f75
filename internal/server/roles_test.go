package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/numbers"
	"console/internal/sid"
	"console/internal/team"
	"console/internal/webtest"
)

// The role × route matrix: every console route for every role, with the
// status each gets: the roles column of consoleRows (isolation_test.go),
// the same requests the tenant-isolation matrix sends. It is written out
// by hand, not derived from team.Matrix, so that a change of permissions
// shows up as a failing row. Where a role is refused, nothing may change.
// A console route without a roles entry fails the test.
var roleOrder = []string{team.RoleOwner, team.RoleAdmin, team.RoleDeveloper, team.RoleBilling, team.RoleSupport}

type roleFixture struct {
	app        *webtest.App
	t          *testing.T
	owner      *webtest.Owner
	clients    map[string]*webtest.Client
	emails     map[string]string
	sub, key   string
	invitation string
	target     string // a Support member others act on
	card       string // a card of the project
	payment    string // a succeeded payment, for receipts
	message    string // a message of the project
	call       string // a call of the project
	number     string // a phone number of the project
	phone      string // that number in E.164
	trigger    string // a usage trigger of the project
}

// refresh puts back what the last request of role changed: the objects
// it deleted or changed, and its own session (no request ends or moves
// another user's session).
func (fx *roleFixture) refresh(role string) {
	t, ctx, pool, st := fx.t, context.Background(), fx.app.Pool, fx.app.Services.Accounts
	project, err := st.Get(ctx, pool, fx.owner.AccountSID, fx.owner.AccountSID)
	require.NoError(t, err)
	if a, err := st.Get(ctx, pool, project.SID, fx.sub); fx.sub == "" || err != nil || a.Status != account.StatusActive {
		_, err := pool.Exec(ctx, `UPDATE accounts SET status = 'active' WHERE sid = $1 AND status = 'suspended'`, fx.sub)
		require.NoError(t, err)
		if a, err := st.Get(ctx, pool, project.SID, fx.sub); fx.sub == "" || err != nil || a.Status != account.StatusActive {
			tx, err := pool.Begin(ctx)
			require.NoError(t, err)
			a, _, err := st.CreateSubaccount(ctx, tx, project, "Shop", 1000)
			require.NoError(t, err)
			require.NoError(t, tx.Commit(ctx))
			fx.sub = a.SID
		}
	}
	if _, err := st.GetKey(ctx, pool, project.SID, project.SID, fx.key); fx.key == "" || err != nil {
		k, _, err := st.CreateKey(ctx, pool, project, "victim", account.KeyStandard)
		require.NoError(t, err)
		fx.key = k.SID
	}
	if _, err := st.SecondaryAuthToken(ctx, pool, project.SID, project.SID); err != nil {
		_, _, err := st.CreateSecondaryAuthToken(ctx, pool, project.SID, project.SID)
		require.NoError(t, err)
	}
	var open bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invitations WHERE id = $1 AND revoked_at IS NULL AND accepted_at IS NULL)`, fx.invitation).Scan(&open))
	if !open {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		inv, _, err := team.Invite(ctx, tx, project.SID, "invitee-"+sid.Hex32()[:8]+"@example.com", team.RoleSupport, fx.owner.UserID, time.Now())
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		fx.invitation = inv.ID
	}
	fx.card, fx.payment = fx.app.EnsureCardAndPayment(project.SID, fx.card, fx.payment)
	var kept bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE sid = $1)`, fx.message).Scan(&kept))
	if !kept { // deleted by a row before
		fx.message = fx.app.InsertMessage(project.SID, project.SID)
	}
	if fx.call == "" {
		fx.call = fx.app.InsertCall(project.SID, project.SID)
	}
	fx.number = fx.app.EnsureNumber(project.SID, project.SID, fx.number)
	n, err := numbers.Get(ctx, pool, project.SID, project.SID, fx.number)
	require.NoError(t, err)
	fx.phone = n.PhoneNumber
	fx.trigger = fx.app.EnsureTrigger(project.SID, project.SID, fx.trigger)
	_, err = pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, 'support')
		ON CONFLICT (project_sid, user_id) DO UPDATE SET role = 'support'`, project.SID, fx.target)
	require.NoError(t, err)
	// A member who left the project ("POST /projects/leave") comes back.
	for r, email := range fx.emails {
		if r != team.RoleOwner {
			_, err = pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) SELECT $1, id, $2 FROM users WHERE lower(email) = lower($3)
				ON CONFLICT (project_sid, user_id) DO NOTHING`, project.SID, r, email)
			require.NoError(t, err)
		}
	}
	_, err = pool.Exec(ctx, `UPDATE users SET totp_secret_enc = NULL WHERE NOT totp_enabled`)
	require.NoError(t, err)
	if c := fx.clients[role]; c != nil {
		if c.Get("/user/settings").Status != http.StatusOK {
			c = fx.app.Client()
			c.SignIn(fx.emails[role], "member password")
			fx.clients[role] = c
		}
		c.Post("/switch-to-master", nil)
	}
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	fx := &roleFixture{app: app, t: t, owner: o, clients: map[string]*webtest.Client{}, emails: map[string]string{}}
	for _, role := range roleOrder {
		email := role + "@example.com"
		if role == team.RoleOwner {
			email = o.Email
			_, err := app.Services.Users.SetPassword(ctx, app.Pool, o.UserID, "member password")
			require.NoError(t, err)
		} else {
			u, err := app.Services.Users.Create(ctx, app.Pool, email, role, "member password", "")
			require.NoError(t, err)
			require.NoError(t, team.Add(ctx, app.Pool, o.AccountSID, u.ID, role))
		}
		fx.emails[role] = email
		c := app.Client()
		c.SignIn(email, "member password")
		fx.clients[role] = c
	}
	target, err := app.Services.Users.Create(ctx, app.Pool, "target@example.com", "Target", "member password", "")
	require.NoError(t, err)
	fx.target = target.ID
	fx.refresh("")

	var routes []string
	err = chi.Walk(app.Server.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/2010-04-01/") && !strings.HasPrefix(route, "/v1/") && route != "/healthz" && route != "/readyz" && route != "/static/*" {
			routes = append(routes, method+" "+route)
		}
		return nil
	})
	require.NoError(t, err)
	sort.Strings(routes)
	withRoles := 0
	for _, row := range consoleRows {
		if row.roles != "" {
			withRoles++
		}
	}
	for _, r := range routes {
		require.NotEmpty(t, consoleRows[r].roles, "console route %q has no roles in the route matrix", r)
	}
	require.Len(t, routes, withRoles, "every row with roles names a registered console route")

	seq := 0
	for _, r := range routes {
		row := consoleRows[r]
		method, _, _ := strings.Cut(r, " ")
		codes := strings.Fields(row.roles)
		require.Len(t, codes, len(roleOrder), r)
		for i, role := range roleOrder {
			want, err := strconv.Atoi(codes[i])
			require.NoError(t, err)
			seq++
			fill := strings.NewReplacer("{project}", o.AccountSID, "{account}", o.AccountSID, "{sub}", fx.sub, "{member}", fx.target, "{password}", "member password", "{key}", fx.key, "{invitation}", fx.invitation,
				"{target}", fx.target, "{fresh}", fmt.Sprintf("fresh%d", seq),
				"{card}", fx.card, "{payment}", fx.payment, "{message}", fx.message, "{call}", fx.call, "{trigger}", fx.trigger, "{key32}", sid.Hex32(),
				"{number}", fx.number, "{phone}", fx.phone, "{fresh_number}", fmt.Sprintf("+815077%06d", seq))
			path := fill.Replace(row.path)
			body := url.Values{}
			for k, vs := range row.form {
				body.Set(k, fill.Replace(vs[0]))
			}
			refused := want == http.StatusForbidden || want == http.StatusNotFound
			var before string
			if refused {
				before = app.Fingerprint()
			}
			var res *webtest.Response
			if method == http.MethodGet {
				res = fx.clients[role].Get(path)
			} else {
				res = fx.clients[role].Post(path, body)
			}
			require.Equal(t, want, res.Status, "%s as %s (%s): %.200s", r, role, path, res.Body)
			if refused {
				require.Equal(t, before, app.Fingerprint(), "%s as %s changed data although refused", r, role)
			}
			// A GET changes nothing to put back.
			if method != http.MethodGet {
				fx.refresh(role)
			}
		}
	}
}

// The README's table of roles is the matrix in team.Matrix.
func TestReadmeShowsTheMatrix(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, row := range team.Matrix {
		cells := []string{"`" + string(row.Perm) + "`"}
		for _, role := range roleOrder {
			cell := " "
			if team.Can(role, row.Perm) {
				cell = "✓"
			}
			cells = append(cells, cell)
		}
		line := "| " + strings.Join(cells, " | ") + " |"
		require.Contains(t, string(readme), line, "README.md must show the row for %s", row.Perm)
	}
}
