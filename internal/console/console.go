// Package console serves the web console: sign-up and sign-in, the
// dashboard and user settings. Pages are templ components from web/.
package console

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/mail"
	"console/internal/numbers"
	"console/internal/reqlog"
	"console/internal/trigger"
	"console/web"
)

// Deps is what the console is built from.
type Deps struct {
	Pool     *pgxpool.Pool
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
}

// Console holds what the handlers need.
type Console struct {
	pool     *pgxpool.Pool
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
	// preloads are the pages' reads that go in the viewer's round trip,
	// by method and path (see preload); set with the routes.
	preloads map[string]preload
}

// New returns the console's handlers.
func New(d Deps) *Console {
	return &Console{pool: d.Pool, sessions: d.Sessions, users: d.Users, accounts: d.Accounts, cfg: d.Config, log: d.Log, jobs: d.Jobs, billing: d.Billing,
		numbers: d.Numbers, triggers: d.Triggers, accountService: d.AccountService}
}

// Error is an error with an HTTP status and a message safe to show: the
// catalog key of what the user reads.
type Error struct {
	Status int
	MsgKey string
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

// h adapts fn: an *Error renders its status and message; any other error
// is logged with the request id and the user sees a generic 500 page.
func (c *Console) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Status: http.StatusInternalServerError, MsgKey: "error.internal", Err: err}
		}
		if e.Status >= 500 {
			reqlog.Logger(r.Context(), c.log).Error("handler failed", "path", r.URL.Path, "err", err)
		}
		c.renderError(w, r, e.Status, e.MsgKey)
	}
}

func (c *Console) renderError(w http.ResponseWriter, r *http.Request, status int, msgKey string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = web.ErrorPage(status, msgKey).Render(r.Context(), w)
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
