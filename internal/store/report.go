package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/report"
)

// ReportStore is the gorm implementation of report.Store: the KPIs of
// issue 8, counted in SQL.
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
}

// NewReportStore returns the store over db.
func NewReportStore(db *DB) *ReportStore { return &ReportStore{db: db} }

var _ report.Store = (*ReportStore)(nil)

// mainClockKinds are the clocks of a case's own step; a case is open while
// one of them runs.
const mainClockKinds = caseclock.MainKindsSQL

// figureCols are the count columns of every source, in order.
var figureCols = []string{"received", "carried_over", "eligible", "on_time", "late", "open_late", "extended", "extended_on_time",
	"extensions", "not_eligible", "forwarded", "guided", "withdrawn", "rated", "satisfied", "stars", "reopened",
	"contrib_on_time", "contrib_late", "contrib_open_late"}

// qb builds one statement and its arguments in textual order.
type qb struct {
	pg   bool
	sb   strings.Builder
	args []any
}

func (s *ReportStore) qb() *qb { return &qb{pg: s.db.Dialect == Postgres} }

func (b *qb) w(parts ...string) *qb {
	for _, p := range parts {
		b.sb.WriteString(p)
	}
	return b
}

func (b *qb) arg(v any) *qb {
	b.sb.WriteString("?")
	b.args = append(b.args, v)
	return b
}

// bind adds the arguments of "?" placeholders already written.
func (b *qb) bind(v ...any) *qb {
	b.args = append(b.args, v...)
	return b
}

// ts binds an instant; Postgres needs the type spelled out where the
// parameter's context does not give it (a VALUES list).
func (b *qb) ts(t time.Time) *qb {
	if b.pg {
		b.sb.WriteString("CAST(? AS TIMESTAMPTZ)")
	} else {
		b.sb.WriteString("?")
	}
	b.args = append(b.args, t.UTC())
	return b
}

func (b *qb) text(v string) *qb {
	if b.pg {
		b.sb.WriteString("CAST(? AS TEXT)")
	} else {
		b.sb.WriteString("?")
	}
	b.args = append(b.args, v)
	return b
}

func (b *qb) String() string { return b.sb.String() }

// windows writes the CTE of the report's windows,
// w(wkey, ws, we, wa, wl, wf, wr): [ws, we) the window and wa its AsOf;
// wl the instant from which met clocks are read live; wf..wr the days
// (inclusive, YYYY-MM-DD) read from the rollup. With no rollup (a zero
// rolled date), wl is ws and the rollup range is empty.
func (b *qb) windows(ws []report.Window, rolled calendar.Date, loc *time.Location) {
	b.w("WITH w (wkey, ws, we, wa, wl, wf, wr) AS (VALUES ")
	for i, x := range ws {
		if i > 0 {
			b.w(", ")
		}
		live, last := x.Start, ""
		if !rolled.IsZero() && loc != nil {
			if t := rolled.AddDays(1).Time(loc); t.After(live) {
				live = t
			}
			last = rolled.String()
			if x.To.Before(rolled) {
				last = x.To.String()
			}
		}
		b.w("(").text(x.Key).w(", ").ts(x.Start).w(", ").ts(x.End).w(", ").ts(x.AsOf).w(", ").ts(live).
			w(", ").text(x.From.String()).w(", ").text(last).w(")")
	}
	b.w(")")
}

// rowKind says what a source's rows are, and so where their slice keys
// live: a clock (alias k: its unit; the rest from its case c), a case
// (alias c), or a rolled-up fact (alias f, report_facts).
type rowKind int

const (
	rowCase rowKind = iota
	rowClock
	rowFact
)

func kindOf(clock bool) rowKind {
	if clock {
		return rowClock
	}
	return rowCase
}

// keyCol is the slice key column of a row, raw (a bigint id or a text
// code); "”" when the slicing has one key.
func keyCol(by report.By, rk rowKind) string {
	c := "c."
	if rk == rowFact {
		c = "f."
	}
	switch by {
	case report.ByUnit:
		switch rk {
		case rowClock:
			return "k.unit_id"
		case rowFact:
			return "f.unit_id"
		}
		return "c.lead_unit_id"
	case report.ByPlanTask:
		return c + "plan_task_id"
	case report.ByDimension:
		return "pt.dimension_id"
	case report.ByKind:
		return c + "kind"
	case report.ByChannel:
		return c + "channel"
	case report.ByTopic:
		return c + "topic_id"
	}
	return "''"
}

// asKey turns a raw key into the text key the report uses: "" for none.
func asKey(col string) string { return "COALESCE(CAST(" + col + " AS TEXT), '')" }

// keyExpr is the slice key of a row as text: "" for none.
func keyExpr(by report.By, rk rowKind) string { return asKey(keyCol(by, rk)) }

// needsCase says whether a clock source must join cases for its key or
// conditions.
func needsCase(by report.By, where []report.Cond) bool {
	if by != report.ByUnit && by != report.ByTotal && !by.Temporal() {
		return true
	}
	for _, c := range where {
		if c.By != report.ByUnit {
			return true
		}
	}
	return false
}

func needsTask(by report.By, where []report.Cond) bool {
	if by == report.ByDimension {
		return true
	}
	for _, c := range where {
		if c.By == report.ByDimension {
			return true
		}
	}
	return false
}

// source is one row source: which figures it counts, and how it reads.
// A figure is a predicate over the source's rows: its count is
// count(*) FILTER (WHERE predicate), its drill-down list the rows where
// the predicate holds, so a figure and its list cannot disagree.
type source struct {
	figs  map[string]string // column → predicate ("TRUE" for every row)
	sums  map[string]string // column → summed expression (stars)
	clock bool              // rows are clocks (alias k); else cases (alias c)
	// days: the source also gives the response-time histogram (the local
	// days its answer clocks started and were met), grouped in Counts.
	days bool
	// wkey is the window key's expression; "" is w.wkey.
	wkey string
	// from writes "FROM w JOIN … WHERE …" (without the key conditions,
	// which the caller appends with AND).
	from func(b *qb, joinCase, joinTask bool)
}

