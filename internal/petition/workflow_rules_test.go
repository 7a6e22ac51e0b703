package petition

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// rule is one row of a decision table: a case in a given state, an actor,
// an action; then either the state it leads to (and what else must hold),
// or the refusal: its code, message and field. A refused action writes
// nothing.
type rule struct {
	name  string
	given func(*flow, *testing.T) int64
	by    func(*flow) access.Actor
	in    Input
	// inFor, when set, makes the input from the case as given (an id
	// the case holds).
	inFor func(*CaseState) Input

	status Status
	check  func(t *testing.T, f *flow, st *CaseState, res Result)

	code  fault.Code
	msg   string
	field string
}

// refusals lists what an error says: each fault's code, message id and
// field (one for a *fault.Error, several for a fault.List).
func refusals(err error) []*fault.Error {
	var list fault.List
	if errors.As(err, &list) {
		return list
	}
	if fe, ok := fault.As(err); ok {
		return []*fault.Error{fe}
	}
	return nil
}

func runRules(t *testing.T, rules []rule) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			f := newFlow(t)
			id := r.given(f, t)
			before := f.state(t, id)
			applied := f.store.applied
			if r.inFor != nil {
				r.in = r.inFor(before)
			}
			res, err := f.w.Do(context.Background(), r.by(f), id, r.in)
			if r.code != "" {
				if err == nil {
					t.Fatalf("%s was taken (status %s), want refused with %s %s", r.in.Action(), res.Status, r.code, r.msg)
				}
				got := refusals(err)
				if !slices.ContainsFunc(got, func(fe *fault.Error) bool {
					return fe.Code == r.code && fe.MessageID == r.msg && fe.Field == r.field
				}) {
					t.Errorf("refused with %v, want %s %s (field %q)", err, r.code, r.msg, r.field)
				}
				if f.store.applied != applied {
					t.Error("a refused action wrote a change")
				}
				if after := f.state(t, id); after.Status != before.Status || len(after.Clocks) != len(before.Clocks) {
					t.Errorf("a refused action changed the case: %s → %s", before.Status, after.Status)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s refused: %v", r.in.Action(), err)
			}
			st := f.state(t, id)
			if res.Status != r.status || st.Status != r.status {
				t.Errorf("status %s (stored %s), want %s", res.Status, st.Status, r.status)
			}
			if r.check != nil {
				r.check(t, f, st, res)
			}
		})
	}
}

func office(f *flow) access.Actor       { return f.office }
func leadership(f *flow) access.Actor   { return f.leadership }
func leadOfficer(f *flow) access.Actor  { return f.leadOfficer }
func leadHead(f *flow) access.Actor     { return f.leadHead }
func coordOfficer(f *flow) access.Actor { return f.coordOfficer }
func otherOfficer(f *flow) access.Actor { return f.otherOfficer }

func received(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.received(t, k) }
}

func classified(k Kind, eligible, competent bool) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.classified(t, k, eligible, competent) }
}

func accepted(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.accepted(t, k) }
}

func assigned(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.assigned(t, k) }
}

func drafted(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.drafted(t, k) }
}

func answered(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.answered(t, k) }
}

func suspended(k Kind) func(*flow, *testing.T) int64 {
	return func(f *flow, t *testing.T) int64 { return f.suspended(t, k) }
}

// clockOf is the case's clock of a rule, or nil.
func clockOf(st *CaseState, rule string) *ClockState {
	for i := range st.Clocks {
		if st.Clocks[i].RuleID == rule {
			return &st.Clocks[i]
		}
	}
	return nil
}

func wantClock(t *testing.T, st *CaseState, rule string, state caseclock.State) *ClockState {
	t.Helper()
	c := clockOf(st, rule)
	if c == nil {
		t.Fatalf("no %s clock; clocks %+v", rule, st.Clocks)
	}
	if c.State != state {
		t.Errorf("%s clock %s, want %s", rule, c.State, state)
	}
	return c
}

func wantEvents(t *testing.T, f *flow, id int64, kinds ...EventKind) {
	t.Helper()
	got := f.store.eventKinds(id)
	for _, k := range kinds {
		if !slices.Contains(got, k) {
			t.Errorf("events %v lack %s", got, k)
		}
	}
}

