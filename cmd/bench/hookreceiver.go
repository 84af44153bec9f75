package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/twilio/twilio-go/client"
)

// hookReceiver is the customer's server of the triggers scenario, in the
// bench process: it answers every webhook 200 and records when each
// arrived, with what, and whether its X-Twilio-Signature is valid for the
// account it names. The signature is checked with the official twilio-go
// SDK's validator, not with the server's own signing code, so that a
// mistake shared by both sides cannot pass.
type hookReceiver struct {
	baseURL string
	// tokens are the auth tokens of the accounts whose webhooks are
	// expected, by account SID: what a customer's server validates with.
	tokens map[string]string
	srv    *http.Server

	mu       sync.Mutex
	arrivals []hookArrival
	tokensIn map[string]int // IdempotencyToken → arrivals
}

// hookArrival is one request the receiver got.
type hookArrival struct {
	at     time.Time
	method string
	params url.Values
	// signed is true when X-Twilio-Signature is valid for the account
	// named by AccountSid.
	signed bool
}

// startHookReceiver listens on a free loopback port. tokens may be filled
// until the first webhook arrives.
func startHookReceiver() (*hookReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hookReceiver{baseURL: "http://" + ln.Addr().String(), tokens: map[string]string{}, tokensIn: map[string]int{}}
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := h.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // a receiver that stopped would show as missing webhooks; say why instead
		}
	}()
	return h, nil
}

func (h *hookReceiver) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.srv.Shutdown(ctx)
}

// ServeHTTP records the webhook. The arrival time is taken first: the
// request has arrived once its header is read, whatever parsing it costs.
func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	var params url.Values
	switch r.Method {
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		params = r.PostForm
	case http.MethodGet:
		params = r.URL.Query()
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	a := hookArrival{at: at, method: r.Method, params: params}
	a.signed = h.valid(r, params)
	h.mu.Lock()
	h.arrivals = append(h.arrivals, a)
	h.tokensIn[params.Get("IdempotencyToken")]++
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// valid checks X-Twilio-Signature as a customer's server would, with
// the token of the account the webhook says it is from: over the URL and
// the sorted form for a POST, over the whole URL, query included, for a GET.
func (h *hookReceiver) valid(r *http.Request, params url.Values) bool {
	token, ok := h.tokens[params.Get("AccountSid")]
	if !ok {
		return false
	}
	full := h.baseURL + r.URL.RequestURI()
	form := map[string]string{}
	if r.Method == http.MethodPost {
		for k, vs := range params {
			if len(vs) != 1 {
				return false // Twilio sends each parameter once
			}
			form[k] = vs[0]
		}
	}
	v := client.NewRequestValidator(token)
	return v.Validate(full, form, r.Header.Get("X-Twilio-Signature"))
}

// distinctTokens is how many different firings (IdempotencyTokens) have
// arrived.
func (h *hookReceiver) distinctTokens() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.tokensIn)
}

// received returns a copy of the arrivals so far.
func (h *hookReceiver) received() []hookArrival {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookArrival(nil), h.arrivals...)
}
