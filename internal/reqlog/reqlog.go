// Package reqlog gives every request an id and a logger that carries it,
// logs each request once, and turns panics into a logged 500.
package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

type idKey struct{}

// ID returns the request id carried by ctx.
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

// Logger returns base with the request id of ctx attached.
func Logger(ctx context.Context, base *slog.Logger) *slog.Logger {
	if id := ID(ctx); id != "" {
		return base.With("request_id", id)
	}
	return base
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Middleware assigns the request id (X-Request-Id), logs the request when
// it ends, and recovers panics as a 500 without leaking their text.
// quiet lists paths not logged on success (health checks).
func Middleware(log *slog.Logger, quiet ...string) func(http.Handler) http.Handler {
	skip := map[string]bool{}
	for _, q := range quiet {
		skip[q] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := newID()
			w.Header().Set("X-Request-Id", id)
			ctx := context.WithValue(r.Context(), idKey{}, id)
			rec := &recorder{ResponseWriter: w}
			start := time.Now()
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
					if rec.status == 0 {
						http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
					}
				}
				if rec.status < 400 && skip[r.URL.Path] {
					return
				}
				log.LogAttrs(ctx, slog.LevelInfo, "request",
					slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)), slog.String("ip", ClientIP(r)))
			}()
			next.ServeHTTP(rec, r.WithContext(ctx))
		})
	}
}

// ClientIP is the peer's address. Proxies' headers are not trusted: a
// deployment behind a proxy terminates there and sets RemoteAddr itself.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