// Classification: who may classify, from which states, and what a
// classification checks and does to the clocks.
func TestClassifyDecisions(t *testing.T) {
	runRules(t, []rule{
		{name: "office classifies a received feedback", given: received(KindFeedback), by: office,
			in: ClassifyInput{Eligible: true, WithinCompetence: true}, status: StatusClassified,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if st.Class.Eligible == nil || !*st.Class.Eligible || st.Class.WithinCompetence == nil || !*st.Class.WithinCompetence {
					t.Errorf("classification %+v", st.Class)
				}
				wantClock(t, st, "pakn.answer", caseclock.Open)
				wantEvents(t, f, st.ID, EventClassified)
			}},
		{name: "office classifies again before acting", given: classified(KindFeedback, true, true), by: office,
			in: ClassifyInput{Eligible: true, WithinCompetence: false}, status: StatusClassified,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if *st.Class.WithinCompetence {
					t.Error("the second classification was not kept")
				}
			}},
		{name: "a reclassified kind runs on the new kind's clock from receipt", given: received(KindFeedback), by: office,
			in: ClassifyInput{Kind: KindComplaint, Eligible: true, WithinCompetence: true}, status: StatusClassified,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if st.Kind != KindComplaint {
					t.Errorf("kind %s", st.Kind)
				}
				wantClock(t, st, "pakn.answer", caseclock.Cancelled)
				if c := wantClock(t, st, "complaint.accept", caseclock.Open); !c.StartedAt.Equal(st.ReceivedAt) {
					t.Errorf("the new clock starts %s, not at receipt %s", c.StartedAt, st.ReceivedAt)
				}
			}},
		{name: "a topic maps the case to its plan task", given: received(KindComplaint), by: office,
			in: ClassifyInput{TopicID: 7, Eligible: true, WithinCompetence: true}, status: StatusClassified,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if st.TopicID != 7 || st.PlanTaskID != 70 {
					t.Errorf("topic %d, plan task %d", st.TopicID, st.PlanTaskID)
				}
			}},
		{name: "an unknown topic", given: received(KindComplaint), by: office,
			in:   ClassifyInput{TopicID: 99, Eligible: true, WithinCompetence: true},
			code: fault.Invalid, msg: "petition.topic_invalid", field: FieldTopic},
		{name: "not eligible needs a known reason", given: received(KindFeedback), by: office,
			in:   ClassifyInput{Eligible: false, IneligibleReason: "bored"},
			code: fault.Invalid, msg: "workflow.reason_invalid", field: "ineligible_reason"},
		{name: "the reason other needs a note", given: received(KindFeedback), by: office,
			in:   ClassifyInput{Eligible: false, IneligibleReason: "other"},
			code: fault.Invalid, msg: "workflow.field_required", field: "ineligible_note"},
		{name: "a complaint's round is 1 or 2", given: received(KindComplaint), by: office,
			in:   ClassifyInput{Eligible: true, WithinCompetence: true, Round: 3},
			code: fault.Invalid, msg: "workflow.round_invalid", field: "round"},
		{name: "complex needs a criterion", given: received(KindComplaint), by: office,
			in:   ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "complex", ComplexityRef: "BB 01"},
			code: fault.Invalid, msg: "workflow.complex_needs_criteria", field: "criteria"},
		{name: "complex needs the written reference", given: received(KindComplaint), by: office,
			in:   ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "complex", Criteria: []string{"a"}},
			code: fault.Invalid, msg: "workflow.complexity_needs_ref", field: "complexity_ref"},
		{name: "especially complex is for denunciations", given: received(KindComplaint), by: office,
			in: ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "especially", Criteria: []string{"a", "b"},
				ComplexityRef: "BB 01"},
			code: fault.Invalid, msg: "workflow.especially_denunciation_only", field: "complexity"},
		{name: "an unknown criterion", given: received(KindDenunciation), by: office,
			in:   ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "complex", Criteria: []string{"z"}, ComplexityRef: "BB 01"},
			code: fault.Invalid, msg: "workflow.criterion_invalid", field: "criteria"},
		{name: "criteria are kept in the law's order, đ as dd", given: received(KindDenunciation), by: office,
			in: ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "especially", Criteria: []string{"g", "đ", "a"},
				ComplexityRef: "BB 01"}, status: StatusClassified,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if !slices.Equal(st.Class.Criteria, []string{"a", "dd", "g"}) || st.Class.Complexity != deadline.EspeciallyComplex {
					t.Errorf("complexity %s %v", st.Class.Complexity, st.Class.Criteria)
				}
			}},
		{name: "the decision date is for complaints only", given: received(KindFeedback), by: office,
			in:   ClassifyInput{Eligible: true, WithinCompetence: true, DecisionKnownOn: calendar.NewDate(2026, 11, 2)},
			code: fault.Invalid, msg: "workflow.decision_known_complaint_only", field: "decision_known_on"},
		{name: "a complaint out of its filing window is not eligible", given: received(KindComplaint), by: office,
			in:     ClassifyInput{Eligible: true, WithinCompetence: true, DecisionKnownOn: calendar.NewDate(2025, 1, 6)},
			status: StatusClassified,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if *st.Class.Eligible || st.Class.IneligibleReason != "out_of_time" || st.Class.IneligibleNote == "" {
					t.Errorf("classification %+v, want not eligible, out_of_time, with the computation", st.Class)
				}
			}},
		{name: "a unit officer not on the case does not see it", given: received(KindFeedback), by: otherOfficer,
			in: ClassifyInput{Eligible: true}, code: fault.NotFound, msg: access.ErrCaseNotFound.MessageID},
		{name: "leadership reads but does not classify", given: received(KindFeedback), by: leadership,
			in: ClassifyInput{Eligible: true}, code: fault.Forbidden, msg: "error.forbidden"},
		{name: "nobody classifies an assigned case", given: assigned(KindFeedback), by: office,
			in: ClassifyInput{Eligible: true}, code: fault.Conflict, msg: "workflow.illegal"},
		{name: "an anonymous caller", given: received(KindFeedback), by: func(*flow) access.Actor { return access.Actor{} },
			in: ClassifyInput{Eligible: true}, code: fault.Unauthenticated, msg: "error.unauthenticated"},
	})
}

