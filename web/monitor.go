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

// ActionLabel is an action's label in ctx's language; an action the
// catalogs do not know (written by a newer version) shows as stored.
func ActionLabel(ctx context.Context, action string) string {
	if key := audit.LabelKey(action); i18n.Has(i18n.Locale(ctx), key) {
		return t(ctx, key)
	}
	return action
}

// EventActor says who made e, in ctx's language; people names the users.
func EventActor(ctx context.Context, e *audit.Event, people map[string]Person) string {
	switch e.Actor {
	case audit.ActorUser:
		if p, ok := people[e.ActorUserID]; ok {
			return p.Name + " (" + p.Email + ")"
		}
		return t(ctx, "events.actor_former_user", e.ActorUserID)
	case audit.ActorAPI:
		if e.CredentialSID != "" {
			return t(ctx, "events.actor_api_with", e.CredentialSID)
		}
		return t(ctx, "events.actor_api")
	case audit.ActorSystem:
		return t(ctx, "events.actor_system")
	}
	return t(ctx, "events.actor_anonymous")
}

// accountName names one of the project's accounts by its friendly name.
func accountName(accounts []*account.Account, accountSID string) string {
	for _, a := range accounts {
		if a.SID == accountSID {
			return a.FriendlyName
		}
	}
	return accountSID
}

// EventTime is when e happened, to the second, in the project's time zone.
func EventTime(ctx context.Context, at time.Time) string {
	loc := time.UTC
	if p := CurrentProject(ctx); p != nil {
		loc = p.Location()
	}
	return at.In(loc).Format("2006-01-02 15:04:05 MST")
}

// orEmpty shows an empty value as such rather than as nothing.
func orEmpty(ctx context.Context, v string) string {
	if v == "" {
		return t(ctx, "events.empty_value")
	}
	return v
}
