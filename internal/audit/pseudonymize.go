package audit

import (
	"context"
	"strings"

	"console/internal/database"
)

// Erased is what replaces a deleted user's email or name in the details of
// the entries about them.
const Erased = "[erased]"

// Pseudonymize takes a deleted user's email and name out of the entries
// they made or that are about them: the entries stay, their actor and
// target now the user's id alone, which names no one once the user's row
// is a tombstone. Entries about the user are found through their target
// (a partial index on user ids keeps this from reading the whole log).
func Pseudonymize(ctx context.Context, db database.DBTX, userID, email, name string) error {
	_, err := db.Exec(ctx, `
		UPDATE audit_log SET details = (
			SELECT jsonb_object_agg(key, CASE
				WHEN jsonb_typeof(value) = 'string' AND (lower(value #>> '{}') = $2 OR ($3 <> '' AND (value #>> '{}') = $3)) THEN to_jsonb($4::text)
				ELSE value END)
			FROM jsonb_each(details))
		WHERE (actor_user_id = $1 OR (target = $1 AND target LIKE 'US%')) AND details <> '{}'::jsonb`,
		userID, strings.ToLower(email), name, Erased)
	return err
}