// The outcomes of processing: accept, forward, guide, reject, file.
func TestProcessingDecisions(t *testing.T) {
	runRules(t, []rule{
		{name: "a feedback is accepted without a decision number; its answer clock runs on", given: classified(KindFeedback, true, true),
			by: office, in: AcceptInput{}, status: StatusAccepted,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				wantClock(t, st, "pakn.answer", caseclock.Open)
				if st.AcceptedAt == nil || !st.AcceptedAt.Equal(f.now) {
					t.Errorf("accepted at %v", st.AcceptedAt)
				}
				wantEvents(t, f, st.ID, EventAccepted)
			}},
		{name: "a complaint is accepted by a numbered decision", given: classified(KindComplaint, true, true),
			by: office, in: AcceptInput{}, code: fault.Invalid, msg: "workflow.field_required", field: "decision_no"},
		{name: "accepting a complaint meets its accept clock and starts resolution", given: classified(KindComplaint, true, true),
			by: office, in: AcceptInput{DecisionNo: "12/QĐ-SXD"}, status: StatusAccepted,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if c := wantClock(t, st, "complaint.accept", caseclock.Met); c.OnTime == nil || !*c.OnTime {
					t.Errorf("the accept clock met late: %+v", c.Clock)
				}
				r := wantClock(t, st, "complaint.resolve", caseclock.Open)
				if !r.StartedAt.Equal(f.now) || r.DueAt == nil || !r.DueAt.After(f.now.AddDate(0, 0, 29)) {
					t.Errorf("resolution clock from %s due %v", r.StartedAt, r.DueAt)
				}
				if st.AcceptDecisionNo != "12/QĐ-SXD" {
					t.Errorf("decision %q", st.AcceptDecisionNo)
				}
			}},
		{name: "an acceptance dated before today counts from noon of that day", given: classified(KindDenunciation, true, true),
			by: office, in: AcceptInput{DecisionNo: "3/QĐ", DecidedOn: calendar.NewDate(2026, 11, 26)}, status: StatusAccepted,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				want := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
				if st.AcceptedAt == nil || !st.AcceptedAt.Equal(want) {
					t.Errorf("accepted at %v, want %s", st.AcceptedAt, want)
				}
				wantClock(t, st, "denunciation.resolve", caseclock.Open)
			}},
		{name: "an acceptance dated tomorrow", given: classified(KindComplaint, true, true),
			by: office, in: AcceptInput{DecisionNo: "1", DecidedOn: calendar.NewDate(2026, 11, 28)},
			code: fault.Invalid, msg: "workflow.date_future", field: "decided_on"},
		{name: "an acceptance dated before receipt", given: classified(KindComplaint, true, true),
			by: office, in: AcceptInput{DecisionNo: "1", DecidedOn: calendar.NewDate(2026, 10, 1)},
			code: fault.Invalid, msg: "workflow.date_before_receipt", field: "decided_on"},
		{name: "a case found not eligible is not accepted", given: classified(KindComplaint, false, true),
			by: office, in: AcceptInput{DecisionNo: "1"}, code: fault.Conflict, msg: "workflow.accept_not_eligible"},
		{name: "a case outside competence is not accepted", given: classified(KindComplaint, true, false),
			by: office, in: AcceptInput{DecisionNo: "1"}, code: fault.Conflict, msg: "workflow.accept_not_competent"},
		{name: "an unclassified case is not accepted", given: received(KindComplaint),
			by: office, in: AcceptInput{DecisionNo: "1"}, code: fault.Conflict, msg: "workflow.illegal"},
		{name: "a case outside competence is forwarded, its forward clock met at once", given: classified(KindDenunciation, true, false),
			by: office, in: ForwardInput{To: "Thanh tra tỉnh Lạng Sơn"}, status: StatusForwarded,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				wantClock(t, st, "denunciation.initial", caseclock.Cancelled)
				if c := wantClock(t, st, "denunciation.forward", caseclock.Met); c.OnTime == nil || !*c.OnTime {
					t.Errorf("forwarded two days after receipt, not on time: %+v", c.Clock)
				}
				if st.OutcomeNote != "Thanh tra tỉnh Lạng Sơn" {
					t.Errorf("outcome note %q", st.OutcomeNote)
				}
				wantEvents(t, f, st.ID, EventForwarded)
			}},
		{name: "a case within competence is not forwarded", given: classified(KindFeedback, true, true),
			by: office, in: ForwardInput{To: "UBND tỉnh"}, code: fault.Conflict, msg: "workflow.forward_competent"},
		{name: "a forward names the body", given: classified(KindFeedback, true, false),
			by: office, in: ForwardInput{To: "X"}, code: fault.Invalid, msg: "petition.too_short", field: "to"},
		{name: "guidance is the reply: the first clock is met", given: classified(KindFeedback, true, false),
			by: office, in: GuideInput{Note: "Đề nghị ông/bà liên hệ UBND huyện."}, status: StatusGuided,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) { wantClock(t, st, "pakn.answer", caseclock.Met) }},
		{name: "guidance says where to go", given: classified(KindFeedback, true, false),
			by: office, in: GuideInput{Note: "Đi"}, code: fault.Invalid, msg: "petition.too_short", field: "note"},
		{name: "a case found not eligible is answered so; its clock leaves the count", given: classified(KindFeedback, false, true),
			by: office, in: RejectInput{Note: "Đơn không ký tên, không rõ người gửi."}, status: StatusNotEligible,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				wantClock(t, st, "pakn.answer", caseclock.Cancelled)
				wantEvents(t, f, st.ID, EventNotEligible)
			}},
		{name: "an eligible case is not rejected", given: classified(KindFeedback, true, true),
			by: office, in: RejectInput{Note: "Không đủ điều kiện xử lý."}, code: fault.Conflict, msg: "workflow.reject_eligible"},
		{name: "filing cancels the first clock", given: classified(KindPetition, true, true),
			by: office, in: FileInput{}, status: StatusFiled,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				wantClock(t, st, "pakn.answer", caseclock.Cancelled)
			}},
		{name: "a unit officer does not process", given: classified(KindFeedback, true, true),
			by: otherOfficer, in: FileInput{}, code: fault.NotFound, msg: access.ErrCaseNotFound.MessageID},
	})
}

