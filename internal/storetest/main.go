package storetest

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"
)

// DefaultParallel is how many parallel tests Main lets run at once when
// go test is not given -parallel. Tests here mostly wait on PostgreSQL,
// on a browser or on a child process, not on the CPU, so the default
// (GOMAXPROCS) would leave the machine idle.
const DefaultParallel = 8

// DefaultGCPercent is the garbage collector's target Main sets when GOGC
// is not set. A test binary keeps little alive (templates, schemas, a few
// apps) and allocates a great deal, so at Go's default of 100 it collects
// a small heap over and over: a fifth of cmd/phucdap's test CPU was
// marking. Four times the live heap is still tens of megabytes.
const DefaultGCPercent = 400

// Main runs a package's tests (call it from TestMain as
// os.Exit(storetest.Main(m))). It sets -parallel to DefaultParallel (or
// GOMAXPROCS, if higher) unless the command line set it, and drops the
// test databases in the background while the tests run, in batches that
// share one checkpoint, instead of in each test's cleanup: on PostgreSQL
// 15 every DROP DATABASE waits for a checkpoint. It waits for the last
// drops before returning.
func Main(m *testing.M) int {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(max(runtime.GOMAXPROCS(0), DefaultParallel)))
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	}
	drops.start()
	code := m.Run()
	// A database left behind is litter on a busy server, not a failed
	// test: say so, as a test's own cleanup did.
	if err := drops.finish(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
	}
	return code
}

// dropper drops test databases: in the test's cleanup unless Main runs,
// else from a background goroutine.
type dropper struct {
	mu      sync.Mutex
	cond    *sync.Cond
	async   bool
	closing bool
	queue   []string
	failed  []string
	done    chan struct{}
	admin   *sql.DB
}

var drops = &dropper{}

func (d *dropper) start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cond = sync.NewCond(&d.mu)
	d.async = true
	d.done = make(chan struct{})
	go d.loop()
}

// drop drops name now, or queues it when Main runs.
func (d *dropper) drop(t testing.TB, admin *sql.DB, name string) {
	d.mu.Lock()
	if d.async && !d.closing {
		d.admin = admin
		d.queue = append(d.queue, name)
		d.cond.Signal()
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	if err := dropDatabase(admin, name); err != nil {
		t.Logf("drop test database %s: %v", name, err)
	}
}

// loop drops whatever is queued, all of it at once, until finish.
func (d *dropper) loop() {
	defer close(d.done)
	d.mu.Lock()
	for {
		for len(d.queue) == 0 && !d.closing {
			d.cond.Wait()
		}
		if len(d.queue) == 0 {
			d.mu.Unlock()
			return
		}
		batch, admin := d.queue, d.admin
		d.queue = nil
		d.mu.Unlock()
		// A few drops at once share a checkpoint; more would only queue
		// for the admin pool's connections.
		var wg sync.WaitGroup
		var fmu sync.Mutex
		var failed []string
		names := make(chan string)
		for range min(len(batch), dropWorkers) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for name := range names {
					if err := dropDatabase(admin, name); err != nil {
						fmu.Lock()
						failed = append(failed, fmt.Sprintf("%s: %v", name, err))
						fmu.Unlock()
					}
				}
			}()
		}
		for _, name := range batch {
			names <- name
		}
		close(names)
		wg.Wait()
		d.mu.Lock()
		d.failed = append(d.failed, failed...)
	}
}

// dropWorkers is how many drops run at once (the admin pool's size).
const dropWorkers = 4

// finish waits for the queued drops and reports those that failed.
func (d *dropper) finish() error {
	d.mu.Lock()
	d.closing = true
	d.cond.Signal()
	d.mu.Unlock()
	<-d.done
	if len(d.failed) > 0 {
		return fmt.Errorf("could not drop %d test databases: %v", len(d.failed), d.failed)
	}
	return nil
}

func dropDatabase(admin *sql.DB, name string) error {
	return retryBusy(func() error {
		// On a loaded server a drop waits for a checkpoint that can take
		// long.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	})
}
