package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/keyset"
	"console/internal/messaging"
	"console/internal/voice"
	"console/web"
)

// logPageSize is how many messages or calls a log shows at once.
const logPageSize = 50

// logQuery is a log's request: its filter as typed (with its field
// errors), the time range that filter means, and the page asked for.
type logQuery struct {
	form          web.LogFilter
	since, before *time.Time
	page          keyset.Page
}

// readLogQuery reads a log's filter and page from the URL: numbers are
// E.164, the status one of statuses, the days real ones in the project's
// time zone (the range [since, until] both included) and in order. A bad
// field is the form's to correct; a cursor the page did not make is a
// broken link, a 400.
func readLogQuery(r *http.Request, statuses []string) (logQuery, error) {
	q := r.URL.Query()
	f := web.LogFilter{To: logNumber(q.Get("to")), From: logNumber(q.Get("from")), Status: q.Get("status"),
		Since: strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until"))}
	lq := logQuery{page: keyset.Page{Limit: logPageSize + 1}}
	for field, n := range map[string]string{"to": f.To, "from": f.From} {
		if n != "" && !messaging.ValidNumber(n) {
			f.Errors.Add(field, "logs.error_number")
		}
	}
	if f.Status != "" && !slices.Contains(statuses, f.Status) {
		f.Errors.Add("status", "logs.error_status")
	}
	loc := web.CurrentProject(r.Context()).Location()
	day := func(field, v string) *time.Time {
		if v == "" {
			return nil
		}
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil || d.Year() < logFirstYear || d.Year() > logLastYear {
			f.Errors.Add(field, "logs.error_date")
			return nil
		}
		return &d
	}
	lq.since = day("since", f.Since)
	if until := day("until", f.Until); until != nil {
		end := until.AddDate(0, 0, 1) // the whole of that day
		lq.before = &end
		if lq.since != nil && !lq.since.Before(end) {
			f.Errors.Add("until", "logs.error_range")
		}
	}
	lq.form = f
	for _, side := range []struct {
		param string
		to    **keyset.Cursor
	}{{web.OlderParam, &lq.page.Older}, {web.NewerParam, &lq.page.Newer}} {
		v := q.Get(side.param)
		if v == "" {
			continue
		}
		cur, err := keyset.Parse(v)
		if err != nil || lq.page.Older != nil || lq.page.Newer != nil {
			return lq, &Error{Status: http.StatusBadRequest, MsgKey: "logs.error_cursor"}
		}
		*side.to = &cur
	}
	return lq, nil
}

// logNumber is a number typed into a log's filter as E.164: without the
// spaces, dashes, dots and brackets people write numbers with, and with
// its '+' (which a URL typed by hand turns into a space) put back.
func logNumber(v string) string {
	v = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t-.()", r) {
			return -1
		}
		return r
	}, v)
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		v = "+" + v
	}
	return v
}

// The years a log's date filter may name: any other is a typing mistake.
const (
	logFirstYear = 2000
	logLastYear  = 2099
)

// smsLogs lists the acting account's messages, newest first, a page at a
// time in either direction, narrowed by the filter.
func (c *Console) smsLogs(w http.ResponseWriter, r *http.Request) error {
	lq, err := readLogQuery(r, messaging.Statuses)
	if err != nil {
		return err
	}
	d := web.SMSLogsData{Filter: lq.form}
	if d.Filter.Errors.Any() {
		return renderPart(w, r, http.StatusUnprocessableEntity, web.SMSLogs(d), web.SMSLogsResults(d))
	}
	f := messaging.Filter{To: d.Filter.To, From: d.Filter.From, Status: d.Filter.Status, SentSince: lq.since, SentBefore: lq.before}
	msgs, err := c.messages.List(r.Context(), actingAccount(r), f, lq.page)
	if err != nil {
		return err
	}
	var older, newer *keyset.Cursor
	d.Messages, older, newer = keyset.Cut(msgs, lq.page, logPageSize, func(m *messaging.Message) keyset.Cursor {
		return keyset.Cursor{At: m.DateCreated, SID: m.SID}
	})
	d.Older = web.LogPageURL("/sms/logs", d.Filter, web.OlderParam, older)
	d.Newer = web.LogPageURL("/sms/logs", d.Filter, web.NewerParam, newer)
	return renderPart(w, r, http.StatusOK, web.SMSLogs(d), web.SMSLogsResults(d))
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

// callLogs lists the acting account's calls, newest first, a page at a
// time in either direction, narrowed as the messages are.
func (c *Console) callLogs(w http.ResponseWriter, r *http.Request) error {
	lq, err := readLogQuery(r, voice.Statuses)
	if err != nil {
		return err
	}
	d := web.CallLogsData{Filter: lq.form}
	if d.Filter.Errors.Any() {
		return renderPart(w, r, http.StatusUnprocessableEntity, web.CallLogs(d), web.CallLogsResults(d))
	}
	f := voice.Filter{To: d.Filter.To, From: d.Filter.From, Status: d.Filter.Status, CreatedSince: lq.since, CreatedBefore: lq.before}
	calls, err := c.calls.List(r.Context(), actingAccount(r), f, lq.page)
	if err != nil {
		return err
	}
	var older, newer *keyset.Cursor
	d.Calls, older, newer = keyset.Cut(calls, lq.page, logPageSize, func(c *voice.Call) keyset.Cursor {
		return keyset.Cursor{At: c.DateCreated, SID: c.SID}
	})
	d.Older = web.LogPageURL("/voice/logs", d.Filter, web.OlderParam, older)
	d.Newer = web.LogPageURL("/voice/logs", d.Filter, web.NewerParam, newer)
	return renderPart(w, r, http.StatusOK, web.CallLogs(d), web.CallLogsResults(d))
}

// callDetail is one call of the acting account; any other is a 404.
func (c *Console) callDetail(w http.ResponseWriter, r *http.Request) error {
	call, err := c.calls.Get(r.Context(), actingAccount(r), chi.URLParam(r, "sid"))
	if errors.Is(err, voice.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.CallDetail(call))
}
