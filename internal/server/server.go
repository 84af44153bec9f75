// Package server assembles the process: the HTTP handler (console, REST
// API, health checks, static files) with its middleware in one visible
// order, and the River workers.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"console/internal/account"
	"console/internal/api"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/console"
	"console/internal/database"
	"console/internal/mail"
	"console/internal/maintenance"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/reqlog"
	"console/internal/seal"
	"console/internal/sessioncodec"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
	"console/internal/webhook"
	"console/web"
)

// Server is one process's handler and workers.
type Server struct {
	cfg      *config.Config
	pool     *pgxpool.Pool
	log      *slog.Logger
	Sessions *scs.SessionManager
	Users    *auth.Store
	Accounts *account.Store

	// AccountService runs the accounts' use cases for the console and the API.
	AccountService *account.Service

	Billing  *billing.Service
	Numbers  *numbers.Service  // buys and releases phone numbers for the API, the console and the demo
	Messages *messaging.Sender // sends messages for the API and the demo
	Calls    *voice.Dialer     // places calls for the API and the demo
	// Triggers are the usage triggers: evaluated after every charge that
	// records usage, delivered by the workers.
	Triggers *trigger.Service
	river    *river.Client[pgx.Tx]
	handler  http.Handler
}

// New builds the server on an open, migrated pool.
func New(cfg *config.Config, pool *pgxpool.Pool, log *slog.Logger) (*Server, error) {
	box, err := seal.New(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pool: pool, log: log, Users: auth.NewStore(box), Accounts: account.NewStore(box)}
	s.AccountService = account.NewService(pool, s.Accounts)

	s.Sessions = scs.New()
	// The store's own cleanup goroutine is off: the cleanup job deletes
	// expired sessions once for all processes.
	s.Sessions.Store = pgxstore.NewWithCleanupInterval(pool, 0)
	s.Sessions.Codec = sessioncodec.Codec{}
	s.Sessions.Lifetime = cfg.SessionLifetime // absolute
	// The idle timeout is enforced by the console itself so that a request
	// does not rewrite its session every time.
	s.Sessions.Cookie.Name = "console_session"
	s.Sessions.Cookie.HttpOnly = true
	s.Sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.Sessions.Cookie.Path = "/"
	if cfg.Production() {
		s.Sessions.Cookie.Name = "__Host-console_session"
		s.Sessions.Cookie.Secure = true
	}
	s.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		reqlog.Logger(r.Context(), log).Error("session", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}

	var sender mail.Sender
	if cfg.SMTPURL != "" {
		smtp, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		sender = smtp
	}
	// Jobs are set once the River client exists; the workers need the service first.
	s.Billing = billing.NewService(pool, &billing.TestGateway{Pool: pool}, nil, cfg.BaseURL)
	s.Billing.PauseAfterCharge = cfg.FaultPauseAfterCharge
	s.Numbers = &numbers.Service{Pool: pool, Ledger: s.Billing.Ledger}
	s.Triggers = trigger.NewService(pool, nil, cfg.BaseURL, log)
	s.Billing.Ledger.UsageRecorded = s.Triggers.UsageRecorded
	authToken := func(ctx context.Context, projectSID, accountSID string) (string, error) {
		return s.Accounts.AuthToken(ctx, pool, projectSID, accountSID)
	}
	hooks := webhook.NewClient(cfg.WebhooksAllowPrivate)
	workers := river.NewWorkers()
	river.AddWorker(workers, &maintenance.CleanupWorker{Pool: pool, AuditRetention: cfg.AuditRetention})
	river.AddWorker(workers, &mail.DeliverWorker{Pool: pool, Sender: sender})
	river.AddWorker(workers, &billing.RechargeWorker{Service: s.Billing})
	river.AddWorker(workers, &billing.SettleWorker{Service: s.Billing})
	river.AddWorker(workers, &billing.RecurringWorker{Service: s.Billing})
	river.AddWorker(workers, &messaging.CarrierWorker{Pool: pool})
	river.AddWorker(workers, &messaging.CallbackWorker{Pool: pool, Client: hooks, AuthToken: authToken})
	river.AddWorker(workers, &trigger.WebhookWorker{Pool: pool, Client: hooks, AuthToken: authToken})
	river.AddWorker(workers, &trigger.SweepWorker{Service: s.Triggers})
	s.river, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}, trigger.Queue: {MaxWorkers: trigger.QueueWorkers, FetchPollInterval: trigger.QueuePoll},
			mail.Queue: {MaxWorkers: mail.QueueWorkers}},
		// Jobs enqueued in a transaction are picked up within this delay
		// even when River's LISTEN notification is missed.
		FetchPollInterval: 500 * time.Millisecond,
		Workers:           workers,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return maintenance.CleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return billing.RecurringArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(messaging.CarrierInterval),
				func() (river.JobArgs, *river.InsertOpts) { return messaging.CarrierArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(trigger.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return trigger.SweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
		Logger: log.With("component", "river"),
	})
	if err != nil {
		return nil, err
	}
	s.Billing.Jobs = s.river
	prices := &usage.PriceList{DB: pool}
	s.Messages = &messaging.Sender{Pool: pool, Ledger: s.Billing.Ledger, Prices: prices}
	s.Calls = &voice.Dialer{Pool: pool, Ledger: s.Billing.Ledger, Prices: prices}
	s.Triggers.Jobs = s.river

	cons := console.New(console.Deps{Pool: pool, Sessions: s.Sessions, Users: s.Users, Accounts: s.Accounts, Config: cfg, Log: log, Jobs: s.river, Billing: s.Billing,
		Numbers: s.Numbers, Triggers: s.Triggers, AccountService: s.AccountService})
	rest := api.New(pool, s.Accounts, log, cfg, s.Billing, s.Numbers, s.Messages, s.Calls, s.river)
	rest.Triggers = s.Triggers
	rest.AccountService = s.AccountService
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		return nil, err
	}

	r := chi.NewRouter()
	// Order: request id + logging + recovery, then security headers; the
	// console adds cross-origin protection, sessions, locale, the user and
	// the project itself (console.Routes).
	r.Use(reqlog.Middleware(log, "/healthz", "/readyz"))
	r.Use(securityHeaders(cfg.Production()))
	r.Get("/healthz", healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/static/*", http.StripPrefix("/static/", cacheStatic(http.FileServer(http.FS(static)))).ServeHTTP)
	r.Mount("/2010-04-01", rest.Routes())
	r.Mount("/v1", rest.V1Routes())
	r.Mount("/", cons.Routes())
	s.handler = r
	return s, nil
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// StartWorkers starts the River workers.
func (s *Server) StartWorkers(ctx context.Context) error { return s.river.Start(ctx) }

// StopWorkers lets running jobs finish, then stops.
func (s *Server) StopWorkers(ctx context.Context) error { return s.river.Stop(ctx) }

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.pool.Ping(ctx); err != nil {
		reqlog.Logger(ctx, s.log).Warn("readyz: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	n, err := database.Pending(ctx, s.pool)
	if err != nil || n > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "migrations pending\n")
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// Serve listens on cfg.Addr until ctx ends, then shuts down gracefully:
// in-flight requests finish and workers stop.
func (s *Server) Serve(ctx context.Context, ready func(addr string)) error {
	srv := &http.Server{Addr: s.cfg.Addr, Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := listen(s.cfg.Addr)
	if err != nil {
		return err
	}
	if err := s.StartWorkers(ctx); err != nil {
		ln.Close()
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	herr := srv.Shutdown(sctx)
	werr := s.StopWorkers(sctx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return errors.Join(herr, werr)
}
