// Package api serves the Twilio-compatible REST API (2010-04-01):
// form-encoded requests, snake_case JSON, RFC 2822 dates and Twilio's
// error bodies, behind HTTP basic auth.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/database"
	"console/internal/fairuse"
	"console/internal/idempotency"
	"console/internal/mail"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/reqlog"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
)

// API holds what the endpoints need.
type API struct {
	accounts *account.Store
	log      *slog.Logger
	cfg      *config.Config
	billing  *billing.Service
	numbers  *numbers.Service
	// jobs enqueues background jobs in the caller's transaction.
	jobs mail.Inserter
	// messages and calls send and place for the API as for the demo.
	messages *messaging.Sender
	calls    *voice.Service
	// Triggers serves the Usage Triggers resource; set by the server.
	Triggers *trigger.Service
	// Idempotency keeps the answers to Idempotency-Key requests; set by
	// the server. Without it the header is ignored.
	Idempotency *idempotency.Store
	// AccountService runs the accounts' use cases; set by the server.
	AccountService *account.Service
	// fairUse bounds each account's request rate and requests in progress.
	fairUse *fairuse.Limiter
	// Usage reads the Usage Records; set by the server.
	Usage *usage.Service
}

// New returns the REST API.
func New(accounts *account.Store, log *slog.Logger, cfg *config.Config, bill *billing.Service, nums *numbers.Service,
	msgs *messaging.Sender, calls *voice.Service, jobs mail.Inserter) *API {
	return &API{accounts: accounts, log: log, cfg: cfg, billing: bill, numbers: nums, messages: msgs, calls: calls, jobs: jobs,
		fairUse: fairuse.New(float64(cfg.APIRatePerSecond), cfg.APIRateBurst, cfg.APIConcurrencyPerAccount)}
}

// Error is a Twilio error: an HTTP status and Twilio's code and message.
type Error struct {
	Status  int
	Code    int
	Message string
	Err     error // the cause, logged for 5xx only
	// RetryAfter, when set, is sent as Retry-After (a 429's wait).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return fmt.Sprintf("%d %d %s", e.Status, e.Code, e.Message) }

func errNotFound(path string) *Error {
	// The path is the client's; what cannot be text is shown as U+FFFD.
	path = strings.ToValidUTF8(strings.ReplaceAll(path, "\x00", "\uFFFD"), "\uFFFD")
	return &Error{Status: http.StatusNotFound, Code: 20404, Message: "The requested resource " + path + " was not found"}
}

var errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: 20003, Message: "Authenticate"}

func errInvalid(param, why string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: 20001, Message: "Invalid " + param + ": " + why}
}

type errorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errUnavailable answers a request the database could not serve for now.
var errUnavailable = &Error{Status: http.StatusServiceUnavailable, Code: 20503, Message: "Service Unavailable: please retry later"}

// h adapts fn: errors become Twilio error bodies. A routed URL whose
// parameters cannot name anything is a 404 before fn runs. A database
// outage is a 503 with Retry-After; anything else but an *Error, a panic
// included, is logged and answered with a generic 500 — always in
// Twilio's JSON shape.
func (a *API) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		err := serve(fn, tw, r)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Status: http.StatusInternalServerError, Code: 20500, Message: "Internal Server Error", Err: err}
			if database.Unavailable(err) {
				e = &Error{Status: errUnavailable.Status, Code: errUnavailable.Code, Message: errUnavailable.Message, Err: err}
			}
		}
		if e.Status >= 500 {
			reqlog.Logger(r.Context(), a.log).Error("api handler failed", "path", r.URL.Path, "err", err)
		}
		if tw.wrote {
			return // a handler that panicked mid-answer: nothing sound can follow
		}
		writeError(w, e)
	}
}

// serve runs fn after checking the routed URL, turning a panic into an
// error so that the client gets Twilio's 500 body rather than plain text.
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

func writeError(w http.ResponseWriter, e *Error) {
	switch e.Status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(int(database.RetryAfter/time.Second)))
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Round(time.Second)/time.Second)))
	}
	writeJSON(w, e.Status, errorBody{Code: e.Code, Message: e.Message, MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code), Status: e.Status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// rfc2822 formats t as Twilio does: "Mon, 02 Jan 2006 15:04:05 +0000".
func rfc2822(t time.Time) string { return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700") }