// notExcluded is the eligibility rule of the on-time figures
// (caseclock.CountedSQL).
var notExcluded = " AND " + caseclock.CountedSQL("k.case_id")

func caseJoins(b *qb, joinCase, joinTask bool, on string) {
	if joinCase {
		b.w(" JOIN cases c ON c.id = ", on)
	}
	if joinTask {
		b.w(" LEFT JOIN plan_tasks pt ON pt.id = c.plan_task_id")
	}
}

// kindIs is a figure predicate over the clock kinds of a merged source.
func kindIs(kind, cond string) string {
	if cond == "" {
		return "k.kind = '" + kind + "'"
	}
	return "k.kind = '" + kind + "' AND " + cond
}

// clocksMet: answer and contribution clocks met in the window (one index
// range per kind on case_clocks_closed), with the response-time days of
// the answers. Counts reads only those met after the rollup's watermark
// (w.wl) here, the rest from report_facts; lists and the floor read all
// (w.wl is w.ws there).
var clocksMet = source{clock: true, days: true, figs: map[string]string{
	"on_time":          kindIs("answer", caseclock.AnsweredOnTimeSQL("k.")),
	"late":             kindIs("answer", caseclock.AnsweredLateSQL("k.")),
	"extended":         kindIs("answer", "k.extensions > 0"),
	"extended_on_time": kindIs("answer", "k.extensions > 0 AND "+caseclock.AnsweredOnTimeSQL("k.")),
	"contrib_on_time":  kindIs("contribution", caseclock.AnsweredOnTimeSQL("k.")),
	"contrib_late":     kindIs("contribution", caseclock.AnsweredLateSQL("k.")),
}, from: func(b *qb, jc, jt bool) {
	b.w(" FROM w JOIN case_clocks k ON k.kind IN ('answer', 'contribution') AND k.state = 'met' AND k.closed_at >= w.wl AND k.closed_at < w.we")
	caseJoins(b, jc, jt, "k.case_id")
	b.w(" WHERE 1 = 1", notExcluded)
}}

// clocksOpenLate: answer and contribution clocks still running at the
// window's AsOf and due at or before it; two sources so that each has an
// index: the clocks open now (case_clocks_open_due), and those closed
// since AsOf after their due time (case_clocks_closed_late).
var clocksOpenLate = func() []source {
	figs := map[string]string{"open_late": kindIs("answer", ""), "contrib_open_late": kindIs("contribution", "")}
	return []source{
		{figs: figs, clock: true, from: func(b *qb, jc, jt bool) {
			b.w(" FROM w JOIN case_clocks k ON k.kind IN ('answer', 'contribution') AND k.state = 'open' AND ", caseclock.LateAtRunningSQL("k.", "w.wa"))
			caseJoins(b, jc, jt, "k.case_id")
			b.w(" WHERE 1 = 1", notExcluded)
		}},
		{figs: figs, clock: true, from: func(b *qb, jc, jt bool) {
			b.w(" FROM w JOIN case_clocks k ON k.kind IN ('answer', 'contribution') AND ", caseclock.ClosedSinceLateSQL("k.", "w.wa"),
				" AND ", caseclock.LateAtRunningSQL("k.", "w.wa"))
			caseJoins(b, jc, jt, "k.case_id")
			b.w(" WHERE 1 = 1", notExcluded)
		}},
	}
}()

// caseRange: cases whose column falls in the window.
func caseRange(col, fig string) source {
	return source{figs: map[string]string{fig: "TRUE"}, from: func(b *qb, _, jt bool) {
		b.w(" FROM w JOIN cases c ON c.", col, " >= w.ws AND c.", col, " < w.we")
		caseJoins(b, false, jt, "")
		b.w(" WHERE 1 = 1")
	}}
}

// eventFigs are the case events counted as figures.
var eventFigs = map[string]string{
	"not_eligible": "e.kind = 'not_eligible'",
	"forwarded":    "e.kind = 'forwarded'",
	"guided":       "e.kind = 'guided'",
	"withdrawn":    "e.kind = 'withdrawn'",
	"extensions":   "e.kind = 'extended'",
}

var sources = func() []source {
	list := []source{
		caseRange("received_at", "received"),
		caseRange("accepted_at", "eligible"),
		// Carried over: a main clock running at the window's start: open
		// (or suspended) now and started before, or closed since (the two
		// never overlap: a running clock has no closed_at). A clock starts
		// at or after the case's receipt, so the case was received before
		// the window; a case runs one main clock at a time, so it counts
		// once. The key is the unit that held the running clock.
		{figs: map[string]string{"carried_over": "TRUE"}, clock: true, wkey: "k.wkey", from: func(b *qb, jc, jt bool) {
			cols := "m.case_id AS case_id, m.unit_id AS unit_id, m.due_at AS due_at, m.closed_at AS closed_at, m.on_time AS on_time, m.extensions AS extensions"
			b.w(" FROM (SELECT w.wkey AS wkey, ", cols, " FROM w JOIN case_clocks m ON m.kind IN ", mainClockKinds,
				" AND m.state IN ('open', 'suspended') AND m.started_at < w.ws",
				" UNION ALL SELECT w.wkey, ", cols, " FROM w JOIN case_clocks m ON m.kind IN ", mainClockKinds,
				" AND m.closed_at >= w.ws AND m.started_at < w.ws) k")
			caseJoins(b, jc, jt, "k.case_id")
			b.w(" WHERE 1 = 1")
		}},
		clocksMet,
	}
	list = append(list, clocksOpenLate...)
	list = append(list,
		source{figs: eventFigs, from: func(b *qb, _, jt bool) {
			b.w(" FROM w JOIN case_events e ON e.kind IN ('not_eligible', 'forwarded', 'guided', 'withdrawn', 'extended')",
				" AND e.created_at >= w.ws AND e.created_at < w.we JOIN cases c ON c.id = e.case_id")
			caseJoins(b, false, jt, "")
			b.w(" WHERE 1 = 1")
		}},
		source{figs: map[string]string{"rated": "TRUE", "satisfied": "r.stars >= 4"}, sums: map[string]string{"stars": "r.stars"},
			from: func(b *qb, _, jt bool) {
				b.w(" FROM w JOIN ratings r ON r.created_at >= w.ws AND r.created_at < w.we JOIN cases c ON c.id = r.case_id")
				caseJoins(b, false, jt, "")
				b.w(" WHERE 1 = 1")
			}},
		source{figs: map[string]string{"reopened": "TRUE"}, from: func(b *qb, _, jt bool) {
			b.w(" FROM w JOIN disputes d ON d.created_at >= w.ws AND d.created_at < w.we JOIN cases c ON c.id = d.case_id")
			caseJoins(b, false, jt, "")
			b.w(" WHERE 1 = 1")
		}},
	)
	return list
}()

