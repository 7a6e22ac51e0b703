package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/store"
)

// A test binary keeps the PostgreSQL databases NewPostgres hands out, and
// their open connections, for the tests after: a fresh database costs a
// CREATE DATABASE and a DROP DATABASE, and every new server process
// (backend) in it loads its catalog caches and plans every statement
// afresh, which was most of the server's CPU in a test run. Between two
// tests a kept database is reset to the template's state: every table
// emptied by DELETE (TRUNCATE would give the tables new files, and the
// backends' caches would go cold again), the template's rows copied back
// from a snapshot taken inside the database when it was made, the
// sequences set back. A test that changed more than rows leaves its
// database to be dropped instead (see pooled.fit).
//
// Only NewPostgres databases are kept, and only for tests. A benchmark, and
// a test marked Fresh (one whose assertions rest on the planner's
// estimates, which count the pages deleted rows leave), get a fresh one. A
// test that needs a database of its own (one a child process opens, one it
// migrates, one whose schema it changes through a connection of its own)
// takes NewPostgresURL or NewEmptyPostgresURL, as before.

// snapshotSchema holds the kept database's copy of the template's rows
// and the reset function. Tests read and write the public schema only.
const snapshotSchema = "storetest"

// pooled is one kept database.
type pooled struct {
	name string
	db   *store.DB
	// schema is the fingerprint of the database's schema and planner
	// statistics when it was made (see fingerprint).
	schema string
}

var pool struct {
	mu   sync.Mutex
	free []*pooled
}

// takePooled returns a kept database in the template's state, making one
// if none is free. The caller holds a postgresDBs slot.
func takePooled(t testing.TB) (*pooled, error) {
	t.Helper()
	pool.mu.Lock()
	if n := len(pool.free); n > 0 {
		p := pool.free[n-1]
		pool.free = pool.free[:n-1]
		pool.mu.Unlock()
		return p, nil
	}
	pool.mu.Unlock()
	admin := adminDB(t)
	ctx := context.Background()
	name := "phucdap_t_" + randomHex(6)
	if err := retryBusy(func() error {
		_, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template(t, admin))
		return err
	}); err != nil {
		return nil, fmt.Errorf("create test database: %w", err)
	}
	p := &pooled{name: name}
	var err error
	if err = retryBusy(func() (err error) {
		p.db, err = store.Open(ctx, store.Options{Dialect: store.Postgres, URL: withDatabase(PostgresURL(), name), MaxOpenConns: poolOpenConns, MaxIdleConns: poolIdleConns})
		return err
	}); err == nil {
		// A no-op on the current schema; it fails loudly if the template
		// and the migrations ever disagree.
		if _, err = p.db.Migrate(ctx); err == nil {
			err = p.snapshot(ctx)
		}
	}
	if err != nil {
		p.discard(t)
		return nil, err
	}
	return p, nil
}

// The connections of a kept database: those a test opens (up to
// poolOpenConns at once) and those kept open between uses.
const (
	poolOpenConns = 8
	poolIdleConns = 2
)

// snapshot copies the rows of every public table that has any into the
// snapshot schema, notes every sequence's state, and creates the function
// reset() that puts them back.
func (p *pooled) snapshot(ctx context.Context) error {
	counts, err := rowCounts(ctx, p.db.SQL, store.Postgres)
	if err != nil {
		return err
	}
	var versions int64
	if err := p.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM "+versionTable).Scan(&versions); err != nil {
		return err
	}
	counts[versionTable] = versions
	var copies, deletes, inserts strings.Builder
	for _, table := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&deletes, "DELETE FROM public.%s;\n", table)
		if counts[table] > 0 {
			// In the table's physical order, so that a refilled table
			// reads back in the order the template's does.
			fmt.Fprintf(&copies, "CREATE TABLE %s.%s AS SELECT * FROM public.%s;\n", snapshotSchema, table, table)
			fmt.Fprintf(&inserts, "INSERT INTO public.%s SELECT * FROM %s.%s;\n", table, snapshotSchema, table)
		}
	}
	var setvals []string
	if err := p.db.Gorm.Raw("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1").Scan(&setvals).Error; err != nil {
		return err
	}
	for i, name := range setvals {
		var value int64
		var called bool
		if err := p.db.SQL.QueryRowContext(ctx, "SELECT last_value, is_called FROM public."+name).Scan(&value, &called); err != nil {
			return err
		}
		setvals[i] = fmt.Sprintf("PERFORM setval('public.%s', %d, %t);\n", name, value, called)
	}
	// No triggers (so no foreign-key checks and no append-only guards)
	// while the rows go out and back in.
	_, err = p.db.SQL.ExecContext(ctx, "CREATE SCHEMA "+snapshotSchema+";\n"+copies.String()+
		"CREATE FUNCTION "+snapshotSchema+".reset() RETURNS void LANGUAGE plpgsql AS $reset$\nBEGIN\n"+
		"SET LOCAL session_replication_role = replica;\n"+deletes.String()+inserts.String()+strings.Join(setvals, "")+
		"END\n$reset$;\n")
	if err != nil {
		return err
	}
	p.schema, err = p.fingerprint(ctx)
	return err
}

