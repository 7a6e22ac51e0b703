package store

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// ReadReplica routes the report reads (dashboards, reports, exports,
// public statistics) to a PostgreSQL streaming replica while it answers
// and lags no more than MaxLag behind the primary; otherwise they go to the
// primary. Writes, and reads that must see a write just made (a case's own
// page), never come here: they use the primary *DB directly.
type ReadReplica struct {
	primary *DB
	opts    Options
	maxLag  time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	replica *DB
	inUse   bool
	lag     float64 // seconds; -1 while unknown (down)
	served  map[string]int64
}

// NewReadReplica watches the replica at o (opened now, or later when it
// is down at start).
func NewReadReplica(primary *DB, o Options, maxLag time.Duration, log *slog.Logger) *ReadReplica {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ReadReplica{primary: primary, opts: o, maxLag: maxLag, log: log, lag: -1, served: map[string]int64{}}
}

// replicaLag is how far the replica's replay is behind: zero when it has
// replayed all it received, else the age of the last replayed commit.
const replicaLag = "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 " +
	"ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8"

// Check measures the replica once and decides whether reads go there.
func (r *ReadReplica) Check(ctx context.Context) {
	r.mu.Lock()
	db := r.replica
	r.mu.Unlock()
	if db == nil {
		o := r.opts
		o.Logger = nil // an absent replica is reported here, once
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		opened, err := Open(cctx, o)
		cancel()
		if err != nil {
			r.set(false, -1, err)
			return
		}
		r.mu.Lock()
		r.replica, db = opened, opened
		r.mu.Unlock()
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var lag float64
	if err := db.SQL.QueryRowContext(cctx, replicaLag).Scan(&lag); err != nil {
		r.set(false, -1, err)
		return
	}
	r.set(lag <= r.maxLag.Seconds(), lag, nil)
}

func (r *ReadReplica) set(inUse bool, lag float64, err error) {
	r.mu.Lock()
	was := r.inUse
	r.inUse, r.lag = inUse, lag
	r.mu.Unlock()
	switch {
	case was && !inUse && err != nil:
		r.log.Warn("read replica unavailable; reports read from the primary", "err", err)
	case was && !inUse:
		r.log.Warn("read replica lags too far; reports read from the primary", "lag_seconds", lag, "max_lag", r.maxLag)
	case !was && inUse:
		r.log.Info("reports read from the replica", "lag_seconds", lag)
	}
}

// Run checks the replica every interval until ctx ends.
func (r *ReadReplica) Run(ctx context.Context, every time.Duration) {
	r.Check(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Check(ctx)
		}
	}
}

// Status is the replica's lag in seconds (-1: unreachable) and whether
// reads go to it.
func (r *ReadReplica) Status() (lag float64, inUse bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lag, r.inUse
}

// Served counts the report reads by where they ran ("replica", "primary").
func (r *ReadReplica) Served() map[string]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int64, len(r.served))
	for k, v := range r.served {
		out[k] = v
	}
	return out
}

// pick returns the database a report read should use now.
func (r *ReadReplica) pick() (*DB, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inUse && r.replica != nil {
		r.served["replica"]++
		return r.replica, true
	}
	r.served["primary"]++
	return r.primary, false
}

// failed takes the replica out of use at once after a read on it could not
// reach it; the next check may bring it back.
func (r *ReadReplica) failed(err error) {
	r.set(false, -1, err)
}

// Close closes the replica's pool.
func (r *ReadReplica) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.replica != nil {
		return r.replica.Close()
	}
	return nil
}

// readDB is the database a report read runs on: the replica when one is
// configured and fit, else the primary.
func (s *ReportStore) readDB() (*DB, bool) {
	if s.reads == nil {
		return s.db, false
	}
	return s.reads.pick()
}

// WithReplica returns a copy of the store that reads reports from r when
// it is fit. The store it is called on is left as it was: a store is
// complete when it is built, never changed after it is shared.
func (s *ReportStore) WithReplica(r *ReadReplica) *ReportStore {
	c := *s
	c.reads = r
	return &c
}

func unreachable(err error) bool { return err != nil && fault.CodeOf(err) == fault.Unavailable }
