package console_test

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
// status each gets. It is written out here by hand, not derived from
// team.Matrix, so that a change of permissions shows up as a failing row.
// Where a role is refused, nothing may change. A console route without a
// row fails the test.
var roleOrder = []string{team.RoleOwner, team.RoleAdmin, team.RoleDeveloper, team.RoleBilling, team.RoleSupport}

type roleRow struct {
	path   string
	form   url.Values
	expect string // statuses for owner, admin, developer, billing, support
}

func f(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var roleRows = map[string]roleRow{
	"GET /":                                        {"/", nil, "200 200 200 200 200"},
	"GET /console/auth-token":                      {"/console/auth-token", nil, "200 200 200 403 403"},
	"POST /console/auth-token/regenerate":          {"/console/auth-token/regenerate", f("password", "wrong password"), "422 422 403 403 403"},
	"POST /language":                               {"/language", f("locale", "en"), "303 303 303 303 303"},
	"POST /pins/{service}":                         {"/pins/usage", f("pinned", "true"), "303 303 303 303 303"},
	"POST /projects/switch":                        {"/projects/switch", f("project", "{project}"), "303 303 303 303 303"},
	"POST /switch-to-master":                       {"/switch-to-master", nil, "303 303 303 303 303"},
	"GET /services":                                {"/services", nil, "200 200 200 200 200"},
	"GET /services/{service}":                      {"/services/billing", nil, "303 303 403 303 403"},
	"GET /settings":                                {"/settings", nil, "303 303 303 403 403"},
	"GET /settings/general":                        {"/settings/general", nil, "200 200 403 403 403"},
	"POST /settings/general":                       {"/settings/general", f("friendly_name", "Test Project", "time_zone", "Asia/Tokyo", "currency", "USD"), "303 303 403 403 403"},
	"POST /settings/general/require-2fa":           {"/settings/general/require-2fa", f("on", "false"), "303 303 403 403 403"},
	"GET /settings/credentials":                    {"/settings/credentials", nil, "200 200 200 403 403"},
	"POST /settings/credentials/secondary":         {"/settings/credentials/secondary", nil, "303 303 403 403 403"},
	"POST /settings/credentials/secondary/delete":  {"/settings/credentials/secondary/delete", nil, "303 303 403 403 403"},
	"POST /settings/credentials/secondary/promote": {"/settings/credentials/secondary/promote", nil, "303 303 403 403 403"},
	"GET /settings/keys":                           {"/settings/keys", nil, "200 200 200 403 403"},
	"POST /settings/keys":                          {"/settings/keys", f("friendly_name", "k", "type", "standard"), "200 200 200 403 403"},
	"POST /settings/keys/{sid}/delete":             {"/settings/keys/{key}/delete", nil, "303 303 303 403 403"},
	"GET /settings/subaccounts":                    {"/settings/subaccounts", nil, "200 200 200 403 403"},
	"POST /settings/subaccounts":                   {"/settings/subaccounts", f("friendly_name", "New"), "303 303 403 403 403"},
	"GET /settings/subaccounts/{sid}":              {"/settings/subaccounts/{sub}", nil, "200 200 200 403 403"},
	"POST /settings/subaccounts/{sid}/close":       {"/settings/subaccounts/{sub}/close", f("confirm_name", "Shop", "password", "member password"), "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/rename":      {"/settings/subaccounts/{sub}/rename", f("friendly_name", "Shop"), "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/status":      {"/settings/subaccounts/{sub}/status", f("status", "suspended"), "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/view":        {"/settings/subaccounts/{sub}/view", nil, "303 303 303 403 403"},
	"GET /settings/users":                          {"/settings/users", nil, "200 200 403 403 403"},
	"POST /settings/users/invite":                  {"/settings/users/invite", f("email", "{fresh}@example.com", "role", "developer"), "303 303 403 403 403"},
	"POST /settings/users/invitations/{id}/resend": {"/settings/users/invitations/{invitation}/resend", nil, "303 303 403 403 403"},
	"POST /settings/users/invitations/{id}/revoke": {"/settings/users/invitations/{invitation}/revoke", nil, "303 303 403 403 403"},
	"POST /settings/users/{user}/role":             {"/settings/users/{target}/role", f("role", "developer"), "303 303 403 403 403"},
	"POST /settings/users/{user}/remove":           {"/settings/users/{target}/remove", nil, "303 303 403 403 403"},
	"POST /settings/users/{user}/transfer":         {"/settings/users/{target}/transfer", nil, "422 403 403 403 403"},
	"GET /billing":                                 {"/billing", nil, "200 200 403 200 403"},
	"GET /billing/payment-methods":                 {"/billing/payment-methods", nil, "200 200 403 200 403"},
	"GET /billing/history":                         {"/billing/history", nil, "200 200 403 200 403"},
	"GET /billing/receipts/{id}":                   {"/billing/receipts/{payment}", nil, "200 200 403 200 403"},
	"GET /billing/receipts/{id}/pdf":               {"/billing/receipts/{payment}/pdf", nil, "200 200 403 200 403"},
	"GET /billing/statement":                       {"/billing/statement", nil, "200 200 403 200 403"},
	"GET /billing/statement/pdf":                   {"/billing/statement/pdf", nil, "200 200 403 200 403"},
	"GET /billing/recurring":                       {"/billing/recurring", nil, "200 200 403 200 403"},
	"GET /billing/preferences":                     {"/billing/preferences", nil, "200 200 403 200 403"},
	"POST /billing/add-funds":                      {"/billing/add-funds", f("amount", "1", "method", "{card}", "key", "{key32}"), "422 422 403 422 403"},
	"POST /billing/auto-recharge":                  {"/billing/auto-recharge", f("enabled", "1", "threshold", "50", "target", "10"), "422 422 403 422 403"},
	"POST /billing/alerts":                         {"/billing/alerts", f("threshold", "ten"), "422 422 403 422 403"},
	"POST /billing/alerts/remove":                  {"/billing/alerts/remove", f("threshold", "999"), "303 303 403 303 403"},
	"POST /billing/payment-methods":                {"/billing/payment-methods", f("holder", "", "number", "1234"), "422 422 403 422 403"},
	"POST /billing/payment-methods/{id}/primary":   {"/billing/payment-methods/{card}/primary", nil, "303 303 403 303 403"},
	"POST /billing/payment-methods/{id}/down":      {"/billing/payment-methods/{card}/down", nil, "303 303 403 303 403"},
	"POST /billing/payment-methods/{id}/remove":    {"/billing/payment-methods/{card}/remove", nil, "303 303 403 303 403"},
	"POST /billing/preferences":                    {"/billing/preferences", f("company_name", "株式会社テスト"), "303 303 403 303 403"},
	"GET /sms/logs":                                {"/sms/logs", nil, "200 200 200 200 200"},
	"GET /sms/logs/{sid}":                          {"/sms/logs/{message}", nil, "200 200 200 200 200"},
	"POST /sms/logs/{sid}/redact":                  {"/sms/logs/{message}/redact", nil, "303 303 303 403 403"},
	"POST /sms/logs/{sid}/delete":                  {"/sms/logs/{message}/delete", nil, "303 303 303 403 403"},
	"GET /voice/logs":                              {"/voice/logs", nil, "200 200 200 200 200"},
	"GET /usage":                                   {"/usage?account={sub}", nil, "200 200 200 200 200"},
	"GET /usage/summary.csv":                       {"/usage/summary.csv?account={project}", nil, "200 200 200 200 200"},
	"GET /usage/subaccounts":                       {"/usage/subaccounts?sort=name&dir=desc", nil, "200 200 200 200 200"},
	"GET /phone-numbers":                           {"/phone-numbers", nil, "200 200 200 403 403"},
	"GET /phone-numbers/search":                    {"/phone-numbers/search?country=JP&type=local&contains=50", nil, "200 200 200 403 403"},
	"POST /phone-numbers/buy":                      {"/phone-numbers/buy", f("phone_number", "{fresh_number}", "country", "JP", "type", "local"), "303 303 303 403 403"},
	"GET /phone-numbers/{sid}":                     {"/phone-numbers/{number}", nil, "200 200 200 403 403"},
	"POST /phone-numbers/{sid}":                    {"/phone-numbers/{number}", f("friendly_name", "Main line"), "303 303 303 403 403"},
	"POST /phone-numbers/{sid}/release":            {"/phone-numbers/{number}/release", f("confirm_number", "{phone}"), "303 303 303 403 403"},
	"GET /monitor/events":                          {"/monitor/events?action=key.created", nil, "200 200 403 403 403"},
	"GET /monitor/events.csv":                      {"/monitor/events.csv?account={sub}", nil, "200 200 403 403 403"},
	"GET /usage/triggers":                          {"/usage/triggers", nil, "200 200 200 200 403"},
	"GET /usage/triggers/new":                      {"/usage/triggers/new", nil, "200 200 200 200 403"},
	"POST /usage/triggers":                         {"/usage/triggers", triggerForm, "303 303 303 303 403"},
	"GET /usage/triggers/{sid}":                    {"/usage/triggers/{trigger}", nil, "200 200 200 200 403"},
	"POST /usage/triggers/{sid}":                   {"/usage/triggers/{trigger}", triggerForm, "303 303 303 303 403"},
	"POST /usage/triggers/{sid}/delete":            {"/usage/triggers/{trigger}/delete", nil, "303 303 303 303 403"},
	"GET /signin":                                  {"/signin", nil, "303 303 303 303 303"},
	"POST /signin":                                 {"/signin", f("email", "nobody@example.com", "password", "wrong password"), "422 422 422 422 422"},
	"GET /signin/2fa":                              {"/signin/2fa", nil, "303 303 303 303 303"},
	"POST /signin/2fa":                             {"/signin/2fa", f("code", "123456"), "303 303 303 303 303"},
	"POST /signout":                                {"/signout", nil, "303 303 303 303 303"},
	"GET /signup":                                  {"/signup", nil, "303 303 303 303 303"},
	"POST /signup":                                 {"/signup", f("email", "bad"), "303 303 303 303 303"},
	"GET /invitation":                              {"/invitation", nil, "404 404 404 404 404"},
	"POST /invitation/accept":                      {"/invitation/accept", nil, "404 404 404 404 404"},
	"POST /invitation/signup":                      {"/invitation/signup", nil, "404 404 404 404 404"},
	"GET /dev/mailbox":                             {"/dev/mailbox", nil, "200 200 200 200 200"},
	"GET /dev/mailbox/{id}":                        {"/dev/mailbox/0", nil, "404 404 404 404 404"},
	"GET /user/settings":                           {"/user/settings", nil, "200 200 200 200 200"},
	"POST /user/settings/profile":                  {"/user/settings/profile", f("friendly_name", "Same"), "303 303 303 303 303"},
	"POST /user/settings/email":                    {"/user/settings/email", f("email", "x@example.com", "current_password", "wrong password"), "422 422 422 422 422"},
	"POST /user/settings/password":                 {"/user/settings/password", f("current_password", "wrong password", "new_password", "another password"), "422 422 422 422 422"},
	"POST /user/settings/language":                 {"/user/settings/language", f("locale", "en"), "303 303 303 303 303"},
	"GET /user/settings/2fa/required":              {"/user/settings/2fa/required", nil, "303 303 303 303 303"},
	"POST /user/settings/2fa/begin":                {"/user/settings/2fa/begin", nil, "303 303 303 303 303"},
	"GET /user/settings/2fa":                       {"/user/settings/2fa", nil, "303 303 303 303 303"},
	"GET /user/settings/2fa/qr.png":                {"/user/settings/2fa/qr.png", nil, "404 404 404 404 404"},
	"POST /user/settings/2fa/confirm":              {"/user/settings/2fa/confirm", f("code", "123456"), "303 303 303 303 303"},
	"POST /user/settings/2fa/disable":              {"/user/settings/2fa/disable", nil, "303 303 303 303 303"},
}

// triggerForm is a valid trigger: the seed's "monthly spend reaches
// 100,000, mail the team".
var triggerForm = f("friendly_name", "Spend", "usage_category", "totalprice", "trigger_by", "price", "trigger_value", "100000",
	"recurring", "monthly", "email_team", "1", "callback_method", "POST")

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
	fx.number = fx.app.EnsureNumber(project.SID, project.SID, fx.number)
	n, err := numbers.Get(ctx, pool, project.SID, project.SID, fx.number)
	require.NoError(t, err)
	fx.phone = n.PhoneNumber
	fx.trigger = fx.app.EnsureTrigger(project.SID, project.SID, fx.trigger)
	_, err = pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, 'support')
		ON CONFLICT (project_sid, user_id) DO UPDATE SET role = 'support'`, project.SID, fx.target)
	require.NoError(t, err)
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
	for _, r := range routes {
		_, ok := roleRows[r]
		require.True(t, ok, "console route %q has no row in the role matrix", r)
	}
	require.Len(t, routes, len(roleRows), "every row names a registered route")

	seq := 0
	for _, r := range routes {
		row := roleRows[r]
		method, _, _ := strings.Cut(r, " ")
		codes := strings.Fields(row.expect)
		require.Len(t, codes, len(roleOrder), r)
		for i, role := range roleOrder {
			want, err := strconv.Atoi(codes[i])
			require.NoError(t, err)
			seq++
			fill := strings.NewReplacer("{project}", o.AccountSID, "{sub}", fx.sub, "{key}", fx.key, "{invitation}", fx.invitation,
				"{target}", fx.target, "{fresh}", fmt.Sprintf("fresh%d", seq),
				"{card}", fx.card, "{payment}", fx.payment, "{message}", fx.message, "{trigger}", fx.trigger, "{key32}", sid.Hex32(),
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
