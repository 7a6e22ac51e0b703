package main

// The fault suite. Short form, as CI runs it:
//
//	PHUCDAP_FAULT=short go test ./cmd/phucdap -run TestFault -v -count=1
//
// Long form (longer load, more restarts and kills):
//
//	PHUCDAP_FAULT=long go test ./cmd/phucdap -run TestFault -v -count=1 -timeout 30m
//
// Without PHUCDAP_FAULT the multi-process tests skip (they run in CI's
// fault step); the quick single-fault tests (TestFaultPostgresOutage…,
// TestFaultSQLiteBusy…) always run with go test ./... . Each load test
// logs one row of the README's figures table ("figures |"); with
// PHUCDAP_FAULT_REPORT=FILE the rows are also appended to FILE.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// faultMode returns "short" or "long", or skips the test.
func faultMode(t *testing.T) string {
	t.Helper()
	m := os.Getenv("PHUCDAP_FAULT")
	if m != "short" && m != "long" {
		t.Skip("the fault suite's load tests run with PHUCDAP_FAULT=short or PHUCDAP_FAULT=long")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	return m
}

// figures is one row of the README's table.
type figures struct {
	Case        string
	Acked       int
	Lost        int
	Duplicates  int
	Unavailable int // 503 answers, every one with Retry-After
	Recovery    string
	AlertsPer   string
	WebhookDups string
	Note        string
}

var reportMu sync.Mutex

func (f figures) report(t *testing.T) {
	t.Helper()
	row := fmt.Sprintf("| %s | %d | %d | %d | %d | %s | %s | %s | %s |", f.Case, f.Acked, f.Lost, f.Duplicates, f.Unavailable,
		orDash(f.Recovery), orDash(f.AlertsPer), orDash(f.WebhookDups), orDash(f.Note))
	t.Logf("figures %s", row)
	if p := os.Getenv("PHUCDAP_FAULT_REPORT"); p != "" {
		reportMu.Lock()
		defer reportMu.Unlock()
		fh, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(fh, row)
			fh.Close()
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// pgCluster is a throwaway PostgreSQL cluster the test owns: initdb into
// a temp dir, the postmaster started directly (so the test can SIGKILL it),
// on a free port outside the ephemeral range. As root, initdb and postgres
// run as the postgres OS user.
type pgCluster struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cred *syscall.Credential
	cmd  *exec.Cmd
	log  *os.File
}

func pgBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a > b
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin")
	}
	t.Skip("no PostgreSQL server binaries (initdb)")
	return ""
}

// freePort picks a free TCP port in 20000–29999, below Linux's ephemeral
// range (32768–60999), so no client connection can be holding it.
func freePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 200; i++ {
		p := 20000 + int(time.Now().UnixNano()/1000+int64(i*7919))%10000
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatal("no free port in 20000-29999")
	return 0
}

func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	c := &pgCluster{t: t, bin: pgBinDir(t), port: freePort(t)}
	dir, err := os.MkdirTemp("", "phucdap-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { c.stop(syscall.SIGQUIT); os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres OS user for initdb: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	out, err := c.command("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	if c.log, err = os.Create(filepath.Join(dir, "postgres.log")); err != nil {
		t.Fatal(err)
	}
	c.start()
	return c
}

func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setpgid: true}
	return cmd
}

// URL is the DSN of database db on the cluster.
func (c *pgCluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=5", c.port, db)
}