// caseIDExpr is a source's case id.
func (src source) caseIDExpr() string {
	if src.clock {
		return "k.case_id"
	}
	return "c.id"
}

func (src source) wkeyExpr() string {
	if src.wkey == "" {
		return "w.wkey"
	}
	return src.wkey
}

// conds appends the key conditions of where.
func conds(b *qb, where []report.Cond, rk rowKind) {
	for _, c := range where {
		b.w(" AND ", keyExpr(c.By, rk), " = ").arg(c.Key)
	}
}

// countSource writes one source aggregated per window and key: a row per
// group with every figure column (0 for the figures it does not count),
// and, for the answers, per pair of days.
//
// With one window its key is written as a constant rather than grouped on:
// grouping on the CTE's text column costs about as much again as the
// aggregate itself.
func countSource(b *qb, src source, by report.By, where []report.Cond, off report.DayOffset, single *report.Window) {
	jc := src.clock && needsCase(by, where)
	jt := needsTask(by, where)
	zero, nullDay := "0", "NULL"
	if b.pg {
		// Typed, so that UNION ALL needs no conversion step.
		zero, nullDay = "CAST(0 AS BIGINT)", "CAST(NULL AS BIGINT)"
	}
	key := keyCol(by, kindOf(src.clock))
	b.w("SELECT ")
	if single != nil {
		b.text(single.Key)
	} else {
		b.w(src.wkeyExpr())
	}
	b.w(" AS wkey, ", asKey(key), " AS k, ")
	if src.days {
		b.w("CASE WHEN k.kind = 'answer' THEN ")
		b.dayExpr("k.started_at", off)
		b.w(" END AS rd, CASE WHEN k.kind = 'answer' THEN ")
		b.dayExpr("k.closed_at", off)
		b.w(" END AS ad")
	} else {
		b.w(nullDay, " AS rd, ", nullDay, " AS ad")
	}
	for _, col := range figureCols {
		switch {
		case src.figs[col] == "TRUE":
			b.w(", count(*) AS ", col)
		case src.figs[col] != "":
			b.w(", count(*) FILTER (WHERE ", src.figs[col], ") AS ", col)
		case src.sums[col] != "":
			b.w(", SUM(", src.sums[col], ") AS ", col)
		default:
			b.w(", ", zero, " AS ", col)
		}
	}
	if src.days {
		b.w(", count(*) FILTER (WHERE k.kind = 'answer') AS met")
	} else {
		b.w(", ", zero, " AS met")
	}
	src.from(b, jc, jt)
	conds(b, where, kindOf(src.clock))
	var groups []string
	if single == nil {
		groups = append(groups, "1")
	}
	if key != "''" {
		groups = append(groups, key)
	}
	if src.days {
		groups = append(groups, "3", "4")
	}
	if len(groups) == 0 {
		b.w(" HAVING count(*) > 0")
		return
	}
	b.w(" GROUP BY ", strings.Join(groups, ", "))
}

// selectRows writes the rows of one source where figure holds, for a
// drill-down: (wkey, kr, case_id, the clock's due, closed, on_time and
// extensions).
func selectRows(b *qb, src source, figure string, by report.By, where []report.Cond) {
	jc := src.clock && needsCase(by, where)
	jt := needsTask(by, where)
	b.w("SELECT ", src.wkeyExpr(), " AS wkey, ", keyCol(by, kindOf(src.clock)), " AS kr, ", src.caseIDExpr(), " AS case_id")
	if src.clock {
		b.w(", k.due_at AS clock_due, k.closed_at AS clock_closed, k.on_time AS clock_on_time, k.extensions AS clock_ext")
	} else {
		b.w(", NULL AS clock_due, NULL AS clock_closed, NULL AS clock_on_time, 0 AS clock_ext")
	}
	src.from(b, jc, jt)
	conds(b, where, kindOf(src.clock))
	b.w(" AND (", src.figs[figure], ")")
}

// bareCounts is the floor the report is measured against (acceptance 4):
// a bare GROUP BY of the slice key over exactly the rows the report's
// sources read, with nothing computed but count(*).
func (s *ReportStore) bareCounts(ctx context.Context, spec report.Spec) (map[string]int64, error) {
	b := s.qb()
	b.windows(spec.Windows, calendar.Date{}, nil)
	b.w(" SELECT ", asKey("kr"), " AS k, count(*) AS n FROM (")
	for i, src := range sources {
		if i > 0 {
			b.w(" UNION ALL ")
		}
		b.w("SELECT ", keyCol(spec.By, kindOf(src.clock)), " AS kr")
		src.from(b, src.clock && needsCase(spec.By, spec.Where), needsTask(spec.By, spec.Where))
		conds(b, spec.Where, kindOf(src.clock))
	}
	b.w(") s GROUP BY kr")
	var rows []struct {
		K string
		N int64
	}
	if err := s.read(ctx, func(tx *gorm.DB) error { return tx.Raw(b.String(), b.args...).Scan(&rows).Error }); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out, nil
}

