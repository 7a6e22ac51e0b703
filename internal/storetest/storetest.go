// Package storetest gives tests real databases: a fresh SQLite file per
// test, and a PostgreSQL database in the state of a migrated template: one
// a test binary keeps and resets between its tests (NewPostgres, see
// pool.go), or a fresh clone of the template (NewPostgresURL). There are no
// database mocks in phucdap.
//
// Postgres is found through PHUCDAP_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). When it is not
// reachable the Postgres half skips with a message, unless CI=true, where a
// missing Postgres fails the test.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for admin work

	"github.com/phucdap/phucdap/internal/store"
)

// DefaultPostgresURL is used when PHUCDAP_TEST_POSTGRES is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the admin DSN tests use.
func PostgresURL() string {
	if v := os.Getenv("PHUCDAP_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgresURL
}

// Each runs fn once per dialect, as subtests named "sqlite" and "postgres",
// each with a database of its own in the state of a freshly migrated one
// (see NewSQLite and NewPostgres). The two halves run in
// parallel with each other, and the test itself is marked parallel (see
// Parallel) unless it was marked Serial: fn must not touch process-wide
// state (environment variables, the working directory, fixed ports,
// package-level variables), and what the test does after Each returns runs
// before the halves do.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	Parallel(t)
	t.Run("sqlite", func(t *testing.T) { Parallel(t); fn(t, NewSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { Parallel(t); fn(t, NewPostgres(t)) })
}

var (
	marksMu sync.Mutex
	// parallelTests holds the tests Parallel marked, so that a second call
	// for the same test (Each twice in one test) does nothing.
	parallelTests = map[*testing.T]bool{}
	// serialNames holds the names of the tests marked Serial; their
	// subtests stay serial too.
	serialNames = map[string]bool{}
	// freshNames holds the names of the tests marked Fresh; their subtests
	// get fresh databases too.
	freshNames = map[string]bool{}
)

// Parallel marks t parallel (t.Parallel) once, however many times it is
// called for t, unless t or a test above it was marked Serial. Call it
// before taking a database or anything scarce: a parallel test waits for
// its turn after this call, holding what it already took.
func Parallel(t *testing.T) {
	t.Helper()
	marksMu.Lock()
	if markedAbove(serialNames, t.Name()) {
		marksMu.Unlock()
		return
	}
	if parallelTests[t] {
		marksMu.Unlock()
		return
	}
	parallelTests[t] = true
	marksMu.Unlock()
	t.Cleanup(func() {
		marksMu.Lock()
		delete(parallelTests, t)
		marksMu.Unlock()
	})
	defer func() {
		// A test that called t.Parallel itself before Each is parallel
		// already; anything else is a real misuse and stays a panic.
		if r := recover(); r != nil && r != "testing: t.Parallel called multiple times" {
			panic(r)
		}
	}()
	t.Parallel()
}

// Serial keeps t and its subtests serial: Each and Parallel leave them be.
// A test that sets environment variables, changes directory, or holds
// process-wide state calls it first.
func Serial(t *testing.T) {
	t.Helper()
	mark(t, serialNames)
}

// Fresh gives t and its subtests fresh PostgreSQL databases from
// NewPostgres, never kept ones (see pool.go). A test whose assertions rest
// on the planner's estimates (EXPLAIN, ANALYZE, generic plans) calls it
// first: a kept database holds the template's rows, but its tables keep the
// pages of the rows earlier tests deleted, and the planner counts pages.
func Fresh(t *testing.T) {
	t.Helper()
	mark(t, freshNames)
}

// mark puts t's name in set (serialNames, freshNames) until t ends, for
// markedAbove to find from t and its subtests.
func mark(t *testing.T, set map[string]bool) {
	name := t.Name()
	marksMu.Lock()
	set[name] = true
	marksMu.Unlock()
	t.Cleanup(func() {
		marksMu.Lock()
		delete(set, name)
		marksMu.Unlock()
	})
}

// markedAbove reports whether the test named name, or a test above it, is
// in set. The caller holds marksMu.
func markedAbove(set map[string]bool, name string) bool {
	for {
		if set[name] {
			return true
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return false
		}
		name = name[:i]
	}
}

// NewSQLite returns a migrated SQLite database in a temp dir, closed at the
// end of the test. It is a copy of a template file migrated once per
// schema version (see sqliteTemplate), so a test does not pay for running
// every migration again.
func NewSQLite(t testing.TB) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "phucdap.db")
	if err := copyFile(sqliteTemplate(t), path); err != nil {
		t.Fatalf("copy the sqlite template: %v", err)
	}
	db, err := store.Open(context.Background(), store.Options{Dialect: store.SQLite, Path: path})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	// A no-op on the current schema; it fails loudly if the template and
	// the migrations ever disagree.
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

var (
	sqliteTmplMu   sync.Mutex
	sqliteTmplPath string
)

// sqliteTemplate returns the path of a SQLite file migrated to the current
// schema. It lives in the system temp dir under a name that carries a hash
// of the migration files, so every test binary of a run, and later runs,
// share it, and a changed migration makes a new one. It is written under a
// temporary name and renamed into place, so a reader never sees half a
// file.
func sqliteTemplate(t testing.TB) string {
	t.Helper()
	sqliteTmplMu.Lock()
	defer sqliteTmplMu.Unlock()
	if sqliteTmplPath != "" {
		return sqliteTmplPath
	}
	dir := filepath.Join(os.TempDir(), "phucdap-storetest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sqlite-"+migrationsHash(t, store.SQLite)+".db")
	if _, err := os.Stat(path); err == nil {
		sqliteTmplPath = path
		return path
	}
	building, err := os.MkdirTemp(dir, "building-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(building)
	tmp := filepath.Join(building, "phucdap.db")
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Dialect: store.SQLite, Path: tmp})
	if err != nil {
		t.Fatalf("open the sqlite template: %v", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		t.Fatalf("migrate the sqlite template: %v", err)
	}
	// Fold the write-ahead log into the file: only the file is copied.
	if _, err := db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		db.Close()
		t.Fatalf("checkpoint the sqlite template: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	sqliteTmplPath = path
	return path
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// NewPostgres returns a migrated PostgreSQL database holding what the
// template holds. Under Main it is a kept database, reset after the test
// and handed to a later one (see pool.go); for a benchmark, a test marked
// Fresh, or without Main, a fresh one, dropped at the end of the test.
func NewPostgres(t testing.TB) *store.DB {
	t.Helper()
	if mayKeep(t) {
		adminDB(t)
		p, err := takePooled(t)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { p.giveBack(t) })
		return p.db
	}
	dsn := NewPostgresURL(t)
	var db *store.DB
	err := retryBusy(func() (err error) {
		db, err = store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: dsn, MaxOpenConns: 8, MaxIdleConns: 2})
		return err
	})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// mayKeep reports whether t may have a kept database: a test (a benchmark
// measures, so it gets a fresh one) not marked Fresh, under Main.
func mayKeep(tb testing.TB) bool {
	t, ok := tb.(*testing.T)
	if !ok || !drops.pooling() {
		return false
	}
	marksMu.Lock()
	defer marksMu.Unlock()
	return !markedAbove(freshNames, t.Name())
}

// NewPostgresURL creates a fresh, migrated database and returns its DSN. The
// database is dropped when the test ends. Use it to start a real binary.
func NewPostgresURL(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t, true)
}

