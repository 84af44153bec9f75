package web

import (
	"context"
	"time"

	"console/internal/auth"
	"console/internal/useragent"
)

// SessionsData is User Settings › Sessions: the user's signed-in sessions
// and, with 2FA on, the browsers that skip it.
type SessionsData struct {
	Sessions []auth.Session
	Browsers []auth.TrustedBrowser
}

// RegenerateCodesForm replaces the recovery codes after the code from the app.
type RegenerateCodesForm struct {
	Errors FieldErrors
}

// RecoveryCodesData is the page that shows recovery codes, once.
type RecoveryCodesData struct {
	Codes []string
	// Regenerated says the codes replace earlier ones (rather than come
	// with 2FA being turned on).
	Regenerated bool
}

// agentName names the browser and system of a User-Agent: "Chrome 120 on
// macOS"; the parts unknown are said to be.
func agentName(ctx context.Context, ua string) string {
	a := useragent.Parse(ua)
	b, o := a.Browser, a.OS
	if b == "" {
		b = t(ctx, "sessions.unknown_browser")
	}
	if o == "" {
		o = t(ctx, "sessions.unknown_os")
	}
	return t(ctx, "sessions.agent", b, o)
}

// orUnknown is s, or the word for unknown when it is empty.
func orUnknown(ctx context.Context, s string) string {
	if s == "" {
		return t(ctx, "sessions.unknown")
	}
	return s
}

// whenKnown is when for a time recorded, the word for unknown otherwise
// (a session signed in before the console recorded it).
func whenKnown(ctx context.Context, at time.Time) string {
	if at.IsZero() {
		return t(ctx, "sessions.unknown")
	}
	return when(ctx, at)
}
