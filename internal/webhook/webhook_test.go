package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"
)

// Our signature is the one Twilio's own SDK validates.
func TestSignatureMatchesTwilioValidator(t *testing.T) {
	token := "12345678901234567890123456789012"
	params := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}, "Body": {"こんにちは & ok"}, "AccountSid": {"AC1"}}
	u := "https://example.com/status?x=1"
	sig := Signature(token, u, params)
	flat := map[string]string{}
	for k, v := range params {
		flat[k] = v[0]
	}
	v := client.NewRequestValidator(token)
	require.True(t, v.Validate(u, flat, sig))
	require.False(t, v.Validate(u, flat, Signature("another token 0000000000000000000", u, params)))
}

func TestClientRefusesPrivateAddresses(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "http://10.0.0.1/", http.StatusFound)
	}))
	defer srv.Close()
	strict := NewClient(false)
	for _, target := range []string{srv.URL, "http://127.0.0.1:1/", "http://[::1]:1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data",
		"http://0x7f000001/", "http://localhost:1/"} {
		_, err := Post(context.Background(), strict, target, "token", url.Values{"a": {"b"}})
		require.Error(t, err, target)
		require.True(t, errors.Is(err, ErrForbiddenAddress), "%s: %v", target, err)
	}
	require.Zero(t, hits, "nothing reached the loopback server")

	// Allowed (development and tests): delivered, and the redirect is not followed.
	status, err := Post(context.Background(), NewClient(true), srv.URL, "token", url.Values{"a": {"b"}})
	require.Error(t, err, "a 302 is not a 2xx")
	require.Equal(t, http.StatusFound, status)
	require.Equal(t, 1, hits)
}
