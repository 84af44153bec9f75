package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/fairuse"
)

// An account with as many requests in progress as it may have gets 429
// (20429, Retry-After) for the next, until one of them ends; another
// account is not held back.
func TestFairUseConcurrency(t *testing.T) {
	a := &API{log: slog.New(slog.NewTextHandler(io.Discard, nil)), fairUse: fairuse.New(0, 0, 2)}
	started, finish := make(chan struct{}), make(chan struct{})
	slow := a.fair(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-finish
		w.WriteHeader(http.StatusOK)
	}))
	fast := a.fair(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	req := func(sid string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/2010-04-01/Accounts/"+sid+"/Balance.json", nil)
		return r.WithContext(context.WithValue(r.Context(), principalKey{}, &Principal{Account: &account.Account{SID: sid}}))
	}
	const one, two = "AC00000000000000000000000000000001", "AC00000000000000000000000000000002"

	done := make(chan int, 2)
	for range 2 {
		go func() {
			w := httptest.NewRecorder()
			slow.ServeHTTP(w, req(one))
			done <- w.Code
		}()
		<-started
	}
	w := httptest.NewRecorder()
	fast.ServeHTTP(w, req(one))
	require.Equal(t, http.StatusTooManyRequests, w.Code)
	require.Equal(t, "1", w.Header().Get("Retry-After"))
	require.Equal(t, 20429, twilioBody(t, w).Code)

	w = httptest.NewRecorder()
	fast.ServeHTTP(w, req(two))
	require.Equal(t, http.StatusOK, w.Code, "another account is not held back")

	finish <- struct{}{}
	require.Equal(t, http.StatusOK, <-done)
	w = httptest.NewRecorder()
	fast.ServeHTTP(w, req(one))
	require.Equal(t, http.StatusOK, w.Code, "a slot freed when a request ended")
	close(finish)
	require.Equal(t, http.StatusOK, <-done)
}
