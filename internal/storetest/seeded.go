package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/phucdap/phucdap/internal/store"
)

// Seeded is the state a seed function writes into a freshly migrated
// database, written once per test binary and dialect and then copied into
// every database Fill is given: a test app's seed (the unit directory, the
// plan, the topics, the built-in calendar and rules) took as much CPU as
// most of the tests that start from it.
//
// The copy is of rows, into the database the test already has: SQLite
// copies them from the seeded file, attached; PostgreSQL from COPY output
// read once from the seeded database, with triggers and foreign keys off
// for the copy (session_replication_role), and sets the sequences as the
// seed left them. The database is the same *store.DB, ids and all, as if
// the seed had run on it.
type Seeded struct {
	seed func(ctx context.Context, db *store.DB) error

	mu     sync.Mutex
	states map[store.Dialect]*seededState
}

// seededState is one dialect's seeded copy.
type seededState struct {
	err error
	// base is the row count of each table of a freshly migrated
	// database; a database with these counts has had nothing written.
	base map[string]int64
	// tables are the tables the seed wrote to, in name order.
	tables []string
	// path is the seeded SQLite file.
	path string
	// rows are the seeded tables' COPY text, and sequences the sequences'
	// values (PostgreSQL).
	rows      map[string][]byte
	sequences map[string]int64
}

// NewSeeded returns the seeded state that seed writes. Nothing runs until
// the first Fill of each dialect.
func NewSeeded(seed func(ctx context.Context, db *store.DB) error) *Seeded {
	return &Seeded{seed: seed, states: map[store.Dialect]*seededState{}}
}

// versionTable is goose's; it is never copied and never compared.
const versionTable = "goose_db_version"

// Fill copies the seeded rows into db when nothing has been written to db
// since it was migrated (each table holds what a freshly migrated database
// holds), and reports whether it did. Otherwise it leaves db alone and the
// caller seeds it the usual way (a second app over a database already in
// use, a database a test wrote to first).
func (s *Seeded) Fill(t testing.TB, db *store.DB) bool {
	t.Helper()
	st := s.state(t, db.Dialect)
	ctx := context.Background()
	counts, err := rowCounts(ctx, db.SQL, db.Dialect)
	if err != nil {
		t.Fatalf("storetest: count rows: %v", err)
	}
	for name, n := range st.base {
		if counts[name] != n {
			return false
		}
	}
	if len(counts) != len(st.base) {
		return false
	}
	switch db.Dialect {
	case store.SQLite:
		err = fillSQLite(ctx, db, st)
	case store.Postgres:
		err = fillPostgres(ctx, db, st)
	default:
		err = fmt.Errorf("unknown dialect %q", db.Dialect)
	}
	if err != nil {
		t.Fatalf("storetest: copy the seeded rows: %v", err)
	}
	return true
}

// state builds the dialect's seeded copy once: over a fresh database of
// its own, counted before the seed runs and read after.
func (s *Seeded) state(t testing.TB, d store.Dialect) *seededState {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.states[d]; ok {
		if st.err != nil {
			t.Fatalf("storetest: seed %s: %v", d, st.err)
		}
		return st
	}
	st := &seededState{}
	st.err = func() error {
		switch d {
		case store.SQLite:
			return s.seedSQLite(t, st)
		case store.Postgres:
			return s.seedPostgres(t, st)
		}
		return fmt.Errorf("unknown dialect %q", d)
	}()
	s.states[d] = st
	if st.err != nil {
		t.Fatalf("storetest: seed %s: %v", d, st.err)
	}
	return st
}

func (s *Seeded) seedSQLite(t testing.TB, st *seededState) error {
	dir, err := os.MkdirTemp("", "phucdap-seeded-")
	if err != nil {
		return err
	}
	atExit(func() { os.RemoveAll(dir) })
	st.path = filepath.Join(dir, "seeded.db")
	if err := copyFile(sqliteTemplate(t), st.path); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Dialect: store.SQLite, Path: st.path})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := s.run(ctx, db, st); err != nil {
		return err
	}
	// Fold the log into the file and leave WAL: every test database
	// attaches the file read-only, at once, which a file in WAL mode
	// allows only with its -shm beside it.
	_, err = db.SQL.ExecContext(ctx, "PRAGMA journal_mode = DELETE")
	return err
}

