package database

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// RetryAfter is what a request refused for a database outage tells the
// client to wait before trying again (the Retry-After header).
const RetryAfter = 5 * time.Second

// Unavailable reports whether err means the database could not be reached
// or is refusing work for now (down, restarting, shutting down, out of
// connections), rather than that the request or the code was wrong. The
// API and the console answer such an error with 503 and Retry-After, so
// that clients back off and try again instead of reporting a bug.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true // no connection could be made: refused, unknown host, database not accepting connections, ...
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableCode(pgErr.Code)
	}
	if errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) {
		return true // the connection went away under a query, or none was free in time
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// A server that closes the socket mid-conversation (killed, restarted)
	// leaves the driver reading an end of file.
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// unavailableCode reports whether a SQLSTATE says the server cannot serve
// now rather than that the statement was wrong.
func unavailableCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"): // connection exception
		return true
	case strings.HasPrefix(code, "53"): // insufficient resources: too many connections, out of memory, disk full
		return true
	}
	switch code {
	case "57P01", // admin_shutdown: terminated by an administrator or a fast shutdown
		"57P02", // crash_shutdown
		"57P03", // cannot_connect_now: starting up or in recovery
		"57P05", // idle_session_timeout
		"25006": // read_only_sql_transaction: a standby after a failover
		return true
	}
	return false
}
