package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/storetest"
)

// A run left "running" by a replica that died is
// reaped once its lease expired and shows as lost, on the API and on the
// jobs page; a run whose lease is still good stays running.
func TestLostRunsAreReapedAndShown(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		wall := time.Now().UTC()
		for _, r := range []struct {
			job   string
			lease time.Time
		}{{"outbox", wall.Add(-time.Minute)}, {"due-soon", wall.Add(time.Hour)}} {
			if err := ta.db.Gorm.Exec("INSERT INTO job_runs (job, tick, cause, as_of, replica, started_by, started_at, outcome, lease_until) "+
				"VALUES (?, ?, 'schedule', ?, 'replica-that-died', 'scheduler', ?, 'running', ?)",
				r.job, "2026-11-27T01:59:00Z", testNow, testNow, r.lease).Error; err != nil {
				t.Fatal(err)
			}
		}
		admin := ta.staffToken(t, "", access.Admin)
		var list struct {
			Jobs []struct {
				Name           string
				LastRun        *struct{ Outcome, Error string } `json:"last_run"`
				RecentFailures []struct{ Outcome string }       `json:"recent_failures"`
			}
		}
		ta.getJSON(t, "/api/v1/admin/jobs", http.StatusOK, &list, "Authorization", admin)
		got := map[string]string{}
		for _, j := range list.Jobs {
			if j.LastRun != nil {
				got[j.Name] = j.LastRun.Outcome
			}
			if j.Name == "outbox" && (len(j.RecentFailures) != 1 || j.RecentFailures[0].Outcome != "lost") {
				t.Errorf("the lost run is not among the outbox's recent failures: %+v", j.RecentFailures)
			}
		}
		if got["outbox"] != "lost" || got["due-soon"] != "running" {
			t.Errorf("last runs %v, want outbox lost (lease expired) and due-soon running (lease good)", got)
		}
		ta.addStaff(t, "quantri-jobs@sxd.test", "", access.Admin)
		b := ta.browser(t)
		b.mustLogin("quantri-jobs@sxd.test")
		res, body := b.get("/staff/admin/jobs")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "outcome-lost") || !strings.Contains(body, "mất (bản sao chạy nó đã dừng)") {
			t.Errorf("the jobs page does not show the lost run: %d", res.StatusCode)
		}
	})
}

// hookServer counts webhook deliveries by X-Phucdap-Delivery. The post
// numbered hangAt (1-based) never gets an answer: the sender is killed while
// it waits.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	posts  []string
	acked  map[string]int
	hangAt int
	hung   chan string
	stop   chan struct{}
}

