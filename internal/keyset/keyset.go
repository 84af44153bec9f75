// Package keyset pages through a log newest first by position, not by
// count: a page after a cursor costs one page whatever its depth, and a
// row arriving meanwhile does not shift the pages already seen.
package keyset

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"console/internal/sid"
)

// Cursor is a row's place in a log ordered by (date_created, sid): the
// SID breaks ties between rows created in the same microsecond.
type Cursor struct {
	At  time.Time
	SID string
}

// String is the cursor as a URL carries it.
func (c Cursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "-" + c.SID
}

// ErrBadCursor is a cursor that String did not make.
var ErrBadCursor = errors.New("keyset: bad cursor")

// maxMicros bounds a cursor's time to what PostgreSQL's timestamptz
// holds comfortably (the year 9999): a later one was not made by String.
var maxMicros = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMicro()

// Parse reads a cursor made by String.
func Parse(s string) (Cursor, error) {
	at, id, ok := strings.Cut(s, "-")
	micros, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || micros < 0 || micros > maxMicros || !sid.Syntax(id) {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{At: time.UnixMicro(micros).UTC(), SID: id}, nil
}

// MaxLimit bounds one read: a page of a thousand rows (the REST API's
// largest) and the one more that tells whether another follows.
const MaxLimit = 1001

// Page is which rows of a log to read: the newest, or those older than
// Older, or those newer than Newer (the page just above it), at most
// Limit. AfterSID and Offset are the REST API's position, a page token
// naming the last row seen and a page number; they are not combined with
// Older or Newer.
type Page struct {
	Older, Newer *Cursor
	AfterSID     string
	Offset       int
	Limit        int
}

// Query builds a log's SELECT from only the conditions in use, so that
// each combination gets a plan of its own that walks the log's
// (project, account, date_created, sid) index from the page's cursor and
// stops at its limit.
type Query struct {
	where []string
	args  []any
}

// For starts the query of an account's log: its first arguments, $1 and
// $2, are the project's and the account's SIDs, which scope every row.
func For(projectSID, accountSID string) *Query {
	q := &Query{}
	q.Where("project_sid = ?", projectSID)
	q.Where("account_sid = ?", accountSID)
	return q
}

// Where adds a condition; each ? in cond takes the next of args.
func (q *Query) Where(cond string, args ...any) {
	for _, a := range args {
		q.args = append(q.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

// SQL is SELECT columns FROM table with the conditions, p's position,
// order and limit, and its arguments. Rows come newest first whichever
// way p reads (see Newest).
func (q *Query) SQL(columns, table string, p Page) (string, []any) {
	if p.Older != nil {
		q.Where("(date_created, sid) < (?, ?)", p.Older.At, p.Older.SID)
	}
	if p.Newer != nil {
		q.Where("(date_created, sid) > (?, ?)", p.Newer.At, p.Newer.SID)
	}
	if p.AfterSID != "" {
		// $1 and $2 are the project and the account (see For).
		q.Where("(date_created, sid) < (SELECT date_created, sid FROM "+table+" WHERE project_sid = $1 AND account_sid = $2 AND sid = ?)", p.AfterSID)
	}
	order := "date_created DESC, sid DESC"
	if p.Newer != nil {
		order = "date_created, sid"
	}
	q.args = append(q.args, max(p.Offset, 0), min(max(p.Limit, 1), MaxLimit))
	n := len(q.args)
	return `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + strings.Join(q.where, " AND ") +
		` ORDER BY ` + order + ` OFFSET $` + strconv.Itoa(n-1) + ` LIMIT $` + strconv.Itoa(n), q.args
}

// Newest puts rows read for p newest first: a page read upwards from
// Newer comes oldest first.
func Newest[T any](rows []T, p Page) []T {
	if p.Newer != nil {
		slices.Reverse(rows)
	}
	return rows
}

// Cut makes a page of at most size rows of rows, read newest first for p
// with a limit of size+1 (the one more tells whether the log goes on
// that way), and the cursors of the pages beside it: older, nil at the
// log's end, and newer, nil at its start.
func Cut[T any](rows []T, p Page, size int, at func(T) Cursor) (page []T, older, newer *Cursor) {
	more := len(rows) > size
	switch {
	case more && p.Newer != nil:
		rows = rows[len(rows)-size:] // the extra row is the newest
	case more:
		rows = rows[:size]
	}
	if len(rows) == 0 {
		return rows, nil, nil
	}
	first, last := at(rows[0]), at(rows[len(rows)-1])
	if more || p.Newer != nil {
		older = &last
	}
	if p.Older != nil || (more && p.Newer != nil) {
		newer = &first
	}
	return rows, older, newer
}
