package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// BenchmarkIntake measures intake throughput through the real router (every
// middleware, validation, the intake transaction with its sequence,
// identity, events and rate counters) against a bare insert handler: plain
// echo, the same database, one INSERT of a ~600-byte row per request. Both
// are measured the same way: the server runs in its own process (this test
// binary again, see TestBenchServer), as it does in production, and this
// process is only the load: HTTP/1.1 keep-alive POSTs of a JSON body from 32
// concurrent clients, each with its own address. Compare req/s of intake
// and bare on the same database:
//
//	go test ./cmd/phucdap -run '^$' -bench BenchmarkIntake -benchtime 5s
func BenchmarkIntake(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			for _, kind := range []string{"intake", "bare", "bare5"} {
				b.Run(kind, func(b *testing.B) {
					env := []string{"PHUCDAP_BENCH_SERVE=" + kind, "PHUCDAP_BENCH_DIALECT=" + dialect}
					if dialect == "sqlite" {
						path := filepath.Join(b.TempDir(), "bench.db")
						db, err := store.Open(context.Background(), store.Options{Dialect: store.SQLite, Path: path})
						if err != nil {
							b.Fatal(err)
						}
						if _, err := db.Migrate(context.Background()); err != nil {
							b.Fatal(err)
						}
						db.Close()
						env = append(env, "PHUCDAP_BENCH_DB="+path)
					} else {
						env = append(env, "PHUCDAP_BENCH_DB="+storetest.NewPostgresURL(b))
					}
					base := benchProcess(b, env)
					url, body := base+"/"+kind, func(n int64) []byte {
						return fmt.Appendf(nil, `{"n":%d,"text":%q}`, n, strings.Repeat("x", 560))
					}
					if kind == "intake" {
						url, body = base+"/api/v1/petitions", intakeBody(b, base)
					}
					client := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
					var seq, clients atomic.Int64
					// Warm up, then ANALYZE, so the planner works from the
					// statistics a running database has rather than from the
					// empty tables of a fresh one.
					for i := 0; i < 500; i++ {
						res, err := client.Post(url, "application/json", bytes.NewReader(body(seq.Add(1))))
						if err != nil {
							b.Fatal(err)
						}
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
					analyze(b, env)
					b.SetParallelism(max(1, 32/max(1, runtime.GOMAXPROCS(0))))
					b.ResetTimer()
					start := time.Now()
					b.RunParallel(func(pb *testing.PB) {
						// Each client has its own address, as 32 citizens would.
						c := clients.Add(1)
						ip := fmt.Sprintf("198.18.%d.%d", c/250, c%250+1)
						for pb.Next() {
							req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body(seq.Add(1))))
							req.Header.Set("Content-Type", "application/json")
							req.Header.Set("X-Forwarded-For", ip)
							res, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != http.StatusCreated {
								b.Errorf("status %d", res.StatusCode)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
				})
			}
		})
	}
}

func analyze(b *testing.B, env []string) {
	b.Helper()
	o := store.Options{}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PHUCDAP_BENCH_DIALECT="); ok {
			o.Dialect = store.Dialect(v)
		}
		if v, ok := strings.CutPrefix(kv, "PHUCDAP_BENCH_DB="); ok {
			o.URL, o.Path = v, v
		}
	}
	db, err := store.Open(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Gorm.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
}

// benchProcess starts the server process and returns its base URL.
func benchProcess(b *testing.B, env []string) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServer$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close() // the server stops when its stdin closes
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "BENCH-URL "); ok {
			go io.Copy(io.Discard, stdout)
			return u
		}
	}
	b.Fatalf("bench server did not start: %v", sc.Err())
	return ""
}

func intakeBody(b *testing.B, base string) func(int64) []byte {
	b.Helper()
	res, err := http.Get(base + "/api/v1/topics")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var topics struct{ Topics []struct{ Id int64 } }
	if err := json.NewDecoder(res.Body).Decode(&topics); err != nil || len(topics.Topics) == 0 {
		b.Fatalf("topics: %v", err)
	}
	topic := topics.Topics[0].Id
	return func(n int64) []byte {
		body, _ := json.Marshal(map[string]any{"kind": "phan_anh", "topic_id": topic, "title": "Đèn đường hỏng",
			"content": fmt.Sprintf("Đèn đường ở ngõ %d phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối và nguy hiểm cho người đi bộ.", n),
			"place":   "Phố Bà Triệu", "name": "Nguyễn Thị Hằng", "phone": fmt.Sprintf("09%08d", n%100000000),
			"address": "Đường Bà Triệu, phường Đông Kinh", "consent": true})
		return body
	}
}