func newHookServer(t *testing.T, hangAt int) *hookServer {
	h := &hookServer{acked: map[string]int{}, hangAt: hangAt, hung: make(chan string, 1), stop: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(alert.HeaderDelivery)
		h.mu.Lock()
		h.posts = append(h.posts, id)
		n := len(h.posts)
		h.mu.Unlock()
		if n == h.hangAt {
			h.hung <- id
			<-h.stop
			return
		}
		h.mu.Lock()
		h.acked[id]++
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(func() { close(h.stop); h.Server.Close() })
	return h
}

// distinct returns the distinct delivery ids posted and how many posts
// repeated an id that had already been acknowledged.
func (h *hookServer) distinct() (ids map[string]int, dupAcked int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids = map[string]int{}
	for _, id := range h.posts {
		ids[id]++
	}
	for _, n := range h.acked {
		if n > 1 {
			dupAcked += n - 1
		}
	}
	return ids, dupAcked
}

func pgQueryInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Through the real binary on Postgres: a
// replica is killed (SIGKILL) while a webhook is in flight. Another replica
// starting right after takes over at once: it re-sends none of the
// webhooks the receiver had acknowledged, delivers the rest within
// seconds (not after a ten-minute lease), marks the dead replica's run
// lost, and each (subject, recipient, kind, due) has exactly one ledger row
// and one delivery.
func TestFaultReplicaKilledMidDeliveryTakesOverAtOnce(t *testing.T) {
	faultMode(t)
	const cases, hangAt = 12, 5
	dsn := storetest.NewPostgresURL(t)
	hooks := newHookServer(t, hangAt)
	env := append([]string{"PHUCDAP_DATABASE_URL=" + dsn, "PHUCDAP_WEBHOOK__URLS=" + hooks.URL,
		"PHUCDAP_WEBHOOK__SECRET=fault-suite-secret-0123456789", "PHUCDAP_WEBHOOK__TIMEOUT=3s", "PHUCDAP_SMTP__TIMEOUT=3s", "PHUCDAP_JOBS__LEASE=3s",
		"PHUCDAP_JOBS__OVERDUE_SWEEP__SCHEDULE=*/2 * * * * *", "PHUCDAP_JOBS__OUTBOX__SCHEDULE=*/2 * * * * *"},
		outageEnv[:1]...)
	env = append(env, outageEnv[2:]...)
	a := start(t, append(env, "PHUCDAP_JOBS__REPLICA=a")...)
	topic := topicOf(t, a.URL)
	for i := range cases {
		if r := hit(t, http.MethodPost, a.URL+"api/v1/petitions", petitionJSON(topic, i)); r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every case's answer clock is now an hour late: the sweep flags them
	// and queues one webhook per case.
	if _, err := db.Exec("UPDATE case_clocks SET due_at = now() - interval '1 hour' WHERE state = 'open'"); err != nil {
		t.Fatal(err)
	}
	var hung string
	select {
	case hung = <-hooks.hung:
	case <-time.After(30 * time.Second):
		t.Fatalf("no webhook in flight after 30 s; %d posts", len(hooks.posts))
	}
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM job_runs WHERE replica = 'a' AND job = 'outbox' AND outcome = 'running'"); n != 1 {
		t.Fatalf("%d outbox runs of the killed replica left running, want 1", n)
	}

	killed := time.Now()
	b := start(t, append(env, "PHUCDAP_JOBS__REPLICA=b")...)
	var took time.Duration
	for {
		ids, _ := hooks.distinct()
		if len(ids) >= cases && pgQueryInt(t, db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0 {
			took = time.Since(killed)
			break
		}
		if time.Since(killed) > 40*time.Second {
			t.Fatalf("40 s after the kill only %d of %d webhooks delivered; outbox: %d not sent",
				len(ids), cases, pgQueryInt(t, db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	ids, dupAcked := hooks.distinct()
	t.Logf("all %d webhooks delivered %.1f s after the kill; %d posts; the in-flight one (%s) posted %d times; acknowledged ones re-sent: %d",
		cases, took.Seconds(), len(hooks.posts), hung, ids[hung], dupAcked)
	if dupAcked != 0 {
		t.Errorf("%d acknowledged webhooks were sent again after the crash", dupAcked)
	}
	if len(ids) != cases {
		t.Errorf("%d distinct deliveries, want %d", len(ids), cases)
	}
	// The dead replica's run is lost, not running forever.
	deadline := time.Now().Add(15 * time.Second)
	for pgQueryInt(t, db, "SELECT COUNT(*) FROM job_runs WHERE replica = 'a' AND outcome = 'lost'") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the killed replica's run is not marked lost")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM job_runs WHERE replica = 'a' AND outcome = 'running'"); n != 0 {
		t.Errorf("%d runs of the killed replica still running", n)
	}
	// Exactly once in the ledger and the outbox.
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM (SELECT 1 FROM alerts GROUP BY subject, recipient, kind, due_at HAVING COUNT(*) > 1) d"); n != 0 {
		t.Errorf("%d duplicated ledger keys", n)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM alerts WHERE recipient LIKE 'webhook%'"); n != cases {
		t.Errorf("%d webhook alerts in the ledger, want %d", n, cases)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM (SELECT alert_id FROM outbox WHERE channel = 'webhook' GROUP BY alert_id, target HAVING COUNT(*) > 1) d"); n != 0 {
		t.Errorf("%d alerts with more than one webhook delivery", n)
	}
	figures{Case: "replica killed -9 with a webhook in flight; another takes over (PostgreSQL)", Acked: cases,
		Recovery:    fmt.Sprintf("%.1f (all delivered after the kill)", took.Seconds()),
		WebhookDups: fmt.Sprintf("%d (of them acknowledged: %d)", len(hooks.posts)-len(ids), dupAcked)}.report(t)
	b.stop(t)
}
