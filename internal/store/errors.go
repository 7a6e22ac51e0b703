package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/phucdap/phucdap/internal/fault"
)

// retryable says whether a transaction failed for a reason a retry can fix:
// a Postgres serialization failure or deadlock, or SQLite being busy.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return sqliteBusy(err)
}

func sqliteBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// isUniqueViolation says whether err is a unique-constraint violation, on
// either dialect.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "constraint failed: UNIQUE")
}

// connectionLost says whether err means the database cannot be reached or
// cannot serve now, as opposed to a bad query: refused or reset connections,
// the server shutting down (57P01, 57P02) or starting up (57P03), too many
// connections, any connection exception (class 08), and SQLite still busy
// after its busy timeout. A retry later can succeed; a caller should be told
// 503, not 500.
func connectionLost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if _, ok := fault.As(err); ok {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", "53300":
			return true
		}
		return strings.HasPrefix(pe.Code, "08")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection refused", "connection reset", "broken pipe",
		"unexpected EOF", "failed to connect", "server closed the connection", "the database system is"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return sqliteBusy(err)
}

// ErrUnavailable is what every store method returns, wrapped around the
// driver's error, when the database cannot be reached: the edge answers 503
// with Retry-After.
var ErrUnavailable = fault.New(fault.Unavailable, "error.unavailable")

// outage maps connection-class errors into fault.Unavailable at the store
// boundary and logs one WARN when the database goes away and one INFO when
// it is back, instead of an error per request.
type outage struct {
	log   *slog.Logger
	mu    sync.Mutex
	down  bool
	since time.Time
	count int
}

// classify returns err unchanged, or fault.Unavailable wrapping it when the
// database cannot be reached; it records the outage.
func (o *outage) classify(err error) error {
	if !connectionLost(err) {
		return err
	}
	o.mu.Lock()
	first := !o.down
	if first {
		// Wall time: how long the database was away, for the log.
		o.down, o.since, o.count = true, time.Now(), 0
	}
	o.count++
	o.mu.Unlock()
	if first && o.log != nil {
		o.log.Warn("database unavailable; answering 503 until it is back", "err", err)
	}
	return ErrUnavailable.Wrap(err)
}

// ok records a successful round trip: it ends an outage.
func (o *outage) ok() {
	o.mu.Lock()
	if !o.down {
		o.mu.Unlock()
		return
	}
	d, n := time.Since(o.since), o.count
	o.down = false
	o.mu.Unlock()
	if o.log != nil {
		o.log.Info("database available again", "outage_seconds", d.Seconds(), "failed_calls", n)
	}
}

// register hooks classify into every gorm operation, so no store method
// has to remember it.
func (o *outage) register(g *gorm.DB) error {
	hook := func(db *gorm.DB) {
		if db.Error == nil {
			o.ok()
			return
		}
		db.Error = o.classify(db.Error)
	}
	cb := g.Callback()
	for name, err := range map[string]error{
		"create": cb.Create().After("*").Register("phucdap:unavailable", hook),
		"query":  cb.Query().After("*").Register("phucdap:unavailable", hook),
		"update": cb.Update().After("*").Register("phucdap:unavailable", hook),
		"delete": cb.Delete().After("*").Register("phucdap:unavailable", hook),
		"row":    cb.Row().After("*").Register("phucdap:unavailable", hook),
		"raw":    cb.Raw().After("*").Register("phucdap:unavailable", hook),
	} {
		if err != nil {
			return errors.New("register " + name + " callback: " + err.Error())
		}
	}
	return nil
}

// outageQuiet keeps gorm from logging every failed statement of an outage
// at ERROR: the outage has its one WARN.
type outageQuiet struct{ logger.Interface }

func (q outageQuiet) LogMode(l logger.LogLevel) logger.Interface {
	return outageQuiet{q.Interface.LogMode(l)}
}

func (q outageQuiet) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if err != nil && fault.CodeOf(err) == fault.Unavailable {
		return
	}
	q.Interface.Trace(ctx, begin, fc, err)
}
