// Package console serves the web console: sign-up and sign-in, the
// dashboard and user settings. Pages are templ components from web/.
package console

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/clock"
	"console/internal/config"
	"console/internal/database"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/messaging"
	"console/internal/monitor"
	"console/internal/nav"
	"console/internal/numbers"
	"console/internal/onboard"
	"console/internal/reqlog"
	"console/internal/team"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
	"console/web"
)

// Deps is what the console is built from.
type Deps struct {
	Sessions *scs.SessionManager
	Users    *auth.Store
	Accounts *account.Store
	Config   *config.Config
	Log      *slog.Logger
	// Jobs enqueues background jobs (mail) in the caller's transaction.
	Jobs    mail.Inserter
	Billing *billing.Service
	// Numbers buys and releases phone numbers.
	Numbers *numbers.Service
	// Triggers are the usage triggers; their writes are audited and
	// re-evaluated by the service.
	Triggers *trigger.Service
	// AccountService runs the accounts' use cases.
	AccountService *account.Service
	// Auth signs users in and out and keeps their own settings.
	Auth *auth.Service
	// Team invites and manages a project's members.
	Team *team.Service
	// Onboard signs up new customers and invitees.
	Onboard *onboard.Service
	// Frames reads what every page shows around its content.
	Frames *nav.Frames
	// Mailbox reads the outbox for the development mailbox.
	Mailbox *mail.Mailbox
	// Messages reads, redacts and deletes messages.
	Messages *messaging.Sender
	// Usage reads what was used.
	Usage *usage.Service
	// Shortcuts pins services to the dashboard.
	Shortcuts *nav.Shortcuts
	// Calls reads the calls of Voice › Logs.
	Calls *voice.Service
	// Events reads Monitor › Events.
	Events *monitor.Events
	// Clock times sessions' idle timeout and the second factor's wait;
	// nil is the system's clock.
	Clock *clock.Clock
}

// Console holds what the handlers need.
type Console struct {
	sessions *scs.SessionManager
	users    *auth.Store
	accounts *account.Store
	cfg      *config.Config
	log      *slog.Logger
	jobs     mail.Inserter
	billing  *billing.Service
	numbers  *numbers.Service
	triggers *trigger.Service
	// accountService runs the accounts' use cases.
	accountService *account.Service
	auth           *auth.Service
	team           *team.Service
	onboard        *onboard.Service
	frames         *nav.Frames
	mails          *mail.Mailbox
	messages       *messaging.Sender
	usage          *usage.Service
	shortcuts      *nav.Shortcuts
	calls          *voice.Service
	events         *monitor.Events
	// preloads are the pages' reads that go in the viewer's round trip,
	// by method and path (see preload); set with the routes.
	preloads map[string]preload
	// now is the clock sessions are timed with.
	now func() time.Time
}

// New returns the console's handlers.
func New(d Deps) *Console {
	return &Console{sessions: d.Sessions, users: d.Users, accounts: d.Accounts, cfg: d.Config, log: d.Log, jobs: d.Jobs, billing: d.Billing,
		numbers: d.Numbers, triggers: d.Triggers, accountService: d.AccountService,
		auth: d.Auth, team: d.Team, onboard: d.Onboard, frames: d.Frames, mails: d.Mailbox, messages: d.Messages,
		usage: d.Usage, shortcuts: d.Shortcuts, calls: d.Calls, events: d.Events, now: d.Clock.Now}
}

// Error is an error with an HTTP status and a message safe to show: the
// catalog key of what the user reads, with its arguments.
type Error struct {
	Status int
	MsgKey string
	Args   []any
	Err    error // the cause, logged for 5xx only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.MsgKey + ": " + e.Err.Error()
	}
	return e.MsgKey
}

func (e *Error) Unwrap() error { return e.Err }

var (
	errNotFound  = &Error{Status: http.StatusNotFound, MsgKey: "error.not_found"}
	errForbidden = &Error{Status: http.StatusForbidden, MsgKey: "error.forbidden"}
)

// handlerFunc is a handler that returns its error to one adapter.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts fn: an *Error renders its status and message. A routed URL
// whose parameters cannot name anything is a 404 before fn runs. A
// database outage is a 503 page with Retry-After; any other error, a
// panic included, is logged with the request id and the user sees a
// generic 500 page.
func (c *Console) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		err := serve(fn, tw, r)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Status: http.StatusInternalServerError, MsgKey: "error.internal", Err: err}
			if database.Unavailable(err) {
				e = &Error{Status: http.StatusServiceUnavailable, MsgKey: "error.unavailable", Err: err}
			}
		}
		if e.Status >= 500 {
			reqlog.Logger(r.Context(), c.log).Error("handler failed", "path", r.URL.Path, "err", err)
		}
		if tw.wrote {
			return // a handler that failed mid-answer: nothing sound can follow
		}
		c.renderError(w, r, e.Status, e.MsgKey, e.Args...)
	}
}

// serve runs fn after checking the routed URL, turning a panic into an
// error so that the user gets the console's error page.
func serve(fn handlerFunc, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	if e := checkPath(r); e != nil {
		return e
	}
	return fn(w, r)
}

// trackingWriter notes whether the answer has begun.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (c *Console) renderError(w http.ResponseWriter, r *http.Request, status int, msgKey string, args ...any) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int(database.RetryAfter/time.Second)))
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = web.ErrorPage(status, msgKey, args...).Render(r.Context(), w)
}

// SessionError answers a request whose session could not be loaded or
// saved: a 503 page while the database is unreachable, else a 500 page.
// It runs before the viewer is known, so the page speaks the browser's
// language.
func (c *Console) SessionError(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.internal"
	if database.Unavailable(err) {
		status, key = http.StatusServiceUnavailable, "error.unavailable"
	}
	reqlog.Logger(r.Context(), c.log).Error("session", "err", err)
	r = r.WithContext(i18n.WithLocale(r.Context(), i18n.Negotiate(r.Header.Get("Accept-Language"))))
	c.renderError(w, r, status, key)
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a component with the given status. The page is rendered
// whole first, so it goes out in one write with its length, and a render
// error can still become an error page.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer pageBuffers.Put(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// noStore marks a response that shows a secret.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}
