package webhook

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Each way a delivery fails is told by the error Send returns, not its text.
func TestFailureKind(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer failing.Close()
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer hanging.Close()
	defer close(release)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer tlsSrv.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + closed.Addr().String() + "/"
	require.NoError(t, closed.Close())

	open, strict := NewClient(true), NewClient(false)
	// Only the hanging server should time out: the others get a deadline
	// a loaded machine cannot reach, so a slow TLS handshake stays "tls".
	send := func(client *http.Client, rawURL string, limit time.Duration) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		return Post(ctx, client, rawURL, "token", url.Values{"a": {"b"}})
	}
	for _, tc := range []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"tls", open, tlsSrv.URL, FailureTLS}, // signed by an unknown authority
		{"status", open, failing.URL, FailureStatus},
		{"forbidden", strict, failing.URL, FailureForbidden},
		{"timeout", open, hanging.URL, FailureTimeout},
		{"refused", open, refusedURL, FailureRefused},
		{"bad URL", open, "ftp://example.com/", FailureOther},
	} {
		limit := 30 * time.Second
		if tc.want == FailureTimeout {
			limit = 300 * time.Millisecond
		}
		status, err := send(tc.client, tc.url, limit)
		require.Equal(t, tc.want, FailureKind(status, err), "%s: %d %v", tc.name, status, err)
	}
	require.Equal(t, FailureNone, FailureKind(http.StatusNoContent, nil))
	dns := &url.Error{Op: "Post", URL: "http://nowhere.invalid/", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}}
	require.Equal(t, FailureDNS, FailureKind(0, dns))
	require.Equal(t, FailureOther, FailureKind(0, fmt.Errorf("webhook: %w", net.ErrClosed)))
}
