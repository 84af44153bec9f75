// Package audit records who did what, when and from where. Entries are
// written with the same DBTX as the change they describe, so a change and
// its record commit together.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"console/internal/database"
)

// Actor kinds.
const (
	ActorUser      = "user"
	ActorAPI       = "api"
	ActorSystem    = "system"
	ActorAnonymous = "anonymous"
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
}

// Write appends e to the log.
func Write(ctx context.Context, db database.DBTX, e Entry) error {
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return err
		}
	}
	if e.Actor == "" {
		e.Actor = ActorUser
	}
	_, err := db.Exec(ctx, `
		INSERT INTO audit_log (project_sid, account_sid, actor_user_id, actor, action, target, ip, details)
		VALUES (nullif($1, ''), nullif($2, ''), nullif($3, ''), $4, $5, $6, $7, $8)`,
		e.ProjectSID, e.AccountSID, e.ActorUserID, e.Actor, e.Action, e.Target, e.IP, details)
	return err
}

// ForUser lists the newest entries made by or about a user, newest first.
func ForUser(ctx context.Context, db database.DBTX, userID string, limit int) ([]Entry, error) {
	rows, err := db.Query(ctx, `
		SELECT coalesce(project_sid, ''), coalesce(account_sid, ''), coalesce(actor_user_id, ''), actor, action, target, ip, details, at
		FROM audit_log WHERE actor_user_id = $1 ORDER BY id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var details []byte
		if err := rows.Scan(&e.ProjectSID, &e.AccountSID, &e.ActorUserID, &e.Actor, &e.Action, &e.Target, &e.IP, &details, &e.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(details, &e.Details); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
