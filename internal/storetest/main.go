package storetest

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
// drops before returning, unless it can leave them to a process of its
// own (see dropper.handOff). Its temporary files go to a RAM disk where
// there is one (see useRAMDisk).
func Main(m *testing.M) int {
	if names := os.Getenv(dropEnv); names != "" {
		// This process is the one a finished test binary left to drop
		// its last databases (see dropper.handOff).
		dropNow(strings.Split(names, ","))
		os.Exit(0)
	}
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(max(runtime.GOMAXPROCS(0), DefaultParallel)))
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	}
	useRAMDisk()
	drops.start()
	code := m.Run()
	runExits()
	closePool()
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
	// dropping holds the names the loop took from the queue and has not
	// dropped yet.
	dropping map[string]bool
	failed   []string
	done     chan struct{}
	admin    *sql.DB
}

var drops = &dropper{}

func (d *dropper) start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cond = sync.NewCond(&d.mu)
	d.async = true
	d.dropping = map[string]bool{}
	d.done = make(chan struct{})
	go d.loop()
}

// pooling reports whether NewPostgres keeps its databases for later tests:
// only under Main, which drops them at the end.
func (d *dropper) pooling() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.async && !d.closing
}

// drop drops name now, or queues it when Main runs. t, if not nil, is
// told when a drop fails.
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
	if err := dropDatabase(admin, name); err != nil && t != nil {
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
		for _, name := range batch {
			d.dropping[name] = true
		}
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
					err := dropDatabase(admin, name)
					d.mu.Lock()
					delete(d.dropping, name)
					d.mu.Unlock()
					if err != nil {
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

var testDatabaseName = regexp.MustCompile(`^phucdap_t_[0-9a-f]+$`)

// dropEnv names the databases a test binary started as a dropper drops.
const dropEnv = "PHUCDAP_STORETEST_DROP"

// handOff starts this test binary again, in a session of its own and with
// no output, to drop names (those being dropped too: dropping one twice
// is harmless), and does not wait for it. On PostgreSQL 15 every DROP
// DATABASE waits for a checkpoint, which a busy server takes seconds to
// write: the last drops were a third of the store package's time, spent
// after its last test had passed. It reports whether the process started.
func (d *dropper) handOff(names []string) bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), dropEnv+"="+strings.Join(names, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return false
	}
	cmd.Process.Release()
	return true
}

// dropNow drops names, dropWorkers at a time, over a pool of its own. It
// drops only the names storetest gives its databases.
func dropNow(names []string) {
	names = slices.DeleteFunc(names, func(n string) bool { return !testDatabaseName.MatchString(n) })
	if len(names) == 0 {
		return
	}
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return
	}
	defer admin.Close()
	admin.SetMaxOpenConns(dropWorkers)
	var wg sync.WaitGroup
	work := make(chan string)
	for range min(len(names), dropWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				dropDatabase(admin, name)
			}
		}()
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	wg.Wait()
}

// finish hands the drops still to do to a process of their own
// (handOff), or else waits for them, and reports those that failed.
func (d *dropper) finish() error {
	d.mu.Lock()
	d.closing = true
	left := append(slices.Sorted(maps.Keys(d.dropping)), d.queue...)
	if len(left) > 0 && d.handOff(left) {
		// The loop may be in a batch; the process exits without it.
		d.queue = nil
		failed := d.failed
		d.mu.Unlock()
		if len(failed) > 0 {
			return fmt.Errorf("could not drop %d test databases: %v", len(failed), failed)
		}
		return nil
	}
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
