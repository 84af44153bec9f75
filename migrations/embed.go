// Package migrations holds the schema as goose SQL files, embedded so that
// the binary migrates the database it is pointed at without any files beside it.
package migrations

import "embed"

// FS is the set of goose migrations, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
