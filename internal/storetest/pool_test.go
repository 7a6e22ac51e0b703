package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A kept database handed to the next test holds what a fresh clone of the
// template holds, row for row, and its sequences go on from the same
// values, whatever the test before did to its rows; one whose schema a test
// changed is not handed out again.
func TestKeptDatabaseIsResetToTheTemplate(t *testing.T) {
	ctx := context.Background()
	p, err := takePooled(t)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := sql.Open("pgx", NewPostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	t.Cleanup(closePool)
	want := dumpPG(t, fresh)
	if !strings.Contains(want, "goose_db_version ") || !strings.Contains(want, "sequences ") {
		t.Fatalf("the template's dump holds no rows or no sequences:\n%.1000s", want)
	}

	// What a test may do: empty the tables, put rows into every one
	// (those the template leaves empty too), draw from every sequence.
	conn, err := p.db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tables, seqs []string
	p.db.Gorm.Raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").Scan(&tables)
	p.db.Gorm.Raw("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1").Scan(&seqs)
	stmts := []string{"BEGIN", "SET LOCAL session_replication_role = replica"}
	for _, table := range tables {
		stmts = append(stmts, "DELETE FROM "+table)
	}
	stmts = append(stmts, fillEveryTable)
	for _, seq := range seqs {
		stmts = append(stmts, "SELECT nextval('"+seq+"')")
	}
	for _, q := range append(stmts, "COMMIT") {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.200s: %v", q, err)
		}
	}
	conn.Close()
	for _, table := range tables {
		var n int
		if err := p.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%s holds %d rows, not the one the test put in (%v)", table, n, err)
		}
	}
	if got := dumpPG(t, p.db.SQL); got == want {
		t.Fatal("emptying every table changed nothing")
	}

	p.giveBack(t)
	again, err := takePooled(t)
	if err != nil {
		t.Fatal(err)
	}
	if again != p {
		t.Fatal("the database was not kept")
	}
	if got := dumpPG(t, again.db.SQL); got != want {
		t.Errorf("the kept database differs from a fresh clone of the template:\n%s", cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n")))
	}

	if _, err := again.db.SQL.ExecContext(ctx, "CREATE TABLE stray (id int)"); err != nil {
		t.Fatal(err)
	}
	again.giveBack(t)
	pool.mu.Lock()
	kept := slices.Contains(pool.free, again)
	pool.mu.Unlock()
	if kept {
		t.Error("a database whose schema the test changed was kept")
	}
}

// fillEveryTable puts one row into every public table: a column that has
// no default gets the first literal of its CHECK, if it has one, or a value
// of its type. The caller has emptied the tables and turned triggers (so
// foreign keys) off.
const fillEveryTable = `DO $fill$
DECLARE r record;
BEGIN
FOR r IN SELECT c.relname,
		string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FILTER (WHERE a.attnotnull AND NOT a.atthasdef AND a.attidentity = '') AS cols,
		string_agg(CASE format_type(a.atttypid, NULL)
			WHEN 'text' THEN quote_literal(coalesce((SELECT substring(pg_get_constraintdef(co.oid) FROM '''([^'']*)''') FROM pg_constraint co
				WHERE co.conrelid = c.oid AND co.contype = 'c' AND co.conkey = ARRAY[a.attnum] LIMIT 1), 'x'))
			WHEN 'boolean' THEN 'false' WHEN 'bytea' THEN '''''' WHEN 'timestamp with time zone' THEN 'now()' ELSE '1' END,
			', ' ORDER BY a.attnum) FILTER (WHERE a.attnotnull AND NOT a.atthasdef AND a.attidentity = '') AS vals
	FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' GROUP BY c.relname
LOOP
	IF r.cols IS NULL THEN
		EXECUTE format('INSERT INTO public.%I DEFAULT VALUES', r.relname);
	ELSE
		EXECUTE format('INSERT INTO public.%I (%s) VALUES (%s)', r.relname, r.cols, r.vals);
	END IF;
END LOOP;
END
$fill$`