// start runs the postmaster and waits until it accepts connections. After
// a SIGKILL the old backends may take a moment to go; it retries.
func (c *pgCluster) start() time.Time {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c.cmd = c.command("postgres", "-D", filepath.Join(c.dir, "data"), "-p", strconv.Itoa(c.port), "-k", c.dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100", "-c", "fsync=on")
		c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
		if err := c.cmd.Start(); err != nil {
			c.t.Fatal(err)
		}
		exited := make(chan struct{})
		go func(cmd *exec.Cmd) { cmd.Wait(); close(exited) }(c.cmd)
		db, _ := sql.Open("pgx", c.URL("postgres"))
		for {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err := db.PingContext(ctx)
			cancel()
			if err == nil {
				db.Close()
				return time.Now()
			}
			select {
			case <-exited:
			case <-time.After(100 * time.Millisecond):
				continue
			}
			break
		}
		db.Close()
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
			c.t.Fatalf("postgres does not start:\n%s", b)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// stop sends sig to the postmaster (SIGINT: fast shutdown; SIGKILL: a
// crash) and waits for it to exit.
func (c *pgCluster) stop(sig syscall.Signal) {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	c.cmd.Process.Signal(sig)
	for i := 0; i < 300; i++ {
		if err := c.cmd.Process.Signal(syscall.Signal(0)); err != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if sig == syscall.SIGQUIT || sig == syscall.SIGKILL {
		// Orphaned backends of a killed postmaster.
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	}
}

func (c *pgCluster) createDB(name string) string {
	c.t.Helper()
	db, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		c.t.Fatal(err)
	}
	return c.URL(name)
}

// loadGen submits petitions from several clients until stopped, and keeps
// what each answer was.
type loadGen struct {
	base  string
	topic int64

	mu        sync.Mutex
	acked     []string
	ackedAt   []time.Time
	unavail   int
	noRetry   int
	other     map[int]int
	errs      []string
	errAt     []time.Time // when each failed request was sent
	slowest   time.Duration
	n         int
	stopped   chan struct{}
	wg        sync.WaitGroup
	tolerated bool // client errors are expected (the replica itself dies)
}

func startLoad(t *testing.T, base string, topic int64, workers int, tolerateErrors bool) *loadGen {
	return startLoadWith(base, topic, workers, tolerateErrors, &http.Transport{})
}

// startLoadWith runs the load over tr. The SIGTERM test turns keep-alive
// off: a request written onto an idle connection just as the server closes
// it fails with EOF without ever reaching a handler (HTTP/1.1's race, not a
// request cut off mid-flight), and would blur what the test measures.
func startLoadWith(base string, topic int64, workers int, tolerateErrors bool, tr *http.Transport) *loadGen {
	l := &loadGen{base: base, topic: topic, other: map[int]int{}, stopped: make(chan struct{}), tolerated: tolerateErrors}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			cl := &http.Client{Timeout: 15 * time.Second, Transport: tr}
			for i := 0; ; i++ {
				select {
				case <-l.stopped:
					return
				default:
				}
				l.once(cl, (w+1)*1_000_000+i)
			}
		}()
	}
	return l
}

func (l *loadGen) setBase(b string) { l.mu.Lock(); l.base = b; l.mu.Unlock() }

func (l *loadGen) once(cl *http.Client, n int) {
	l.mu.Lock()
	base := l.base
	l.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, base+"api/v1/petitions", strings.NewReader(string(petitionJSON(l.topic, n))))
	req.Header.Set("Content-Type", "application/json")
	began := time.Now()
	res, err := cl.Do(req)
	took := time.Since(began)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	l.slowest = max(l.slowest, took)
	if err != nil {
		l.errs = append(l.errs, err.Error())
		l.errAt = append(l.errAt, began)
		if l.tolerated {
			time.Sleep(50 * time.Millisecond)
		}
		return
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusCreated:
		var rec struct{ Code string }
		json.Unmarshal(b, &rec)
		l.acked = append(l.acked, rec.Code)
		l.ackedAt = append(l.ackedAt, time.Now())
	case http.StatusServiceUnavailable:
		l.unavail++
		if res.Header.Get("Retry-After") == "" {
			l.noRetry++
		}
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		l.mu.Lock()
	default:
		l.other[res.StatusCode]++
	}
}

func (l *loadGen) stop() { close(l.stopped); l.wg.Wait() }