func (s *Seeded) seedPostgres(t testing.TB, st *seededState) error {
	ctx := context.Background()
	admin := adminDB(t)
	name := "phucdap_t_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template(t, admin)); err != nil {
		return err
	}
	// The rows are read into memory: the database goes when Main ends.
	atExit(func() { drops.drop(nil, admin, name) })
	db, err := store.Open(ctx, store.Options{Dialect: store.Postgres, URL: withDatabase(PostgresURL(), name), MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := s.run(ctx, db, st); err != nil {
		return err
	}
	st.rows = map[string][]byte{}
	err = rawPG(ctx, db.SQL, func(c *stdlib.Conn) error {
		for _, table := range st.tables {
			var b bytes.Buffer
			if _, err := c.Conn().PgConn().CopyTo(ctx, &b, "COPY "+table+" TO STDOUT"); err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			st.rows[table] = b.Bytes()
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.sequences = map[string]int64{}
	rows, err := db.SQL.QueryContext(ctx, "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences WHERE last_value IS NOT NULL")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq string
		var v int64
		if err := rows.Scan(&seq, &v); err != nil {
			return err
		}
		st.sequences[seq] = v
	}
	return rows.Err()
}

// run counts the fresh database, seeds it, and notes the tables the seed
// changed.
func (s *Seeded) run(ctx context.Context, db *store.DB, st *seededState) error {
	var err error
	if st.base, err = rowCounts(ctx, db.SQL, db.Dialect); err != nil {
		return err
	}
	if err := s.seed(ctx, db); err != nil {
		return err
	}
	after, err := rowCounts(ctx, db.SQL, db.Dialect)
	if err != nil {
		return err
	}
	for name, n := range after {
		if n != st.base[name] {
			st.tables = append(st.tables, name)
		}
	}
	slices.Sort(st.tables)
	return nil
}

func fillSQLite(ctx context.Context, db *store.DB, st *seededState) (err error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Rows go in table by table, whatever their references: the keys are
	// checked off on this connection for the copy (a pragma that a
	// transaction cannot change).
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		if _, ferr := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
			err = ferr
		}
	}()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS seeded", store.SQLiteURI(st.path)+"?mode=ro"); err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	defer conn.ExecContext(ctx, "DETACH DATABASE seeded")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var stmts []string
	for _, table := range st.tables {
		if st.base[table] > 0 {
			stmts = append(stmts, "DELETE FROM main."+table)
		}
		stmts = append(stmts, "INSERT INTO main."+table+" SELECT * FROM seeded."+table)
	}
	// AUTOINCREMENT's counters, as the seed left them.
	stmts = append(stmts, "DELETE FROM main.sqlite_sequence", "INSERT INTO main.sqlite_sequence SELECT * FROM seeded.sqlite_sequence")
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return tx.Commit()
}

func fillPostgres(ctx context.Context, db *store.DB, st *seededState) error {
	return rawPG(ctx, db.SQL, func(c *stdlib.Conn) error {
		tx, err := c.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// No triggers, so no foreign-key checks, while the rows go in table
		// by table.
		if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return err
		}
		for _, table := range st.tables {
			if st.base[table] > 0 {
				if _, err := tx.Exec(ctx, "DELETE FROM "+table); err != nil {
					return err
				}
			}
			if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(st.rows[table]), "COPY "+table+" FROM STDIN"); err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
		}
		for seq, v := range st.sequences {
			if _, err := tx.Exec(ctx, "SELECT setval($1::regclass, $2)", seq, v); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	})
}

// rawPG runs fn on one pgx connection of the pool.
func rawPG(ctx context.Context, pool *sql.DB, fn func(c *stdlib.Conn) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		return fn(c)
	})
}

// rowCounts counts the rows of every table but goose's, in one query.
func rowCounts(ctx context.Context, db *sql.DB, d store.Dialect) (map[string]int64, error) {
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d == store.Postgres {
		list = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
	}
	rows, err := db.QueryContext(ctx, list)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		if name != versionTable {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	if len(tables) == 0 {
		return counts, nil
	}
	parts := make([]string, len(tables))
	for i, name := range tables {
		parts[i] = "SELECT '" + name + "', count(*) FROM " + name
	}
	rows, err = db.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		counts[name] = n
	}
	return counts, rows.Err()
}

var (
	exitMu sync.Mutex
	exits  []func()
)

// atExit runs fn when Main ends (if it runs): it removes what lives as
// long as the test binary.
func atExit(fn func()) {
	exitMu.Lock()
	defer exitMu.Unlock()
	exits = append(exits, fn)
}

func runExits() {
	exitMu.Lock()
	fns := exits
	exits = nil
	exitMu.Unlock()
	for _, fn := range slices.Backward(fns) {
		fn()
	}
}
