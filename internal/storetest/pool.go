package storetest

import (
	"context"
	"database/sql"
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
	// unwatched is why no event trigger notes DDL in the database (see
	// watchDDL), if none does: such a database serves its test and is
	// dropped, since what the test changed cannot be told.
	unwatched error
}

var pool struct {
	mu   sync.Mutex
	free []*pooled
	// freed, when not nil, is closed when a database is next put back
	// into free, for those waiting on a slot.
	freed chan struct{}
}

// freedLocked returns the channel closed when a database is next put back
// into free. The caller holds pool.mu.
func freedLocked() chan struct{} {
	if pool.freed == nil {
		pool.freed = make(chan struct{})
	}
	return pool.freed
}

// A kept database holds its postgresDBs slot from the moment it is made to
// the moment it is dropped, in a test or free between tests: it keeps its
// server processes open all that while. A fresh database wanting a slot
// when none is left drops a free kept one (see takeSlot).

// takePooled returns a kept database in the template's state: a free one,
// or a new one when a slot is left, or the first one freed.
func takePooled(t testing.TB) (*pooled, error) {
	t.Helper()
	for {
		pool.mu.Lock()
		if n := len(pool.free); n > 0 {
			p := pool.free[n-1]
			pool.free = pool.free[:n-1]
			pool.mu.Unlock()
			return p, nil
		}
		freed := freedLocked()
		pool.mu.Unlock()
		select {
		case postgresDBs <- struct{}{}:
			return newPooled(t)
		case <-freed:
		}
	}
}

// takeSlot takes a postgresDBs slot for a fresh database, dropping a free
// kept database if none is left, or waiting for one.
func takeSlot(t testing.TB) {
	for {
		select {
		case postgresDBs <- struct{}{}:
			return
		default:
		}
		pool.mu.Lock()
		var p *pooled
		if len(pool.free) > 0 {
			p = pool.free[0]
			pool.free = pool.free[1:]
		}
		freed := freedLocked()
		pool.mu.Unlock()
		if p != nil {
			p.discard(t)
			continue
		}
		select {
		case postgresDBs <- struct{}{}:
			return
		case <-freed:
		}
	}
}

// newPooled makes a kept database; the caller has taken its slot.
func newPooled(t testing.TB) (*pooled, error) {
	t.Helper()
	admin := adminDB(t)
	ctx := context.Background()
	name := "phucdap_t_" + randomHex(6)
	if err := retryBusy(func() error {
		_, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template(t, admin))
		return err
	}); err != nil {
		<-postgresDBs
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
	if p.unwatched = p.watchDDL(ctx); p.unwatched != nil {
		return nil
	}
	p.schema, err = p.fingerprint(ctx)
	return err
}

// watchDDL creates the event trigger that notes, in snapshotSchema.ddl,
// every DDL command a test runs in the database, however it changes the
// schema (a CHECK swapped, a trigger disabled, a function's body
// replaced), but the temporary objects of a session, which fit looks for
// by themselves. It fires with session_replication_role = replica too.
func (p *pooled) watchDDL(ctx context.Context) error {
	_, err := p.db.SQL.ExecContext(ctx, "CREATE TABLE "+snapshotSchema+`.ddl (tag text NOT NULL);
CREATE FUNCTION `+snapshotSchema+`.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $note$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()) OR EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE schema_name IS NULL OR schema_name NOT LIKE 'pg\_temp%') THEN
		INSERT INTO `+snapshotSchema+`.ddl VALUES (tg_tag);
	END IF;
END
$note$;
CREATE EVENT TRIGGER storetest_ddl ON ddl_command_end EXECUTE FUNCTION `+snapshotSchema+`.note_ddl();
ALTER EVENT TRIGGER storetest_ddl ENABLE ALWAYS;`)
	return err
}

// fingerprint describes what a reset does not put back: the schema, by
// the count of DDL commands the event trigger noted (see watchDDL), which
// a test that swaps a CHECK for another, disables a trigger or replaces a
// function's body changes as any other; the event triggers themselves;
// and what ANALYZE and VACUUM change, which no event trigger sees: each
// relation's size and the planner's statistics. 0.7-0.8 ms, where
// describing the schema itself (every column default, constraint and
// trigger definition, function body) took 5.5 ms on a database made from
// the template and about 10 ms in a kept one (psql's \timing, mean of 25
// runs of each), on every test.
func (p *pooled) fingerprint(ctx context.Context) (string, error) {
	var s string
	err := p.db.SQL.QueryRowContext(ctx, `SELECT md5(concat_ws('|',
		(SELECT count(*) FROM `+snapshotSchema+`.ddl),
		(SELECT string_agg(evtname || ':' || evtenabled::text, ',' ORDER BY evtname) FROM pg_event_trigger),
		(SELECT string_agg(c.oid || ':' || c.relname || ':' || c.reltuples || ':' || c.relpages, ',' ORDER BY c.oid)
			FROM pg_class c WHERE c.relnamespace IN ('public'::regnamespace, '`+snapshotSchema+`'::regnamespace)),
		(SELECT count(*) FROM pg_namespace),
		(SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid WHERE c.relnamespace = 'public'::regnamespace)
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
	if pool.freed != nil {
		close(pool.freed)
		pool.freed = nil
	}
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
	if p.unwatched != nil {
		return fmt.Errorf("no event trigger notes DDL in it (creating one takes a superuser): %w", p.unwatched)
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
	// temporary tables; and what the database gives every new session.
	var held int
	if err := p.db.SQL.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
		+ (SELECT count(*) FROM pg_class WHERE relpersistence = 't')`).Scan(&held); err != nil {
		return err
	}
	if held > 0 {
		return fmt.Errorf("a session of the test holds advisory locks or temporary tables")
	}
	var settings int
	if err := p.db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&settings); err != nil {
		return err
	}
	if settings > 0 {
		return fmt.Errorf("the test set defaults on its database (ALTER DATABASE ... SET)")
	}
	return p.sessionsClean(ctx)
}

// sessionsClean checks each connection kept open (few: poolIdleConns) for
// what its session keeps past a test: a setting (SET), a statement the test
// prepared in SQL (pgx's own prepared statements are not from_sql, and its
// statement cache relies on them), a LISTEN; and the database for a
// session left in a transaction (one of the pool's own pgx closes when it
// is next taken; one the test opened itself stays). Holding every idle
// connection at once, each is checked once.
func (p *pooled) sessionsClean(ctx context.Context) error {
	n := p.db.SQL.Stats().Idle
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := p.db.SQL.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
		var settings, prepared, listening, inTx int
		if err := c.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM pg_settings WHERE source = 'session'),
			(SELECT count(*) FROM pg_prepared_statements WHERE from_sql),
			(SELECT count(*) FROM pg_listening_channels()),
			(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%')`).Scan(&settings, &prepared, &listening, &inTx); err != nil {
			return err
		}
		switch {
		case settings > 0:
			return fmt.Errorf("a session of the test changed %d settings (SET)", settings)
		case prepared > 0:
			return fmt.Errorf("a session of the test prepared %d statements (PREPARE)", prepared)
		case listening > 0:
			return fmt.Errorf("a session of the test listens on %d channels (LISTEN)", listening)
		case inTx > 0:
			return fmt.Errorf("a session of the test left a transaction open")
		}
	}
	return nil
}

// discard drops the database and gives its slot back.
func (p *pooled) discard(t testing.TB) {
	if p.db != nil {
		p.db.Close()
	}
	drops.drop(t, adminDB(t), p.name)
	<-postgresDBs
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
		<-postgresDBs
	}
}
