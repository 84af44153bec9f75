package voice

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
)

// Filter narrows a list of calls. Each time bound is a half-open range
// [Since, Before) on its column; a nil bound does not narrow.
type Filter struct {
	To, From                    string
	StartedSince, StartedBefore *time.Time
	EndedSince, EndedBefore     *time.Time
}

// List returns an account's calls, newest first, after the call with SID
// after (a page token), skipping offset, at most limit, narrowed by f.
func List(ctx context.Context, db database.DBTX, projectSID, accountSID string, f Filter, after string, offset, limit int) ([]*Call, error) {
	// A call is created before it starts or ends: an upper bound on either
	// bounds date_created too, so the account's time index stops the scan.
	created := earliest(f.StartedBefore, f.EndedBefore)
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM calls
		WHERE project_sid = $1 AND account_sid = $2 AND ($3 = '' OR to_number = $3) AND ($4 = '' OR from_number = $4)
		  AND ($5::timestamptz IS NULL OR start_time >= $5) AND ($6::timestamptz IS NULL OR start_time < $6)
		  AND ($7::timestamptz IS NULL OR end_time >= $7) AND ($8::timestamptz IS NULL OR end_time < $8)
		  AND ($9::timestamptz IS NULL OR date_created < $9)
		  AND ($10 = '' OR (date_created, sid) < (SELECT date_created, sid FROM calls WHERE project_sid = $1 AND sid = $10))
		ORDER BY date_created DESC, sid DESC OFFSET $11 LIMIT $12`,
		projectSID, accountSID, f.To, f.From, f.StartedSince, f.StartedBefore, f.EndedSince, f.EndedBefore, created, after, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Call, error) { return scan(row) })
}

// earliest is the earlier of two optional times, nil when both are.
func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}
