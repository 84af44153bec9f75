// Package useragent names the browser and operating system of a
// User-Agent header, for the lists of sessions and trusted browsers. It
// knows the common browsers only, by the tokens they send; anything else
// is unknown rather than guessed.
package useragent

import "strings"

// Agent is what a User-Agent says, each part "" when unknown.
type Agent struct {
	Browser string // "Chrome 120", "Safari 17", …
	OS      string // "Windows", "macOS", "iOS", "Android", "ChromeOS", "Linux"
}

// browsers is checked in order: a browser built on another sends the
// other's token too (Edge and Opera send Chrome's, Chrome sends Safari's),
// so the more specific comes first. Each token is followed by "/version".
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"},
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"OPR/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"},
	{"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Chrome/", "Chrome"},  // also HeadlessChrome/
	{"Version/", "Safari"}, // Safari's version; checked after every browser that also sends it
}

// oses is checked in order: iOS says "like Mac OS X" and Android "Linux".
var oses = []struct{ token, name string }{
	{"Windows", "Windows"},
	{"iPhone", "iOS"},
	{"iPad", "iOS"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
}

// Parse names the browser and operating system of ua.
func Parse(ua string) Agent {
	var a Agent
	for _, b := range browsers {
		i := strings.Index(ua, b.token)
		if i < 0 || (b.name == "Safari" && !strings.Contains(ua, "Safari/")) {
			continue
		}
		a.Browser = b.name
		if v := major(ua[i+len(b.token):]); v != "" {
			a.Browser += " " + v
		}
		break
	}
	for _, o := range oses {
		if strings.Contains(ua, o.token) {
			a.OS = o.name
			break
		}
	}
	return a
}

// major is the leading digits of a version ("120" of "120.0.6099.71").
func major(v string) string {
	n := 0
	for n < len(v) && n < 6 && v[n] >= '0' && v[n] <= '9' {
		n++
	}
	return v[:n]
}
