package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned for a request whose destination resolves
// to an address that is not globally routable unicast (see specialRanges).
var ErrForbiddenAddress = errors.New("webhook: destination address not allowed")

// Timeout bounds one delivery attempt.
const Timeout = 15 * time.Second

// numericHost reports whether host spells an IPv4 address in a form other
// than dotted decimal.
func numericHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil || host == "" {
		return false
	}
	for _, r := range strings.ToLower(host) {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == 'x' || r == '.') {
			return false
		}
	}
	return strings.ContainsAny(host, "0123456789") && (strings.HasPrefix(strings.ToLower(host), "0x") || strings.Trim(host, "0123456789.") == "")
}

// NewClient returns the client webhooks are sent with: 15 s timeout, no
// redirects followed, and, unless allowPrivate, a dialer that checks the
// address it actually connects to (after DNS), so a name that resolves to
// a private address does not pass.
func NewClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !publicAddr(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
			}
			return nil
		}
	}
	dial := dialer.DialContext
	if !allowPrivate {
		// A literal address is refused before any socket is made, the
		// same way on every system; names are checked by Control above
		// once resolved.
		dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(address); err == nil {
				if ip, err := netip.ParseAddr(host); err == nil && !publicAddr(ip) {
					return nil, fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
				}
			}
			return dialer.DialContext(ctx, network, address)
		}
	}
	transport := &http.Transport{DialContext: dial, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConnsPerHost: 4, Proxy: nil}
	return &http.Client{
		Timeout:       Timeout,
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Post sends params to rawURL, signed with authToken, and returns the
// response status. Any status but 2xx is an error, so the job retries.
func Post(ctx context.Context, client *http.Client, rawURL, authToken string, params url.Values) (int, error) {
	return Send(ctx, client, http.MethodPost, rawURL, authToken, params)
}

// Send makes a webhook request as Twilio does: a POST carries params as a
// form, signed over the URL and the sorted parameters; a GET carries them
// in the query string, signed over the whole URL. It returns the response
// status; any status but 2xx is an error, so the job retries.
func Send(ctx context.Context, client *http.Client, method, rawURL, authToken string, params url.Values) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("webhook: bad URL")
	}
	if numericHost(u.Hostname()) {
		// 0x7f000001, 2130706433, 0177.0.0.1, 127.1: other spellings of an
		// address, which some resolvers accept; never a customer's server.
		return 0, fmt.Errorf("%w: %s", ErrForbiddenAddress, u.Hostname())
	}
	var req *http.Request
	switch method {
	case http.MethodPost:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(params.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", Signature(authToken, rawURL, params))
		}
	case http.MethodGet:
		full := rawURL
		if enc := params.Encode(); enc != "" {
			if u.RawQuery == "" {
				full = strings.TrimSuffix(rawURL, "?") + "?" + enc
			} else {
				full = rawURL + "&" + enc
			}
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, full, nil)
		if err == nil {
			req.Header.Set("X-Twilio-Signature", Signature(authToken, full, nil))
		}
	default:
		return 0, fmt.Errorf("webhook: method %q", method)
	}
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("webhook: %s answered %d", u.Host, res.StatusCode)
	}
	return res.StatusCode, nil
}
