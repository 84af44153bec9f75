package api

import (
	"net/url"
	"strings"
	"time"

	"console/internal/usage"
)

// dayRange reads Twilio's three filters on one date field of a list —
// name (on that day), name< (on or before) and name> (on or after) — as
// the half-open range [since, before) of whole UTC days. Each value is a
// date (2026-12-02) or, as the SDKs send it, a timestamp
// (2026-12-02T00:00:00Z), of which only its UTC date counts, as on
// Twilio. Filters that exclude each other give an empty range.
func dayRange(q url.Values, name string) (since, before *time.Time, err error) {
	for _, op := range []string{"", "<", ">"} {
		v := q.Get(name + op)
		if v == "" {
			continue // as before filters were read: an empty one does not narrow
		}
		day, err := parseDay(v)
		if err != nil {
			return nil, nil, errInvalid(name+op, "must be a date from "+usage.FirstDate.Format(time.DateOnly)+" to "+
				usage.LastDate.Format(time.DateOnly)+" like 2026-11-27, or a timestamp like 2026-11-27T00:00:00Z")
		}
		next := day.AddDate(0, 0, 1)
		if op != "<" && (since == nil || day.After(*since)) {
			since = &day
		}
		if op != ">" && (before == nil || next.Before(*before)) {
			before = &next
		}
	}
	return since, before, nil
}

// parseDay is the UTC date of a date or an RFC 3339 timestamp. A '+' of
// an offset left unescaped in a URL arrives as a space, and is read back.
func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1))
	}
	if err != nil {
		return time.Time{}, err
	}
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if !usage.InRange(day) {
		return time.Time{}, errInvalid("date", "out of range")
	}
	return day, nil
}
