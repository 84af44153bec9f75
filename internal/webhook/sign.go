// Package webhook makes the requests the platform sends to customers'
// servers: signed as Twilio signs them (X-Twilio-Signature), and sent by a
// client that never reaches private addresses unless allowed.
package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Signature computes X-Twilio-Signature: HMAC-SHA1, keyed with the
// account's auth token, over the full URL followed by each POST
// parameter's name and value, sorted by name; base64-encoded.
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
