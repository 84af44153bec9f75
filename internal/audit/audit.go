// Package audit records who did what, when and from where. Entries are
// written with the same DBTX as the change they describe, so a change and
// its record commit together.
//
// A request's actor is built once, by the console's and the API's
// middleware, and carried in its context (WithActor, ActorFrom); a service
// takes it as an argument and writes its entry with Record. Actions are
// named by the constants in actions.go, shared by the console and the API,
// so that the same change makes the same entry whichever way it came.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"console/internal/database"
)

// Entry is one audited action.
type Entry struct {
	ProjectSID  string
	AccountSID  string
	ActorUserID string
	Actor       string
	Action      string
	Target      string
	IP          string
	Details     map[string]string
	At          time.Time
	// UserAgent, RequestID and CredentialSID come from the actor (Record).
	UserAgent     string
	RequestID     string
	CredentialSID string
}

var errNoActor = errors.New("audit: no actor")

// On names what an entry is about: the project, the account of the
// project the change is in ("" for the project as a whole or a user's own
// settings) and the target's identifier (a SID, a user or payment ID).
type On struct {
	Project, Account, Target string
	// At dates the entry; zero means now. Only seeded history (the demo)
	// records a change in the past.
	At time.Time
}

// Record appends the entry of action, made by actor, about on. It is the
// one way a service writes its audit entry.
func Record(ctx context.Context, db database.DBTX, by Actor, action string, on On, details map[string]string) error {
	if by.Kind == "" {
		// A zero Actor is a caller that forgot to say who acted: refusing
		// it beats filing the change under nobody.
		return errNoActor
	}
	return insert(ctx, db, Entry{ProjectSID: on.Project, AccountSID: on.Account, ActorUserID: by.UserID, Actor: by.Kind,
		Action: action, Target: on.Target, IP: by.IP, Details: details, At: on.At,
		UserAgent: by.UserAgent, RequestID: by.RequestID, CredentialSID: by.Credential})
}

func insert(ctx context.Context, db database.DBTX, e Entry) error {
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return err
		}
	}
	if e.Actor == "" {
		e.Actor = ActorSystem
	}
	// Zero is now; only seeded history (the demo) dates an entry in the past.
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := db.Exec(ctx, `
		INSERT INTO audit_log (project_sid, account_sid, actor_user_id, actor, action, target, ip, details, user_agent, request_id, credential_sid, at)
		VALUES (nullif($1, ''), nullif($2, ''), nullif($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::timestamptz, now()))`,
		e.ProjectSID, e.AccountSID, e.ActorUserID, e.Actor, e.Action, e.Target, e.IP, details,
		clip(e.UserAgent, maxUserAgent), clip(e.RequestID, maxRequestID), e.CredentialSID, at)
	return err
}