// Assignment: lead and coordinating units, their clocks, reassignment.
func TestAssignDecisions(t *testing.T) {
	runRules(t, []rule{
		{name: "assigning hands the clock to the lead and opens the coordinating unit's", given: accepted(KindComplaint),
			by: office, in: AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT", "PQLXD"}}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				lead, coord := f.units.id(t, "PQLXD"), f.units.id(t, "PQHKT")
				if st.LeadUnitID != lead || !slices.Equal(st.Coordinating, []int64{coord}) {
					t.Errorf("lead %d coordinating %v; the lead is never its own coordinator", st.LeadUnitID, st.Coordinating)
				}
				r := wantClock(t, st, "complaint.resolve", caseclock.Open)
				if r.UnitID != lead {
					t.Errorf("the resolution clock stays with unit %d", r.UnitID)
				}
				c := st.ContributionClock(coord)
				if c == nil || c.DueAt == nil || !c.DueAt.Before(*r.DueAt) {
					t.Fatalf("contribution clock %+v, want one due before the lead's %v", c, r.DueAt)
				}
				wantEvents(t, f, st.ID, EventAssigned, EventCoordinating)
			}},
		{name: "a group is not expanded behind the office's back", given: accepted(KindFeedback),
			by: office, in: AssignInput{Lead: "PQLXD", Coordinating: []string{"DIVISIONS"}}, code: fault.Invalid, msg: "workflow.coordinating_group",
			field: "coordinating"},
		{name: "the coordinating units are those ticked", given: accepted(KindFeedback),
			by: office, in: AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT", "PQHKT", "PQLXD"}}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if want := []int64{f.units.id(t, "PQHKT")}; !slices.Equal(st.Coordinating, want) {
					t.Errorf("coordinating %v, want %v: the one unit ticked, once, never the lead", st.Coordinating, want)
				}
			}},
		{name: "reassigning needs a reason", given: assigned(KindFeedback),
			by: office, in: AssignInput{Lead: "PQHKT"}, code: fault.Invalid, msg: "workflow.field_required", field: "reason"},
		{name: "reassigning with a reason moves the clock and drops the old coordinator's", given: assigned(KindFeedback),
			by: office, in: AssignInput{Lead: "PQHKT", Reason: "Đúng chức năng của phòng Quy hoạch"}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				to := f.units.id(t, "PQHKT")
				if st.LeadUnitID != to || st.MainClock().UnitID != to {
					t.Errorf("lead %d, clock unit %d", st.LeadUnitID, st.MainClock().UnitID)
				}
				if st.ContributionClock(to) != nil {
					t.Error("the new lead still runs a contribution clock")
				}
			}},
		{name: "a lead is required", given: accepted(KindFeedback),
			by: office, in: AssignInput{}, code: fault.Invalid, msg: "workflow.lead_required", field: "lead"},
		{name: "a group does not lead", given: accepted(KindFeedback),
			by: office, in: AssignInput{Lead: "DIVISIONS"}, code: fault.Invalid, msg: "workflow.lead_group", field: "lead"},
		{name: "an unknown unit", given: accepted(KindFeedback),
			by: office, in: AssignInput{Lead: "PQLXD", Coordinating: []string{"NOPE"}}, code: fault.Invalid, msg: "workflow.unit_unknown",
			field: "coordinating"},
		{name: "the coordinators' lead days are bounded", given: accepted(KindFeedback),
			by: office, in: AssignInput{Lead: "PQLXD", ContributionDaysBefore: ptr(31)}, code: fault.Invalid, msg: "workflow.days_invalid",
			field: "contribution_days_before"},
		{name: "a case not yet accepted is not assigned", given: classified(KindFeedback, true, true),
			by: office, in: AssignInput{Lead: "PQLXD"}, code: fault.Conflict, msg: "workflow.illegal"},
		{name: "the lead unit does not reassign itself", given: assigned(KindFeedback),
			by: leadHead, in: AssignInput{Lead: "PQHKT", Reason: "Không thuộc chức năng"}, code: fault.Forbidden, msg: "error.forbidden"},
	})
}

