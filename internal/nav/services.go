// Package nav is the console's service catalog and each user's pins: the
// sidebar lists every service, and pinned ones appear as shortcuts on the
// dashboard.
package nav

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/team"
)

// Service is one entry of the service list.
type Service struct {
	ID      string
	NameKey string // catalog key of its name
	Icon    string // the name of its icon in web/static/icons/icons.svg
	// Path is where the service lives once it is built; empty while it is not.
	Path string
	// Perm is what a role needs to see the service.
	Perm team.Permission
}

// Services in sidebar order.
var Services = []Service{
	{ID: "voice", NameKey: "service.voice", Icon: "phone", Path: "/voice/logs", Perm: team.PermLogsView},
	{ID: "sms", NameKey: "service.sms", Icon: "message-square", Path: "/sms/logs", Perm: team.PermLogsView},
	{ID: "numbers", NameKey: "service.numbers", Icon: "hash", Path: "/phone-numbers", Perm: team.PermNumbersManage},
	{ID: "billing", NameKey: "service.billing", Icon: "wallet", Path: "/billing", Perm: team.PermBillingView},
	{ID: "usage", NameKey: "service.usage", Icon: "chart-column", Path: "/usage", Perm: team.PermUsageView},
	{ID: "monitor", NameKey: "service.monitor", Icon: "activity", Path: "/monitor/events", Perm: team.PermEventsView},
	{ID: "settings", NameKey: "service.settings", Icon: "settings", Path: "/settings", Perm: team.PermSettingsView},
}

// DefaultPins are pinned for every new user, as Twilio does.
var DefaultPins = []string{"voice", "sms", "numbers"}

// ByID finds a service.
func ByID(id string) (Service, bool) {
	for _, s := range Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// PinDefaults pins the default services for a new user.
func PinDefaults(ctx context.Context, db database.DBTX, userID string) error {
	_, err := db.Exec(ctx, `INSERT INTO user_pins (user_id, service) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, userID, DefaultPins)
	return err
}

const pinsSQL = `SELECT service FROM user_pins WHERE user_id = $1`

// QueuePins adds the Pins lookup to a batch.
func QueuePins(b *pgx.Batch, userID string, dst *map[string]bool) {
	b.Queue(pinsSQL, userID).Query(func(rows pgx.Rows) error {
		var err error
		*dst, err = scanPins(rows)
		return err
	})
}

func scanPins(rows pgx.Rows) (map[string]bool, error) {
	defer rows.Close()
	pins := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		pins[s] = true
	}
	return pins, rows.Err()
}

// SetPin pins or unpins a service for userID.
func SetPin(ctx context.Context, db database.DBTX, userID, service string, pinned bool) error {
	var err error
	if pinned {
		_, err = db.Exec(ctx, `INSERT INTO user_pins (user_id, service) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, service)
	} else {
		_, err = db.Exec(ctx, `DELETE FROM user_pins WHERE user_id = $1 AND service = $2`, userID, service)
	}
	return err
}

// Href is where the service's link leads: its page, or the page saying it
// is not available yet.
func (s Service) Href() string {
	if s.Path != "" {
		return s.Path
	}
	return "/services/" + s.ID
}
