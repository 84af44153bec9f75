package audit

import (
	"context"
	"time"

	"console/internal/database"
)

// Purge deletes the entries older than before, batch rows per statement
// (so that no statement holds many row locks or runs long), at most
// maxBatches statements; it returns how many it deleted. What it leaves
// is deleted by the next run.
func Purge(ctx context.Context, db database.DBTX, before time.Time, batch, maxBatches int) (int64, error) {
	var total int64
	for range maxBatches {
		tag, err := db.Exec(ctx, `
			DELETE FROM audit_log WHERE id IN (
				SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2)`, before, batch)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < int64(batch) {
			break
		}
	}
	return total, nil
}