type cellRow struct {
	Wkey            string
	K               string
	Rd, Ad          *int64
	Met             int64
	Received        int64
	CarriedOver     int64
	Eligible        int64
	OnTime          int64
	Late            int64
	OpenLate        int64
	Extended        int64
	ExtendedOnTime  int64
	Extensions      int64
	NotEligible     int64
	Forwarded       int64
	Guided          int64
	Withdrawn       int64
	Rated           int64
	Satisfied       int64
	Stars           int64
	Reopened        int64
	ContribOnTime   int64
	ContribLate     int64
	ContribOpenLate int64
}

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

// Counts implements report.Store.
func (s *ReportStore) Counts(ctx context.Context, spec report.Spec, off report.DayOffset) ([]report.Cell, []report.DayPair, error) {
	if len(spec.Windows) == 0 {
		return nil, nil, nil
	}
	var rows []cellRow
	err := s.read(ctx, func(tx *gorm.DB) error {
		rolled, err := rolledThrough(tx)
		if err != nil {
			return err
		}
		b := s.countQuery(spec, off, rolled)
		return tx.Raw(b.String(), b.args...).Scan(&rows).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("report counts: %w", err)
	}
	return cellsOf(rows)
}

// rolledThrough is the rollup's watermark, zero when nothing is rolled.
func rolledThrough(tx *gorm.DB) (calendar.Date, error) {
	var through []string
	if err := tx.Raw("SELECT through FROM report_rollup WHERE id = 1").Scan(&through).Error; err != nil {
		return calendar.Date{}, err
	}
	if len(through) == 0 || through[0] == "" {
		return calendar.Date{}, nil
	}
	return calendar.ParseDate(through[0])
}

func (s *ReportStore) countQuery(spec report.Spec, off report.DayOffset, rolled calendar.Date) *qb {
	if len(spec.Where) > 0 {
		// The facts are rolled per slicing, not per combination: a
		// report with conditions reads the clocks.
		rolled = calendar.Date{}
	}
	b := s.qb()
	b.windows(spec.Windows, rolled, spec.Loc)
	b.w(" SELECT wkey, k, rd, ad")
	for _, col := range figureCols {
		b.w(", SUM(", col, ") AS ", col)
	}
	b.w(", SUM(met) AS met")
	// Each source is aggregated on its own, with count(*) FILTER per
	// figure; the outer GROUP BY then sums a few rows per source. The
	// answers also group by their days, for the response-time histogram.
	b.w(" FROM (")
	for i, src := range sources {
		if i > 0 {
			b.w(" UNION ALL ")
		}
		var single *report.Window
		if len(spec.Windows) == 1 {
			single = &spec.Windows[0]
		}
		countSource(b, src, spec.By, spec.Where, off, single)
	}
	if !rolled.IsZero() {
		b.w(" UNION ALL ")
		countFacts(b, spec.By)
	}
	b.w(") s GROUP BY wkey, k, rd, ad")
	return b
}

// rolledCols are the figures report_facts carries.
var rolledCols = map[string]bool{"on_time": true, "late": true, "extended": true, "extended_on_time": true, "contrib_on_time": true, "contrib_late": true}

// factSlice is the rolled-up slicing a report reads: by unit for the
// department and for time slices (every fact has exactly one unit key),
// by plan task for PAPI dimensions.
func factSlice(by report.By) string {
	switch by {
	case report.ByPlanTask, report.ByDimension:
		return "plan_task"
	case report.ByKind, report.ByChannel, report.ByTopic:
		return string(by)
	}
	return "unit"
}

// factSlices are the slicings the rollup writes.
var factSlices = []report.By{report.ByUnit, report.ByPlanTask, report.ByKind, report.ByChannel, report.ByTopic}

// countFacts writes the rolled-up days of each window, shaped like
// countSource's groups.
func countFacts(b *qb, by report.By) {
	zero := "0"
	if b.pg {
		zero = "CAST(0 AS BIGINT)"
	}
	key := "''"
	switch by {
	case report.ByUnit, report.ByPlanTask, report.ByKind, report.ByChannel, report.ByTopic:
		key = "f.slice_key"
	case report.ByDimension:
		key = asKey("pt.dimension_id")
	}
	b.w("SELECT w.wkey AS wkey, ", key, " AS k, f.rd AS rd, f.ad AS ad")
	for _, col := range figureCols {
		if rolledCols[col] {
			b.w(", CAST(SUM(f.", col, ") AS BIGINT) AS ", col)
		} else {
			b.w(", ", zero, " AS ", col)
		}
	}
	b.w(", CAST(SUM(f.met) AS BIGINT) AS met FROM w JOIN report_facts f ON f.slice = '", factSlice(by), "' AND f.day >= w.wf AND f.day <= w.wr")
	if by == report.ByDimension {
		b.w(" LEFT JOIN plan_tasks pt ON CAST(pt.id AS TEXT) = f.slice_key")
	}
	b.w(" GROUP BY 1")
	if key != "''" {
		b.w(", ", key)
	}
	b.w(", 3, 4")
}

// dayText is the local date (YYYY-MM-DD) of an instant.
func (b *qb) dayText(col string, off report.DayOffset) {
	o := strconv.Itoa(int(off))
	if b.pg {
		b.w("to_char((", col, " AT TIME ZONE 'UTC') + interval '", o, " seconds', 'YYYY-MM-DD')")
	} else {
		b.w("date(", col, ", '+", o, " seconds')")
	}
}

// Rollup implements report.Store. It holds the watermark row locked for
// its transaction, so two runs never roll the same day twice.
func (s *ReportStore) Rollup(ctx context.Context, through calendar.Date, loc *time.Location, now time.Time) (int, error) {
	_, o := now.In(loc).Zone()
	off := report.DayOffset(o)
	days := 0
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		days = 0
		if err := tx.Exec("INSERT INTO report_rollup (id, through, taken_at) VALUES (1, '', ?) ON CONFLICT (id) DO NOTHING", now.UTC()).Error; err != nil {
			return err
		}
		lock := "SELECT through FROM report_rollup WHERE id = 1"
		if s.db.Dialect == Postgres {
			lock += " FOR UPDATE"
		}
		var cur []string
		if err := tx.Raw(lock).Scan(&cur).Error; err != nil {
			return err
		}
		var from calendar.Date
		if len(cur) > 0 && cur[0] != "" {
			last, err := calendar.ParseDate(cur[0])
			if err != nil {
				return err
			}
			from = last.AddDays(1)
		} else {
			// First run: from the first answer ever met.
			var first anyTime
			if err := tx.Raw("SELECT min(closed_at) FROM case_clocks WHERE kind IN ('answer', 'contribution') AND state = 'met'").Row().Scan(&first); err != nil {
				return err
			}
			from = through.AddDays(1)
			if first.valid {
				from = calendar.DateOf(first.t, loc)
			}
		}
		if from.After(through) {
			if from == through.AddDays(1) && (len(cur) == 0 || cur[0] == "") {
				return tx.Exec("UPDATE report_rollup SET through = ?, taken_at = ? WHERE id = 1", through.String(), now.UTC()).Error
			}
			return nil
		}
		for _, by := range factSlices {
			b := s.qb()
			b.w("INSERT INTO report_facts (day, slice, slice_key, rd, ad, met, on_time, late, extended, extended_on_time,",
				" contrib_on_time, contrib_late) SELECT ")
			b.dayText("k.closed_at", off)
			b.w(", '", string(by), "', ", keyExpr(by, rowClock), ", CASE WHEN k.kind = 'answer' THEN ")
			b.dayExpr("k.started_at", off)
			b.w(" END, CASE WHEN k.kind = 'answer' THEN ")
			b.dayExpr("k.closed_at", off)
			b.w(" END, count(*) FILTER (WHERE k.kind = 'answer')")
			for _, col := range []string{"on_time", "late", "extended", "extended_on_time", "contrib_on_time", "contrib_late"} {
				b.w(", count(*) FILTER (WHERE ", clocksMet.figs[col], ")")
			}
			b.w(" FROM case_clocks k JOIN cases c ON c.id = k.case_id WHERE k.kind IN ('answer', 'contribution') AND k.state = 'met'",
				" AND k.closed_at >= ").arg(from.Time(loc).UTC()).w(" AND k.closed_at < ").arg(through.AddDays(1).Time(loc).UTC())
			b.w(notExcluded, " GROUP BY 1, 2, 3, 4, 5")
			if err := tx.Exec(b.String(), b.args...).Error; err != nil {
				return err
			}
		}
		days = through.Sub(from) + 1
		return tx.Exec("UPDATE report_rollup SET through = ?, taken_at = ? WHERE id = 1", through.String(), now.UTC()).Error
	})
	if err != nil {
		return 0, fmt.Errorf("report rollup: %w", err)
	}
	return days, nil
}

