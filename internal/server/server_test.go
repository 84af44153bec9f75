package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"console/internal/app"
	"console/internal/config"
	"console/internal/testdb"
)

func testConfig(t *testing.T, dsn string) *config.Config {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := map[string]string{"DATABASE_URL": dsn, "CONSOLE_ADDR": "127.0.0.1:0", "CONSOLE_SECRET_KEY": base64.StdEncoding.EncodeToString(key)}
	cfg, err := config.Load(func(k string) string { return env[k] }, t.TempDir())
	require.NoError(t, err)
	return cfg
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// serve runs s until the returned stop is called; stop returns Serve's error.
func serve(t *testing.T, s *Server) (string, func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, func(addr string) { addrc <- addr }) }()
	select {
	case addr := <-addrc:
		return "http://" + addr, func() error { cancel(); return <-errc }
	case err := <-errc:
		t.Fatal(err)
	}
	return "", nil
}

func newServer(t *testing.T, cfg *config.Config, pool *pgxpool.Pool) *Server {
	t.Helper()
	svc, err := app.New(cfg, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	s, err := New(svc)
	require.NoError(t, err)
	return s
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	pool, dsn := testdb.New(t)
	s := newServer(t, testConfig(t, dsn), pool)
	base, stop := serve(t, s)
	code, body := get(t, base+"/healthz")
	require.Equal(t, 200, code)
	require.Equal(t, "ok\n", body)
	code, body = get(t, base+"/readyz")
	require.Equal(t, 200, code)
	require.Equal(t, "ready\n", body)

	// A migration missing from the database makes the process not ready.
	_, err := pool.Exec(context.Background(), `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`)
	require.NoError(t, err)
	code, body = get(t, base+"/readyz")
	require.Equal(t, 503, code)
	require.Equal(t, "migrations pending\n", body)
	require.NoError(t, stop())
}

// SIGTERM (here: the context ending) lets an in-flight request finish and
// stops the workers before Serve returns.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	pool, dsn := testdb.New(t)
	s := newServer(t, testConfig(t, dsn), pool)
	inner := s.handler
	var started atomic.Bool
	release := make(chan struct{})
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			started.Store(true)
			<-release
			_, _ = w.Write([]byte("finished"))
			return
		}
		inner.ServeHTTP(w, r)
	})
	base, stop := serve(t, s)
	type result struct {
		code int
		body string
	}
	resc := make(chan result, 1)
	go func() {
		code, body := get(t, base+"/slow")
		resc <- result{code, body}
	}()
	require.Eventually(t, started.Load, 5*time.Second, 5*time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	// Shutdown has begun once the listener refuses new connections; the
	// request in flight holds it until released.
	require.Eventually(t, func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err != nil
	}, 10*time.Second, 5*time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("shutdown returned before the request finished: %v", err)
	default:
	}
	close(release)
	require.NoError(t, <-stopped)
	r := <-resc
	require.Equal(t, 200, r.code)
	require.Equal(t, "finished", r.body)
	// New connections are refused once stopped.
	_, err := http.Get(base + "/healthz")
	require.Error(t, err)
}