// Answers and contributions: the lead drafts, its head publishes, the
// coordinating units contribute.
func TestAnswerDecisions(t *testing.T) {
	body := "Sở Xây dựng trả lời ông/bà như sau: đã kiểm tra và xử lý."
	runRules(t, []rule{
		{name: "the lead unit drafts; a draft is not an answer", given: assigned(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: body, LetterNo: "45/SXD-QLXD"}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if d := st.Draft(); d == nil || d.UnitID != f.units.id(t, "PQLXD") || d.LetterNo != "45/SXD-QLXD" {
					t.Errorf("draft %+v", d)
				}
				wantClock(t, st, "pakn.answer", caseclock.Open)
			}},
		{name: "a coordinating unit does not draft the answer", given: assigned(KindFeedback),
			by: coordOfficer, in: AnswerInput{Body: body}, code: fault.Forbidden, msg: "workflow.not_lead_unit"},
		{name: "the office does not draft the answer", given: assigned(KindFeedback),
			by: office, in: AnswerInput{Body: body}, code: fault.Forbidden, msg: "error.forbidden"},
		{name: "an answer has a body", given: assigned(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: "Đã nhận."}, code: fault.Invalid, msg: "petition.too_short", field: "body"},
		{name: "a letter dated far ahead", given: assigned(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: body, LetterDate: calendar.NewDate(2027, 3, 1)}, code: fault.Invalid,
			msg: "workflow.letter_date_after", field: "letter_date"},
		{name: "a letter dated tomorrow would be published before its date", given: assigned(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: body, LetterDate: calendar.NewDate(2026, 11, 28)}, code: fault.Invalid,
			msg: "workflow.letter_date_after", field: "letter_date"},
		{name: "a letter dated today is taken", given: assigned(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: body, LetterDate: calendar.NewDate(2026, 11, 27)}, status: StatusAssigned},
		{name: "no answer before assignment", given: accepted(KindFeedback),
			by: leadOfficer, in: AnswerInput{Body: body}, code: fault.NotFound, msg: access.ErrCaseNotFound.MessageID},
		{name: "the head publishes: the answer clock is met on time, contributions close", given: drafted(KindFeedback),
			by: leadHead, in: ApproveInput{}, status: StatusAnswered,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if st.Published() == nil || !st.Published().PublishedAt.Equal(f.now) {
					t.Errorf("published %+v", st.Published())
				}
				if c := wantClock(t, st, "pakn.answer", caseclock.Met); c.OnTime == nil || !*c.OnTime {
					t.Errorf("answer clock %+v", c.Clock)
				}
				wantClock(t, st, "contribution", caseclock.Cancelled)
				wantEvents(t, f, st.ID, EventAnswered)
			}},
		{name: "an officer does not publish", given: drafted(KindFeedback),
			by: leadOfficer, in: ApproveInput{}, code: fault.Forbidden, msg: "error.forbidden"},
		{name: "nothing to publish without a draft", given: assigned(KindFeedback),
			by: leadHead, in: ApproveInput{}, code: fault.Conflict, msg: "workflow.no_draft"},
		{name: "a stale page does not publish another draft", given: drafted(KindFeedback),
			by: leadHead, in: ApproveInput{AnswerID: 999}, code: fault.Conflict, msg: "workflow.draft_changed"},
		{name: "a coordinating unit's contribution meets its clock", given: assigned(KindFeedback),
			by: coordOfficer, in: ContributeInput{Body: "Phòng Quy hoạch thống nhất."}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if len(st.Contributions) != 1 || st.Contributions[0].UnitID != f.units.id(t, "PQHKT") {
					t.Errorf("contributions %+v", st.Contributions)
				}
				if c := wantClock(t, st, "contribution", caseclock.Met); c.OnTime == nil || !*c.OnTime {
					t.Errorf("contribution clock %+v", c.Clock)
				}
			}},
		{name: "the lead unit does not contribute", given: assigned(KindFeedback),
			by: leadOfficer, in: ContributeInput{Body: "Ý kiến của phòng."}, code: fault.Forbidden, msg: "workflow.not_coordinating_unit"},
	})
}