func cellsOf(rows []cellRow) ([]report.Cell, []report.DayPair, error) {
	cells := make([]report.Cell, 0, len(rows))
	var pairs []report.DayPair
	for _, r := range rows {
		cells = append(cells, report.Cell{Window: r.Wkey, Key: r.K, Counts: report.Counts{
			Received: r.Received, CarriedOver: r.CarriedOver, Eligible: r.Eligible,
			AnsweredOnTime: r.OnTime, AnsweredLate: r.Late, OpenLate: r.OpenLate,
			Extended: r.Extended, ExtendedOnTime: r.ExtendedOnTime, Extensions: r.Extensions,
			NotEligible: r.NotEligible, Forwarded: r.Forwarded, Guided: r.Guided, Withdrawn: r.Withdrawn,
			Rated: r.Rated, Satisfied: r.Satisfied, StarsSum: r.Stars, Reopened: r.Reopened,
			ContribOnTime: r.ContribOnTime, ContribLate: r.ContribLate, ContribOpenLate: r.ContribOpenLate,
		}})
		if r.Rd != nil && r.Ad != nil && r.Met > 0 {
			pairs = append(pairs, report.DayPair{Window: r.Wkey, Key: r.K, N: r.Met,
				Received: calendar.FromJDN(int(*r.Rd) + unixEpochJDN), Answered: calendar.FromJDN(int(*r.Ad) + unixEpochJDN)})
		}
	}
	return cells, pairs, nil
}

// dayExpr is the local day number (days since 1970-01-01) of an instant.
// The offset is a literal: it comes from the configured time zone, and a
// literal keeps the arithmetic in the cheap types (double precision on
// Postgres, not numeric).
func (b *qb) dayExpr(col string, off report.DayOffset) {
	o := strconv.Itoa(int(off))
	if b.pg {
		b.w("CAST(floor((date_part('epoch', ", col, ") + ", o, ") / 86400) AS BIGINT)")
	} else {
		b.w("((CAST(strftime('%s', ", col, ") AS INTEGER) + ", o, ") / 86400)")
	}
}

// unixEpochJDN is the Julian day number of 1970-01-01.
const unixEpochJDN = 2440588

