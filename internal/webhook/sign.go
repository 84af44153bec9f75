// Package webhook makes the requests the platform sends to customers'
// servers: signed as Twilio signs them (X-Twilio-Signature), and sent by a
// client that never reaches private addresses unless allowed.
package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Signature computes X-Twilio-Signature: HMAC-SHA1, keyed with the
// account's auth token, over the full URL followed by each POST
// parameter's name and value, sorted by name; base64-encoded.
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := append([]string(nil), params[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