// NewEmptyPostgresURL creates a fresh database with no tables at all, for
// tests of migration itself.
func NewEmptyPostgresURL(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t, false)
}

func newPostgresDB(t testing.TB, migrated bool) string {
	t.Helper()
	admin := adminDB(t)
	ctx := context.Background()
	name := "phucdap_t_" + randomHex(6)
	q := "CREATE DATABASE " + name
	if migrated {
		q += " TEMPLATE " + template(t, admin)
	}
	takeSlot(t)
	if err := retryBusy(func() error { _, err := admin.ExecContext(ctx, q); return err }); err != nil {
		<-postgresDBs
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		drops.drop(t, admin, name)
		<-postgresDBs
	})
	return withDatabase(PostgresURL(), name)
}

// MaxPostgresDatabases bounds the test databases one test binary holds at
// once. The server is shared (by the packages go test runs side by side,
// and by other people's runs) and allows a hundred connections in all; a
// test waits here for its turn rather than fail with "too many clients".
const MaxPostgresDatabases = 6

var postgresDBs = make(chan struct{}, MaxPostgresDatabases)

// retryBusy runs fn again while the server refuses connections because it
// has too many (SQLSTATE 53300), for up to a minute.
func retryBusy(fn func() error) error {
	deadline := time.Now().Add(time.Minute)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		err := fn()
		if err == nil || !strings.Contains(err.Error(), "53300") || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

var (
	adminOnce sync.Once
	adminConn *sql.DB
	adminErr  error

	tmplMu   sync.Mutex
	tmplName string
)

func adminDB(t testing.TB) *sql.DB {
	t.Helper()
	adminOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			adminErr = err
			return
		}
		// Creating and dropping databases needs few connections, and the
		// server's are shared.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(2)
		if err := retryBusy(func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return db.PingContext(ctx)
		}); err != nil {
			db.Close()
			adminErr = err
			return
		}
		adminConn = db
	})
	if adminErr != nil {
		msg := fmt.Sprintf("PostgreSQL is not reachable at %s (%v); set PHUCDAP_TEST_POSTGRES or start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", redact(PostgresURL()), adminErr)
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true requires PostgreSQL: " + msg)
		}
		t.Skip("skipping the PostgreSQL half: " + msg)
	}
	return adminConn
}

// template returns the name of a database migrated to the current schema,
// creating it once per schema version. Its name carries a hash of the
// migration files, so a changed migration gets a new template.
func template(t testing.TB, admin *sql.DB) string {
	t.Helper()
	tmplMu.Lock()
	defer tmplMu.Unlock()
	if tmplName != "" {
		return tmplName
	}
	name := "phucdap_tmpl_" + migrationsHash(t, store.Postgres)
	ctx := context.Background()
	// Several test binaries run in parallel; serialise template creation.
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7091)"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(7091)")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		building := name + "_b"
		conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
			t.Fatalf("create template: %v", err)
		}
		db, err := store.Open(ctx, store.Options{Dialect: store.Postgres, URL: withDatabase(PostgresURL(), building)})
		if err != nil {
			t.Fatalf("open template: %v", err)
		}
		_, err = db.Migrate(ctx)
		db.Close()
		if err != nil {
			t.Fatalf("migrate template: %v", err)
		}
		if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
			t.Fatalf("rename template: %v", err)
		}
	}
	tmplName = name
	return name
}

func migrationsHash(t testing.TB, d store.Dialect) string {
	t.Helper()
	fsys, err := store.MigrationsFS(d)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, _ := fs.ReadFile(fsys, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