// currentSources are the present-state sources: late now and due soon
// (answer clocks; key: the clock's unit), open now with its age bucket
// (cases with a running main clock; key: the lead unit).
func (s *ReportStore) currentSelect(b *qb, now report.Now, by report.By, where []report.Cond, fig string) {
	ages := len(now.AgeBounds) + 1
	cols := func(set map[string]string) {
		for _, c := range []string{"late_now", "due_soon", "open_now", "uncomputed"} {
			e, ok := set[c]
			if !ok {
				e = "0"
			}
			b.w(", ", e, " AS ", c)
		}
		for i := 0; i < ages; i++ {
			e, ok := set["age"+strconv.Itoa(i)]
			if !ok {
				e = "0"
			}
			b.w(", ", e, " AS age", strconv.Itoa(i))
		}
	}
	jc, jt := needsCase(by, where), needsTask(by, where)
	parts := 0
	part := func(name string) bool {
		if fig != "" && fig != name {
			return false
		}
		if parts > 0 {
			b.w(" UNION ALL ")
		}
		parts++
		return true
	}
	if part("late_now") {
		b.w("SELECT ", keyExpr(by, rowClock), " AS k, k.case_id AS case_id, k.due_at AS due_at")
		cols(map[string]string{"late_now": "1"})
		b.w(" FROM case_clocks k")
		caseJoins(b, jc, jt, "k.case_id")
		// The case is late now: its main clock (one runs at a time) is late;
		// the inbox's "late" (CaseAccessStore.ListCases) is this condition.
		b.w(" WHERE k.kind IN ", mainClockKinds, " AND ", caseclock.LateSQL("k.", "?")).bind(now.At.UTC())
		conds(b, where, rowClock)
	}
	if part("due_soon") {
		b.w("SELECT ", keyExpr(by, rowClock), " AS k, k.case_id AS case_id, k.due_at AS due_at")
		cols(map[string]string{"due_soon": "1"})
		b.w(" FROM case_clocks k")
		caseJoins(b, jc, jt, "k.case_id")
		b.w(" WHERE k.kind = 'answer' AND ", caseclock.DueSoonSQL("k.", "?", "?")).bind(now.At.UTC(), now.SoonUntil.UTC())
		b.w(notExcluded)
		b.w(" AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.case_id = k.case_id AND a.published_at IS NULL AND a.superseded_at IS NULL)")
		conds(b, where, rowClock)
	}
	if part("uncomputed") {
		// The clocks to fix: running, no due time, and why (caseclock.New.Uncomputed).
		b.w("SELECT ", keyExpr(by, rowClock), " AS k, k.case_id AS case_id, k.due_at AS due_at")
		cols(map[string]string{"uncomputed": "1"})
		b.w(" FROM case_clocks k")
		caseJoins(b, jc, jt, "k.case_id")
		b.w(" WHERE k.state = 'open' AND k.uncomputed <> ''")
		conds(b, where, rowClock)
	}
	if part("open_now") {
		age := &strings.Builder{}
		age.WriteString("CASE")
		var ageArgs []any
		for i, bound := range now.AgeBounds {
			age.WriteString(" WHEN c.received_at >= ? THEN " + strconv.Itoa(i))
			ageArgs = append(ageArgs, bound.UTC())
		}
		age.WriteString(" ELSE " + strconv.Itoa(len(now.AgeBounds)) + " END")
		if len(now.AgeBounds) == 0 {
			age.Reset()
			age.WriteString("0")
		}
		b.w("SELECT ", keyExpr(by, rowCase), " AS k, c.id AS case_id, c.due_at AS due_at")
		set := map[string]string{"open_now": "1"}
		for i := 0; i < ages; i++ {
			set["age"+strconv.Itoa(i)] = "CASE WHEN ab = " + strconv.Itoa(i) + " THEN 1 ELSE 0 END"
		}
		cols(set)
		// The bucket is computed once per case in the inner select.
		b.w(" FROM (SELECT c.*, ", age.String(), " AS ab FROM cases c WHERE c.id IN (SELECT m.case_id FROM case_clocks m WHERE m.kind IN ",
			mainClockKinds, " AND m.state IN ('open', 'suspended'))) c")
		b.args = append(b.args, ageArgs...)
		caseJoins(b, false, jt, "")
		b.w(" WHERE 1 = 1")
		conds(b, where, rowCase)
	}
}

