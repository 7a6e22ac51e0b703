package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The downtime catch-up, on both databases:
// a replica runs and stops; the clock moves three days
// (PHUCDAP_CLOCK_OFFSET) and it starts again. The sweep's latest tick on
// the wall clock was already taken by the first start, but what it covered
// is three days old: the restart catches up at once, not at the next
// five-minute tick, and every late clock is flagged once, with one ledger
// row per (subject, recipient, kind, due).
func TestFaultDowntimeCatchUpAtStart(t *testing.T) {
	faultMode(t)
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			var env []string
			var db *sql.DB
			var err error
			if dialect == "sqlite" {
				dir := t.TempDir()
				env = []string{"PHUCDAP_DATA_DIR=" + dir}
				db, err = sql.Open("sqlite", store.SQLiteURI(filepath.Join(dir, "phucdap.db"))+"?_pragma=busy_timeout(10000)")
			} else {
				dsn := storetest.NewPostgresURL(t)
				env = []string{"PHUCDAP_DATABASE_URL=" + dsn}
				db, err = sql.Open("pgx", dsn)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			hooks := newHookServer(t, -1)
			env = append(env, outageEnv[0], "PHUCDAP_WEBHOOK__URLS="+hooks.URL, "PHUCDAP_WEBHOOK__SECRET=fault-suite-secret-0123456789")
			env = append(env, outageEnv[2:]...)
			const cases = 8
			a := start(t, env...)
			topic := topicOf(t, a.URL)
			for i := range cases {
				if r := hit(t, http.MethodPost, a.URL+"api/v1/petitions", petitionJSON(topic, i)); r.status != http.StatusCreated {
					t.Fatalf("submit: %d %s", r.status, r.body)
				}
			}
			// Due tomorrow: not late now, two days late after the move.
			upd := "UPDATE case_clocks SET due_at = ? WHERE state = 'open'"
			if dialect == "postgres" {
				upd = "UPDATE case_clocks SET due_at = $1 WHERE state = 'open'"
			}
			if _, err := db.Exec(upd, time.Now().Add(24*time.Hour).UTC()); err != nil {
				t.Fatal(err)
			}
			// The start run has taken this five-minute tick.
			deadline := time.Now().Add(20 * time.Second)
			for pgQueryInt(t, db, "SELECT COUNT(*) FROM job_runs WHERE job = 'overdue-sweep' AND outcome = 'ok'") == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the first start ran no sweep")
				}
				time.Sleep(100 * time.Millisecond)
			}
			a.stop(t)
			if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL"); n != 0 {
				t.Fatalf("%d clocks flagged before the move", n)
			}

			began := time.Now()
			b := start(t, append(env, "PHUCDAP_CLOCK_OFFSET=+72h")...)
			for pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL") < cases {
				if time.Since(began) > 30*time.Second {
					t.Fatalf("30 s after a start three days later only %d of %d late clocks are flagged",
						pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL"), cases)
				}
				time.Sleep(100 * time.Millisecond)
			}
			took := time.Since(began)
			t.Logf("%s: %d late clocks flagged %.1f s after the start", dialect, cases, took.Seconds())
			if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM (SELECT 1 FROM alerts GROUP BY subject, recipient, kind, due_at HAVING COUNT(*) > 1) d"); n != 0 {
				t.Errorf("%d duplicated ledger keys", n)
			}
			if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM case_events WHERE kind = 'late'"); n != cases {
				t.Errorf("%d late events, want one per clock (%d)", n, cases)
			}
			figures{Case: "down, clock moved 3 days, started (" + dialect + ")", Acked: cases,
				Recovery:  fmt.Sprintf("%.1f (all flagged after the start)", took.Seconds()),
				AlertsPer: fmt.Sprintf("%.2f late alerts per case", float64(pgQueryInt(t, db, "SELECT COUNT(*) FROM alerts WHERE kind = 'late'"))/cases)}.report(t)
			b.stop(t)
		})
	}
}
