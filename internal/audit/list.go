package audit

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"console/internal/database"
)

// Event is an entry as Monitor › Events reads it back.
type Event struct {
	Entry
	ID int64
}

// Cursor is where a page of events ends: the next page holds the events
// strictly older, in (at, id) order.
type Cursor struct {
	At time.Time
	ID int64
}

// String is the cursor as a URL carries it.
func (c Cursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// ErrBadCursor is a cursor that is not one String made.
var ErrBadCursor = errors.New("audit: bad cursor")

// ParseCursor reads a cursor made by String.
func ParseCursor(s string) (Cursor, error) {
	at, id, ok := strings.Cut(s, "-")
	micros, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || micros < 0 || n <= 0 {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{At: time.UnixMicro(micros).UTC(), ID: n}, nil
}

// Filter narrows a project's events; zero fields do not narrow.
type Filter struct {
	AccountSID string
	Action     string
	// ActorKind keeps one kind of actor; with ActorUser, ActorUserID
	// names the user.
	ActorKind   string
	ActorUserID string
	// From and To bound the time, To excluded.
	From, To time.Time
	// Before, when set, starts after this cursor.
	Before *Cursor
}

// MaxPage bounds one read.
const MaxPage = 1000

// List returns a project's events (its own and its subaccounts'), newest
// first, at most limit (capped at MaxPage), and the cursor of the next
// page, nil when there is none. Only the filters in use are in
// the query, so that each combination has a plan of its own that walks the
// index of its most selective filter in (at, id) order and stops at limit.
// Users are not joined: the caller names them (a page's are its members,
// mostly), which halved the query's time at a million entries.
func List(ctx context.Context, db database.DBTX, projectSID string, f Filter, limit int) ([]Event, *Cursor, error) {
	limit = min(max(limit, 1), MaxPage)
	args := []any{projectSID}
	where := []string{"a.project_sid = $1"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.AccountSID != "" {
		add("a.account_sid = ?", f.AccountSID)
	}
	if f.Action != "" {
		add("a.action = ?", f.Action)
	}
	if f.ActorKind != "" {
		add("a.actor = ?", f.ActorKind)
	}
	if f.ActorUserID != "" {
		add("a.actor_user_id = ?", f.ActorUserID)
	}
	if !f.From.IsZero() {
		add("a.at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("a.at < ?", f.To)
	}
	if f.Before != nil {
		args = append(args, f.Before.At, f.Before.ID)
		where = append(where, "(a.at, a.id) < ($"+strconv.Itoa(len(args)-1)+", $"+strconv.Itoa(len(args))+")")
	}
	args = append(args, limit+1) // one more says whether there is a next page
	rows, err := db.Query(ctx, `
		SELECT a.id, a.at, coalesce(a.project_sid, ''), coalesce(a.account_sid, ''), coalesce(a.actor_user_id, ''), a.actor, a.action,
		       a.target, a.ip, a.user_agent, a.request_id, a.credential_sid, a.details
		FROM audit_log a
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY a.at DESC, a.id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.ProjectSID, &e.AccountSID, &e.ActorUserID, &e.Actor, &e.Action,
			&e.Target, &e.IP, &e.UserAgent, &e.RequestID, &e.CredentialSID, &e.Details); err != nil {
			return nil, nil, err
		}
		// Entries from before the credential had a column of its own
		// carried it in their details.
		if e.CredentialSID == "" && e.Details["credential"] != "" {
			e.CredentialSID = e.Details["credential"]
		}
		delete(e.Details, "credential")
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, &Cursor{At: last.At.UTC(), ID: last.ID}, nil
}
