package api

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"console/internal/usage"
)

var fuzzToday = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// FuzzParseUsageDate: a date or an offset from today is read without
// panicking, and what is accepted lies in the accepted range.
func FuzzParseUsageDate(f *testing.F) {
	for _, s := range []string{"2026-11-01", "-30days", "+0days", "0days", "-99999999999days", "-9223372036854775808days", "+999999days",
		"-36500days", "9999-12-31", "0001-01-01", "2000-01-01", "2099-12-31", "2100-01-01", "1999-12-31", "2026-02-30", "2026-13-01",
		"yesterday", "", "-days", "\x00", "2026-11-01\x00", "\xff\xfe", "-٣days", "-1days ", "+-1days"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseUsageDate(s, fuzzToday)
		if ok && !usage.InRange(d) {
			t.Fatalf("parseUsageDate(%q) accepted %v", s, d)
		}
	})
}

// FuzzRecordsQuery: a Usage Records request's subresource, dates,
// category and position are read without panicking and classified: a
// 404 for an unknown subresource, a 400 with Twilio's code 20001, or a
// query whose range and position are bounded.
func FuzzRecordsQuery(f *testing.F) {
	for _, seed := range [][6]string{
		{"Daily", "", "9999-12-31", "", "", "1"},
		{"", "0001-01-01", "", "", "", ""},
		{"Monthly", "-99999999999days", "", "", "", ""},
		{"Yearly", "2000-01-01", "2099-12-31", "sms", "9223372036854775807", "1000"},
		{"Today", "x", "y", "nope", "", ""},
		{"AllTime", "2026-11-10", "2026-11-01", "", "-1", "0"},
		{"Weekly", "", "", "", "", ""},
		{"LastMonth", "", "", "totalprice", "10000000", "99999999999999999999"},
		{"Daily", "+5days", "-5days", "sms-outbound\x00", "1\x00", "\xff"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4], seed[5])
	}
	f.Fuzz(func(t *testing.T, sub, start, end, category, pageNumber, pageSize string) {
		query := url.Values{}
		for k, v := range map[string]string{"StartDate": start, "EndDate": end, "Category": category, "Page": pageNumber, "PageSize": pageSize} {
			if v != "" {
				query.Set(k, v)
			}
		}
		created := fuzzToday.AddDate(0, -3, 0)
		q, err := recordsQuery(sub, query, fuzzToday, created)
		var e *Error
		switch {
		case errors.Is(err, errNoSubresource):
			return
		case errors.As(err, &e):
			if e.Status != http.StatusBadRequest || e.Code != 20001 {
				t.Fatalf("refused with %d %d", e.Status, e.Code)
			}
			return
		case err != nil:
			t.Fatalf("unclassified error %v", err)
		}
		if !usage.InRange(q.Start) || !usage.InRange(q.End) || q.End.Before(q.Start) {
			t.Fatalf("range %v..%v accepted", q.Start, q.End)
		}
		if _, ok := usage.Categories[q.Category]; q.Category != "" && !ok {
			t.Fatalf("category %q accepted", q.Category)
		}
		r := &http.Request{URL: &url.URL{RawQuery: query.Encode()}}
		p, err := parsePosition(r)
		if err != nil {
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
				t.Fatalf("position refused with %v", err)
			}
			return
		}
		if p.Size < 1 || p.Size > maxPageSize || p.Number < 0 || p.Number > maxPage || p.Number*p.Size < 0 {
			t.Fatalf("position %+v accepted", p)
		}
		if rp, err := parsePage(r); err == nil && rp.Offset() > maxRowOffset {
			t.Fatalf("row offset %d accepted", rp.Offset())
		}
	})
}