// firstAckAfter is the first 201 after t.
func (l *loadGen) firstAckAfter(t time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, at := range l.ackedAt {
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// waitAcks waits until n more submissions are acknowledged than when it
// was called: the load flows, however fast or busy the machine is.
func (l *loadGen) waitAcks(t *testing.T, n int, within time.Duration) {
	t.Helper()
	l.mu.Lock()
	from := len(l.acked)
	l.mu.Unlock()
	deadline := time.Now().Add(within)
	for {
		l.mu.Lock()
		got := len(l.acked) - from
		l.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d submissions acknowledged in %s", got, n, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *loadGen) waitAckAfter(t *testing.T, after time.Time, within time.Duration) time.Duration {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if at := l.firstAckAfter(after); !at.IsZero() {
			return at.Sub(after)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no submission acknowledged %s after the database was back", within)
	return 0
}

// checkStored verifies, in the database, that every acknowledged code is
// there once, that the codes have no gaps, and that no case is half-stored.
func checkStored(t *testing.T, db *sql.DB, l *loadGen) (lost, dups int) {
	t.Helper()
	rows, err := db.Query("SELECT code, seq FROM cases")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	var maxSeq int64
	for rows.Next() {
		var code string
		var seq int64
		rows.Scan(&code, &seq)
		have[code] = true
		maxSeq = max(maxSeq, seq)
	}
	rows.Close()
	seen := map[string]int{}
	for _, c := range l.acked {
		seen[c]++
		if !have[c] {
			lost++
		}
	}
	for _, n := range seen {
		if n > 1 {
			dups += n - 1
		}
	}
	if int64(len(have)) != maxSeq {
		t.Errorf("%d cases but the highest sequence number is %d: a gap in the codes", len(have), maxSeq)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_identities i WHERE i.case_id = c.id) "+
		"OR NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id)"); n != 0 {
		t.Errorf("%d half-stored cases (no identity, events or clock)", n)
	}
	if lost != 0 || dups != 0 {
		t.Errorf("%d acknowledged submissions lost, %d codes acknowledged twice", lost, dups)
	}
	return lost, dups
}

func (l *loadGen) checkAnswers(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.noRetry != 0 {
		t.Errorf("%d of %d 503 answers without Retry-After", l.noRetry, l.unavail)
	}
	if len(l.other) != 0 {
		t.Errorf("answers other than 201 and 503: %v", l.other)
	}
	if !l.tolerated && len(l.errs) != 0 {
		t.Errorf("%d requests failed without an answer (a client must get 503, never hang), e.g. %s", len(l.errs), l.errs[0])
	}
}

func faultEnv(db string) []string {
	env := []string{"PHUCDAP_JOBS__ENABLED=false", "PHUCDAP_LOG__LEVEL=warn"}
	env = append(env, outageEnv[2:]...)
	if strings.HasPrefix(db, "postgres") {
		return append(env, "PHUCDAP_DATABASE_URL="+db)
	}
	return append(env, "PHUCDAP_DATA_DIR="+db)
}

// The throwaway cluster under load: a fast restart and a kill -9 of the
// postmaster (long form: three of each). Every 201 is stored, once, with
// no gap in the codes and no half-stored case; clients get 503 with
// Retry-After, never a hang; recovery is measured from the database being
// back to the next 201.
func TestFaultPostgresRestartsUnderLoad(t *testing.T) {
	mode := faultMode(t)
	pg := newPGCluster(t)
	dsn := pg.createDB("phucdap")
	p := start(t, faultEnv(dsn)...)
	topic := topicOf(t, p.URL)
	l := startLoad(t, p.URL, topic, 8, false)
	// settle: how many submissions the load gets acknowledged between
	// faults (short: about two seconds' worth on a quiet machine).
	cycles, settle := 1, 40
	if mode == "long" {
		cycles, settle = 3, 200
	}
	var recov []string
	var worst time.Duration
	for i := 0; i < cycles; i++ {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
			l.waitAcks(t, settle, time.Minute)
			pg.stop(sig)
			// The outage itself: the database stays down half a second.
			time.Sleep(500 * time.Millisecond)
			back := pg.start()
			d := l.waitAckAfter(t, back, 30*time.Second)
			worst = max(worst, d)
			name := map[syscall.Signal]string{syscall.SIGINT: "fast restart", syscall.SIGKILL: "kill -9"}[sig]
			recov = append(recov, fmt.Sprintf("%s %.2f", name, d.Seconds()))
		}
	}
	l.waitAcks(t, settle, time.Minute)
	l.stop()
	l.checkAnswers(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lost, dups := checkStored(t, db, l)
	t.Logf("%d requests, %d acknowledged, %d answered 503, slowest answer %s; recovery after each event (s): %s",
		l.n, len(l.acked), l.unavail, l.slowest.Round(time.Millisecond), strings.Join(recov, ", "))
	figures{Case: fmt.Sprintf("PostgreSQL (throwaway cluster) restarted %d× fast and killed -9 %d× under load", cycles, cycles),
		Acked: len(l.acked), Lost: lost, Duplicates: dups, Unavailable: l.unavail, Recovery: fmt.Sprintf("%.2f (worst)", worst.Seconds())}.report(t)
	p.stop(t)
}

// kill -9 of the phucdap process itself under load, then a restart, on
// SQLite and on PostgreSQL: nothing acknowledged is lost; SQLite's
// integrity_check is ok afterwards.
func TestFaultReplicaKill9UnderLoad(t *testing.T) {
	mode := faultMode(t)
	// settle: submissions acknowledged between kills.
	kills, settle := 1, 30
	if mode == "long" {
		kills, settle = 3, 150
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			var target string
			var db *sql.DB
			var err error
			if dialect == "sqlite" {
				target = t.TempDir()
				db, err = sql.Open("sqlite", store.SQLiteURI(filepath.Join(target, "phucdap.db"))+"?_pragma=busy_timeout(10000)")
			} else {
				target = storetest.NewPostgresURL(t)
				db, err = sql.Open("pgx", target)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			p := start(t, faultEnv(target)...)
			topic := topicOf(t, p.URL)
			l := startLoad(t, p.URL, topic, 6, true)
			for i := 0; i < kills; i++ {
				l.waitAcks(t, settle, time.Minute)
				p.cmd.Process.Signal(syscall.SIGKILL)
				p.cmd.Wait()
				p = start(t, faultEnv(target)...)
				l.setBase(p.URL)
			}
			l.waitAcks(t, settle, time.Minute)
			l.stop()
			l.checkAnswers(t)
			p.stop(t)
			lost, dups := checkStored(t, db, l)
			note := ""
			if dialect == "sqlite" {
				var ok string
				if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
					t.Errorf("integrity_check after kill -9: %q %v", ok, err)
				}
				note = "integrity_check " + ok
			}
			figures{Case: fmt.Sprintf("phucdap killed -9 %d× under load (%s)", kills, dialect), Acked: len(l.acked), Lost: lost,
				Duplicates: dups, Unavailable: l.unavail, Note: note}.report(t)
		})
	}
}