// Current implements report.Store.
func (s *ReportStore) Current(ctx context.Context, now report.Now, by report.By, where []report.Cond) ([]report.CurrentCell, error) {
	b := s.qb()
	ages := len(now.AgeBounds) + 1
	b.w("SELECT k, SUM(late_now) AS late_now, SUM(due_soon) AS due_soon, SUM(open_now) AS open_now, SUM(uncomputed) AS uncomputed")
	for i := 0; i < ages; i++ {
		b.w(", SUM(age", strconv.Itoa(i), ") AS age", strconv.Itoa(i))
	}
	b.w(" FROM (")
	s.currentSelect(b, now, by, where, "")
	b.w(") s GROUP BY k")
	var out []report.CurrentCell
	err := s.read(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(b.String(), b.args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := report.CurrentCell{Age: make([]int64, ages)}
			dest := []any{&c.Key, &c.LateNow, &c.DueSoon, &c.OpenNow, &c.Uncomputed}
			for i := range c.Age {
				dest = append(dest, &c.Age[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("report current: %w", err)
	}
	return out, nil
}

// figureSources returns the sources that set a window figure.
func figureSources(f report.Figure) []source {
	col := string(f)
	var out []source
	for _, src := range sources {
		if _, ok := src.figs[col]; ok {
			out = append(out, src)
		}
	}
	return out
}

// drillFrom writes the figure's rows: (case_id, clock_due, clock_closed,
// clock_on_time, clock_ext) restricted to the drill's window and key.
func (s *ReportStore) drillFrom(b *qb, d report.Drill) error {
	if d.Figure.Current() {
		fig := string(d.Figure)
		if d.Figure == report.FigAge {
			fig = "open_now"
		}
		b.w("(SELECT s.case_id AS case_id, s.due_at AS clock_due, NULL AS clock_closed, NULL AS clock_on_time, 0 AS clock_ext FROM (")
		s.currentSelect(b, d.Now, d.By, d.Where, fig)
		b.w(") s WHERE s.k = ").arg(d.Key)
		switch d.Figure {
		case report.FigAge:
			b.w(" AND s.age", strconv.Itoa(d.Bucket), " > 0")
		default:
			b.w(" AND s.", fig, " > 0")
		}
		b.w(")")
		return nil
	}
	srcs := figureSources(d.Figure)
	if len(srcs) == 0 {
		return fmt.Errorf("report: no source for figure %q", d.Figure)
	}
	b.w("(")
	for i, src := range srcs {
		if i > 0 {
			b.w(" UNION ALL ")
		}
		b.w("SELECT s.case_id, s.clock_due, s.clock_closed, s.clock_on_time, s.clock_ext FROM (")
		selectRows(b, src, string(d.Figure), d.By, d.Where)
		b.w(") s WHERE s.wkey = ").arg(d.Window.Key).w(" AND ", asKey("s.kr"), " = ").arg(d.Key)
	}
	b.w(")")
	return nil
}

func (s *ReportStore) drillQuery(d report.Drill, tail func(b *qb)) (*qb, error) {
	b := s.qb()
	if !d.Figure.Current() {
		b.windows([]report.Window{d.Window}, calendar.Date{}, nil)
		b.w(" ")
	}
	b.w("SELECT f.case_id, f.clock_due, f.clock_closed, f.clock_on_time, f.clock_ext, c.code, c.kind, c.channel, c.status, c.title,",
		" c.received_at, c.accepted_at, c.due_at AS case_due, c.eligible, u.code AS unit_code, u.name AS unit_name,",
		" t.name_vi AS topic_vi, pt.key AS task_key,",
		" (SELECT max(a.published_at) FROM answers a WHERE a.case_id = c.id AND a.published_at IS NOT NULL) AS answered_at,",
		" COALESCE((SELECT r.stars FROM ratings r WHERE r.case_id = c.id ORDER BY r.id DESC LIMIT 1), 0) AS stars,",
		" c.identity_sealed,",
		// A figure without a clock (received, eligible…) still says
		// whether the case was answered on time: its latest met answer
		// clock's frozen on_time.
		" (SELECT ak.on_time FROM case_clocks ak WHERE ak.case_id = c.id AND ak.kind = 'answer' AND ak.state = 'met'",
		" ORDER BY ak.closed_at DESC, ak.id DESC LIMIT 1) AS case_on_time,",
		" (SELECT ad.due_at FROM case_clocks ad WHERE ad.case_id = c.id AND ad.kind = 'answer' ORDER BY ad.id DESC LIMIT 1) AS answer_due",
		" FROM ")
	if err := s.drillFrom(b, d); err != nil {
		return nil, err
	}
	b.w(" f JOIN cases c ON c.id = f.case_id LEFT JOIN units u ON u.id = c.lead_unit_id",
		" LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN plan_tasks pt ON pt.id = c.plan_task_id")
	tail(b)
	return b, nil
}

func scanCaseRow(rows *sql.Rows, more ...any) (report.CaseRow, error) {
	var (
		r                                  report.CaseRow
		clockDue, clockClosed, recv, acc   anyTime
		caseDue, answered, answerDue       anyTime
		onTime, eligible, caseOnTime       sql.NullBool
		ext                                sql.NullInt64
		unitCode, unitName, topic, taskKey sql.NullString
		stars                              sql.NullInt64
		sealed                             sql.NullBool
	)
	dest := []any{&r.ID, &clockDue, &clockClosed, &onTime, &ext, &r.Code, &r.Kind, &r.Channel, &r.Status, &r.Title,
		&recv, &acc, &caseDue, &eligible, &unitCode, &unitName, &topic, &taskKey, &answered, &stars, &sealed, &caseOnTime, &answerDue}
	err := rows.Scan(append(dest, more...)...)
	if err != nil {
		return r, err
	}
	r.ReceivedAt = recv.t
	r.AcceptedAt = acc.ptr()
	// The figure's clock's due time, else the case's answer clock's, else
	// the case's current one.
	r.DueAt = clockDue.ptr()
	if r.DueAt == nil {
		r.DueAt = answerDue.ptr()
	}
	if r.DueAt == nil {
		r.DueAt = caseDue.ptr()
	}
	r.ClosedAt = clockClosed.ptr()
	if !onTime.Valid {
		onTime = caseOnTime
	}
	if onTime.Valid {
		v := onTime.Bool
		r.OnTime = &v
	}
	if eligible.Valid {
		v := eligible.Bool
		r.Eligible = &v
	}
	r.Extensions = int(ext.Int64)
	r.UnitCode, r.UnitName, r.TopicVI, r.PlanTaskKey = unitCode.String, unitName.String, topic.String, taskKey.String
	r.AnsweredAt = answered.ptr()
	r.Stars = int(stars.Int64)
	r.Sealed = sealed.Bool
	return r, nil
}

// Cases implements report.Store.
func (s *ReportStore) Cases(ctx context.Context, d report.Drill, limit, offset int) ([]report.CaseRow, int64, error) {
	total, err := s.CountCases(ctx, d)
	if err != nil {
		return nil, 0, err
	}
	b, err := s.drillQuery(d, func(b *qb) {
		b.w(" ORDER BY c.received_at DESC, c.id DESC LIMIT ").arg(limit).w(" OFFSET ").arg(offset)
	})
	if err != nil {
		return nil, 0, err
	}
	var out []report.CaseRow
	err = s.read(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(b.String(), b.args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanCaseRow(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("report cases: %w", err)
	}
	return out, total, nil
}

// CountCases implements report.Store.
func (s *ReportStore) CountCases(ctx context.Context, d report.Drill) (int64, error) {
	b := s.qb()
	if !d.Figure.Current() {
		b.windows([]report.Window{d.Window}, calendar.Date{}, nil)
		b.w(" ")
	}
	b.w("SELECT count(*) FROM ")
	if err := s.drillFrom(b, d); err != nil {
		return 0, err
	}
	b.w(" f")
	var n int64
	if err := s.read(ctx, func(tx *gorm.DB) error { return tx.Raw(b.String(), b.args...).Scan(&n).Error }); err != nil {
		return 0, fmt.Errorf("report count cases: %w", err)
	}
	return n, nil
}

// eachPage is how many cases EachCase reads per statement.
const eachPage = 1000

// EachCase implements report.Store. It reads keyset pages of eachPage
// cases, so that a long export holds no connection (SQLite has one) nor
// snapshot between pages. The petitioner's identity is read alongside,
// only so that the export can scrub it from the title; it is set on the
// row with SetIdentity and never written anywhere.
func (s *ReportStore) EachCase(ctx context.Context, d report.Drill, fn func(report.CaseRow) error) error {
	var after int64
	for {
		b, err := s.drillQuery(d, func(b *qb) { b.w(" WHERE c.id > ").arg(after).w(" ORDER BY c.id LIMIT ").arg(eachPage) })
		if err != nil {
			return err
		}
		// The identity columns are added by wrapping: the select list of
		// drillQuery is shared with Cases.
		q := "SELECT q.*, i.name AS i_name, i.phone AS i_phone, i.email AS i_email, i.address AS i_address, i.id_number AS i_id FROM (" +
			b.String() + ") q LEFT JOIN case_identities i ON i.case_id = q.case_id ORDER BY q.case_id"
		var page []report.CaseRow
		err = s.read(ctx, func(tx *gorm.DB) error {
			rows, err := tx.Raw(q, b.args...).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var name, phone, email, address, idNumber sql.NullString
				r, err := scanCaseRow(rows, &name, &phone, &email, &address, &idNumber)
				if err != nil {
					return err
				}
				r.SetIdentity(access.Identity{Name: name.String, Phone: phone.String, Email: email.String, Address: address.String, IDNumber: idNumber.String})
				page = append(page, r)
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("report each case: %w", err)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < eachPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// TopicMonths implements report.Store.
func (s *ReportStore) TopicMonths(ctx context.Context, from, to time.Time, off report.DayOffset) ([]report.TopicMonth, error) {
	b := s.qb()
	if b.pg {
		b.w("SELECT topic_id, to_char((received_at AT TIME ZONE 'UTC') + ").arg(int64(off)).w(" * interval '1 second', 'YYYY-MM') AS month")
	} else {
		b.w("SELECT topic_id, strftime('%Y-%m', received_at, ").arg(strconv.Itoa(int(off)) + " seconds").w(") AS month")
	}
	b.w(", count(*) AS n FROM cases WHERE received_at >= ").arg(from.UTC()).w(" AND received_at < ").arg(to.UTC()).
		w(" AND topic_id IS NOT NULL GROUP BY 1, 2")
	var rows []report.TopicMonth
	var raw []struct {
		TopicID int64
		Month   string
		N       int64
	}
	if err := s.read(ctx, func(tx *gorm.DB) error { return tx.Raw(b.String(), b.args...).Scan(&raw).Error }); err != nil {
		return nil, fmt.Errorf("report topic months: %w", err)
	}
	for _, r := range raw {
		rows = append(rows, report.TopicMonth{TopicID: r.TopicID, Month: r.Month, N: r.N})
	}
	return rows, nil
}

// Directory implements report.Store.
func (s *ReportStore) Directory(ctx context.Context) (*report.Directory, error) {
	g := s.db.Gorm.WithContext(ctx)
	d := &report.Directory{}
	if err := g.Raw("SELECT id, code, name, name_en, kind, active FROM units ORDER BY CASE kind WHEN 'office' THEN 0 WHEN 'division' THEN 1 " +
		"WHEN 'service_centre' THEN 2 ELSE 3 END, id").Scan(&d.Units).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	if err := g.Raw("SELECT id, number, year, title FROM plans ORDER BY year DESC, id DESC").Scan(&d.Plans).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	if err := g.Raw("SELECT id, plan_id, numeral, ordinal, title FROM plan_dimensions ORDER BY plan_id, ordinal").Scan(&d.Dimensions).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	var tasks []struct {
		ID          int64
		PlanID      int64
		DimensionID int64
		Key         string
		Number      string
		Text        string
		Position    int
	}
	if err := g.Raw("SELECT t.id, t.plan_id, t.dimension_id, t.key, t.number, t.text, t.position FROM plan_tasks t " +
		"JOIN plan_dimensions d ON d.id = t.dimension_id ORDER BY t.plan_id, d.ordinal, t.position, t.id").Scan(&tasks).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, t := range tasks {
		d.Tasks = append(d.Tasks, report.TaskInfo{ID: t.ID, PlanID: t.PlanID, DimensionID: t.DimensionID, Key: t.Key, Number: t.Number,
			Text: t.Text, Position: t.Position})
	}
	var targets []struct {
		TaskID int64
		Key    string
		Metric string
		Value  float64
	}
	if err := g.Raw("SELECT g.task_id, t.key, g.metric, g.value FROM plan_task_targets g JOIN plan_tasks t ON t.id = g.task_id " +
		"ORDER BY g.task_id, g.position").Scan(&targets).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, g := range targets {
		for i := range d.Tasks {
			if d.Tasks[i].ID == g.TaskID {
				d.Tasks[i].Targets = append(d.Tasks[i].Targets, report.Target{TaskKey: g.Key, Metric: g.Metric, Value: g.Value})
			}
		}
	}
	var topics []struct {
		ID         int64
		Slug       string
		NameVI     string `gorm:"column:name_vi"`
		NameEN     string `gorm:"column:name_en"`
		PlanTaskID *int64
		Position   int
	}
	if err := g.Raw("SELECT id, slug, name_vi, name_en, plan_task_id, position FROM topics WHERE active = TRUE ORDER BY position, id").
		Scan(&topics).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, t := range topics {
		ti := report.TopicInfo{ID: t.ID, Slug: t.Slug, NameVI: t.NameVI, NameEN: t.NameEN, Position: t.Position}
		if t.PlanTaskID != nil {
			ti.PlanTaskID = *t.PlanTaskID
		}
		d.Topics = append(d.Topics, ti)
	}
	return d, nil
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