// Clock decisions: extension requests and decisions, suspension and
// resumption.
func TestClockDecisions(t *testing.T) {
	complexity := ExtendInput{Reason: "Cần xác minh tại hai địa điểm", DecisionNo: "30/QĐ-SXD", Complexity: "complex",
		Criteria: []string{"a"}, DocumentRef: "BB 12/2026"}
	request := func(f *flow, t *testing.T) int64 {
		id := f.assigned(t, KindDenunciation)
		f.do(t, id, f.leadOfficer, ExtendInput{Reason: "Vụ việc phức tạp", Complexity: "complex", Criteria: []string{"b"}, DocumentRef: "BB 3"})
		return id
	}
	decide := func(in ExtendInput) func(*CaseState) Input {
		return func(st *CaseState) Input {
			if p := st.PendingExtension(); p != nil {
				in.RequestID = p.ID
			}
			return in
		}
	}
	complexDenunciation := func(f *flow, t *testing.T) int64 {
		id := f.received(t, KindDenunciation)
		f.do(t, id, f.office, ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "complex", Criteria: []string{"a"},
			ComplexityRef: "BB 1"})
		f.do(t, id, f.office, AcceptInput{DecisionNo: "12/QĐ-SXD"})
		f.do(t, id, f.office, AssignInput{Lead: "PQLXD"})
		return id
	}
	runRules(t, []rule{
		{name: "a PAKN answer time is never extended", given: assigned(KindFeedback),
			by: leadership, in: ExtendInput{Reason: "Cần thêm thời gian"}, code: fault.Conflict, msg: "workflow.extension_cap"},
		{name: "leadership extends a complaint by counting it complex", given: assigned(KindComplaint),
			by: leadership, in: complexity, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				c := wantClock(t, st, "complaint.resolve", caseclock.Open)
				if c.Extensions != 1 || c.Spec.Complexity != deadline.Complex || st.Class.Complexity != deadline.Complex {
					t.Errorf("clock %+v, complexity %s", c.Clock, st.Class.Complexity)
				}
				if len(st.Extensions) != 1 || st.Extensions[0].State != "approved" || !st.Extensions[0].DueAfter.After(*st.Extensions[0].DueBefore) {
					t.Errorf("extension %+v", st.Extensions)
				}
				wantEvents(t, f, st.ID, EventExtended)
			}},
		{name: "a complaint counted complex is extended no further", given: func(f *flow, t *testing.T) int64 {
			id := f.assigned(t, KindComplaint)
			f.do(t, id, f.leadership, complexity)
			return id
		}, by: leadership, in: complexity, code: fault.Conflict, msg: "workflow.extension_cap"},
		{name: "complexity never goes down", given: complexDenunciation,
			by: leadership, in: ExtendInput{Reason: "Gia hạn lần đầu", Complexity: "none"}, code: fault.Invalid, msg: "workflow.complexity_lower",
			field: "complexity"},
		{name: "a complex denunciation is extended once by leadership", given: complexDenunciation,
			by: leadership, in: ExtendInput{Reason: "Gia hạn lần đầu", DecisionNo: "31/QĐ-SXD"}, status: StatusAssigned,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				c := wantClock(t, st, "denunciation.resolve", caseclock.Open)
				if c.Extensions != 1 || len(st.Extensions) != 1 || !c.DueAt.Equal(*st.Extensions[0].DueAfter) {
					t.Errorf("clock %+v, extensions %+v", c.Clock, st.Extensions)
				}
			}},
		{name: "a denunciation's extension needs it complex", given: assigned(KindDenunciation),
			by: leadership, in: ExtendInput{Reason: "Cần thêm thời gian"}, code: fault.Conflict, msg: "workflow.extension_cap"},
		{name: "a unit officer only asks: the request waits", given: assigned(KindDenunciation),
			by: leadOfficer, in: ExtendInput{Reason: "Vụ việc phức tạp", Complexity: "complex", Criteria: []string{"b"}, DocumentRef: "BB 3"},
			status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, res Result) {
				p := st.PendingExtension()
				if !res.Pending || p == nil || res.ExtensionRequestID != p.ID {
					t.Fatalf("result %+v, pending %+v", res, p)
				}
				if c := st.MainClock(); c.Extensions != 0 {
					t.Error("a request moved the due time")
				}
				wantEvents(t, f, st.ID, EventExtensionRequested)
			}},
		{name: "one request at a time", given: request,
			by: leadOfficer, in: ExtendInput{Reason: "Thêm lần nữa", Complexity: "complex", Criteria: []string{"b"}, DocumentRef: "BB 3"},
			code: fault.Conflict, msg: "workflow.extension_pending"},
		{name: "the lead unit's head decides the first extension", given: request,
			by: leadHead, inFor: decide(ExtendInput{DecisionNo: "31/QĐ-SXD"}), status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if st.PendingExtension() != nil || st.Extensions[0].State != "approved" || st.MainClock().Extensions != 1 {
					t.Errorf("extensions %+v", st.Extensions)
				}
			}},
		{name: "a coordinating officer does not decide", given: request,
			by: coordOfficer, inFor: decide(ExtendInput{DecisionNo: "31"}), code: fault.Forbidden, msg: "error.forbidden"},
		{name: "leadership refuses a request with a reason", given: request,
			by: leadership, inFor: decide(ExtendInput{Refuse: true, Reason: "Chưa đủ căn cứ"}), status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if st.PendingExtension() != nil || st.Extensions[0].State != "refused" || st.MainClock().Extensions != 0 {
					t.Errorf("extensions %+v", st.Extensions)
				}
				wantEvents(t, f, st.ID, EventExtensionRefused)
			}},
		{name: "a decision on another request", given: request,
			by: leadership, in: ExtendInput{RequestID: 9999}, code: fault.Conflict, msg: "workflow.no_such_request"},
		{name: "suspension is for complaints and denunciations", given: assigned(KindFeedback),
			by: office, in: SuspendInput{Reason: "Chờ giám định", DecisionNo: "1"}, code: fault.Conflict, msg: "workflow.illegal_kind"},
		{name: "a suspension is a numbered decision", given: assigned(KindComplaint),
			by: office, in: SuspendInput{Reason: "Chờ giám định"}, code: fault.Invalid, msg: "workflow.field_required", field: "decision_no"},
		{name: "suspending stops the resolution and the contribution clocks", given: assigned(KindComplaint),
			by: office, in: SuspendInput{Reason: "Chờ kết quả giám định", DecisionNo: "20/QĐ-SXD"}, status: StatusSuspended,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				wantClock(t, st, "complaint.resolve", caseclock.Suspended)
				wantClock(t, st, "contribution", caseclock.Suspended)
				if due := f.store.due[st.ID]; !due.At.IsZero() {
					t.Errorf("a suspended case shows due %s", due.At)
				}
			}},
		{name: "resuming restarts the complaint's period from the decision", given: suspended(KindComplaint),
			by: office, in: ResumeInput{Reason: "Đã có kết quả giám định", DecisionNo: "21/QĐ-SXD"}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				c := wantClock(t, st, "complaint.resolve", caseclock.Open)
				if c.DueAt == nil || !c.DueAt.After(f.now.AddDate(0, 0, 29)) {
					t.Errorf("due %v after resuming at %s", c.DueAt, f.now)
				}
				wantClock(t, st, "contribution", caseclock.Open)
			}},
		{name: "only a suspended case resumes", given: assigned(KindComplaint),
			by: office, in: ResumeInput{Reason: "Tiếp tục giải quyết", DecisionNo: "21"}, code: fault.Conflict, msg: "workflow.illegal"},
		{name: "a suspended case is not extended", given: suspended(KindComplaint),
			by: leadership, in: complexity, code: fault.Conflict, msg: "workflow.illegal"},
	})
}

