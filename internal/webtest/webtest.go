// Package webtest runs the real server (router, middleware, workers'
// schema) on a fresh database behind an httptest listener on 127.0.0.1,
// and drives it with clients that keep cookies like a browser.
package webtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/app"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/mail"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/onboard"
	"console/internal/server"
	"console/internal/sid"
	"console/internal/testdb"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
)

// HashCost is the password hashing cost of the test servers: the
// cheapest argon2id allows. Tests hash a password for every owner they
// create and every sign-in, and at production's cost (19 MiB, two passes,
// slower still under -race) that was most of a test's time.
var HashCost = auth.HashCost{Memory: 8, Time: 1, Threads: 1}

// App is a running server on its own database.
type App struct {
	T      testing.TB
	Pool   *pgxpool.Pool
	Config *config.Config
	// Services are the server's services, for fixtures that act as the
	// CLI or a worker would.
	Services *app.App
	Server   *server.Server
	HTTP     *httptest.Server
	URL      string
	env      map[string]string
}

// Option changes the configuration before the server starts.
type Option func(env map[string]string)

// Env sets an environment variable for the server's configuration.
func Env(k, v string) Option { return func(env map[string]string) { env[k] = v } }

// workersKey is a pseudo-variable that asks Start to run the River workers.
const workersKey = "webtest:workers"

// Workers runs the background workers (mail delivery, ...) with the server.
func Workers() Option { return Env(workersKey, "1") }

// Start runs a server for t.
func Start(t testing.TB, opts ...Option) *App {
	t.Helper()
	pool, dsn := testdb.New(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := map[string]string{
		"DATABASE_URL":       dsn,
		"CONSOLE_SECRET_KEY": base64.StdEncoding.EncodeToString(key),
		"CONSOLE_LOG_LEVEL":  "warn",
	}
	for _, o := range opts {
		o(env)
	}
	return start(t, env, pool)
}

// Peer runs another server process on a's database, with a's secret key
// and a's options plus opts, as a second `console serve` behind the same
// load balancer would be: it has its own pool, ledger and workers.
func (a *App) Peer(opts ...Option) *App {
	a.T.Helper()
	return a.peer(nil, opts...)
}

// TracedPeer is Peer with a pool that reports its queries to tracer,
// which may also be a pgx.BatchTracer: a test can count what a page costs.
func (a *App) TracedPeer(tracer pgx.QueryTracer, opts ...Option) *App {
	a.T.Helper()
	return a.peer(tracer, opts...)
}

func (a *App) peer(tracer pgx.QueryTracer, opts ...Option) *App {
	a.T.Helper()
	env := map[string]string{}
	for k, v := range a.env {
		env[k] = v
	}
	for _, o := range opts {
		o(env)
	}
	cfg, err := pgxpool.ParseConfig(env["DATABASE_URL"])
	if err != nil {
		a.T.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		a.T.Fatal(err)
	}
	a.T.Cleanup(pool.Close)
	return start(a.T, env, pool)
}

func start(t testing.TB, env map[string]string, pool *pgxpool.Pool) *App {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] }, filepath.Join(t.TempDir(), "var"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	svc, err := app.New(cfg, pool, log)
	if err != nil {
		t.Fatal(err)
	}
	svc.Users.HashCost = HashCost
	srv, err := server.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	// Links in mails lead to this server; the services copied the
	// configured base URL when they were made.
	svc.SetBaseURL(hs.URL)
	if env[workersKey] != "" {
		ctx, cancel := context.WithCancel(context.Background())
		if err := svc.StartWorkers(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, done := context.WithTimeout(context.Background(), 10*time.Second)
			defer done()
			_ = svc.StopWorkers(stop)
			cancel()
		})
	}
	return &App{T: t, Pool: pool, Config: cfg, Services: svc, Server: srv, HTTP: hs, URL: hs.URL, env: env}
}

// Owner is a user who owns a project, made for a test.
type Owner struct {
	Email, Password string
	UserID          string
	AccountSID      string
	AuthToken       string
}

