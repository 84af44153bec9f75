package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"console/internal/keyset"
	"console/internal/sid"
)

// Paging limits. PageSize is clamped to maxPageSize, as Twilio does.
// Page is a number the client echoes back; it is bounded so that no
// arithmetic on it overflows. Without a PageToken a list of stored rows
// skips Page × PageSize rows in the database, which costs their count, so
// that offset is bounded too: the next_page_uri every page carries has a
// token and pages any distance at the cost of one page.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
	maxPage         = 10_000_000
	maxRowOffset    = 100_000
)

// page is a list request's position: by page number, and by a page token
// naming the last row of the previous page so that rows added meanwhile
// never shift what the next page shows.
type page struct {
	Size   int
	Number int
	After  string // SID of the last row already seen
}

// Offset is how many rows to skip when no token pins the position. It is
// at most maxPage × maxPageSize, and at most maxRowOffset for a page read
// by parsePage.
func (p page) Offset() int {
	if p.After != "" {
		return 0
	}
	return p.Number * p.Size
}

// keyset is the position for a list read by keyset.Query: the page and
// one row more, which tells whether another page follows.
func (p page) keyset() keyset.Page {
	return keyset.Page{AfterSID: p.After, Offset: p.Offset(), Limit: p.Size + 1}
}

// parsePage reads the position in a list of stored rows.
func parsePage(r *http.Request) (page, error) {
	p, err := parsePosition(r)
	if err != nil {
		return p, err
	}
	if p.Offset() > maxRowOffset {
		return p, errInvalid("Page", "is too far into the list to reach by number (Page × PageSize may be at most "+
			strconv.Itoa(maxRowOffset)+"): follow next_page_uri, which carries a PageToken")
	}
	return p, nil
}

// parsePosition reads PageSize, Page and PageToken. Lists computed rather
// than read (usage records) reach any position at the cost of one page
// and use it directly.
func parsePosition(r *http.Request) (page, error) {
	q := r.URL.Query()
	p := page{Size: defaultPageSize}
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errInvalid("PageSize", "must be a positive integer")
		}
		p.Size = min(n, maxPageSize)
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPage {
			return p, errInvalid("Page", "must be an integer from 0 to "+strconv.Itoa(maxPage))
		}
		p.Number = n
	}
	if v := q.Get("PageToken"); v != "" {
		last, ok := strings.CutPrefix(v, "PA")
		if !ok || !sid.Syntax(last) {
			return p, errInvalid("PageToken", "is not a token this API issued")
		}
		p.After = last
	}
	return p, nil
}

// envelope builds Twilio's list fields around n rows of p. lastSID is the
// SID of the page's last row; more tells whether another page follows.
func envelope(r *http.Request, p page, n int, lastSID string, more bool) map[string]any {
	keep := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "Page" && k != "PageSize" && k != "PageToken" {
			keep[k] = vs
		}
	}
	link := func(number int, token string) string {
		q := url.Values{}
		for k, vs := range keep {
			q[k] = vs
		}
		q.Set("PageSize", strconv.Itoa(p.Size))
		q.Set("Page", strconv.Itoa(number))
		if token != "" {
			q.Set("PageToken", "PA"+token)
		}
		return r.URL.Path + "?" + q.Encode()
	}
	start := p.Number * p.Size
	end := start
	if n > 0 {
		end = start + n - 1
	}
	env := map[string]any{
		"page": p.Number, "page_size": p.Size, "start": start, "end": end,
		"uri":               r.URL.RequestURI(),
		"first_page_uri":    link(0, ""),
		"next_page_uri":     nil,
		"previous_page_uri": nil,
	}
	if more {
		env["next_page_uri"] = link(p.Number+1, lastSID)
	}
	if p.Number > 0 {
		env["previous_page_uri"] = link(p.Number-1, "")
	}
	return env
}

// writePage answers a list request with Twilio's envelope: rows were read
// with one more than the page size, which tells whether another page
// follows; key names the list, sidOf gives the page token of a row.
func writePage[T any, R any](w http.ResponseWriter, r *http.Request, p page, rows []T, key string, sidOf func(T) string, resource func(T) (R, error)) error {
	more := len(rows) > p.Size
	rows = rows[:min(len(rows), p.Size)]
	list := make([]R, 0, len(rows))
	last := ""
	for _, row := range rows {
		res, err := resource(row)
		if err != nil {
			return err
		}
		list = append(list, res)
		last = sidOf(row)
	}
	env := envelope(r, p, len(list), last, more)
	env[key] = list
	writeJSON(w, http.StatusOK, env)
	return nil
}
