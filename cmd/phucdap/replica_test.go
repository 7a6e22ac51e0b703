package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// standby builds a streaming replica of the cluster with pg_basebackup
// (-R writes standby.signal and primary_conninfo) and starts it on its own
// port.
func (c *pgCluster) standby(t *testing.T) *pgCluster {
	t.Helper()
	r := &pgCluster{t: t, bin: c.bin, dir: filepath.Join(c.dir, "standby"), port: freePort(t), cred: c.cred}
	if err := os.Mkdir(r.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if c.cred != nil {
		os.Chown(r.dir, int(c.cred.Uid), int(c.cred.Gid))
	}
	out, err := c.command("pg_basebackup", "-D", filepath.Join(r.dir, "data"), "-h", "127.0.0.1", "-p", strconv.Itoa(c.port),
		"-U", "postgres", "-R", "-X", "stream", "--checkpoint=fast", "--no-sync").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_basebackup: %v\n%s", err, out)
	}
	if r.log, err = os.Create(filepath.Join(r.dir, "postgres.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.stop(syscall.SIGQUIT) })
	r.start()
	return r
}

var metricLine = regexp.MustCompile(`(?m)^phucdap_report_reads_total\{db="(\w+)"\} (\S+)$`)

func reportReads(t *testing.T, base string) map[string]float64 {
	t.Helper()
	r := hit(t, http.MethodGet, base+"metrics", nil)
	out := map[string]float64{}
	for _, m := range metricLine.FindAllStringSubmatch(r.body, -1) {
		out[m[1]], _ = strconv.ParseFloat(m[2], 64)
	}
	return out
}

type readyReplica struct {
	Status      string
	ReadReplica struct {
		InUse      bool    `json:"in_use"`
		LagSeconds float64 `json:"lag_seconds"`
	} `json:"read_replica"`
}

func waitReplica(t *testing.T, base string, inUse bool, within time.Duration) readyReplica {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var rr readyReplica
		r := hit(t, http.MethodGet, base+"readyz", nil)
		json.Unmarshal([]byte(r.body), &rr)
		if rr.ReadReplica.InUse == inUse {
			return rr
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after %s: %s (want replica in use: %t)", within, r.body, inUse)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The read replica, with a real streaming replica built by
// pg_basebackup from the throwaway primary: reports are served from the
// replica (its lag on /readyz and /metrics); a case written on the primary
// shows on its own page at once; stopping the replica makes reports fall
// back to the primary, still answering 200.
func TestFaultReadReplica(t *testing.T) {
	faultMode(t)
	began := time.Now()
	stage := func(s string) { t.Logf("%5.1f s: %s", time.Since(began).Seconds(), s) }
	pg := newPGCluster(t)
	dsn := pg.createDB("phucdap")
	stage("primary up")
	rep := pg.standby(t)
	stage("standby up")
	env := append(faultEnv(dsn), "PHUCDAP_DATABASE__READ_URL="+rep.URL("phucdap"), "PHUCDAP_DATABASE__MAX_LAG=3s")
	p := start(t, env...)
	stage("phucdap up")
	rr := waitReplica(t, p.URL, true, 15*time.Second)
	t.Logf("replica in use, lag %.3f s", rr.ReadReplica.LagSeconds)
	if !strings.Contains(hit(t, http.MethodGet, p.URL+"metrics", nil).body, "phucdap_read_replica_lag_seconds") {
		t.Error("/metrics has no replica lag")
	}

	cli := []string{"PHUCDAP_DATABASE_URL=" + dsn, "PHUCDAP_LOG__LEVEL=warn"}
	if _, errOut, err := runCLI(t, cli, "user", "add", "--email", "baocao@sxd.test", "--name", "Báo cáo", "--role", "office", "--unit", "VP"); err != nil {
		t.Fatalf("user add: %v\n%s", err, errOut)
	}
	out, errOut, err := runCLI(t, cli, "token", "create", "--user", "baocao@sxd.test", "--name", "fault suite")
	m := tokenLine.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("token create: %v\n%s%s", err, out, errOut)
	}
	auth := "Bearer " + m[1]
	report := func() (int, string) {
		req, _ := http.NewRequest(http.MethodGet, p.URL+"api/v1/reports/on-time?from=2026-12-01&to=2026-12-31", nil)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return res.StatusCode, b.String()
	}

	// A case written on the primary shows on its own page at once.
	topic := topicOf(t, p.URL)
	r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 1))
	var rec struct{ Code, Secret string }
	if json.Unmarshal([]byte(r.body), &rec); r.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	req, _ := http.NewRequest(http.MethodGet, p.URL+"api/v1/petitions/"+rec.Code, nil)
	req.Header.Set("X-Tracking-Secret", rec.Secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the new case's own page right after the write: %v %v", err, res.Status)
	}
	res.Body.Close()

	stage("case written and read back")
	// Reports come from the replica.
	before := reportReads(t, p.URL)
	if st, body := report(); st != http.StatusOK {
		t.Fatalf("report: %d %s", st, body)
	}
	after := reportReads(t, p.URL)
	if after["replica"] <= before["replica"] || after["primary"] != before["primary"] {
		t.Errorf("report reads before %v, after %v: want them on the replica", before, after)
	}

	// The replica stops replaying while the primary takes writes: once it
	// lags past the bound, reports read from the primary; when it catches
	// up they go back to it.
	sdb, err := sql.Open("pgx", rep.URL("phucdap"))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.Exec("SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	if r := hit(t, http.MethodPost, p.URL+"api/v1/petitions", petitionJSON(topic, 2)); r.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	rr = waitReplica(t, p.URL, false, 15*time.Second)
	stage(fmt.Sprintf("replay paused: out of use at lag %.1f s", rr.ReadReplica.LagSeconds))
	before = reportReads(t, p.URL)
	if st, body := report(); st != http.StatusOK {
		t.Fatalf("report with the replica lagging: %d %s", st, body)
	}
	if after := reportReads(t, p.URL); after["primary"] <= before["primary"] || after["replica"] != before["replica"] {
		t.Errorf("report reads before %v, after %v: a lagging replica must not serve them", before, after)
	}
	if _, err := sdb.Exec("SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, p.URL, true, 15*time.Second)
	stage("replay resumed: back in use")

	// The replica stops: reports fall back to the primary.
	rep.stop(syscall.SIGINT)
	stage("standby stopped")
	if st, body := report(); st != http.StatusOK {
		t.Fatalf("report with the replica down: %d %s", st, body)
	}
	stage("report answered")
	rr = waitReplica(t, p.URL, false, 10*time.Second)
	before = reportReads(t, p.URL)
	if st, body := report(); st != http.StatusOK {
		t.Fatalf("report with the replica down: %d %s", st, body)
	}
	after = reportReads(t, p.URL)
	if after["primary"] <= before["primary"] || after["replica"] != before["replica"] {
		t.Errorf("report reads before %v, after %v: want them on the primary", before, after)
	}
	if r := hit(t, http.MethodGet, p.URL+"readyz", nil); r.status != http.StatusOK {
		t.Errorf("/readyz with only the replica down: %d %s", r.status, r.body)
	}
	t.Logf("replica down: /readyz lag %.0f, reads %v", rr.ReadReplica.LagSeconds, after)
	p.stop(t)
}
