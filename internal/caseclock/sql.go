package caseclock

// The SQL forms of the definitions of this package. Every query that asks
// whether a clock is late, due soon, answered on time or counted in the
// on-time rate builds its condition here, so that the overdue sweep, the
// alert ladder, the digest, the inbox, the case page, the reports, the
// public statistics and the exports answer each question the same way.
//
// a is the case_clocks alias with its dot ("k.", or "" for the bare
// table); at, from and to are SQL expressions of instants: a bind
// parameter "?" or a column such as "w.wa".
//
// The definitions (the period ends at 24:00 of its last day, stored as the
// instant DueAt; an act at or after that instant is late):
//
//   - due by at: due_at <= at (at >= due_at);
//   - late at at: running (open) and due by at (Clock.LateAt);
//   - due soon between from and to: running, not due by from, due by to;
//   - answered on time: met before due_at, frozen once in on_time
//     (OnTimeAtSQL); answered late: met at or after due_at;
//   - open late at at: running at at (started before, not closed before)
//     and due by at (the on-time rate's third term);
//   - excluded from the on-time rate: the case was classified not eligible
//     (eligible = FALSE) or outside the agency's competence
//     (within_competence = FALSE); see Exclusion.

// MainKindsSQL are the clocks of a case's own step, as an SQL list: a case
// runs one of them at a time, and it is late when that one is (the inbox's
// "late", the dashboard's "late now" tile).
const MainKindsSQL = "('process', 'accept', 'answer')"

// DueBySQL: the clock's due time has come by at.
func DueBySQL(a, at string) string { return DueExprBySQL(a+"due_at", at) }

// DueExprBySQL is DueBySQL for a due time that is not yet the clock's
// column: due is an SQL expression of the instant (a due time being
// written, such as a recompute's new one).
func DueExprBySQL(due, at string) string { return due + " <= " + at }

// NotDueBySQL: the clock's due time is after at.
func NotDueBySQL(a, at string) string { return a + "due_at > " + at }

// LateSQL: the clock is running and late at at (Clock.LateAt).
func LateSQL(a, at string) string { return a + "state = 'open' AND " + DueBySQL(a, at) }

// DueSoonSQL: the clock is running, not late at from, and due by to.
func DueSoonSQL(a, from, to string) string {
	return a + "state = 'open' AND " + NotDueBySQL(a, from) + " AND " + DueBySQL(a, to)
}

// LateAtRunningSQL: the clock, running at at (started before it), was past
// due at at. Pair it with a state condition: "open" for those still
// running, or ClosedSinceSQL for those closed since.
func LateAtRunningSQL(a, at string) string {
	return DueBySQL(a, at) + " AND " + a + "started_at < " + at
}

// ClosedSinceLateSQL: the clock closed at or after at, and at or after its
// due time (so it was running and late at at, with LateAtRunningSQL).
func ClosedSinceLateSQL(a, at string) string {
	return a + "closed_at >= " + at + " AND " + a + "closed_at >= " + a + "due_at"
}

// OnTimeAtSQL is the frozen on_time of a clock met at at: NULL without a
// due time, TRUE when met before it, FALSE at or after it.
func OnTimeAtSQL(at string) string {
	return "CASE WHEN due_at IS NULL THEN NULL WHEN " + at + " < due_at THEN TRUE ELSE FALSE END"
}

// MissedAtSQL is the frozen on_time of a clock made moot at at: FALSE if
// its due time had already come (the miss is recorded), else NULL.
func MissedAtSQL(at string) string {
	return "CASE WHEN due_at IS NOT NULL AND " + DueBySQL("", at) + " THEN FALSE ELSE NULL END"
}

// AnsweredOnTimeSQL and AnsweredLateSQL read the frozen result of a met
// clock.
func AnsweredOnTimeSQL(a string) string { return a + "on_time" }

// AnsweredLateSQL: see AnsweredOnTimeSQL.
func AnsweredLateSQL(a string) string { return "NOT " + a + "on_time" }

// Exclusion is why a case's clocks are left out of the on-time rate.
type Exclusion string

const (
	NotEligible       Exclusion = "not_eligible"       // classified not eligible (không đủ điều kiện thụ lý)
	OutsideCompetence Exclusion = "outside_competence" // not within the agency's competence
)

// CountedSQL: the clocks of the case caseID (an SQL expression) count in
// the on-time rate: the case is not excluded (see Exclusion).
func CountedSQL(caseID string) string {
	return "NOT EXISTS (SELECT 1 FROM cases x WHERE x.id = " + caseID + " AND (x.eligible = FALSE OR x.within_competence = FALSE))"
}

// ExclusionSQL is the Exclusion of the case alias c ("c."), NULL when it
// is counted.
func ExclusionSQL(c string) string {
	return "CASE WHEN " + c + "eligible = FALSE THEN '" + string(NotEligible) + "' WHEN " + c +
		"within_competence = FALSE THEN '" + string(OutsideCompetence) + "' END"
}