// The ends of a case: withdrawal, termination, closing, splitting.
func TestEndDecisions(t *testing.T) {
	later := func(d time.Duration) func(*flow, *testing.T) int64 {
		return func(f *flow, t *testing.T) int64 {
			id := f.answered(t, KindFeedback)
			f.now = f.now.Add(d)
			return id
		}
	}
	parts := []SplitPart{{Kind: KindComplaint, Title: "Khiếu nại quyết định", Content: "Tôi khiếu nại quyết định xử phạt số 5."},
		{Kind: KindFeedback, Title: "Phản ánh đèn đường", Content: "Đèn đường ở ngõ 12 đã hỏng hơn một tuần."}}
	runRules(t, []rule{
		{name: "a withdrawal ends the case and cancels its clocks", given: assigned(KindFeedback),
			by: office, in: WithdrawInput{Reason: "Công dân rút đơn"}, status: StatusWithdrawn,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				for _, c := range st.Clocks {
					if c.Running() {
						t.Errorf("clock %s still %s", c.RuleID, c.State)
					}
				}
			}},
		{name: "a denunciation with signs of a violation goes on after withdrawal", given: assigned(KindDenunciation),
			by: office, in: WithdrawInput{Reason: "Người tố cáo rút đơn", Continue: []string{"signs_of_violation"}}, status: StatusAssigned,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) {
				if !st.WithdrawalContinues || st.MainClock() == nil {
					t.Errorf("withdrawal continues %v, main clock %v", st.WithdrawalContinues, st.MainClock())
				}
				wantEvents(t, f, st.ID, EventWithdrawalContinues)
			}},
		{name: "others remaining is a complaint's ground, not a denunciation's", given: assigned(KindDenunciation),
			by: office, in: WithdrawInput{Reason: "Rút đơn", Continue: []string{"others_remain"}}, code: fault.Invalid,
			msg: "workflow.withdraw_ground_invalid", field: "continue"},
		{name: "a withdrawal gives its reason", given: assigned(KindFeedback),
			by: office, in: WithdrawInput{}, code: fault.Invalid, msg: "workflow.field_required", field: "reason"},
		{name: "a withdrawal refuses the pending extension request", given: func(f *flow, t *testing.T) int64 {
			id := f.assigned(t, KindDenunciation)
			f.do(t, id, f.leadOfficer, ExtendInput{Reason: "Vụ việc phức tạp", Complexity: "complex", Criteria: []string{"b"}, DocumentRef: "BB 3"})
			return id
		}, by: office, in: WithdrawInput{Reason: "Người tố cáo rút đơn"}, status: StatusWithdrawn,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				if st.PendingExtension() != nil {
					t.Error("a request still waits on a withdrawn case")
				}
			}},
		{name: "termination is for complaints and denunciations", given: assigned(KindPetition),
			by: office, in: TerminateInput{Reason: "Đình chỉ giải quyết", DecisionNo: "1"}, code: fault.Conflict, msg: "workflow.illegal_kind"},
		{name: "termination of a suspended complaint cancels its clocks", given: suspended(KindComplaint),
			by: office, in: TerminateInput{Reason: "Người khiếu nại chết", DecisionNo: "40/QĐ-SXD"}, status: StatusTerminated,
			check: func(t *testing.T, _ *flow, st *CaseState, _ Result) {
				wantClock(t, st, "complaint.resolve", caseclock.Cancelled)
			}},
		{name: "an answer is not closed before the dispute window ends", given: answered(KindFeedback),
			by: office, in: CloseInput{}, code: fault.Conflict, msg: "workflow.close_too_early"},
		{name: "an answer closes once the dispute window has passed", given: later(31 * 24 * time.Hour),
			by: office, in: CloseInput{}, status: StatusClosed,
			check: func(t *testing.T, f *flow, st *CaseState, _ Result) { wantEvents(t, f, st.ID, EventClosed) }},
		{name: "a working case is not closed", given: assigned(KindFeedback),
			by: office, in: CloseInput{}, code: fault.Conflict, msg: "workflow.illegal"},
		{name: "a mixed letter splits into one case per kind, each on its own clock from receipt", given: received(KindFeedback),
			by: office, in: SplitInput{Parts: parts}, status: StatusSplit,
			check: func(t *testing.T, f *flow, st *CaseState, res Result) {
				wantClock(t, st, "pakn.answer", caseclock.Cancelled)
				if len(res.Children) != 2 || len(st.Children) != 2 {
					t.Fatalf("children %v", res.Children)
				}
				c := f.state(t, st.Children[0].CaseID)
				if c.Kind != KindComplaint || !c.ReceivedAt.Equal(st.ReceivedAt) || clockOf(c, "complaint.accept") == nil {
					t.Errorf("first part %+v", c)
				}
				wantEvents(t, f, st.ID, EventSplit)
			}},
		{name: "a split has two parts", given: received(KindFeedback),
			by: office, in: SplitInput{Parts: parts[:1]}, code: fault.Invalid, msg: "workflow.split_two_parts", field: "parts"},
		{name: "a split's parts are of different kinds", given: received(KindFeedback),
			by: office, in: SplitInput{Parts: []SplitPart{parts[1], parts[1]}}, code: fault.Invalid, msg: "workflow.split_kinds_distinct",
			field: "parts"},
		{name: "only a received letter splits", given: classified(KindFeedback, true, true),
			by: office, in: SplitInput{Parts: parts}, code: fault.Conflict, msg: "workflow.illegal"},
	})
}

