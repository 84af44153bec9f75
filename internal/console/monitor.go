package console

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/reqlog"
	"console/internal/team"
	"console/web"
)

// eventsPageSize is how many events Monitor › Events shows at once.
const eventsPageSize = 50

// The export's bounds; variables only so that a test can make them small.
var (
	// eventsCSVMax bounds one export: the newest that many events that match.
	eventsCSVMax = 100_000
	// eventsCSVBatch is how many events the export reads per query: each
	// batch is written out before the next is read, so the export holds
	// one batch in memory and no query runs long.
	eventsCSVBatch = 1000
)

// eventsQuery reads the filter of Monitor › Events from the URL and checks
// it against the project: the actor must be a member, API or system; the
// action one of audit.Actions; the account the project or one of its
// subaccounts; the dates real days, in order. It returns the page's data
// (members and accounts for the selects) and the filter to read with,
// which is only usable when d.Filter.Errors is empty.
func (c *Console) eventsQuery(r *http.Request) (web.EventsData, audit.Filter, error) {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	q := r.URL.Query()
	d := web.EventsData{CSVMax: eventsCSVMax, Filter: web.EventsFilter{Actor: q.Get("actor"), Action: q.Get("action"),
		Account: q.Get("account"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}}
	var err error
	if d.Members, err = c.events.Members(ctx, p.SID); err != nil {
		return d, audit.Filter{}, err
	}
	subs, err := c.accountService.Subaccounts(ctx, p.SID)
	if err != nil {
		return d, audit.Filter{}, err
	}
	d.Accounts = append(d.Accounts, p)
	d.Accounts = append(d.Accounts, subs...)

	var f audit.Filter
	fe := &d.Filter.Errors
	switch a := d.Filter.Actor; {
	case a == "":
	case a == web.ActorFilterAPI:
		f.ActorKind = audit.ActorAPI
	case a == web.ActorFilterSystem:
		f.ActorKind = audit.ActorSystem
	case strings.HasPrefix(a, web.ActorFilterUserPrefix):
		id := strings.TrimPrefix(a, web.ActorFilterUserPrefix)
		f.ActorKind, f.ActorUserID = audit.ActorUser, id
		if !isMember(d.Members, id) {
			fe.Add("actor", "events.error_actor")
		}
	default:
		fe.Add("actor", "events.error_actor")
	}
	if d.Filter.Action != "" && !audit.Known(d.Filter.Action) {
		fe.Add("action", "events.error_action")
	}
	f.Action = d.Filter.Action
	if d.Filter.Account != "" && !hasAccount(d, d.Filter.Account) {
		fe.Add("account", "events.error_account")
	}
	f.AccountSID = d.Filter.Account
	loc := p.Location()
	if d.Filter.From != "" {
		if f.From, err = time.ParseInLocation(time.DateOnly, d.Filter.From, loc); err != nil {
			fe.Add("from", "events.error_date")
		}
	}
	if d.Filter.To != "" {
		day, err := time.ParseInLocation(time.DateOnly, d.Filter.To, loc)
		if err != nil {
			fe.Add("to", "events.error_date")
		} else {
			f.To = day.AddDate(0, 0, 1) // the whole of that day
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fe.Add("to", "events.error_range")
	}
	if b := q.Get("before"); b != "" && !fe.Any() {
		cur, err := audit.ParseCursor(b)
		if err != nil {
			// A page link is only ever made by this page: a cursor it did
			// not make is a broken link, not a field to correct.
			return d, f, &Error{Status: http.StatusBadRequest, MsgKey: "events.error_cursor"}
		}
		f.Before = &cur
		d.Paged = true
	}
	return d, f, nil
}

// namePeople adds to people the users who acted in events: members from
// the page's list, anyone else (a former member) read in one round trip.
func (c *Console) namePeople(ctx context.Context, people map[string]web.Person, members []*team.Member, events []audit.Event) error {
	if len(people) == 0 {
		for _, m := range members {
			people[m.UserID] = web.Person{Email: m.Email, Name: m.FriendlyName}
		}
	}
	var others []string
	for _, e := range events {
		if _, known := people[e.ActorUserID]; known || e.ActorUserID == "" || slices.Contains(others, e.ActorUserID) {
			continue
		}
		others = append(others, e.ActorUserID)
	}
	users, err := c.events.Users(ctx, others)
	if err != nil {
		return err
	}
	for id, u := range users {
		people[id] = web.Person{Email: u.Email, Name: u.FriendlyName}
	}
	return nil
}

func isMember(members []*team.Member, userID string) bool {
	return slices.ContainsFunc(members, func(m *team.Member) bool { return m.UserID == userID })
}

func hasAccount(d web.EventsData, sid string) bool {
	return slices.ContainsFunc(d.Accounts, func(a *account.Account) bool { return a.SID == sid })
}

// eventsPage is Monitor › Events: the project's audit trail, newest first.
func (c *Console) eventsPage(w http.ResponseWriter, r *http.Request) error {
	d, f, err := c.eventsQuery(r)
	if err != nil {
		return err
	}
	if d.Filter.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Events(d))
	}
	events, next, err := c.events.List(r.Context(), web.CurrentProject(r.Context()).SID, f, eventsPageSize)
	if err != nil {
		return err
	}
	d.Events, d.People = events, map[string]web.Person{}
	if err := c.namePeople(r.Context(), d.People, d.Members, events); err != nil {
		return err
	}
	if next != nil {
		d.Older = web.EventsPageURL(d.Filter, next.String())
	}
	return render(w, r, http.StatusOK, web.Events(d))
}