// CreateOwner creates a user owning a new project (as `console admin
// create-owner` does) with the given currency.
func (a *App) CreateOwner(currency string) *Owner {
	a.T.Helper()
	o := &Owner{Email: "owner-" + sid.Hex32()[:12] + "@example.com", Password: "correct horse battery"}
	res, err := onboard.CreateOwner(context.Background(), a.Pool, a.Services.Users, a.Services.Accounts, onboard.Owner{
		Email: o.Email, Password: o.Password, Name: "Test Owner", ProjectName: "Test Project", Currency: currency, TimeZone: "Asia/Tokyo", Via: "test",
	})
	if err != nil {
		a.T.Fatal(err)
	}
	o.UserID, o.AccountSID, o.AuthToken = res.User.ID, res.Project.SID, res.AuthToken
	return o
}

// Client is a cookie-keeping HTTP client that does not follow redirects,
// so tests see each 303.
type Client struct {
	app *App
	c   *http.Client
	// Header is sent with every request.
	Header http.Header
}

// Client returns a new client with an empty cookie jar.
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{app: a, Header: http.Header{}, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a read response.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target.
func (r *Response) Location() string { return r.Header.Get("Location") }

// Do sends a request with the client's headers and cookies.
func (c *Client) Do(req *http.Request) *Response {
	c.app.T.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.app.T.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.app.T.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get requests path.
func (c *Client) Get(path string) *Response {
	c.app.T.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	if err != nil {
		c.app.T.Fatal(err)
	}
	return c.Do(req)
}

// Post submits a form to path.
func (c *Client) Post(path string, form url.Values) *Response {
	c.app.T.Helper()
	req, err := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.app.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// On returns a client with c's cookies that sends to a: the same browser
// reaching another server of the same database behind a load balancer.
func (c *Client) On(a *App) *Client { return &Client{app: a, Header: c.Header, c: c.c} }

// Cookie returns the named cookie the jar holds for the app.
func (c *Client) Cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// SignIn signs in with email and password (no second factor) and fails
// the test unless it lands on the dashboard.
func (c *Client) SignIn(email, password string) {
	c.app.T.Helper()
	res := c.Post("/signin", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther || res.Location() != "/" {
		c.app.T.Fatalf("sign-in: status %d, location %q", res.Status, res.Location())
	}
}

// APIGet calls the REST API with basic auth.
func (a *App) APIGet(path, user, pass string) *Response {
	a.T.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
	if err != nil {
		a.T.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// API sends a REST API request with basic auth; form, if not nil, is the
// form-encoded body.
func (a *App) API(method, path, user, pass string, form url.Values) *Response {
	a.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		a.T.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// JSON decodes the response body into a map, failing the test if it is not JSON.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("response is not JSON (%v): %.200s", err, r.Body)
	}
	return m
}

// Mail returns the newest outbox mail matching where (a condition on
// mail_outbox's columns, with args), its sealed body opened, and fails
// the test when there is none.
func (a *App) Mail(where string, args ...any) *mail.Mail {
	a.T.Helper()
	ctx := context.Background()
	var id int64
	if err := a.Pool.QueryRow(ctx, `SELECT id FROM mail_outbox WHERE `+where+` ORDER BY id DESC LIMIT 1`, args...).Scan(&id); err != nil {
		a.T.Fatalf("no mail where %s: %v", where, err)
	}
	m, err := a.Services.Outbox.Get(ctx, a.Pool, id)
	if err != nil {
		a.T.Fatal(err)
	}
	return m
}

// Fingerprint summarises every tenant table, so a test can prove that a
// refused request changed nothing. It first waits for the usage-trigger
// evaluations earlier requests queued: one that fires between two
// fingerprints (a trigger's date_fired, its mail) is not the refused
// request's doing, and made the matrices fail now and then.
func (a *App) Fingerprint() string {
	a.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := a.Services.Triggers.Idle(ctx); err != nil {
		a.T.Fatal(err)
	}
	var s string
	err := a.Pool.QueryRow(ctx, `SELECT concat_ws('|',
		(SELECT md5(coalesce(string_agg(a::text, ',' ORDER BY sid), '')) FROM accounts a),
		(SELECT md5(coalesce(string_agg(k::text, ',' ORDER BY sid), '')) FROM api_keys k),
		(SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY id), '')) FROM (SELECT id, email, friendly_name, password_hash, locale, session_epoch, totp_enabled FROM users) u),
		(SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY user_id, service), '')) FROM user_pins p),
		(SELECT md5(coalesce(string_agg(mb::text, ',' ORDER BY project_sid, user_id), '')) FROM memberships mb),
		(SELECT md5(coalesce(string_agg(b::text, ',' ORDER BY project_sid), '')) FROM balances b),
		(SELECT md5(coalesce(string_agg(i::text, ',' ORDER BY id), '')) FROM invitations i),
		(SELECT md5(coalesce(string_agg(n::text, ',' ORDER BY sid), '')) FROM incoming_phone_numbers n),
		(SELECT md5(coalesce(string_agg(ri::text, ',' ORDER BY id), '')) FROM recurring_items ri),
		(SELECT count(*) FROM usage_events),
		(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY sid), '')) FROM usage_triggers t),
		(SELECT count(*) FROM mail_outbox),
		(SELECT count(*) FROM ledger_entries))`).Scan(&s)
	if err != nil {
		a.T.Fatal(err)
	}
	return s
}

// EnsureCardAndPayment gives a project a card and a succeeded payment,
// replacing the card when a request removed it; it returns their IDs.
func (a *App) EnsureCardAndPayment(project, card, payment string) (string, string) {
	a.T.Helper()
	ctx := context.Background()
	if _, err := billing.GetMethod(ctx, a.Pool, project, card); card == "" || err != nil {
		c := billing.Card{Holder: "Taro", Number: "4242424242424242", ExpMonth: 12, ExpYear: time.Now().Year() + 3, CVC: "123"}
		tok, err := a.Services.Billing.Gateway.Tokenize(ctx, c)
		if err != nil {
			a.T.Fatal(err)
		}
		err = pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error {
			m, err := billing.AddMethod(ctx, tx, project, c, tok)
			if err == nil {
				card = m.ID
			}
			return err
		})
		if err != nil {
			a.T.Fatal(err)
		}
	}
	if payment == "" {
		m, err := billing.GetMethod(ctx, a.Pool, project, card)
		if err != nil {
			a.T.Fatal(err)
		}
		p, err := a.Services.Billing.AddFunds(ctx, m, decimal.NewFromInt(1000), "USD", "fixture")
		if err != nil || p.Status != billing.PaymentSucceeded {
			a.T.Fatalf("fixture payment: %v %+v", err, p)
		}
		payment = p.ID
	}
	return card, payment
}

// InsertMessage records a delivered message of an account, as the API
// would, without charging it; it returns the message SID.
func (a *App) InsertMessage(project, accountSID string) string {
	a.T.Helper()
	ctx := context.Background()
	m := &messaging.Message{SID: sid.New("SM"), ProjectSID: project, AccountSID: accountSID, To: "+14155550100", From: "+15017122661",
		Body: "fixture", Status: messaging.StatusDelivered, NumSegments: 1, Encoding: messaging.GSM7, Price: decimal.Zero, PriceUnit: "USD"}
	if err := pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error { return messaging.Insert(ctx, tx, m) }); err != nil {
		a.T.Fatal(err)
	}
	return m.SID
}

// InsertCall records a completed call of an account, as the API would,
// without charging it; it returns the call SID.
func (a *App) InsertCall(project, accountSID string) string {
	a.T.Helper()
	ctx := context.Background()
	now := time.Now()
	c := &voice.Call{SID: sid.New("CA"), ProjectSID: project, AccountSID: accountSID, To: "+14155550100", From: "+15017122661",
		Status: "completed", Direction: "outbound-api", Duration: 30, Price: decimal.Zero, PriceUnit: "USD", Twiml: "<Response/>", StartTime: &now, EndTime: &now}
	if err := pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error { return voice.Insert(ctx, tx, c) }); err != nil {
		a.T.Fatal(err)
	}
	return c.SID
}

// EnsureNumber gives an account a phone number (recreated when released)
// without charging it, and returns its SID.
func (a *App) EnsureNumber(project, accountSID, numberSID string) string {
	a.T.Helper()
	ctx := context.Background()
	if _, err := numbers.Get(ctx, a.Pool, project, accountSID, numberSID); err == nil {
		return numberSID
	}
	var out string
	err := pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error {
		phone := numbers.Candidates("US", numbers.Local, "", int(time.Now().UnixNano()%1000000), 1)[0]
		item, err := billing.AddRecurringItem(ctx, tx, project, accountSID, phone, "", decimal.Zero, time.Now())
		if err != nil {
			return err
		}
		n := &numbers.Number{SID: sid.New("PN"), ProjectSID: project, AccountSID: accountSID, PhoneNumber: phone, FriendlyName: phone,
			Country: "US", Type: numbers.Local, RecurringItem: item.ID}
		out = n.SID
		return numbers.Insert(ctx, tx, n)
	})
	if err != nil {
		a.T.Fatal(err)
	}
	return out
}

// OwnNumber gives an account a new phone number without charging it and
// returns the number itself: live messages and calls go out From a
// number the account owns.
func (a *App) OwnNumber(project, accountSID string) string {
	a.T.Helper()
	n, err := numbers.Get(context.Background(), a.Pool, project, accountSID, a.EnsureNumber(project, accountSID, ""))
	if err != nil {
		a.T.Fatal(err)
	}
	return n.PhoneNumber
}

// EnsureTrigger gives an account a usage trigger (recreated when deleted)
// that calls a webhook when the month's total price reaches 1000, and
// returns its SID.
func (a *App) EnsureTrigger(project, accountSID, triggerSID string) string {
	a.T.Helper()
	ctx := context.Background()
	if _, err := trigger.Get(ctx, a.Pool, project, accountSID, triggerSID); err == nil {
		return triggerSID
	}
	t, err := a.Services.Triggers.Create(ctx, audit.System(ctx), project, accountSID, trigger.Spec{FriendlyName: "fixture",
		UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice, TriggerValue: decimal.NewFromInt(1000), Recurring: trigger.Monthly,
		CallbackURL: "https://example.com/usage-trigger"})
	if err != nil {
		a.T.Fatal(err)
	}
	return t.SID
}

// verificationLink finds the verification link in a mail's body.
var verificationLink = regexp.MustCompile(`https?://[^\s]+/verify/confirm\?token=[0-9a-f]+`)

// VerificationLink returns the link of the newest verification mail to
// email, as mailed (absolute), and fails the test when there is none.
func (a *App) VerificationLink(email string) string {
	a.T.Helper()
	m := a.Mail(`kind = 'verification' AND lower(to_addr) = lower($1)`, email)
	link := verificationLink.FindString(m.Body)
	if link == "" {
		a.T.Fatalf("no verification link in the mail to %s: %q", email, m.Body)
	}
	return link
}

// ConfirmVerification follows a mailed verification link as its
// recipient does: it opens the link and, when the page offers the
// confirm button, presses it. It returns the last answer: the button's,
// or the link's page when that had no button.
func (c *Client) ConfirmVerification(link string) *Response {
	c.app.T.Helper()
	page := c.Get(strings.TrimPrefix(link, c.app.URL))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="verify-confirm"`) {
		return page
	}
	token := link[strings.LastIndex(link, "=")+1:]
	return c.Post("/verify/confirm", url.Values{"token": {token}})
}

// SignUp posts the sign-up form with c, then follows the verification
// link mailed to the form's email, so that c ends signed in as a
// verified user with the trial credit, as most tests want a new customer.
// It fails the test unless each step answers as a working sign-up does,
// and returns the last answer (the 303 to the dashboard).
func (c *Client) SignUp(form url.Values) *Response {
	c.app.T.Helper()
	res := c.Post("/signup", form)
	if res.Status != http.StatusSeeOther || res.Location() != "/verify" {
		c.app.T.Fatalf("sign-up: status %d, location %q: %.300s", res.Status, res.Location(), res.Body)
	}
	res = c.ConfirmVerification(c.app.VerificationLink(form.Get("email")))
	if res.Status != http.StatusSeeOther || res.Location() != "/" {
		c.app.T.Fatalf("verification: status %d, location %q: %.300s", res.Status, res.Location(), res.Body)
	}
	return res
}