// dumpPG writes out every row of every public table, sorted, and every
// sequence's state.
func dumpPG(t *testing.T, db *sql.DB) string {
	t.Helper()
	tables := names(t, db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	var b strings.Builder
	for _, table := range tables {
		var text sql.NullString
		if err := db.QueryRow("SELECT string_agg('" + table + " ' || r::text, E'\\n' ORDER BY r::text) FROM " + table + " r").Scan(&text); err != nil {
			t.Fatal(err)
		}
		if text.Valid {
			b.WriteString(text.String + "\n")
		}
	}
	seqs := names(t, db, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
	b.WriteString("sequences")
	for _, seq := range seqs {
		var v int64
		var called bool
		if err := db.QueryRow("SELECT last_value, is_called FROM "+seq).Scan(&v, &called); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, " %s=%d/%t", seq, v, called)
	}
	return b.String()
}

// names is the one text column of q's rows.
func names(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A kept database is dropped, not handed out again, after a test that left
// behind what a reset does not put back: a changed definition (with the
// same number of constraints, triggers and functions) or state in a session
// kept open, or on the database, for the next test's sessions. One that
// only ran queries, prepared by pgx as it does, is kept.
func TestKeptDatabaseIsDroppedAfterWhatResetMisses(t *testing.T) {
	t.Cleanup(closePool)
	for _, c := range []struct {
		name  string
		stmts []string
		kept  bool
	}{
		{"queries only", []string{"SELECT count(*) FROM units WHERE id > $1"}, true},
		{"trigger disabled", []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"}, false},
		{"column default", []string{"ALTER TABLE units ALTER COLUMN name_en SET DEFAULT 'x'"}, false},
		{"function body", []string{`CREATE OR REPLACE FUNCTION phucdap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$`}, false},
		{"check swapped", []string{"ALTER TABLE units DROP CONSTRAINT units_kind_check", "ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind <> '')"}, false},
		{"foreign key swapped", []string{"ALTER TABLE units DROP CONSTRAINT units_parent_id_fkey", "ALTER TABLE units ADD CONSTRAINT units_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES units(id) ON DELETE CASCADE"}, false},
		{"SET", []string{"SET timezone = 'Pacific/Kiritimati'"}, false},
		{"PREPARE", []string{"PREPARE mine AS SELECT 1"}, false},
		{"LISTEN", []string{"LISTEN mine"}, false},
		{"transaction left open", []string{"BEGIN"}, true}, // pgx closes the connection
		{"transaction left open by a client of the test's", []string{"BEGIN", "SELECT count(*) FROM units"}, false},
		{"ALTER DATABASE SET", []string{"DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Pacific/Kiritimati'); END$$"}, false},
		{"statistics gathered", []string{"ANALYZE units"}, false},
		{"DDL under replication role replica", []string{"BEGIN", "SET LOCAL session_replication_role = replica", "ALTER TABLE units ALTER COLUMN name_en SET DEFAULT 'x'", "COMMIT"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := takePooled(t)
			if err != nil {
				t.Fatal(err)
			}
			if kept := runCase(t, p, c.name, c.stmts); kept != c.kept {
				t.Errorf("kept = %t, want %t", kept, c.kept)
			}
		})
	}
}

// runCase runs stmts on a connection of p, as a test would, gives p back
// and reports whether it was kept.
func runCase(t *testing.T, p *pooled, name string, stmts []string) bool {
	t.Helper()
	ctx := context.Background()
	db := p.db.SQL
	if strings.Contains(name, "client") {
		var dbName string
		if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&dbName); err != nil {
			t.Fatal(err)
		}
		var err error
		if db, err = sql.Open("pgx", withDatabase(PostgresURL(), dbName)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{1}
		}
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if db == p.db.SQL {
		conn.Close() // back to the pool, open, as a test leaves it
	}
	p.giveBack(t)
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return slices.Contains(pool.free, p)
}

// A kept database counts against MaxPostgresDatabases while it waits free
// with its connections open, and a fresh database wanted when every slot
// is taken drops a free kept one rather than wait for it.
func TestKeptDatabasesCountAgainstTheBound(t *testing.T) {
	t.Cleanup(closePool)
	var kept []*pooled
	for range MaxPostgresDatabases {
		p, err := takePooled(t)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, p)
	}
	for _, p := range kept {
		p.giveBack(t)
	}
	pool.mu.Lock()
	free := len(pool.free)
	pool.mu.Unlock()
	if free != MaxPostgresDatabases || len(postgresDBs) != MaxPostgresDatabases {
		t.Fatalf("%d databases free, %d slots taken; want %d and %d", free, len(postgresDBs), MaxPostgresDatabases, MaxPostgresDatabases)
	}
	t.Run("fresh", func(t *testing.T) { NewPostgresURL(t) })
	pool.mu.Lock()
	free = len(pool.free)
	pool.mu.Unlock()
	if free != MaxPostgresDatabases-1 || len(postgresDBs) != MaxPostgresDatabases-1 {
		t.Errorf("after a fresh database: %d databases free, %d slots taken; want %d and %d", free, len(postgresDBs), MaxPostgresDatabases-1, MaxPostgresDatabases-1)
	}
}
