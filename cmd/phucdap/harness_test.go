package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

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
