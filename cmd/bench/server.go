package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultDatabaseURL is the server the fresh database is created on when
// DATABASE_URL does not name one; only its host and credentials are used.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

const (
	readyTimeout = 60 * time.Second
	// stopTimeout is longer than the server's own 30 s graceful shutdown,
	// so a kill means it really hung.
	stopTimeout = 35 * time.Second
)

// consoleServer is the real console, built from this checkout and run as
// a child process on a database of its own, as in production.
type consoleServer struct {
	dir      string // the binary and the working directory
	bin      string
	dbName   string
	dbURL    string
	adminURL string
	baseURL  string
	env      []string
	log      *tailBuffer

	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// startConsole builds the server, starts it on a fresh database and waits
// until it is ready. On error it may still return the server, partly
// started, for the caller to stop.
func startConsole(ctx context.Context, logf func(string, ...any)) (*consoleServer, error) {
	dir, err := os.MkdirTemp("", "console-bench-")
	if err != nil {
		return nil, err
	}
	s := &consoleServer{dir: dir, bin: filepath.Join(dir, "console"), log: newTailBuffer(64 << 10)}

	logf("building the server")
	// The package path rather than ./cmd/console works from anywhere in the module.
	build := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "console/cmd/console")
	if out, err := build.CombinedOutput(); err != nil {
		return s, fmt.Errorf("go build: %w\n%s", err, out)
	}

	if err := s.configure(); err != nil {
		return s, err
	}
	logf("starting the server on %s, database %s", s.baseURL, s.dbName)
	// Not CommandContext: on Ctrl-C the server must be stopped gracefully
	// by stop, before its database is dropped, not killed.
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Dir = s.dir
	s.cmd.Env = s.env
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		return s, err
	}
	s.exited = make(chan struct{})
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		return s, err
	}
	return s, nil
}

// configure picks the database, port and key. Inherited CONSOLE_* and
// DATABASE_URL are dropped: a stray CONSOLE_ENV=production, say, would
// make the session cookie Secure and sign-in over plain HTTP impossible.
func (s *consoleServer) configure() error {
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		base = defaultDatabaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	s.dbName = "console_bench_" + randomHex(6)
	u.Path = "/" + s.dbName
	s.dbURL = u.String()
	u.Path = "/postgres"
	// The admin connection is a single pgx.Conn: the pool's own settings
	// (pool_max_conns and the like) would reach PostgreSQL as unknown
	// parameters.
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	s.adminURL = u.String()

	port, err := freePort()
	if err != nil {
		return err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.baseURL = "http://" + addr

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CONSOLE_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env,
		"DATABASE_URL="+s.dbURL,
		"CONSOLE_ADDR="+addr,
		"CONSOLE_ENV=development",
		// Requests are logged at info: at warn, writing a log line per
		// request is not measured as part of the page.
		"CONSOLE_LOG_LEVEL=warn",
		"CONSOLE_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
		// The triggers scenario's webhook receiver is on 127.0.0.1.
		"CONSOLE_WEBHOOKS_ALLOW_PRIVATE=true",
	)
	return nil
}

func (s *consoleServer) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := "no answer yet"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = "GET /readyz: " + resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-s.exited:
			return fmt.Errorf("the server exited before it was ready: %v", s.waitErr)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("the server was not ready after %v (%s)", readyTimeout, last)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// command runs another console subcommand against the same database and key.
func (s *consoleServer) command(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, s.bin, args...)
	c.Dir = s.dir
	c.Env = s.env
	return c
}

func (s *consoleServer) pid() int { return s.cmd.Process.Pid }

// stop ends the server gracefully, then drops its database and removes
// the binary; it is safe on a partly started server.
func (s *consoleServer) stop() error {
	var errs []error
	if s.cmd != nil && s.exited != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
			errs = append(errs, fmt.Errorf("the server did not stop within %v of SIGTERM and was killed", stopTimeout))
		}
	}
	if s.dbName != "" {
		if err := dropDatabase(s.adminURL, s.dbName); err != nil {
			errs = append(errs, fmt.Errorf("dropping database %s: %w", s.dbName, err))
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// dropDatabase uses a context of its own: it runs on the way out, when the
// run's context may already be cancelled by Ctrl-C.
func dropDatabase(adminURL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// FORCE: a server killed mid-query may leave sessions behind.
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// freePort asks the kernel for a port nobody uses. The child binds it a
// moment later; another process taking it meanwhile is unlikely enough.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tailBuffer keeps the last max bytes written to it: the server's output,
// shown only when something fails, without growing for a long run.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
