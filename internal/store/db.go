// Package store owns persistence: opening SQLite or PostgreSQL through gorm,
// the goose migrations for each dialect, and the gorm implementations of the
// domain stores. It is the only package that knows SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names a supported database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options say which database to open and how.
type Options struct {
	Dialect      Dialect
	URL          string // postgres://… for Postgres
	Path         string // the file for SQLite
	MaxOpenConns int
	MaxIdleConns int
	// BusyTimeout is how long SQLite waits for a lock before a call fails
	// as unavailable (503); zero means 10 s.
	BusyTimeout time.Duration
	Logger      *slog.Logger
	// Now is the clock that stamps the rows gorm times by itself
	// (created_at, updated_at left zero): the platform clock, so that a
	// pinned or shifted clock stamps them too. Nil means the wall clock.
	Now func() time.Time
}

// DB is an open database with its dialect.
type DB struct {
	Gorm    *gorm.DB
	SQL     *sql.DB
	Dialect Dialect

	outage *outage
}

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationsFS embed.FS

// migrateLockID is the advisory lock key goose takes on Postgres, so that
// replicas starting together run each migration once.
const migrateLockID int64 = 0x70686375 // "phcu"

// SQLiteURI is the URI of the SQLite file at path, without parameters. The
// path is escaped as a URI path: SQLite reads the DSN as a URI, so an
// unescaped "#" or "?" in it ended the file name there (a test's temp dir
// "…sqlite#01…" opened the file "…sqlite", shared by every run), and "%"
// started an escape. Whatever opens phucdap's file by hand (a test, a
// tool) uses it too.
func SQLiteURI(path string) string { return "file:" + (&url.URL{Path: path}).EscapedPath() }

// Open connects to the database. For SQLite it creates the file's directory
// and sets WAL, a busy timeout, foreign keys and full synchronous commits, so
// an acknowledged write survives a power cut.
func Open(ctx context.Context, o Options) (*DB, error) {
	gl := logger.Discard
	if o.Logger != nil {
		// ParameterizedQueries keeps personal data out of slow-query logs.
		gl = outageQuiet{logger.NewSlogLogger(o.Logger, logger.Config{
			SlowThreshold:             500 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		})}
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	cfg := &gorm.Config{Logger: gl, SkipDefaultTransaction: true, NowFunc: func() time.Time { return now().UTC() }}
	var (
		g   *gorm.DB
		err error
	)
	switch o.Dialect {
	case SQLite:
		if dir := filepath.Dir(o.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		busy := o.BusyTimeout
		if busy <= 0 {
			busy = 10 * time.Second
		}
		dsn := SQLiteURI(o.Path) + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + fmt.Sprint(busy.Milliseconds()) + ")" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
		g, err = gorm.Open(sqlite.Open(dsn), cfg)
	case Postgres:
		g, err = gorm.Open(postgres.Open(o.URL), cfg)
	default:
		return nil, fmt.Errorf("unknown database dialect %q", o.Dialect)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", o.Dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	switch o.Dialect {
	case SQLite:
		// One writer at a time is what SQLite does anyway; a single
		// connection avoids SQLITE_BUSY storms and keeps p99 flat.
		sqlDB.SetMaxOpenConns(1)
	case Postgres:
		if o.MaxOpenConns > 0 {
			sqlDB.SetMaxOpenConns(o.MaxOpenConns)
		}
		if o.MaxIdleConns > 0 {
			sqlDB.SetMaxIdleConns(o.MaxIdleConns)
		}
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s: %w", o.Dialect, err)
	}
	out := &outage{log: o.Logger}
	if err := out.register(g); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &DB{Gorm: g, SQL: sqlDB, Dialect: o.Dialect, outage: out}, nil
}

// Ping checks that the database answers. A connection-class failure comes
// back as fault.Unavailable, like every other store call.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.SQL.PingContext(ctx); err != nil {
		return db.unavailable(err)
	}
	db.outage.ok()
	return nil
}

// answered records a successful round trip that did not pass through a
// gorm callback: it ends an outage.
func (db *DB) answered() {
	if db.outage != nil {
		db.outage.ok()
	}
}

// unavailable maps a connection-class error that did not pass through a
// gorm callback (a failed BEGIN, a ping) into fault.Unavailable.
func (db *DB) unavailable(err error) error {
	if db.outage == nil {
		return err
	}
	return db.outage.classify(err)
}

// Close closes the pool.
func (db *DB) Close() error { return db.SQL.Close() }

// MigrationsFS returns the migration files of one dialect.
func MigrationsFS(d Dialect) (fs.FS, error) {
	return fs.Sub(migrationsFS, "migrations/"+string(d))
}

func (db *DB) provider() (*goose.Provider, error) {
	fsys, err := MigrationsFS(db.Dialect)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.SQL, fsys, opts...)
}

// MigrationResult says what one migration did.
type MigrationResult struct {
	Version  int64
	Name     string
	Duration time.Duration
}

// Migrate applies every pending migration. On Postgres it holds an advisory
// lock for the whole run, so concurrent starts apply each migration once.
func (db *DB) Migrate(ctx context.Context) ([]MigrationResult, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	var out []MigrationResult
	for _, r := range res {
		if r.Source != nil {
			out = append(out, MigrationResult{Version: r.Source.Version, Name: filepath.Base(r.Source.Path), Duration: r.Duration})
		}
	}
	if err != nil {
		var pe *goose.PartialError
		if errors.As(err, &pe) && pe.Failed != nil && pe.Failed.Source != nil {
			return out, fmt.Errorf("migration %s failed: %w", filepath.Base(pe.Failed.Source.Path), pe.Err)
		}
		return out, fmt.Errorf("migrate: %w", err)
	}
	return out, nil
}

// MigrationStatus is one migration's state.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists every known migration and whether it ran.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version:   s.Source.Version,
			Name:      filepath.Base(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// Pending reports whether migrations remain to run. /readyz uses it.
func (db *DB) Pending(ctx context.Context) (bool, error) {
	p, err := db.provider()
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

// Tx runs fn in a transaction. On Postgres a serialization failure or
// deadlock is retried a few times; fn must therefore be safe to re-run.
func (db *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := retrying(func() error { return db.Gorm.WithContext(ctx).Transaction(fn) })
	if err != nil {
		return db.unavailable(err)
	}
	// A commit is a round trip too, whether the statements went through
	// gorm or straight to the driver (pgExec).
	db.answered()
	return nil
}

// retrying runs a transaction until it succeeds, fails in a way a retry
// cannot mend, or has met a serialization failure, a deadlock or a busy
// SQLite (retryable) five times, waiting a little longer each time.
func retrying(tx func() error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = tx(); err == nil || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	return err
}

// seedTx runs a seed that inserts what is missing (units, topics). Two
// replicas starting at once on an empty database both find the rows
// missing; the unique key refuses the later inserts, and the retry finds
// the rows the other replica committed and adds nothing.
func seedTx(ctx context.Context, db *DB, fn func(tx *gorm.DB) error) error {
	err := db.Tx(ctx, fn)
	for attempt := 0; attempt < 3 && err != nil && isUniqueViolation(err); attempt++ {
		err = db.Tx(ctx, fn)
	}
	return err
}
