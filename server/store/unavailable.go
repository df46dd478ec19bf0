package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopstack/shopstack/server/domain"
)

// isUnavailable reports whether err means the database cannot serve right
// now, rather than that the request or the code is wrong: the connection
// was refused, reset or closed; no pooled connection came free before the
// request's deadline; a statement was cancelled by statement_timeout or
// the deadline; the server is shutting down or full; SQLite is locked by
// another process past its busy timeout. These answer 503 (EUNAVAILABLE),
// never 500: the request may well succeed on retry.
func isUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection_exception class
			return true
		case pe.Code == "57014", // query_canceled (statement_timeout, cancel)
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // admin/crash shutdown, cannot connect now
			pe.Code == "53300", // too_many_connections
			pe.Code == "55P03": // lock_not_available (lock_timeout)
			return true
		}
		return false // any other server error is about the statement
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), pgconn.Timeout(err), errors.Is(err, pgconn.ErrConnClosed):
		return true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// Waiting for a pooled connection or for a statement outlasted the
		// request's deadline (Deps.RequestTimeout).
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne):
		return true
	}
	msg := errText(err)
	// SQLite (modernc): SQLITE_BUSY / SQLITE_LOCKED after busy_timeout.
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") ||
		strings.Contains(msg, "database table is locked")
}

// unavailable returns err as EUNAVAILABLE when isUnavailable, keeping the
// cause in the chain for the log (the HTTP layer never shows it), and err
// unchanged otherwise.
func unavailable(err error) error {
	if err == nil || !isUnavailable(err) {
		return err
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err // already a domain error (maybe already this one)
	}
	return fmt.Errorf("%w: %w", domain.Unavailable("the shop's database is unavailable, try again shortly"), err)
}
