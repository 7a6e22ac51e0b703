package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real phucdap binary once per test run, into a
// directory under the system temp dir named after this package's source
// directory, which later runs of the same checkout build into again: go
// build leaves a binary that is up to date as it is, where a new
// directory each run cost a link (seconds of CPU) every time.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			buildErr = err
			return
		}
		sum := sha256.Sum256([]byte(wd))
		dir := filepath.Join(os.TempDir(), "phucdap-bin-"+hex.EncodeToString(sum[:6]))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "phucdap")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

var urlLine = regexp.MustCompile(`open (http://\S+/) `)

// proc is a running phucdap process.
type proc struct {
	cmd    *exec.Cmd
	URL    string
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

// start runs the binary on port 0 with env and waits for the line that
// says where to open it.
func start(t *testing.T, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t))
	cmd.Env = append(os.Environ(), append([]string{"PHUCDAP_LISTEN=127.0.0.1:0"}, env...)...)
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p.URL = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("phucdap did not start; stderr:\n%s", p.stderr.String())
	}
	return p
}

// stop sends SIGTERM and expects a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Errorf("no exit 20 s after SIGTERM")
	}
}

func getPlan(t *testing.T, base string) (dims, tasks int) {
	t.Helper()
	res, err := http.Get(base + "api/v1/plans")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Plans []struct {
			ID int64 `json:"id"`
		} `json:"plans"`
	}
	json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if len(list.Plans) != 1 {
		t.Fatalf("plans: %+v", list)
	}
	res, err = http.Get(fmt.Sprintf("%sapi/v1/plans/%d", base, list.Plans[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p struct {
		Dimensions []struct {
			Tasks []json.RawMessage `json:"tasks"`
		} `json:"dimensions"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Dimensions {
		tasks += len(d.Tasks)
	}
	return len(p.Dimensions), tasks
}

func TestE2EBinaryOnSQLite(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dataDir := t.TempDir()
	p := start(t, "PHUCDAP_DATA_DIR="+dataDir)
	if d, n := getPlan(t, p.URL); d != 7 || n != 11 {
		t.Errorf("plan has %d dimensions and %d tasks, want 7 and 11", d, n)
	}
	p.stop(t)
	if _, err := os.Stat(filepath.Join(dataDir, "phucdap.db")); err != nil {
		t.Errorf("no SQLite file in the data directory: %v", err)
	}
	// A restart on the same file finds the plan and does not load it twice.
	p = start(t, "PHUCDAP_DATA_DIR="+dataDir)
	if d, n := getPlan(t, p.URL); d != 7 || n != 11 {
		t.Errorf("after restart: %d dimensions, %d tasks", d, n)
	}
	p.stop(t)
}

// Two replicas started at once against one empty Postgres both come up;
// the migrations ran once and the seed plan was loaded once.
func TestE2ETwoReplicasOnEmptyPostgres(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.NewEmptyPostgresURL(t)
	binary(t)
	var wg sync.WaitGroup
	procs := make([]*proc, 2)
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			procs[i] = start(t, "PHUCDAP_DATABASE_URL="+dsn)
		}()
	}
	wg.Wait()
	for _, p := range procs {
		if p == nil {
			t.FailNow()
		}
		if d, n := getPlan(t, p.URL); d != 7 || n != 11 {
			t.Errorf("%s: %d dimensions, %d tasks", p.URL, d, n)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dup int
	err = db.QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version WHERE version_id > 0 GROUP BY version_id HAVING COUNT(*) > 1) d").Scan(&dup)
	if err != nil || dup != 0 {
		t.Errorf("migrations applied more than once: %d (%v)", dup, err)
	}
	var plans int
	db.QueryRow("SELECT COUNT(*) FROM plans").Scan(&plans)
	if plans != 1 {
		t.Errorf("%d plans after two concurrent first starts, want 1", plans)
	}
	for _, p := range procs {
		p.stop(t)
	}
}

var metricsAddr = regexp.MustCompile(`metrics listening.* addr=(\S+)`)

// The real binary serves /metrics on its own address, behind its token,
// and not on the public one.
func TestE2EMetricsListener(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const token = "e2e-metrics-token-0123"
	p := start(t, "PHUCDAP_DATA_DIR="+t.TempDir(), "PHUCDAP_METRICS__LISTEN=127.0.0.1:0", "PHUCDAP_METRICS__TOKEN="+token)
	defer p.stop(t)
	var addr string
	for i := 0; i < 100 && addr == ""; i++ {
		if m := metricsAddr.FindStringSubmatch(p.stderr.String()); m != nil {
			addr = m[1]
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if addr == "" {
		t.Fatalf("no metrics listener in the log:\n%s", p.stderr.String())
	}
	get := func(url, auth string) int {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(p.URL+"metrics", "Bearer "+token); got != http.StatusNotFound {
		t.Errorf("/metrics on the public listener: %d", got)
	}
	if got := get("http://"+addr+"/metrics", ""); got != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d", got)
	}
	if got := get("http://"+addr+"/metrics", "Bearer "+token); got != http.StatusOK {
		t.Errorf("/metrics with the token: %d", got)
	}
}
