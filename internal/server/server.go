// Package server is the process's HTTP surface: the handler (console,
// REST API, health checks, static files) with its middleware in one
// visible order over the services of an app.App, and Serve, which runs it
// with the workers until shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"console/internal/api"
	"console/internal/app"
	"console/internal/auth"
	"console/internal/config"
	"console/internal/console"
	"console/internal/database"
	"console/internal/reqlog"
	"console/internal/sessioncodec"
	"console/web"
)

// Server is one process's HTTP surface over its services.
type Server struct {
	// App holds the services and workers the handlers call.
	App      *app.App
	cfg      *config.Config
	pool     *pgxpool.Pool
	log      *slog.Logger
	Sessions *scs.SessionManager
	handler  http.Handler
}

// New builds the HTTP handler over the services of a.
func New(a *app.App) (*Server, error) {
	cfg, pool, log := a.Config, a.Pool, a.Log
	s := &Server{App: a, cfg: cfg, pool: pool, log: log}

	s.Sessions = scs.New()
	// Sessions are stored under their token's hash; the cleanup job
	// deletes expired ones once for all processes.
	s.Sessions.Store = auth.NewSessionStore(pool, func(data []byte) auth.SessionMeta {
		_, values, err := sessioncodec.Codec{}.Decode(data)
		if err != nil {
			return auth.SessionMeta{}
		}
		return console.SessionMeta(values)
	})
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

	cons := console.New(console.Deps{Sessions: s.Sessions, Users: a.Users, Accounts: a.Accounts, Config: cfg, Log: log, Jobs: a.Outbox, Billing: a.Billing,
		Numbers: a.Numbers, Triggers: a.Triggers, AccountService: a.AccountService,
		Auth: a.Auth, Team: a.Team, Onboard: a.Onboard, Frames: a.Frames, Mailbox: a.Mailbox, Messages: a.Messages,
		Usage: a.Usage, Shortcuts: a.Shortcuts, Calls: a.Calls, Events: a.Events, Clock: a.Clock})
	// A session the store cannot load or save is answered by the console:
	// a 503 page while the database is unreachable.
	s.Sessions.ErrorFunc = cons.SessionError
	rest := api.New(a.Accounts, log, cfg, a.Billing, a.Numbers, a.Messages, a.Calls, a.Outbox)
	rest.Triggers = a.Triggers
	rest.AccountService = a.AccountService
	rest.Idempotency = a.Idempotency
	rest.Usage = a.Usage
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
	if err := s.App.StartWorkers(ctx); err != nil {
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
	werr := s.App.StopWorkers(sctx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return errors.Join(herr, werr)
}
