package main

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// startHello serves the baseline: the cheapest page chi and net/http can
// serve, so that its rate is this machine's ceiling for any page. It runs
// in this process, on a listener it holds from the start, so there is
// nothing to wait for.
func startHello() (baseURL string, stop func(), err error) {
	r := chi.NewRouter()
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("hello"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done // ErrServerClosed: the measurement is over, nothing to report
	}
	return "http://" + ln.Addr().String(), stop, nil
}
