package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// testApp is the wired app over a fresh database, with a fixed clock and
// its log captured, served by httptest through the real router.
type testApp struct {
	*app
	Clock  *platform.FixedClock
	Logs   *bytes.Buffer
	Server *httptest.Server
}

// testNow is the instant tests start at: Friday 27 November 2026, 09:00 in
// Hà Nội.
var testNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// newTestApp wires the app over db, seeds it, and starts an httptest
// server. Everything is closed when the test ends. The test is marked
// parallel (storetest.Parallel) unless it was marked storetest.Serial.
func newTestApp(t *testing.T, db *store.DB, opts ...func(*config.Config)) *testApp {
	t.Helper()
	storetest.Parallel(t)
	cfg, err := testConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(cfg)
	}
	// A database nothing was written to gets the seeded rows copied in;
	// build and seed then find them stored and write nothing.
	seededApp.Fill(t, db)
	logs := &bytes.Buffer{}
	log := platform.NewLogger(&syncWriter{w: logs}, "json", "debug")
	clock := platform.NewFixedClock(testNow)
	a, err := build(context.Background(), cfg, db, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.seed(context.Background()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// Runs started from a page go on in the background: they end before
	// the database goes (as Close does at shutdown).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a.scheduler.Stop(ctx)
	})
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	return &testApp{app: a, Clock: clock, Logs: logs, Server: srv}
}

// testConfig is the configuration of a test app, before its options.
// Minimal password hashing: the suite signs in thousands of times.
func testConfig() (*config.Config, error) {
	return config.Load("", func() []string { return []string{"PHUCDAP_ENV=test", "PHUCDAP_AUTH__PASSWORD_HASH_COST=minimal"} })
}

// seededApp is what build and seed write into an empty database at
// testNow, written once per dialect and copied into each test app's
// database (see storetest.Seeded): seeding each app from scratch was a
// tenth of the package's CPU. No option of a test app changes what they
// write (TestSeededAppIsSeeded).
var seededApp = storetest.NewSeeded(func(ctx context.Context, db *store.DB) error {
	cfg, err := testConfig()
	if err != nil {
		return err
	}
	a, err := build(ctx, cfg, db, platform.NewFixedClock(testNow), platform.NewLogger(io.Discard, "json", "error"))
	if err != nil {
		return err
	}
	return a.seed(ctx)
})

// eachApp runs fn against a wired app on SQLite and on PostgreSQL.
func eachApp(t *testing.T, fn func(t *testing.T, ta *testApp)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newTestApp(t, db)) })
}

// do sends a request and returns the response with its body read.
func (ta *testApp) do(t *testing.T, method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ta.Server.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := ta.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// getJSON fetches path, checks the status, and decodes the body into v.
func (ta *testApp) getJSON(t *testing.T, path string, want int, v any, header ...string) []byte {
	t.Helper()
	res, b := ta.do(t, http.MethodGet, path, nil, header...)
	if res.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, res.StatusCode, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: decode %s: %v", path, b, err)
		}
	}
	return b
}

// syncWriter lets concurrent requests log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

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
			t.Errorf("filled database differs from a seeded one:\n%s", cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n")))
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
			t.Errorf("build and seed wrote into a filled database:\n%s", cmp.Diff(strings.Split(got, "\n"), strings.Split(after, "\n")))
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
