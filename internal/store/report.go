package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/report"
)

// ReportStore is the gorm implementation of report.Store: the KPIs,
// counted in SQL.
//
// Every figure comes from one "row source": a SELECT over the windows
// (a VALUES list of [start, end) and the instant open-late is judged at)
// joined to the table the figure is about, with an index range on that
// table's time column. The counts are one statement, a GROUP BY over the
// UNION ALL of all sources; the drill-down list of a figure selects from
// that figure's source alone, so a figure and its list cannot disagree.
//
// The on-time figures read case_clocks of kind 'answer', whose on_time the
// workflow froze when the answer was published; eligibility excludes
// cases classified not eligible or not within competence (an anti-join on
// the partial index cases_excluded), so a case forwarded or found not
// eligible never counts against the rate, even if it sat past due first.
//
// Answers and coordinating units' parts met on closed days are frozen, so
// the nightly job rolls them up (Rollup, table report_facts) and a report
// without conditions reads those days from there and only the days after
// the watermark from case_clocks: the same figures, a fraction of the rows
// (BenchmarkReportMonthByUnit). Lists always read the clocks.
type ReportStore struct {
	db    *DB
	reads *ReadReplica // optional: where report reads go when fit
	// pageSize: rows per statement of EachCase; 0 is eachPage.
	pageSize int
}

// NewReportStore returns the store over db.
func NewReportStore(db *DB) *ReportStore { return &ReportStore{db: db} }

var _ report.Store = (*ReportStore)(nil)

// mainClockKinds are the clocks of a case's own step; a case is open while
// one of them runs.
const mainClockKinds = caseclock.MainKindsSQL

// read runs fn in a read-only transaction. On Postgres it turns JIT
// compilation off for it: a report statement is large enough for the
// planner to JIT it, which costs more (0.1–0.7 s on the reference box) than
// the whole index-driven query (performance-floors.md §5).
// SQLite has no JIT, and its transactions here are BEGIN IMMEDIATE (a
// write lock), so a read runs outside one.
func (s *ReportStore) read(ctx context.Context, fn func(tx *gorm.DB) error) error {
	db, replica := s.readDB()
	err := readOn(ctx, db, fn)
	if replica && unreachable(err) {
		// The replica went away between checks: this read, and the next
		// ones until it is back, go to the primary.
		s.reads.failed(err)
		return readOn(ctx, s.db, fn)
	}
	return err
}

func readOn(ctx context.Context, db *DB, fn func(tx *gorm.DB) error) error {
	if db.Dialect != Postgres {
		return fn(db.Gorm.WithContext(ctx))
	}
	return db.unavailable(db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// work_mem: room for the response-time histogram's hash (a few
		// thousand groups) instead of a sort. One round trip for both.
		if err := tx.Exec("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)").Error; err != nil {
			return err
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true}))
}

// anyTime scans an instant that SQLite may return as text (an expression
// has no declared type, so the driver cannot convert it).
type anyTime struct {
	t     time.Time
	valid bool
}

var sqliteLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"}

// Scan implements sql.Scanner.
func (a *anyTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		a.valid = false
		return nil
	case time.Time:
		a.t, a.valid = v.UTC(), true
		return nil
	case []byte:
		return a.Scan(string(v))
	case string:
		for _, l := range sqliteLayouts {
			if t, err := time.Parse(l, v); err == nil {
				a.t, a.valid = t.UTC(), true
				return nil
			}
		}
		return fmt.Errorf("cannot read %q as a time", v)
	}
	return fmt.Errorf("cannot read %T as a time", src)
}

func (a anyTime) ptr() *time.Time {
	if !a.valid {
		return nil
	}
	t := a.t
	return &t
}

var _ sql.Scanner = (*anyTime)(nil)
var _ driver.Value = time.Time{}