// eventsCSVHeader names the export's columns; times are RFC 3339 in the
// project's time zone, details the entry's details as JSON.
var eventsCSVHeader = []string{"time", "actor", "user_email", "user_name", "credential", "action", "description",
	"account_sid", "target", "ip", "user_agent", "request_id", "details"}

// eventsCSV exports the events the page's filter matches, newest first,
// eventsCSVMax at most, read and written a batch at a time. It starts
// with a byte-order mark: without one, Excel reads UTF-8 (a Japanese
// name) as the system's code page.
func (c *Console) eventsCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.CurrentProject(ctx)
	d, f, err := c.eventsQuery(r)
	if err != nil {
		return err
	}
	if d.Filter.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Events(d))
	}
	f.Before = nil // the export starts from the newest, whatever page it was asked from
	// The first batch is read before anything is written, so that a
	// failure there is still an error page.
	batch, next, err := c.events.List(ctx, p.SID, f, min(eventsCSVBatch, eventsCSVMax))
	if err != nil {
		return err
	}
	people := map[string]web.Person{}
	if err := c.namePeople(ctx, people, d.Members, batch); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="events-`+p.SID+"-"+time.Now().In(p.Location()).Format("20060102-150405")+`.csv"`)
	noStore(w)
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return nil // the client went away
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(eventsCSVHeader)
	loc, locale := p.Location(), i18n.Locale(ctx)
	written := 0
	for {
		for i := range batch {
			if err := cw.Write(eventCSVRow(&batch[i], people[batch[i].ActorUserID], loc, locale)); err != nil {
				return nil
			}
			written++
		}
		cw.Flush()
		if cw.Error() != nil {
			return nil // the client went away
		}
		if next == nil || written >= eventsCSVMax {
			return nil
		}
		f.Before = next
		batch, next, err = c.events.List(ctx, p.SID, f, min(eventsCSVBatch, eventsCSVMax-written))
		if err == nil {
			err = c.namePeople(ctx, people, d.Members, batch)
		}
		if err != nil {
			// Part of the file is out: the connection is cut so that the
			// client sees a failed download, not a short file.
			reqlog.Logger(ctx, c.log).Error("events export failed", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

func eventCSVRow(e *audit.Event, who web.Person, loc *time.Location, locale string) []string {
	details := []byte("{}")
	if len(e.Details) > 0 {
		details, _ = json.Marshal(e.Details) // a map of strings always marshals
	}
	label := audit.LabelKey(e.Action)
	if i18n.Has(locale, label) {
		label = i18n.Translate(locale, label)
	} else {
		label = e.Action
	}
	row := []string{e.At.In(loc).Format(time.RFC3339), e.Actor, who.Email, who.Name, e.CredentialSID, e.Action, label,
		e.AccountSID, e.Target, e.IP, e.UserAgent, e.RequestID, string(details)}
	for i, v := range row {
		row[i] = inertCell(v)
	}
	return row
}

// inertCell keeps a spreadsheet from reading a cell as a formula: names
// and user agents are their authors' to choose, and a cell starting with
// = + - @ (or a tab or carriage return) is one to Excel. A leading
// apostrophe makes it text.
func inertCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
