package web

import (
	"context"
	"net/url"
	"time"

	"console/internal/keyset"
	"console/internal/messaging"
	"console/internal/voice"
)

// LogFilter is the filter form of Programmable SMS › Logs and Voice ›
// Logs as typed: To and From exact E.164 numbers, Status one of the
// log's statuses, Since and Until days (YYYY-MM-DD) in the project's time
// zone, both included.
type LogFilter struct {
	To, From, Status, Since, Until string
	Errors                         FieldErrors
}

// Query is the filter as URL parameters, the empty ones left out.
func (f LogFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"to": f.To, "from": f.From, "status": f.Status, "since": f.Since, "until": f.Until} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Filtered reports whether the filter narrows the log.
func (f LogFilter) Filtered() bool { return len(f.Query()) > 0 }

// LogPageURL is the page of the log at path that f keeps, on the side
// (OlderParam or NewerParam) of cursor; "" when cursor is nil.
func LogPageURL(path string, f LogFilter, side string, cursor *keyset.Cursor) string {
	if cursor == nil {
		return ""
	}
	q := f.Query()
	q.Set(side, cursor.String())
	return path + "?" + q.Encode()
}

// The URL parameters of a log's page links.
const (
	OlderParam = "older"
	NewerParam = "newer"
)

// SMSLogsData is Programmable SMS › Logs.
type SMSLogsData struct {
	Messages []*messaging.Message
	Filter   LogFilter
	// Older and Newer are the URLs of the pages beside this one; "" at
	// either end of the log.
	Older, Newer string
}

// CallLogsData is Programmable Voice › Logs.
type CallLogsData struct {
	Calls  []*voice.Call
	Filter LogFilter
	// Older and Newer are the URLs of the pages beside this one; "" at
	// either end of the log.
	Older, Newer string
}

// logStatus is an option of a log's status filter: its value and label.
type logStatus struct{ Value, Key string }

// messageStatuses and callStatuses are the options of the logs' status
// filters, in the order a message or call reaches them.
func messageStatuses() []logStatus {
	out := make([]logStatus, 0, len(messaging.Statuses))
	for _, s := range messaging.Statuses {
		out = append(out, logStatus{s, messageStatusKeys[s]})
	}
	return out
}

func callStatuses() []logStatus {
	out := make([]logStatus, 0, len(voice.Statuses))
	for _, s := range voice.Statuses {
		out = append(out, logStatus{s, callStatusKeys[s]})
	}
	return out
}

// callDirection names a call's direction; one the catalogs do not know
// is shown as Twilio spells it.
func callDirection(ctx context.Context, direction string) string {
	if direction == "outbound-api" {
		return t(ctx, "voice.direction_outbound_api")
	}
	return direction
}

// iso is t as a <time> element's machine-readable datetime.
func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }
