package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/messaging"
	"console/web"
)

// smsPageSize is how many messages the log shows at once.
const smsPageSize = 100

// smsLogs lists the acting account's messages, newest first, a page at a
// time, filtered by exact To and From when given.
func (c *Console) smsLogs(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	q := r.URL.Query()
	d := web.SMSLogsData{To: strings.TrimSpace(q.Get("to")), From: strings.TrimSpace(q.Get("from"))}
	after, err := pageAfter(r)
	if err != nil {
		return err
	}
	msgs, err := c.logs.Messages(r.Context(), a.ProjectSID, a.SID, messaging.Filter{To: d.To, From: d.From}, after, smsPageSize+1)
	if err != nil {
		return err
	}
	d.Messages = msgs[:min(len(msgs), smsPageSize)]
	if len(msgs) > smsPageSize {
		d.Older = olderURL("/sms/logs", d.To, d.From, d.Messages[len(d.Messages)-1].SID)
	}
	return renderPart(w, r, http.StatusOK, web.SMSLogs(d), web.SMSLogsResults(d))
}

// olderURL is the next page of a log filtered by to and from: the entries
// after the one with SID after.
func olderURL(path, to, from, after string) string {
	q := url.Values{"after": {after}}
	if to != "" {
		q.Set("to", to)
	}
	if from != "" {
		q.Set("from", from)
	}
	return path + "?" + q.Encode()
}

func (c *Console) smsMessage(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	m, err := c.logs.Message(r.Context(), a.ProjectSID, a.SID, chi.URLParam(r, "sid"))
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

// callLogs lists the acting account's calls, newest first, a page at a
// time, filtered as the messages are.
func (c *Console) callLogs(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	q := r.URL.Query()
	d := web.CallLogsData{To: strings.TrimSpace(q.Get("to")), From: strings.TrimSpace(q.Get("from"))}
	after, err := pageAfter(r)
	if err != nil {
		return err
	}
	calls, err := c.logs.Calls(r.Context(), a.ProjectSID, a.SID, d.To, d.From, after, smsPageSize+1)
	if err != nil {
		return err
	}
	d.Calls = calls[:min(len(calls), smsPageSize)]
	if len(calls) > smsPageSize {
		d.Older = olderURL("/voice/logs", d.To, d.From, d.Calls[len(d.Calls)-1].SID)
	}
	return renderPart(w, r, http.StatusOK, web.CallLogs(d), web.CallLogsResults(d))
}
