package web

import (
	"context"
	"net/url"
	"time"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/team"
)

// Actor filter values other than a member ("user:" + their ID).
const (
	ActorFilterAPI    = "api"
	ActorFilterSystem = "system"
	// ActorFilterUserPrefix starts a member's value.
	ActorFilterUserPrefix = "user:"
)

// EventsFilter is Monitor › Events' filter form, as typed: dates are
// YYYY-MM-DD in the project's time zone.
type EventsFilter struct {
	Actor, Action, Account, From, To string
	Errors                           FieldErrors
}

// Query is the filter as URL parameters, the empty ones left out.
func (f EventsFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "account": f.Account, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Person names a user who acted.
type Person struct{ Email, Name string }

// EventsData is Monitor › Events: the project's audit trail.
type EventsData struct {
	Filter EventsFilter
	// Members and Accounts fill the actor and account selects; Accounts
	// has the project first, then its subaccounts.
	Members  []*team.Member
	Accounts []*account.Account
	Events   []audit.Event
	// People names the users of Events by ID.
	People map[string]Person
	// Older is the link to the next page (older events), "" on the last.
	Older string
	// Paged is set past the first page.
	Paged bool
	// CSVMax is how many events the export holds at most.
	CSVMax int
}

// eventsURL is path with the filter's parameters and extra ones.
func eventsURL(path string, f EventsFilter, extra ...string) string {
	q := f.Query()
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// EventsPageURL is the page of events for f after cursor ("" for the first).
func EventsPageURL(f EventsFilter, cursor string) string {
	if cursor == "" {
		return eventsURL("/monitor/events", f)
	}
	return eventsURL("/monitor/events", f, "before", cursor)
}

func eventsCSVURL(f EventsFilter) string { return eventsURL("/monitor/events.csv", f) }

// eventsText is what every event of a page repeats, translated and
// looked up once per page rather than once per event: a page of 50 events
// asked the catalogs and the context about a thousand times.
type eventsText struct {
	actions  map[string]string // label by action
	accounts map[string]string // friendly name by SID
	people   map[string]Person
	loc      *time.Location
	locale   string

	change, became, empty, actionCode, target, account, credential, ip, userAgent, requestID string
	api, system, anonymous                                                                   string
}

func newEventsText(ctx context.Context, d EventsData) *eventsText {
	x := &eventsText{actions: make(map[string]string, len(audit.Actions)), accounts: make(map[string]string, len(d.Accounts)),
		people: d.People, loc: time.UTC, locale: i18n.Locale(ctx)}
	for _, a := range audit.Actions {
		x.actions[a] = ActionLabel(ctx, a)
	}
	for _, a := range d.Accounts {
		x.accounts[a.SID] = a.FriendlyName
	}
	if p := CurrentProject(ctx); p != nil {
		x.loc = p.Location()
	}
	x.change, x.became, x.empty = t(ctx, "events.change"), t(ctx, "events.became"), t(ctx, "events.empty_value")
	x.actionCode, x.target, x.account = t(ctx, "events.action_code"), t(ctx, "events.target"), t(ctx, "events.account")
	x.credential, x.ip, x.userAgent, x.requestID = t(ctx, "events.credential"), t(ctx, "events.ip"), t(ctx, "events.user_agent"), t(ctx, "events.request_id")
	x.api, x.system, x.anonymous = t(ctx, "events.actor_api"), t(ctx, "events.actor_system"), t(ctx, "events.actor_anonymous")
	return x
}

// label is an action's label; an action the catalogs do not know (written
// by a newer version) shows as stored.
func (x *eventsText) label(action string) string {
	if l, ok := x.actions[action]; ok {
		return l
	}
	return action
}

// actor says who made e.
func (x *eventsText) actor(e *audit.Event) string {
	switch e.Actor {
	case audit.ActorUser:
		if p, ok := x.people[e.ActorUserID]; ok {
			return p.Name + " (" + p.Email + ")"
		}
		return i18n.Translate(x.locale, "events.actor_former_user", e.ActorUserID)
	case audit.ActorAPI:
		if e.CredentialSID != "" {
			return i18n.Translate(x.locale, "events.actor_api_with", e.CredentialSID)
		}
		return x.api
	case audit.ActorSystem:
		return x.system
	}
	return x.anonymous
}

// accountName names one of the project's accounts by its friendly name.
func (x *eventsText) accountName(sid string) string {
	if n, ok := x.accounts[sid]; ok {
		return n
	}
	return sid
}

// time is when an event happened, to the second, in the project's time zone.
func (x *eventsText) time(at time.Time) string { return at.In(x.loc).Format("2006-01-02 15:04:05 MST") }

// orEmpty shows an empty value as such rather than as nothing.
func (x *eventsText) orEmpty(v string) string {
	if v == "" {
		return x.empty
	}
	return v
}

// ActionLabel is an action's label in ctx's language; an action the
// catalogs do not know (written by a newer version) shows as stored.
func ActionLabel(ctx context.Context, action string) string {
	if key := audit.LabelKey(action); i18n.Has(i18n.Locale(ctx), key) {
		return t(ctx, key)
	}
	return action
}
