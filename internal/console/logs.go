package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/messaging"
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
	msgs, err := c.logs.Messages(r.Context(), a.ProjectSID, a.SID, messaging.Filter{To: d.To, From: d.From}, "", smsPageSize+1)
	if err != nil {
		return err
	}
	d.More = len(msgs) > smsPageSize
	d.Messages = msgs[:min(len(msgs), smsPageSize)]
	return render(w, r, http.StatusOK, web.SMSLogs(d))
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

// callLogs lists the acting account's calls, newest first.
func (c *Console) callLogs(w http.ResponseWriter, r *http.Request) error {
	a := actingAccount(r)
	q := r.URL.Query()
	d := web.CallLogsData{To: strings.TrimSpace(q.Get("to")), From: strings.TrimSpace(q.Get("from"))}
	calls, err := c.logs.Calls(r.Context(), a.ProjectSID, a.SID, d.To, d.From, "", smsPageSize+1)
	if err != nil {
		return err
	}
	d.More = len(calls) > smsPageSize
	d.Calls = calls[:min(len(calls), smsPageSize)]
	return render(w, r, http.StatusOK, web.CallLogs(d))
}
