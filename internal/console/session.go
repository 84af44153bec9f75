package console

import (
	"context"
	"net/http"
	"time"

	"console/internal/i18n"
	"console/web"
)

// SessionUserKey is the session key of the signed-in user's id; the
// session store reads it to index sessions by user.
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
)

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
// before sign-in is worthless after it.
func (c *Console) startSession(ctx context.Context, userID string, epoch int) error {
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.sessions.Remove(ctx, keyPendingUID)
	c.sessions.Remove(ctx, keyPendingAt)
	c.sessions.Put(ctx, keyUserID, userID)
	c.sessions.Put(ctx, keyEpoch, epoch)
	c.sessions.Put(ctx, keySeen, c.now().Unix())
	return nil
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
