package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/report"
)

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
	for _, fc := range figureCols {
		col := fc.name
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

// cellRow is one row of the counts statement: a cell's figures, or one
// pair of days of its response-time histogram (Rd, Ad and Met set).
type cellRow struct {
	Wkey, K string
	Rd, Ad  sql.NullInt64
	Met     int64
	Counts  report.Counts
}

// dest is where rows.Scan puts the columns of countQuery, in its order:
// read without gorm's reflection, which took as long as a fifth of the
// month-by-unit report (a few thousand rows of the histogram, 29 columns
// each; BenchmarkReportMonthByUnit).
func (r *cellRow) dest(d []any) []any {
	d = append(d[:0], &r.Wkey, &r.K, &r.Rd, &r.Ad)
	for _, fc := range figureCols {
		d = append(d, fc.field(&r.Counts))
	}
	return append(d, &r.Met)
}

// Counts implements report.Store.
func (s *ReportStore) Counts(ctx context.Context, spec report.Spec, off report.DayOffset) ([]report.Cell, []report.DayPair, error) {
	if len(spec.Windows) == 0 {
		return nil, nil, nil
	}
	var cells []report.Cell
	var pairs []report.DayPair
	err := s.read(ctx, func(tx *gorm.DB) error {
		rolled, err := rolledThrough(tx)
		if err != nil {
			return err
		}
		b := s.countQuery(spec, off, rolled)
		rows, err := tx.Raw(b.String(), b.args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		cells, pairs = cells[:0], pairs[:0]
		var r cellRow
		var dest []any
		for rows.Next() {
			r = cellRow{}
			dest = r.dest(dest)
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			cells = append(cells, report.Cell{Window: r.Wkey, Key: r.K, Counts: r.Counts})
			if r.Rd.Valid && r.Ad.Valid && r.Met > 0 {
				pairs = append(pairs, report.DayPair{Window: r.Wkey, Key: r.K, N: r.Met,
					Received: calendar.FromJDN(int(r.Rd.Int64) + unixEpochJDN), Answered: calendar.FromJDN(int(r.Ad.Int64) + unixEpochJDN)})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("report counts: %w", err)
	}
	return cells, pairs, nil
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
	// Postgres sums bigints into a numeric, which the driver hands over
	// as text to parse; cast back, as SQLite's SUM already is. No sum is
	// NULL (every row of a group counts), but a scan into an int64 would
	// fail on one, so say so.
	sum := func(col string) {
		if b.pg {
			b.w(", CAST(COALESCE(SUM(", col, "), 0) AS BIGINT) AS ", col)
		} else {
			b.w(", COALESCE(SUM(", col, "), 0) AS ", col)
		}
	}
	for _, fc := range figureCols {
		sum(fc.name)
	}
	sum("met")
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

// dueSoonNoDraftSQL: the clock (alias a, "k.") is an answer clock due soon
// between from and to (caseclock.DueSoonSQL), of a case counted in the
// on-time rate, with no draft answer waiting. It is the dashboard's "due
// soon" figure (report.FigDueSoon) and, with the chase horizon, the
// inbox's cases to chase (access.CaseQuery.ToChase).
func dueSoonNoDraftSQL(a, from, to string) string {
	return a + "kind = 'answer' AND " + caseclock.DueSoonSQL(a, from, to) + " AND " + caseclock.CountedSQL(a+"case_id") +
		" AND NOT EXISTS (SELECT 1 FROM answers dra WHERE dra.case_id = " + a + "case_id AND dra.published_at IS NULL AND dra.superseded_at IS NULL)"
}

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
		b.w(" WHERE ", dueSoonNoDraftSQL("k.", "?", "?")).bind(now.At.UTC(), now.SoonUntil.UTC())
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
