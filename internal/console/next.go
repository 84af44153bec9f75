package console

import (
	"net/url"
	"path"
	"strings"
)

// safeNext turns a redirect target taken from input (?next=, a form's
// next, the Referer) into a path on this site, or "/". It judges the path
// a browser will finally follow, not the raw string: http.Redirect cleans
// a path (so "/./\evil.com" became "/\evil.com") and browsers read "\" as
// "/" and drop tabs and newlines (so "/\t/evil.com" is "//evil.com"),
// either of which turns a path into another host. So the input is parsed
// and percent-decoded, cleaned as http.Redirect would, checked (one
// leading "/", no "//", no backslash, no control character, no scheme,
// host or user), and written back escaped: what goes out is already in
// the form http.Redirect leaves alone.
func safeNext(next string) string {
	if next == "" || strings.ContainsFunc(next, isControlOrBackslash) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsFunc(p, isControlOrBackslash) {
		return "/"
	}
	cleaned := path.Clean(p)
	if strings.HasSuffix(p, "/") && cleaned != "/" {
		cleaned += "/"
	}
	if !strings.HasPrefix(cleaned, "/") || strings.HasPrefix(cleaned, "//") {
		return "/"
	}
	// The query is re-encoded too, so nothing in it is left unescaped.
	out := (&url.URL{Path: cleaned, RawQuery: u.Query().Encode()}).String()
	// The escaped form must still be one path on this site: nothing in
	// it may read as a scheme, a host or a second leading slash.
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsFunc(out, isControlOrBackslash) {
		return "/"
	}
	return out
}

// isControlOrBackslash reports the characters browsers strip from a URL
// or read as a slash, and the other C0 and C1 controls.
func isControlOrBackslash(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\\'
}
