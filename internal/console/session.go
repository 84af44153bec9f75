package console

import (
	"context"
	"net/http"
	"time"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/i18n"
	"console/internal/sid"
	"console/web"
)

// SessionUserKey is the session key of the signed-in user's id, which
// SessionMeta gives the session store to index sessions by user.
const SessionUserKey = keyUserID

// Session keys.
const (
	keyUserID     = "uid"
	keyEpoch      = "epoch"
	keySeen       = "seen"
	keyPendingUID = "pending_uid"
	keyPendingAt  = "pending_at"
	keyNext       = "next"
	keyProject    = "project"
	keyAccount    = "account" // the subaccount being viewed
	keyLocale     = "locale"
	keyFlash      = "flash"
	keyFlashKind  = "flash_kind"
	keySessionID  = "sid"       // the session's random name in the list of sessions
	keySignedIn   = "signed_in" // unix seconds
	keyIP         = "ip"        // as of the last recorded activity
	keyUserAgent  = "ua"        // as of the last recorded activity
)

// SessionMeta reads what the list of sessions shows out of a session's
// values; the session store mirrors it in the session's row.
func SessionMeta(values map[string]any) auth.SessionMeta {
	str := func(k string) string { s, _ := values[k].(string); return s }
	unix := func(k string) time.Time {
		if n, ok := values[k].(int64); ok && n > 0 {
			return time.Unix(n, 0)
		}
		return time.Time{}
	}
	return auth.SessionMeta{UserID: str(keyUserID), ID: str(keySessionID), UserAgent: str(keyUserAgent), IP: str(keyIP),
		SignedInAt: unix(keySignedIn), LastSeenAt: unix(keySeen)}
}

// seenGranularity is how stale the recorded last activity may get before
// a request writes it again; it spares a session write on every request.
const seenGranularity = time.Minute

// pendingTimeout bounds how long a password-checked sign-in may wait for its second factor.
const pendingTimeout = 10 * time.Minute

// flash stores a message for the next page, translated now in the request's locale.
func (c *Console) flash(ctx context.Context, kind, key string, args ...any) {
	c.sessions.Put(ctx, keyFlash, i18n.T(ctx, key, args...))
	c.sessions.Put(ctx, keyFlashKind, kind)
}

func (c *Console) popFlash(ctx context.Context) *web.Flash {
	if !c.sessions.Exists(ctx, keyFlash) {
		return nil
	}
	return &web.Flash{Text: c.sessions.PopString(ctx, keyFlash), Kind: c.sessions.PopString(ctx, keyFlashKind)}
}

// startSession makes the signed-in session: a new token, so a token seen
// before sign-in is worthless after it. A user already signed in to it (a password change) keeps the session's
// name and sign-in time in the list of sessions.
func (c *Console) startSession(ctx context.Context, userID string, epoch int) error {
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	if c.sessions.GetString(ctx, keyUserID) != userID || c.sessions.GetString(ctx, keySessionID) == "" {
		c.sessions.Put(ctx, keySessionID, sid.Hex32())
		c.sessions.Put(ctx, keySignedIn, c.now().Unix())
	}
	c.sessions.Remove(ctx, keyPendingUID)
	c.sessions.Remove(ctx, keyPendingAt)
	c.sessions.Put(ctx, keyUserID, userID)
	c.sessions.Put(ctx, keyEpoch, epoch)
	a := audit.ActorFrom(ctx)
	c.seen(ctx, a.IP, a.UserAgent)
	return nil
}

// seen records the session's latest activity: when, and from which
// address and browser.
func (c *Console) seen(ctx context.Context, ip, userAgent string) {
	c.sessions.Put(ctx, keySeen, c.now().Unix())
	c.sessions.Put(ctx, keyIP, ip)
	c.sessions.Put(ctx, keyUserAgent, auth.ClipUserAgent(userAgent))
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
