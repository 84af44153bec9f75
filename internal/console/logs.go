package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/messaging"
	"console/internal/voice"
	"console/web"
)

// smsPageSize is how many messages the log shows at once.
const smsPageSize = 100

// smsLogs lists the acting account's messages, newest first, filtered by
// exact To and From when given.
func (c *Console) smsLogs(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	q := r.URL.Query()
	d := web.SMSLogsData{To: strings.TrimSpace(q.Get("to")), From: strings.TrimSpace(q.Get("from"))}
	msgs, err := c.messages.List(r.Context(), a, messaging.Filter{To: d.To, From: d.From}, "", 0, smsPageSize+1)
	if err != nil {
		return err
	}
	d.More = len(msgs) > smsPageSize
	d.Messages = msgs[:min(len(msgs), smsPageSize)]
	return render(w, r, http.StatusOK, web.SMSLogs(d))
}

func (c *Console) smsMessage(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	m, err := c.messages.Get(r.Context(), a, chi.URLParam(r, "sid"))
	if errors.Is(err, messaging.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.SMSMessage(m))
}

// redactMessage empties a sent message's body, Twilio's redaction.
func (c *Console) redactMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sid := chi.URLParam(r, "sid")
	_, err := c.messages.Redact(ctx, audit.ActorFrom(ctx), actingAccount(r), sid)
	if errors.Is(err, messaging.ErrInFlight) {
		c.flash(ctx, "error", "sms.in_flight")
		return redirect(w, r, "/sms/logs/"+sid)
	}
	if err := messageChangeError(err); err != nil {
		return err
	}
	c.flash(ctx, "ok", "sms.redacted")
	return redirect(w, r, "/sms/logs/"+sid)
}

// deleteMessage removes a message from the logs; its charge and usage stay.
func (c *Console) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sid := chi.URLParam(r, "sid")
	err := c.messages.Delete(ctx, audit.ActorFrom(ctx), actingAccount(r), sid)
	if errors.Is(err, messaging.ErrInFlight) {
		c.flash(ctx, "error", "sms.in_flight")
		return redirect(w, r, "/sms/logs/"+sid)
	}
	if err := messageChangeError(err); err != nil {
		return err
	}
	c.flash(ctx, "ok", "sms.deleted")
	return redirect(w, r, "/sms/logs")
}

// messageChangeError maps a refused redaction or deletion to a page.
func messageChangeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, messaging.ErrNotFound):
		return errNotFound
	case errors.Is(err, account.ErrNotActive):
		return errInactive
	}
	return err
}

// callLogs lists the acting account's calls, newest first.
func (c *Console) callLogs(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	q := r.URL.Query()
	d := web.CallLogsData{To: strings.TrimSpace(q.Get("to")), From: strings.TrimSpace(q.Get("from"))}
	calls, err := voice.List(r.Context(), c.pool, a.ProjectSID, a.SID, voice.Filter{To: d.To, From: d.From}, "", 0, smsPageSize+1)
	if err != nil {
		return err
	}
	d.More = len(calls) > smsPageSize
	d.Calls = calls[:min(len(calls), smsPageSize)]
	return render(w, r, http.StatusOK, web.CallLogs(d))
}
