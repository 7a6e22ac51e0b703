package store

import (
	"strconv"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/report"
)

// figureCol is one count column of every source and the report.Counts
// field it is read into.
type figureCol struct {
	name  string
	field func(*report.Counts) *int64
}

// figureCols are the count columns of every source, in order.
var figureCols = []figureCol{
	{"received", func(c *report.Counts) *int64 { return &c.Received }},
	{"carried_over", func(c *report.Counts) *int64 { return &c.CarriedOver }},
	{"eligible", func(c *report.Counts) *int64 { return &c.Eligible }},
	{"on_time", func(c *report.Counts) *int64 { return &c.AnsweredOnTime }},
	{"late", func(c *report.Counts) *int64 { return &c.AnsweredLate }},
	{"open_late", func(c *report.Counts) *int64 { return &c.OpenLate }},
	{"extended", func(c *report.Counts) *int64 { return &c.Extended }},
	{"extended_on_time", func(c *report.Counts) *int64 { return &c.ExtendedOnTime }},
	{"extensions", func(c *report.Counts) *int64 { return &c.Extensions }},
	{"not_eligible", func(c *report.Counts) *int64 { return &c.NotEligible }},
	{"forwarded", func(c *report.Counts) *int64 { return &c.Forwarded }},
	{"guided", func(c *report.Counts) *int64 { return &c.Guided }},
	{"withdrawn", func(c *report.Counts) *int64 { return &c.Withdrawn }},
	{"rated", func(c *report.Counts) *int64 { return &c.Rated }},
	{"satisfied", func(c *report.Counts) *int64 { return &c.Satisfied }},
	{"stars", func(c *report.Counts) *int64 { return &c.StarsSum }},
	{"reopened", func(c *report.Counts) *int64 { return &c.Reopened }},
	{"contrib_on_time", func(c *report.Counts) *int64 { return &c.ContribOnTime }},
	{"contrib_late", func(c *report.Counts) *int64 { return &c.ContribLate }},
	{"contrib_open_late", func(c *report.Counts) *int64 { return &c.ContribOpenLate }},
	{"duty_on_time", func(c *report.Counts) *int64 { return &c.DutyOnTime }},
	{"duty_late", func(c *report.Counts) *int64 { return &c.DutyLate }},
	{"duty_open_late", func(c *report.Counts) *int64 { return &c.DutyOpenLate }},
	{"chased", func(c *report.Counts) *int64 { return &c.Chased }},
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

// dutiesMet: duty clocks met in the window. The rollup does not carry
// them (report_facts has no such columns), so every window reads them
// from the clocks, from its start.
var dutiesMet = source{clock: true, figs: map[string]string{
	"duty_on_time": kindIs("duty", caseclock.AnsweredOnTimeSQL("k.")),
	"duty_late":    kindIs("duty", caseclock.AnsweredLateSQL("k.")),
}, from: func(b *qb, jc, jt bool) {
	b.w(" FROM w JOIN case_clocks k ON k.kind = 'duty' AND k.state = 'met' AND k.closed_at >= w.ws AND k.closed_at < w.we")
	caseJoins(b, jc, jt, "k.case_id")
	b.w(" WHERE 1 = 1", notExcluded)
}}

// clocksOpenLate: answer and contribution clocks still running at the
// window's AsOf and due at or before it; two sources so that each has an
// index: the clocks open now (case_clocks_open_due), and those closed
// since AsOf after their due time (case_clocks_closed_late).
var clocksOpenLate = func() []source {
	figs := map[string]string{"open_late": kindIs("answer", ""), "contrib_open_late": kindIs("contribution", ""), "duty_open_late": kindIs("duty", "")}
	return []source{
		{figs: figs, clock: true, from: func(b *qb, jc, jt bool) {
			b.w(" FROM w JOIN case_clocks k ON k.kind IN ('answer', 'contribution', 'duty') AND k.state = 'open' AND ", caseclock.LateAtRunningSQL("k.", "w.wa"))
			caseJoins(b, jc, jt, "k.case_id")
			b.w(" WHERE 1 = 1", notExcluded)
		}},
		{figs: figs, clock: true, from: func(b *qb, jc, jt bool) {
			b.w(" FROM w JOIN case_clocks k ON k.kind IN ('answer', 'contribution', 'duty') AND ", caseclock.ClosedSinceLateSQL("k.", "w.wa"),
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

// eventFigs are the case events counted as figures. "reopened" is an
// answer reopened, whoever reopened it: the citizen's dispute (event
// reopened, written with the dispute) or the office's or leadership's
// decision (event staff_reopened); both keep the answer's on-time fact and
// open a follow-up, and the reopen rate is the share of answers either way.
var eventFigs = map[string]string{
	"reopened":     "e.kind IN ('reopened', 'staff_reopened')",
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
		dutiesMet,
	}
	list = append(list, clocksOpenLate...)
	list = append(list,
		source{figs: eventFigs, from: func(b *qb, _, jt bool) {
			b.w(" FROM w JOIN case_events e ON e.kind IN ('not_eligible', 'forwarded', 'guided', 'withdrawn', 'extended', 'reopened', 'staff_reopened')",
				" AND e.created_at >= w.ws AND e.created_at < w.we JOIN cases c ON c.id = e.case_id")
			caseJoins(b, false, jt, "")
			b.w(" WHERE 1 = 1")
		}},
		source{figs: map[string]string{"rated": "TRUE", "satisfied": "r.stars >= " + strconv.Itoa(report.SatisfiedStars)}, sums: map[string]string{"stars": "r.stars"},
			from: func(b *qb, _, jt bool) {
				b.w(" FROM w JOIN ratings r ON r.created_at >= w.ws AND r.created_at < w.we JOIN cases c ON c.id = r.case_id")
				caseJoins(b, false, jt, "")
				b.w(" WHERE 1 = 1")
			}},
		// Chases, as clock-like rows (alias k) whose unit is the unit
		// chased, so that "by unit" counts each for the unit chased. Not
		// rolled up: every window reads them from its start.
		source{figs: map[string]string{"chased": "TRUE"}, clock: true, wkey: "k.wkey", from: func(b *qb, jc, jt bool) {
			noTime, noBool := "NULL", "NULL"
			if b.pg {
				noTime, noBool = "CAST(NULL AS TIMESTAMPTZ)", "CAST(NULL AS BOOLEAN)"
			}
			b.w(" FROM (SELECT w.wkey AS wkey, ch.case_id AS case_id, ch.unit_id AS unit_id, ", noTime, " AS due_at,",
				" ch.created_at AS closed_at, ", noBool, " AS on_time, 0 AS extensions",
				" FROM w JOIN case_chases ch ON ch.created_at >= w.ws AND ch.created_at < w.we) k")
			caseJoins(b, jc, jt, "k.case_id")
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
