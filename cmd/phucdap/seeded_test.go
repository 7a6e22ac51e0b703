package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// A test app's database filled from the seeded copy holds, row for row and
// id for id, what build and seed write into an empty database, and its
// next ids are the same; a database already written to is left for the
// app to seed.
func TestSeededAppIsSeeded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seeded := storetest.NewPostgres
		if db.Dialect == store.SQLite {
			seeded = storetest.NewSQLite
		}
		direct := seeded(t)
		cfg, err := testConfig()
		if err != nil {
			t.Fatal(err)
		}
		a, err := build(ctx, cfg, direct, platform.NewFixedClock(testNow), platform.NewLogger(io.Discard, "json", "error"))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.seed(ctx); err != nil {
			t.Fatal(err)
		}
		if !seededApp.Fill(t, db) {
			t.Fatal("a freshly migrated database was not filled")
		}
		want, got := dumpDB(t, direct), dumpDB(t, db)
		if want != got {
			t.Errorf("filled database differs from a seeded one:\n%s", firstDiff(want, got))
		}
		if !strings.Contains(got, "units ") || !strings.Contains(got, "topics ") || !strings.Contains(got, "plan_tasks ") {
			t.Errorf("the seed wrote no units, topics or plan tasks:\n%.2000s", got)
		}
		if seededApp.Fill(t, db) {
			t.Error("a database holding rows was filled again")
		}
		// The filled app starts from the same state as a seeded one.
		ta := newTestApp(t, db)
		if after := dumpDB(t, ta.db); after != got {
			t.Errorf("build and seed wrote into a filled database:\n%s", firstDiff(got, after))
		}
	})
}

// dumpDB writes out every row of every table (but goose's), in id order,
// and the next id of every sequence.
func dumpDB(t *testing.T, db *store.DB) string {
	t.Helper()
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'goose_db_version' ORDER BY name"
	if db.Dialect == store.Postgres {
		list = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY tablename"
	}
	var tables []string
	if err := db.Gorm.Raw(list).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.SQL.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var line strings.Builder
			fmt.Fprintf(&line, "%s ", table)
			for i, v := range vals {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339Nano)
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				if table == "stored_secrets" && cols[i] == "value" {
					// A key generated at first start is random by design:
					// that it is there is what the two databases share.
					v = "(random)"
				}
				fmt.Fprintf(&line, "%s=%v ", cols[i], v)
			}
			lines = append(lines, line.String())
		}
		rows.Close()
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	seqs := "SELECT name || '=' || seq FROM sqlite_sequence ORDER BY name"
	if db.Dialect == store.Postgres {
		seqs = "SELECT sequencename || '=' || coalesce(last_value, 0) FROM pg_sequences ORDER BY sequencename"
	}
	var next []string
	if err := db.Gorm.Raw(seqs).Scan(&next).Error; err != nil {
		t.Fatal(err)
	}
	b.WriteString("sequences " + strings.Join(next, " ") + "\n")
	return b.String()
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %.600s\ngot  %.600s", i+1, a, b)
		}
	}
	return ""
}
