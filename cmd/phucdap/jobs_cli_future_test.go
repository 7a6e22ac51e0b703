package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
)

// `jobs run overdue-sweep --at <future>` must not queue its deliveries for
// that future instant, where the next normal outbox run would not send
// them: the CLI delivers them at once and says so.
func TestJobsRunInTheFutureDeliversNow(t *testing.T) {
	eachCLI(t, func(t *testing.T, env []string) {
		hooks := newHookServer(t, -1)
		env = append(env, "PHUCDAP_WEBHOOK__URLS="+hooks.URL, "PHUCDAP_WEBHOOK__SECRET=fault-suite-secret-0123456789",
			"PHUCDAP_ALERTS__LATE_TO=webhooks")
		if _, errOut, err := runCLI(t, env, "migrate"); err != nil {
			t.Fatalf("migrate: %v\n%s", err, errOut)
		}
		o := store.Options{Dialect: store.SQLite}
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PHUCDAP_DATA_DIR="); ok {
				o.Path = filepath.Join(v, "phucdap.db")
			}
			if v, ok := strings.CutPrefix(kv, "PHUCDAP_DATABASE_URL="); ok {
				o.Dialect, o.URL = store.Postgres, v
			}
		}
		db, err := store.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		f := alerttest.New(t, db)
		id, _ := f.Case(t, petition.KindFeedback, now.AddDate(0, 0, -20), alerttest.Petitioner{})
		f.Clock(t, id, caseclock.Answer, "PQLXD", now.AddDate(0, 0, -20), now.Add(24*time.Hour))
		db.Close()

		at := now.Add(72 * time.Hour).Format(time.RFC3339)
		out, errOut, err := runCLI(t, env, "jobs", "run", "overdue-sweep", "--at", at)
		if err != nil {
			t.Fatalf("jobs run: %v\n%s\n%s", err, out, errOut)
		}
		if ids, _ := hooks.distinct(); len(ids) != 1 {
			t.Errorf("%d webhooks delivered by a future-dated sweep, want 1 now; output:\n%s", len(ids), out)
		}
		if !strings.Contains(out, "flagged=1") || !strings.Contains(out, "outbox: ok") || !strings.Contains(out, "sent=1") ||
			strings.Contains(out, "still queued") {
			t.Errorf("the CLI does not say what it delivered:\n%s", out)
		}
	})
}
