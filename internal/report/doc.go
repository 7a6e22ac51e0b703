// Package report owns the KPIs against Plan 55's targets: the on-time rate
// of the commitment "100% of valid petitions answered on time" and the
// figures around it (late, due soon, backlog by age, response time in
// working days, extensions, not-eligible, forwarded and withdrawn counts,
// satisfaction, reopen rate, the coordinating units' sub-deadlines), sliced
// by unit, plan task, PAPI dimension, kind, channel and month; and the
// exports of those figures (CSV with a BOM, XLSX in the office's layout).
//
// The rule that shapes everything here: every figure is counted in SQL by
// the Store, over the frozen facts the workflow wrote (case_clocks.on_time
// is set once, when the answer is published). This package turns periods
// into windows of instants, asks the Store for counts, and derives rates,
// percentiles, targets and labels. It never pulls case rows into Go for a
// figure; the case lists behind a figure (drill-down, exports) use the same
// predicates, so a figure and its list always agree.
//
// The on-time rate of a window is
//
//	answered on time / (answered on time + answered late + open and late at the window's end)
//
// so a month with a case still open past its due time can never show 100%.
// Rates are floored to one decimal, never rounded up: 9,999 of 10,000 is
// 99.9%, not 100%.
package report
