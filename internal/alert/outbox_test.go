package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

var hanoi = time.FixedZone("ICT", 7*3600)

const secret = "webhook-secret-for-tests-0123456789"

// hookServer checks every request's signature and timestamp, and answers
// with the status its script says for that path's n-th request.
type hookServer struct {
	mu       sync.Mutex
	requests map[string][]alert.WebhookMessage
	bad      []string
	script   map[string]func(n int) int
}

func (h *hookServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	ok := alert.Verify(secret, r.Header.Get(alert.HeaderTimestamp), r.Header.Get(alert.HeaderSignature), body, time.Now(), 5*time.Minute)
	if !ok {
		h.bad = append(h.bad, r.URL.Path)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m alert.WebhookMessage
	if err := json.Unmarshal(body, &m); err != nil {
		h.bad = append(h.bad, "json: "+err.Error())
	}
	h.requests[r.URL.Path] = append(h.requests[r.URL.Path], m)
	w.WriteHeader(h.script[r.URL.Path](len(h.requests[r.URL.Path])))
}

// A test server checks the HMAC signature and timestamp of
// each webhook. One endpoint fails twice and takes the third try; one
// always fails and ends dead after the configured 3 attempts, shown to
// admins. Retries wait out the backoff: a run before it is due sends
// nothing.
func TestWebhookRetriesThenSucceedsOrDies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := &hookServer{requests: map[string][]alert.WebhookMessage{}, script: map[string]func(int) int{
			"/flaky": func(n int) int {
				if n <= 2 {
					return http.StatusInternalServerError
				}
				return http.StatusNoContent
			},
			"/down": func(int) int { return http.StatusServiceUnavailable },
		}}
		srv := httptest.NewServer(hs)
		defer srv.Close()

		f := alerttest.New(t, db)
		f.Account(t, "vp@sxd.test", "VP", access.Office)
		st := store.NewAlertStore(db)
		cal := calendar.New(calendar.Builtin())
		svc, err := alert.NewService(alert.Config{Store: st, Calendar: func(context.Context) *calendar.Calendar { return cal }, Location: hanoi,
			Webhooks: []string{srv.URL + "/flaky", srv.URL + "/down"}, Hooks: &alert.HTTPWebhook{Secret: secret},
			Retry: alert.RetryPolicy{MaxAttempts: 3, Base: time.Minute, Max: time.Hour, Jitter: func() float64 { return 0 }}})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
		id, code := f.Case(t, petition.KindDenunciation, t0.AddDate(0, 0, -12), alerttest.Petitioner{Name: "Đinh Văn Mật", KeepSecret: true})
		f.Clock(t, id, caseclock.Process, "", t0.AddDate(0, 0, -12), t0.Add(-time.Hour))
		if c, err := svc.Sweep(ctx, t0); err != nil || c["queued"] != 2 {
			t.Fatalf("sweep %v %v, want 2 webhook deliveries (the office has no e-mail channel without a mailer)", c, err)
		}
		deliver := func(at time.Time) map[string]int {
			t.Helper()
			c, err := svc.Deliver(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := deliver(t0); c["retry"] != 2 {
			t.Fatalf("first try: %v", c)
		}
		// Backoff after the first failure is 30 s (half of 1 min, jitter 0).
		if c := deliver(t0.Add(10 * time.Second)); len(c) != 0 && c["retry"]+c["sent"]+c["dead"] != 0 {
			t.Fatalf("a retry went out before its time: %v", c)
		}
		if c := deliver(t0.Add(2 * time.Minute)); c["retry"] != 2 {
			t.Fatalf("second try: %v", c)
		}
		if c := deliver(t0.Add(5 * time.Minute)); c["sent"] != 1 || c["dead"] != 1 {
			t.Fatalf("third try: %v, want flaky sent and down dead", c)
		}
		if c := deliver(t0.Add(time.Hour)); c["sent"]+c["retry"]+c["dead"] != 0 {
			t.Fatalf("after the end: %v", c)
		}
		hs.mu.Lock()
		defer hs.mu.Unlock()
		if len(hs.bad) > 0 {
			t.Errorf("bad requests: %v", hs.bad)
		}
		if n := len(hs.requests["/flaky"]); n != 3 {
			t.Errorf("flaky endpoint got %d requests, want 3", n)
		}
		if n := len(hs.requests["/down"]); n != 3 {
			t.Errorf("down endpoint got %d requests, want 3 (the configured attempts)", n)
		}
		m := hs.requests["/flaky"][2]
		if m.Kind != alert.KindLate || m.CaseCode != code || m.CaseKind != "to_cao" || m.Delivery == 0 || !strings.Contains(m.Text, code) {
			t.Errorf("webhook body %+v", m)
		}
		raw, _ := json.Marshal(hs.requests)
		if strings.Contains(string(raw), "Đinh Văn Mật") || strings.Contains(string(raw), "Hồ sơ thử") {
			t.Errorf("a webhook carried the denouncer or the letter: %s", raw)
		}
		dead, err := st.DeadMessages(ctx, 10, 0)
		if err != nil || len(dead) != 1 || dead[0].Target != srv.URL+"/down" || dead[0].Attempts != 3 ||
			!strings.Contains(dead[0].LastError, "503") || dead[0].CaseCode != code {
			t.Fatalf("dead letters %+v %v", dead, err)
		}
		// An admin puts it back; it is tried again (and fails again).
		if err := st.RetryDead(ctx, dead[0].ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		hs.mu.Unlock()
		c := deliver(t0.Add(2 * time.Hour))
		hs.mu.Lock()
		if c["retry"] != 1 {
			t.Errorf("after retry: %v", c)
		}
	})
}

// The backoff doubles from the base up to the cap, with jitter between
// half and all of it.
func TestBackoff(t *testing.T) {
	p := alert.RetryPolicy{MaxAttempts: 8, Base: time.Minute, Max: 6 * time.Hour}
	for _, tc := range []struct {
		n      int
		lo, hi time.Duration
	}{{1, 30 * time.Second, time.Minute}, {2, time.Minute, 2 * time.Minute}, {4, 4 * time.Minute, 8 * time.Minute}, {12, 3 * time.Hour, 6 * time.Hour}} {
		for _, j := range []float64{0, 0.5, 0.999} {
			p.Jitter = func() float64 { return j }
			d := p.Backoff(tc.n)
			if d < tc.lo || d > tc.hi {
				t.Errorf("attempt %d jitter %v: %s not in [%s, %s]", tc.n, j, d, tc.lo, tc.hi)
			}
		}
	}
}

// Signatures: a changed body, a wrong secret or an old timestamp fail.
func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ts := "1800000000"
	body := []byte(`{"kind":"late"}`)
	sig := alert.Sign(secret, ts, body)
	if !alert.Verify(secret, ts, sig, body, now, time.Minute) {
		t.Fatal("a good signature failed")
	}
	for name, ok := range map[string]bool{
		"body":   alert.Verify(secret, ts, sig, []byte(`{"kind":"lat3"}`), now, time.Minute),
		"secret": alert.Verify("another-secret-0123456789", ts, sig, body, now, time.Minute),
		"replay": alert.Verify(secret, ts, sig, body, now.Add(10*time.Minute), time.Minute),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
