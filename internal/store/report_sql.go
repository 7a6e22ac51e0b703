package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/report"
)

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
	case report.ByOrigin:
		// A condition only, so never over facts (a report with conditions
		// reads the clocks): the case is one a reception session opened.
		return "CASE WHEN EXISTS (SELECT 1 FROM reception_sessions o WHERE o.case_id = c.id) THEN '" + report.OriginReception + "' ELSE '' END"
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
		// A unit is the clock's; an origin is read by the case id.
		if c.By != report.ByUnit && c.By != report.ByOrigin {
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

func caseJoins(b *qb, joinCase, joinTask bool, on string) {
	if joinCase {
		b.w(" JOIN cases c ON c.id = ", on)
	}
	if joinTask {
		b.w(" LEFT JOIN plan_tasks pt ON pt.id = c.plan_task_id")
	}
}

// conds appends the key conditions of where.
func conds(b *qb, where []report.Cond, rk rowKind) {
	for _, c := range where {
		if c.By == report.ByOrigin {
			b.w(" AND ", originCond(rk, c.Key))
			continue
		}
		b.w(" AND ", keyExpr(c.By, rk), " = ").arg(c.Key)
	}
}

// originCond is ByOrigin's condition as a semi-join on the row's case id,
// which needs no join of cases: an IN over the sessions' cases is hashed
// once, where the key's EXISTS (keyCol) is probed per row, which took the
// month's reception figure as long again as the month-by-unit report
// (BenchmarkReportReceptionMonth).
func originCond(rk rowKind, key string) string {
	id := "c.id"
	if rk == rowClock {
		id = "k.case_id"
	}
	in := " IN (SELECT o.case_id FROM reception_sessions o WHERE o.case_id IS NOT NULL)"
	switch key {
	case report.OriginReception:
		return id + in
	case "":
		return id + " NOT" + in
	}
	return "FALSE"
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
