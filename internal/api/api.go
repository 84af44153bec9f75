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
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/mail"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/reqlog"
	"console/internal/trigger"
	"console/internal/voice"
)

// API holds what the endpoints need.
type API struct {
	pool     *pgxpool.Pool
	accounts *account.Store
	log      *slog.Logger
	cfg      *config.Config
	billing  *billing.Service
	numbers  *numbers.Service
	// jobs enqueues background jobs in the caller's transaction.
	jobs mail.Inserter
	// messages and calls send and place for the API as for the demo.
	messages *messaging.Sender
	calls    *voice.Dialer
	// Triggers serves the Usage Triggers resource; set by the server.
	Triggers *trigger.Service
	// AccountService runs the accounts' use cases; set by the server.
	AccountService *account.Service
}

// New returns the REST API.
func New(pool *pgxpool.Pool, accounts *account.Store, log *slog.Logger, cfg *config.Config, bill *billing.Service, nums *numbers.Service,
	msgs *messaging.Sender, calls *voice.Dialer, jobs mail.Inserter) *API {
	return &API{pool: pool, accounts: accounts, log: log, cfg: cfg, billing: bill, numbers: nums, messages: msgs, calls: calls, jobs: jobs}
}

// Error is a Twilio error: an HTTP status and Twilio's code and message.
type Error struct {
	Status  int
	Code    int
	Message string
	Err     error // the cause, logged for 5xx only
}

func (e *Error) Error() string { return fmt.Sprintf("%d %d %s", e.Status, e.Code, e.Message) }

func errNotFound(path string) *Error {
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

// h adapts fn: errors become Twilio error bodies; anything but an *Error
// is logged and answered with a generic 500.
func (a *API) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Status: http.StatusInternalServerError, Code: 20500, Message: "Internal Server Error", Err: err}
		}
		if e.Status >= 500 {
			reqlog.Logger(r.Context(), a.log).Error("api handler failed", "path", r.URL.Path, "err", err)
		}
		writeError(w, e)
	}
}

func writeError(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
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
