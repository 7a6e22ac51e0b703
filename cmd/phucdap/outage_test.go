package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite", to hold a lock from outside

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// tcpProxy stands between a phucdap process and PostgreSQL so a test can
// make the database vanish (connections reset, new ones refused) and come
// back, without touching the shared server.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{t: t, addr: "127.0.0.1:0", target: target, conns: map[net.Conn]struct{}{}}
	p.up()
	t.Cleanup(p.down)
	return p
}

// up listens (again, on the same port) and forwards.
func (p *tcpProxy) up() {
	p.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *tcpProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

// down refuses new connections and resets the open ones, as a crashed
// server does.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
		delete(p.conns, c)
	}
}

// via rewrites a postgres:// DSN to go through the proxy.
func (p *tcpProxy) via(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.addr
	return u.String()
}

// logLines counts the JSON log records at level and those whose message
// contains msg.
func logLines(logs, level, msg string) (atLevel, withMsg int) {
	for _, line := range strings.Split(logs, "\n") {
		var r struct{ Level, Msg string }
		if json.Unmarshal([]byte(line), &r) != nil {
			continue
		}
		if r.Level == level {
			atLevel++
		}
		if strings.Contains(r.Msg, msg) {
			withMsg++
		}
	}
	return
}

type outageResult struct {
	status     int
	retryAfter string
	body       string
	took       time.Duration
}

func hit(t *testing.T, method, u string, body []byte) outageResult {
	t.Helper()
	cl := &http.Client{Timeout: 20 * time.Second}
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := cl.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v (a client must never hang on an outage)", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return outageResult{res.StatusCode, res.Header.Get("Retry-After"), string(b), time.Since(start)}
}

func petitionJSON(topic int64, n int) []byte {
	b, _ := json.Marshal(map[string]any{"kind": "phan_anh", "topic_id": topic, "title": "Đèn đường hỏng",
		"content": "Đèn đường ở ngõ " + strconv.Itoa(n) + " phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối.",
		"place":   "Ngõ 12 phố Bà Triệu", "name": "Nguyễn Thị Hằng", "phone": "0912 345 678",
		"email": "hang@example.vn", "address": "Đường Bà Triệu, phường Đông Kinh", "consent": true})
	return b
}

func topicOf(t *testing.T, base string) int64 {
	t.Helper()
	r := hit(t, http.MethodGet, base+"api/v1/topics", nil)
	var v struct{ Topics []struct{ ID int64 } }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &v) != nil || len(v.Topics) == 0 {
		t.Fatalf("topics: %d %s", r.status, r.body)
	}
	return v.Topics[0].ID
}

var outageEnv = []string{"PHUCDAP_LOG__FORMAT=json", "PHUCDAP_JOBS__ENABLED=false",
	"PHUCDAP_INTAKE__PER_IP_HOUR=100000", "PHUCDAP_INTAKE__PER_IP_DAY=100000",
	"PHUCDAP_INTAKE__PER_PHONE_HOUR=100000", "PHUCDAP_INTAKE__PER_PHONE_DAY=100000"}

// When PostgreSQL goes away every request is
// answered 503 with Retry-After, quickly; the log has one WARN for the
// outage and no ERROR; /readyz says unavailable without the driver's
// message; and service resumes when the database is back.
func TestFaultPostgresOutageAnswers503WithRetryAfter(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.NewPostgresURL(t)
	u, _ := url.Parse(dsn)
	px := newTCPProxy(t, u.Host)
	p := start(t, append([]string{"PHUCDAP_DATABASE_URL=" + px.via(t, dsn)}, outageEnv...)...)
	topic := topicOf(t, p.URL)
	if r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 0)); r.status != http.StatusCreated {
		t.Fatalf("submit before the outage: %d %s", r.status, r.body)
	}

	px.down()
	for i := 0; i < 10; i++ {
		for _, c := range []struct {
			method, path string
			body         []byte
		}{
			{http.MethodGet, "api/v1/public/stats?period=2026-11", nil},
			{http.MethodPost, "api/v1/petitions", petitionJSON(topic, i)},
			{http.MethodGet, "", nil},
		} {
			r := hit(t, c.method, p.URL+c.path, c.body)
			if r.status != http.StatusServiceUnavailable || r.retryAfter == "" {
				t.Fatalf("%s /%s during the outage: %d, Retry-After %q, want 503 with Retry-After; body %.200s",
					c.method, c.path, r.status, r.retryAfter, r.body)
			}
			if r.took > 5*time.Second {
				t.Errorf("%s /%s took %v during the outage", c.method, c.path, r.took)
			}
		}
	}
	r := hit(t, http.MethodGet, p.URL+"readyz", nil)
	if r.status != http.StatusServiceUnavailable || r.retryAfter == "" {
		t.Errorf("/readyz during the outage: %d %q", r.status, r.retryAfter)
	}
	for _, leak := range []string{"127.0.0.1", "refused", "connect", "dial", px.addr, "postgres"} {
		if strings.Contains(r.body, leak) {
			t.Errorf("/readyz shows %q to anyone: %s", leak, r.body)
		}
	}

	px.up()
	back := time.Now()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 1))
		if r.status == http.StatusCreated {
			figures{Case: "PostgreSQL connections reset and refused (30 requests during the cut)", Acked: 2, Unavailable: 30,
				Recovery: fmt.Sprintf("%.2f", time.Since(back).Seconds()), Note: "1 WARN, 0 ERROR in the log"}.report(t)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 10 s after the database came back: %d %s", r.status, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	logs := p.stderr.String()
	errs, warns := logLines(logs, "ERROR", "database unavailable")
	if errs != 0 {
		t.Errorf("%d ERROR records for an outage, want none:\n%s", errs, logs)
	}
	if warns != 1 {
		t.Errorf("%d 'database unavailable' records, want one per outage:\n%s", warns, logs)
	}
	if _, back := logLines(logs, "INFO", "database available again"); back != 1 {
		t.Errorf("the return of the database is not logged once:\n%s", logs)
	}
	p.stop(t)
}

// SQLite busy past its timeout (another process holds the write lock) is
// an outage too: 503 with Retry-After, not 500.
func TestFaultSQLiteBusyAnswers503WithRetryAfter(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p := start(t, append([]string{"PHUCDAP_DATA_DIR=" + dir, "PHUCDAP_DB__BUSY_TIMEOUT=200ms"}, outageEnv...)...)
	topic := topicOf(t, p.URL)

	other, err := sql.Open("sqlite", store.SQLiteURI(filepath.Join(dir, "phucdap.db"))+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 0))
	if r.status != http.StatusServiceUnavailable || r.retryAfter == "" {
		t.Errorf("submit while another process holds the lock: %d, Retry-After %q; %.200s", r.status, r.retryAfter, r.body)
	}
	if r.took > 5*time.Second {
		t.Errorf("the busy submit took %v", r.took)
	}
	conn.ExecContext(ctx, "ROLLBACK")
	conn.Close()
	if r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 1)); r.status != http.StatusCreated {
		t.Errorf("submit after the lock is gone: %d %s", r.status, r.body)
	}
	if errs, _ := logLines(p.stderr.String(), "ERROR", ""); errs != 0 {
		t.Errorf("%d ERROR records for a busy database:\n%s", errs, p.stderr.String())
	}
	p.stop(t)
}