// Allowed lists the actions the state machine, the policy and the guards
// all allow: what the staff page offers is what Do takes.
func TestAllowedMatchesDo(t *testing.T) {
	f := newFlow(t)
	id := f.assigned(t, KindComplaint)
	st := f.state(t, id)
	for _, by := range []access.Actor{f.office, f.leadership, f.leadOfficer, f.leadHead, f.coordOfficer} {
		got := f.w.Allowed(context.Background(), by, st)
		for _, want := range map[string][]Action{
			"office":     {ActAssign, ActSuspend, ActWithdraw, ActTerminate},
			"leadership": {ActExtend},
			"lead":       {ActAnswer, ActExtend},
			"coord":      {ActContribute, ActExtend},
		}[role(f, by)] {
			if !slices.Contains(got, want) {
				t.Errorf("%s may not %s: allowed %v", by.Email, want, got)
			}
		}
		for _, a := range got {
			if !Legal(a, st.Status, st.Kind) {
				t.Errorf("%s offered %s, which the machine forbids in %s", by.Email, a, st.Status)
			}
		}
	}
}

func role(f *flow, a access.Actor) string {
	switch a.AccountID {
	case f.office.AccountID:
		return "office"
	case f.leadership.AccountID:
		return "leadership"
	case f.leadOfficer.AccountID, f.leadHead.AccountID:
		return "lead"
	case f.coordOfficer.AccountID:
		return "coord"
	}
	return ""
}
