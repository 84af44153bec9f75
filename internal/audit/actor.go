package audit

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"console/internal/reqlog"
)

// Actor kinds.
const (
	ActorUser      = "user"
	ActorAPI       = "api"
	ActorSystem    = "system"
	ActorAnonymous = "anonymous"
)

// Bounds on what a client sends that goes into an entry: a user agent is
// the client's to choose, and an entry should not grow with it.
const (
	maxUserAgent = 256
	maxRequestID = 64
)

// Actor is who made a change and from where. The console builds it once a
// request's user is known, the API once its credentials are checked; jobs
// act as System.
type Actor struct {
	Kind string // ActorUser, ActorAPI, ActorSystem or ActorAnonymous
	// UserID is the signed-in user, for ActorUser.
	UserID string
	// Credential is the SID that authenticated an API request: an Account
	// SID (the account's own, or its test SID) or an API key SID.
	Credential string
	IP         string
	UserAgent  string
	// RequestID is the request's id (X-Request-Id), as its log line has it.
	RequestID string
}

// RequestActor is the actor of request r, of the given kind.
func RequestActor(r *http.Request, kind, userID, credential string) Actor {
	return Actor{Kind: kind, UserID: userID, Credential: credential, IP: reqlog.ClientIP(r),
		UserAgent: clip(r.UserAgent(), maxUserAgent), RequestID: reqlog.ID(r.Context())}
}

// System is the actor of what the server does by itself: a job, a
// threshold crossed, a command-line tool. A request id in ctx says which
// request led to it.
func System(ctx context.Context) Actor {
	return Actor{Kind: ActorSystem, RequestID: reqlog.ID(ctx)}
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx's request. Outside a request (a job,
// the CLI) it is System: both the console and the API set an actor on
// every request they serve.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := actorIn(ctx); ok {
		return a
	}
	return System(ctx)
}

func actorIn(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// clip makes s storable as text (valid UTF-8, no NUL: PostgreSQL refuses
// both, and a header is the client's to fill) and cuts it to at most n
// bytes without splitting a character.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