// TestBenchServer is the server side of BenchmarkIntake, run as its own
// process; it skips unless PHUCDAP_BENCH_SERVE is set.
func TestBenchServer(t *testing.T) {
	kind := os.Getenv("PHUCDAP_BENCH_SERVE")
	if kind == "" {
		t.Skip("the server process of BenchmarkIntake")
	}
	o := store.Options{Dialect: store.Dialect(os.Getenv("PHUCDAP_BENCH_DIALECT")), MaxOpenConns: 16, MaxIdleConns: 16}
	if o.Dialect == store.SQLite {
		o.Path = os.Getenv("PHUCDAP_BENCH_DB")
	} else {
		o.URL = os.Getenv("PHUCDAP_BENCH_DB")
	}
	db, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	url := benchServer(t, db, kind)
	// PHUCDAP_BENCH_CPUPROFILE=FILE profiles the server side, which the
	// benchmark's own -cpuprofile (the client) cannot see.
	if f := os.Getenv("PHUCDAP_BENCH_CPUPROFILE"); f != "" && kind == "intake" {
		out, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Println("BENCH-URL " + url)
	io.Copy(io.Discard, os.Stdin)
}

// benchServer serves kind over db and returns its base URL.
func benchServer(b testing.TB, db *store.DB, kind string) string {
	b.Helper()
	ctx := context.Background()
	if kind == "bare" || kind == "bare5" {
		if err := db.Gorm.Exec("CREATE TABLE bench_bare (id " + map[bool]string{true: "BIGSERIAL", false: "INTEGER"}[db.Dialect == store.Postgres] +
			" PRIMARY KEY, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)").Error; err != nil {
			b.Fatal(err)
		}
		if err := db.Gorm.Exec("CREATE TABLE bench_seq (k INTEGER PRIMARY KEY, n BIGINT NOT NULL)").Error; err != nil {
			b.Fatal(err)
		}
		e := echo.New()
		// bare: one INSERT per request, the floor of performance-floors.md.
		e.POST("/bare", func(c echo.Context) error {
			body, err := io.ReadAll(c.Request().Body)
			if err != nil {
				return err
			}
			if err := db.Gorm.WithContext(c.Request().Context()).Exec("INSERT INTO bench_bare (body, created_at) VALUES (?, ?)",
				string(body), time.Now().UTC()).Error; err != nil {
				return err
			}
			return c.NoContent(http.StatusCreated)
		})
		// bare5: the least a petition must write, in one transaction: a
		// gap-free sequence bump (which serialises intake, as gap-free codes
		// must) and four rows (case, identity apart, the first timeline
		// event, the queued receipt). performance-floors.md asks for such a
		// floor when the service writes more than one row.
		e.POST("/bare5", func(c echo.Context) error {
			body, err := io.ReadAll(c.Request().Body)
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			err = db.Gorm.WithContext(c.Request().Context()).Transaction(func(tx *gorm.DB) error {
				var n int64
				if err := tx.Raw("INSERT INTO bench_seq (k, n) VALUES (1, 1) ON CONFLICT (k) DO UPDATE SET n = bench_seq.n + 1 RETURNING n").Scan(&n).Error; err != nil {
					return err
				}
				for _, part := range []string{string(body), "identity", "received", "mail"} {
					if err := tx.Exec("INSERT INTO bench_bare (body, created_at) VALUES (?, ?)", part, now).Error; err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			return c.NoContent(http.StatusCreated)
		})
		srv := httptest.NewServer(e)
		b.Cleanup(srv.Close)
		return srv.URL
	}
	cfg, err := config.Load("", func() []string {
		// The bench client plays 32 citizens behind a proxy on loopback.
		return []string{"PHUCDAP_ENV=production", "PHUCDAP_DATA_DIR=" + b.TempDir(), "PHUCDAP_HTTP__TRUSTED_PROXIES=127.0.0.1"}
	})
	if err != nil {
		b.Fatal(err)
	}
	// The limits stay on (so their counters are written) but high enough
	// for one client address.
	cfg.Intake.PerIPHour, cfg.Intake.PerIPDay = 1<<30, 1<<30
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := build(ctx, cfg, db, platform.SystemClock{}, log)
	if err != nil {
		b.Fatal(err)
	}
	if err := a.seed(ctx); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.handler)
	b.Cleanup(srv.Close)
	return srv.URL
}