// SIGTERM under load: requests in flight when the signal comes complete
// with an answer; the process exits cleanly; the shutdown time is reported.
func TestFaultSIGTERMUnderLoad(t *testing.T) {
	faultMode(t)
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			target := t.TempDir()
			if dialect == "postgres" {
				target = storetest.NewPostgresURL(t)
			}
			p := start(t, faultEnv(target)...)
			topic := topicOf(t, p.URL)
			l := startLoadWith(p.URL, topic, 8, true, &http.Transport{DisableKeepAlives: true})
			// Load in full flow before the signal.
			l.waitAcks(t, 40, time.Minute)
			l.mu.Lock()
			before := l.n
			l.mu.Unlock()
			sent := time.Now()
			p.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- p.cmd.Wait() }()
			var took time.Duration
			select {
			case err := <-done:
				took = time.Since(sent)
				if err != nil {
					t.Errorf("exit after SIGTERM under load: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no exit 30 s after SIGTERM")
			}
			l.stop()
			// A request sent before the signal must get its answer. One sent
			// after it may find the listener closed (refused). A connection
			// still in the kernel's accept queue when the listener closes is
			// reset (EOF or "reset by peer") without reaching a handler: it
			// is counted and reported, not failed (see the README). errAt is
			// when a request began, before its dial: one that began just
			// before the signal but dialled after the listener closed was
			// refused, so it never reached the server either.
			l.mu.Lock()
			cut, backlog, refused := 0, 0, 0
			var cutErrs []string
			for i, e := range l.errs {
				if !l.errAt[i].Before(sent) {
					continue
				}
				if strings.HasSuffix(e, ": EOF") || strings.Contains(e, "connection reset by peer") {
					backlog++
					continue
				}
				if strings.Contains(e, "connect: connection refused") {
					refused++
					continue
				}
				cut++
				cutErrs = append(cutErrs, e)
			}
			l.mu.Unlock()
			if cut != 0 {
				t.Errorf("%d requests sent before SIGTERM got no answer: %v", cut, cutErrs)
			}
			var db *sql.DB
			var err error
			if dialect == "sqlite" {
				db, err = sql.Open("sqlite", store.SQLiteURI(filepath.Join(target, "phucdap.db")))
			} else {
				db, err = sql.Open("pgx", target)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			lost, dups := checkStored(t, db, l)
			t.Logf("%d requests before SIGTERM; exit %.2f s after it", before, took.Seconds())
			figures{Case: "SIGTERM under load (" + dialect + ")", Acked: len(l.acked), Lost: lost, Duplicates: dups, Unavailable: l.unavail,
				Note: fmt.Sprintf("shutdown %.2f s; %d cut off in flight; %d reset in the accept queue; %d refused after the listener closed", took.Seconds(), cut, backlog, refused)}.report(t)
		})
	}
}

// runningReplica names the replica holding a running run of job, if any.
func runningReplica(db *sql.DB, job string) string {
	var r string
	db.QueryRow("SELECT replica FROM job_runs WHERE job = $1 AND outcome = 'running' ORDER BY id DESC LIMIT 1", job).Scan(&r)
	return r
}