// fingerprint describes what a reset does not put back: the schema (every
// relation, column, constraint, trigger and function) and the planner's
// statistics.
func (p *pooled) fingerprint(ctx context.Context) (string, error) {
	var s string
	err := p.db.SQL.QueryRowContext(ctx, `SELECT md5(concat_ws('|',
		(SELECT string_agg(c.oid || ':' || c.relname || ':' || c.relkind::text || ':' || c.reltuples || ':' || c.relpages, ',' ORDER BY c.oid)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'storetest')),
		(SELECT string_agg(a.attrelid || ':' || a.attname || ':' || a.atttypid || ':' || a.attnotnull, ',' ORDER BY a.attrelid, a.attnum)
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped),
		(SELECT count(*) FROM pg_constraint),
		(SELECT count(*) || ':' || coalesce(max(oid::text::bigint), 0) FROM pg_trigger),
		(SELECT count(*) || ':' || coalesce(max(oid::text::bigint), 0) FROM pg_proc),
		(SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public')
	))`).Scan(&s)
	return s, err
}

// giveBack resets a kept database after its test and keeps it, or drops it
// when it is not fit to keep.
func (p *pooled) giveBack(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if err := p.fit(ctx); err != nil {
		t.Logf("storetest: dropping the test database instead of keeping it: %v", err)
		p.discard(t)
		return
	}
	if _, err := p.db.SQL.ExecContext(ctx, "SELECT "+snapshotSchema+".reset()"); err != nil {
		t.Logf("storetest: reset the test database: %v", err)
		p.discard(t)
		return
	}
	pool.mu.Lock()
	pool.free = append(pool.free, p)
	pool.mu.Unlock()
}

// fit reports why the database cannot be reset to the template's state:
// the test left a query running, changed its pool (a test that sets
// session settings keeps to one connection, so a changed pool is how they
// show), changed its schema or statistics, or left session state behind.
func (p *pooled) fit(ctx context.Context) error {
	// A query the test left running (a background export, say) would
	// write after the reset.
	for wait := time.Millisecond; p.db.SQL.Stats().InUse > 0; wait *= 2 {
		if wait > 5*time.Second {
			return fmt.Errorf("%d connections still in use after the test", p.db.SQL.Stats().InUse)
		}
		time.Sleep(wait)
	}
	if st := p.db.SQL.Stats(); st.MaxOpenConnections != poolOpenConns {
		return fmt.Errorf("the test changed its pool (%d connections)", st.MaxOpenConnections)
	}
	fp, err := p.fingerprint(ctx)
	if err != nil {
		return err
	}
	if fp != p.schema {
		return fmt.Errorf("the test changed its schema or statistics")
	}
	// What a session keeps past its transactions: advisory locks and
	// temporary tables.
	var held int
	if err := p.db.SQL.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
		+ (SELECT count(*) FROM pg_class WHERE relpersistence = 't')`).Scan(&held); err != nil {
		return err
	}
	if held > 0 {
		return fmt.Errorf("a session of the test holds advisory locks or temporary tables")
	}
	return nil
}

func (p *pooled) discard(t testing.TB) {
	if p.db != nil {
		p.db.Close()
	}
	drops.drop(t, adminDB(t), p.name)
}

// closePool closes and drops the kept databases (Main, at the end).
func closePool() {
	pool.mu.Lock()
	free := pool.free
	pool.free = nil
	pool.mu.Unlock()
	for _, p := range free {
		p.db.Close()
		drops.drop(nil, adminConn, p.name)
	}
}