// Two replicas both run jobs; the one sweeping is killed mid-sweep (batch
// size 1, so the sweep is many transactions), and the one delivering is
// killed with a webhook in flight; each comes back. Every late clock ends
// flagged once, with exactly one ledger row per (subject, recipient, kind,
// due) and one delivery per alert; webhook duplicates are counted (goal 0;
// the one in flight at the kill may come twice, and receivers drop it by
// X-Phucdap-Delivery).
func TestFaultTwoReplicasKilledMidSweepAndMidDelivery(t *testing.T) {
	faultMode(t)
	const cases, hangAt = 120, 40
	dsn := storetest.NewPostgresURL(t)
	hooks := newHookServer(t, hangAt)
	env := []string{"PHUCDAP_DATABASE_URL=" + dsn, "PHUCDAP_LOG__LEVEL=warn", "PHUCDAP_WEBHOOK__URLS=" + hooks.URL,
		"PHUCDAP_WEBHOOK__SECRET=fault-suite-secret-0123456789", "PHUCDAP_WEBHOOK__TIMEOUT=3s", "PHUCDAP_SMTP__TIMEOUT=3s",
		"PHUCDAP_JOBS__LEASE=3s", "PHUCDAP_ALERTS__BATCH_SIZE=1",
		"PHUCDAP_JOBS__OVERDUE_SWEEP__SCHEDULE=*/2 * * * * *", "PHUCDAP_JOBS__OUTBOX__SCHEDULE=*/2 * * * * *"}
	env = append(env, outageEnv[2:]...)
	procs := map[string]*proc{"a": start(t, append(env, "PHUCDAP_JOBS__REPLICA=a")...), "b": start(t, append(env, "PHUCDAP_JOBS__REPLICA=b")...)}
	topic := topicOf(t, procs["a"].URL)
	for i := range cases {
		if r := hit(t, http.MethodPost, procs["a"].URL+"api/v1/petitions", petitionJSON(topic, i)); r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kill := func(name string) {
		p := procs[name]
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
		procs[name] = start(t, append(env, "PHUCDAP_JOBS__REPLICA="+name)...)
	}
	if _, err := db.Exec("UPDATE case_clocks SET due_at = now() - interval '1 hour' WHERE state = 'open'"); err != nil {
		t.Fatal(err)
	}
	midSweep := "missed"
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n := pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL")
		if r := runningReplica(db, "overdue-sweep"); r != "" && n > 0 && n < cases {
			kill(r)
			midSweep = fmt.Sprintf("replica %s killed after %d of %d clocks", r, n, cases)
			break
		}
		if n == cases {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("mid-sweep: %s", midSweep)
	midDelivery := "missed"
	select {
	case id := <-hooks.hung:
		if r := runningReplica(db, "outbox"); r != "" {
			kill(r)
			midDelivery = fmt.Sprintf("replica %s killed with delivery %s in flight", r, id)
		}
	case <-time.After(40 * time.Second):
	}
	t.Logf("mid-delivery: %s", midDelivery)
	deadline = time.Now().Add(60 * time.Second)
	for pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NULL") > 0 ||
		pgQueryInt(t, db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("60 s on: %d clocks unflagged, %d deliveries unsent",
				pgQueryInt(t, db, "SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NULL"),
				pgQueryInt(t, db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM (SELECT 1 FROM alerts GROUP BY subject, recipient, kind, due_at HAVING COUNT(*) > 1) d"); n != 0 {
		t.Errorf("%d duplicated ledger keys", n)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM (SELECT alert_id FROM outbox GROUP BY alert_id, channel, target HAVING COUNT(*) > 1) d"); n != 0 {
		t.Errorf("%d alerts with more than one delivery", n)
	}
	if n := pgQueryInt(t, db, "SELECT COUNT(*) FROM case_events WHERE kind = 'late'"); n != cases {
		t.Errorf("%d late events for %d clocks", n, cases)
	}
	perCase := pgQueryInt(t, db, "SELECT COUNT(*) FROM alerts WHERE kind = 'late'")
	ids, dupAcked := hooks.distinct()
	if len(ids) != cases {
		t.Errorf("%d distinct webhooks received, want %d", len(ids), cases)
	}
	if dupAcked != 0 {
		t.Errorf("%d acknowledged webhooks sent again", dupAcked)
	}
	hooks.mu.Lock()
	posts := len(hooks.posts)
	hooks.mu.Unlock()
	figures{Case: "two replicas running jobs, one killed mid-sweep, one mid-delivery (PostgreSQL)", Acked: cases,
		AlertsPer:   fmt.Sprintf("%.2f late alerts per case (%d recipient)", float64(perCase)/cases, perCase/cases),
		WebhookDups: fmt.Sprintf("%d (of them acknowledged: %d)", posts-len(ids), dupAcked),
		Note:        midSweep + "; " + midDelivery}.report(t)
	for _, p := range procs {
		p.stop(t)
	}
}
