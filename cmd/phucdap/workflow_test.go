package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
)

// setLocal moves the test clock to a local (Hà Nội) time "2006-01-02 15:04".
func (ta *testApp) setLocal(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, hanoi)
	if err != nil {
		t.Fatal(err)
	}
	ta.Clock.Set(at.UTC())
	return at.UTC()
}

// staffActor creates an account and returns it as a signed-in actor.
func (ta *testApp) staffActor(t *testing.T, email, unit string, roles ...access.Role) access.Actor {
	t.Helper()
	return ta.addStaff(t, email, unit, roles...).Actor("session")
}

// act takes a workflow action that must succeed.
func (ta *testApp) act(t *testing.T, by access.Actor, caseID int64, in petition.Input) petition.Result {
	t.Helper()
	res, err := ta.workflow.Do(context.Background(), by, caseID, in)
	if err != nil {
		t.Fatalf("%s by %s: %v", in.Action(), by.Email, err)
	}
	return res
}

// register records a case the office received (petition.Workflow.Register)
// that must be accepted.
func (ta *testApp) register(t *testing.T, by access.Actor, in petition.RegisterInput) petition.Result {
	t.Helper()
	res, err := ta.workflow.Register(context.Background(), by, in)
	if err != nil {
		t.Fatalf("register %q by %s: %v", in.Title, by.Email, err)
	}
	return res
}

// takeOn does what the office does with an eligible case within its
// competence: classifies it, accepts it and assigns it to the unit lead.
func (ta *testApp) takeOn(t *testing.T, office access.Actor, caseID int64, lead string) {
	t.Helper()
	ta.act(t, office, caseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
	ta.act(t, office, caseID, petition.AcceptInput{})
	ta.act(t, office, caseID, petition.AssignInput{Lead: lead})
}

// dbFingerprint is everything a workflow action may write, for "a refusal
// changes nothing": the case rows, the clocks, and the row counts of every
// table the workflow appends to.
func (ta *testApp) dbFingerprint(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	var cases []struct {
		ID                           int64
		Status, Kind                 string
		DueAt, UpdatedAt, AcceptedAt *time.Time
		LeadUnitID                   *int64
		Complexity, OutcomeNote      string
		WithdrawalContinues          bool
	}
	if err := ta.db.Gorm.Raw("SELECT id, status, kind, due_at, updated_at, accepted_at, lead_unit_id, complexity, outcome_note, withdrawal_continues FROM cases ORDER BY id").Scan(&cases).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		fmt.Fprintf(&b, "case %d %s %s %v %v %v %v %s %q %v\n", c.ID, c.Status, c.Kind, fmtT(c.DueAt), fmtT(c.UpdatedAt), fmtT(c.AcceptedAt),
			c.LeadUnitID != nil, c.Complexity, c.OutcomeNote, c.WithdrawalContinues)
	}
	var clocks []struct {
		ID, CaseID      int64
		Kind, State     string
		DueAt, ClosedAt *time.Time
		OnTime          *bool
		UnitID          *int64
		Extensions      int
		Clock           string
	}
	if err := ta.db.Gorm.Raw("SELECT id, case_id, kind, state, due_at, closed_at, on_time, unit_id, extensions, clock FROM case_clocks ORDER BY id").Scan(&clocks).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range clocks {
		fmt.Fprintf(&b, "clock %d/%d %s %s %v %v %v %v %d %s\n", c.ID, c.CaseID, c.Kind, c.State, fmtT(c.DueAt), fmtT(c.ClosedAt), c.OnTime != nil && *c.OnTime,
			derefID(c.UnitID), c.Extensions, c.Clock)
	}
	// One query for every count: the fingerprint is taken around each
	// refused action, in both databases.
	counted := []string{"case_events", "case_decisions", "case_extensions", "case_contributions", "answers", "case_units",
		"case_links", "case_identities", "audit_log", "disputes", "case_chases", "alerts", "outbox"}
	var q strings.Builder
	q.WriteString("SELECT ")
	for _, table := range counted {
		fmt.Fprintf(&q, "(SELECT COUNT(*) FROM %s), ", table)
	}
	q.WriteString("(SELECT COUNT(*) FROM case_extensions WHERE state = 'pending'), (SELECT COUNT(*) FROM answers WHERE published_at IS NOT NULL)")
	n := make([]int64, len(counted)+2)
	dest := make([]any, len(n))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := ta.db.SQL.QueryRow(q.String()).Scan(dest...); err != nil {
		t.Fatal(err)
	}
	for i, table := range counted {
		fmt.Fprintf(&b, "%s %d\n", table, n[i])
	}
	fmt.Fprintf(&b, "pending %d published %d\n", n[len(counted)], n[len(counted)+1])
	return b.String()
}

func fmtT(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// refuse takes an action that must be refused with code and message id,
// and checks that nothing at all was written.
func (ta *testApp) refuse(t *testing.T, by access.Actor, caseID int64, in petition.Input, code fault.Code, msgID string) {
	t.Helper()
	before := ta.dbFingerprint(t)
	_, err := ta.workflow.Do(context.Background(), by, caseID, in)
	fe, ok := fault.As(err)
	var list fault.List
	if errors.As(err, &list) && len(list) > 0 {
		fe, ok = &fault.Error{Code: fault.Invalid, MessageID: list[0].MessageID}, true
	}
	switch {
	case err == nil:
		t.Fatalf("%s: allowed, want %s %s", in.Action(), code, msgID)
	case !ok:
		t.Fatalf("%s: %v, want %s %s", in.Action(), err, code, msgID)
	case fe.Code != code || (msgID != "" && fe.MessageID != msgID):
		t.Fatalf("%s: %s %s (%v), want %s %s", in.Action(), fe.Code, fe.MessageID, err, code, msgID)
	}
	if after := ta.dbFingerprint(t); after != before {
		t.Fatalf("%s was refused (%s) but the database changed:\nbefore:\n%s\nafter:\n%s", in.Action(), msgID, before, after)
	}
}

func (ta *testApp) caseState(t *testing.T, id int64) *petition.CaseState {
	t.Helper()
	st, err := store0(ta).Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func clockOf(t *testing.T, st *petition.CaseState, kind caseclock.Kind, unit int64) petition.ClockState {
	t.Helper()
	for i := len(st.Clocks) - 1; i >= 0; i-- {
		if c := st.Clocks[i]; c.Kind == kind && (unit < 0 || c.UnitID == unit) {
			return c
		}
	}
	t.Fatalf("case %s has no %s clock for unit %d: %+v", st.Code, kind, unit, st.Clocks)
	return petition.ClockState{}
}

func (ta *testApp) unitID(t *testing.T, code string) int64 {
	t.Helper()
	u, err := ta.units.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// engineDue is what the deadline engine says for a request.
func (ta *testApp) engineDue(t *testing.T, req deadline.Request) time.Time {
	t.Helper()
	res, err := ta.deadlines.Engine(context.Background()).Compute(req)
	if err != nil {
		t.Fatal(err)
	}
	return res.DueAt.UTC()
}

func dueIs(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s: due %v, want %v", what, fmtT(got), want.In(hanoi).Format("2006-01-02 15:04"))
	}
}

func onTimeIs(t *testing.T, what string, c petition.ClockState, want bool) {
	t.Helper()
	if c.State != caseclock.Met || c.OnTime == nil || *c.OnTime != want {
		t.Errorf("%s: state %s on_time %v, want met and %v", what, c.State, c.OnTime, want)
	}
}

// publicTimeline is the citizen's timeline over the public tracking API.
func (ta *testApp) publicTimeline(t *testing.T, code, secret string) (httpapi.PetitionView, []string) {
	t.Helper()
	var v httpapi.PetitionView
	ta.getJSON(t, "/api/v1/petitions/"+code, 200, &v, "X-Tracking-Secret", secret)
	var kinds []string
	for _, e := range v.Timeline {
		kinds = append(kinds, e.Kind)
	}
	return v, kinds
}

// A complaint received on 2026-02-10 and accepted on
// 2026-02-12; a lead and two coordinating units; one contributes late;
// extended once as complex; answered. Due times are the engine's, on-time
// facts are frozen once, and the citizen's timeline holds exactly the
// public events.
func TestComplaintScenario(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "vanthu@sxd.test", "VP", access.Office)
		leadOfficer := ta.staffActor(t, "cv.qlxd@sxd.test", "PQLXD", access.UnitOfficer)
		leadHead := ta.staffActor(t, "tp.qlxd@sxd.test", "PQLXD", access.UnitHead)
		planner := ta.staffActor(t, "cv.qhkt@sxd.test", "PQHKT", access.UnitOfficer)
		inspector := ta.staffActor(t, "cv.ttra@sxd.test", "TTRA", access.UnitOfficer)
		qlxd, qhkt, ttra := ta.unitID(t, "PQLXD"), ta.unitID(t, "PQHKT"), ta.unitID(t, "TTRA")

		// 10/02/2026: the complaint arrives by post; the office types it in
		// the next morning, with the day it was received.
		received := ta.setLocal(t, "2026-02-10 10:30")
		ta.setLocal(t, "2026-02-11 08:15")
		reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
			ReceivedAt: received, Title: "Khiếu nại quyết định xử phạt", Content: "Tôi khiếu nại Quyết định số 12/QĐ-XPHC về xử phạt vi phạm hành chính trong xây dựng.",
			Name: "Hoàng Văn Khiếu", Phone: "0912 000 111", Address: "Phường Đông Kinh, Lạng Sơn"})
		id := reg.CaseID
		st := ta.caseState(t, id)
		accept := clockOf(t, st, caseclock.Accept, -1)
		// The clock starts at receipt, not at typing: 10 days from 10/02,
		// rolled over the Tết holiday.
		dueIs(t, "accept clock", accept.DueAt, ta.engineDue(t, deadline.Request{RuleID: "complaint.accept", Start: received}))
		if !accept.StartedAt.Equal(received) {
			t.Errorf("accept clock started %v, want the receipt %v", accept.StartedAt, received)
		}

		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		accepted := ta.setLocal(t, "2026-02-12 09:00")
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "12/QĐ-SXD"})
		st = ta.caseState(t, id)
		onTimeIs(t, "accept clock", clockOf(t, st, caseclock.Accept, -1), true)
		resolve30 := ta.engineDue(t, deadline.Request{RuleID: "complaint.resolve", Start: accepted})
		dueIs(t, "resolution clock", clockOf(t, st, caseclock.Answer, -1).DueAt, resolve30)

		ta.setLocal(t, "2026-02-12 10:00")
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT", "TTRA"}})
		st = ta.caseState(t, id)
		if st.Status != petition.StatusAssigned || st.LeadUnitID != qlxd || len(st.Coordinating) != 2 {
			t.Fatalf("after assign: %s lead %d coordinating %v", st.Status, st.LeadUnitID, st.Coordinating)
		}
		cal := ta.deadlines.Engine(ctx).Calendar()
		subDue := func(lead time.Time) time.Time {
			leadDay := calendar.DateOf(lead.Add(-time.Minute), hanoi)
			return cal.AddWorkingDays(leadDay, -3).AddDays(1).Time(hanoi).UTC()
		}
		if c := clockOf(t, st, caseclock.Answer, -1); c.UnitID != qlxd {
			t.Errorf("the resolution clock stayed with unit %d, want the lead %d", c.UnitID, qlxd)
		}
		dueIs(t, "PQHKT's part", clockOf(t, st, caseclock.Contribution, qhkt).DueAt, subDue(resolve30))

		// PQHKT contributes in time.
		ta.setLocal(t, "2026-02-25 14:00")
		ta.act(t, planner, id, petition.ContributeInput{Body: "Khu đất thuộc quy hoạch chi tiết 1/500 đã phê duyệt năm 2023."})

		// The case proves complex: the lead unit's head extends it once,
		// which for a complaint is the longer period of a complex case.
		ta.setLocal(t, "2026-03-05 09:00")
		ta.act(t, leadHead, id, petition.ExtendInput{Reason: "Cần xác minh tại hai địa điểm", DecisionNo: "05/QĐ-SXD",
			Complexity: "complex", Criteria: []string{"a", "b"}, DocumentRef: "Biên bản phân loại 01/BB-PQLXD"})
		st = ta.caseState(t, id)
		resolve45 := ta.engineDue(t, deadline.Request{RuleID: "complaint.resolve", Start: accepted, Complexity: deadline.Complex})
		if !resolve45.After(resolve30) {
			t.Fatalf("complex %v is not later than %v", resolve45, resolve30)
		}
		main := clockOf(t, st, caseclock.Answer, -1)
		dueIs(t, "extended resolution clock", main.DueAt, resolve45)
		if main.Extensions != 1 || st.Class.Complexity != deadline.Complex {
			t.Errorf("extensions %d complexity %s", main.Extensions, st.Class.Complexity)
		}
		dueIs(t, "TTRA's part follows the lead", clockOf(t, st, caseclock.Contribution, ttra).DueAt, subDue(resolve45))
		// A second extension of a complaint: the law has none.
		ta.refuse(t, leadHead, id, petition.ExtendInput{Reason: "Cần thêm thời gian xác minh"}, fault.Conflict, "workflow.extension_cap")

		// TTRA contributes after its part was due.
		late := subDue(resolve45).Add(26 * time.Hour)
		ta.Clock.Set(late)
		ta.act(t, inspector, id, petition.ContributeInput{Body: "Thanh tra đã kiểm tra hiện trường, không phát hiện vi phạm mới."})

		// The lead unit drafts; its head approves, which publishes.
		ta.setLocal(t, "2026-03-27 10:00")
		ta.act(t, leadOfficer, id, petition.AnswerInput{Body: "Sở Xây dựng trả lời ông như sau: giữ nguyên Quyết định số 12/QĐ-XPHC vì ...",
			LetterNo: "350/SXD-QLXD", LetterDate: calendar.MustDate("2026-03-27"), Signer: "KT. Giám đốc — Phó Giám đốc Lê Văn Ký"})
		published := ta.setLocal(t, "2026-03-27 15:30")
		ta.act(t, leadHead, id, petition.ApproveInput{})

		st = ta.caseState(t, id)
		if st.Status != petition.StatusAnswered {
			t.Fatalf("status %s", st.Status)
		}
		answer := clockOf(t, st, caseclock.Answer, -1)
		onTimeIs(t, "resolution clock", answer, true)
		if !answer.ClosedAt.Equal(published) {
			t.Errorf("answered at %v, want the publish time %v", answer.ClosedAt, published)
		}
		onTimeIs(t, "PQHKT's part", clockOf(t, st, caseclock.Contribution, qhkt), true)
		onTimeIs(t, "TTRA's late part", clockOf(t, st, caseclock.Contribution, ttra), false)
		if len(st.Contributions) != 2 {
			t.Errorf("%d contributions", len(st.Contributions))
		}

		// Closing waits for a rating or for the dispute window.
		ta.refuse(t, office, id, petition.CloseInput{}, fault.Conflict, "workflow.close_too_early")
		ta.Clock.Set(published.Add(ta.workflow.Config().DisputeWindow + time.Hour))
		ta.act(t, office, id, petition.CloseInput{})

		// A later calendar edit never rewrites the frozen facts: make
		// 26/03/2026 a day off and compare.
		caseFacts := func() string {
			// The calendar edit is audited itself: compare the rest.
			var keep []string
			for _, l := range strings.Split(ta.dbFingerprint(t), "\n") {
				if !strings.HasPrefix(l, "audit_log ") {
					keep = append(keep, l)
				}
			}
			return strings.Join(keep, "\n")
		}
		before := caseFacts()
		eng := ta.deadlines.Engine(ctx)
		tbl, _ := eng.Calendar().Table(2026)
		tbl.DaysOff = append(tbl.DaysOff, calendar.DayOff{Date: calendar.MustDate("2026-03-26"), Name: "Nghỉ thử"})
		if _, err := ta.deadlines.SaveYear(ctx, ta.deadlineStore, tbl, deadline.Editor{Label: "test"}); err != nil {
			t.Fatal(err)
		}
		if after := caseFacts(); after != before {
			t.Errorf("a calendar edit changed case data:\n%s\n%s", before, after)
		}

		// The citizen's timeline: exactly the public events, no staff name.
		v, kinds := ta.publicTimeline(t, reg.Code, reg.Secret)
		if got := strings.Join(kinds, ","); got != "received,accepted,assigned,extended,answered,closed" {
			t.Errorf("public timeline %s", got)
		}
		for _, e := range v.Timeline {
			for _, leak := range []string{"sxd.test", "Cán bộ", "account:"} {
				if strings.Contains(e.Text, leak) {
					t.Errorf("timeline entry %q shows %q", e.Text, leak)
				}
			}
			if e.Kind == "extended" && (!strings.Contains(e.Text, "Cần xác minh tại hai địa điểm") || !strings.Contains(e.Text, "30/03/2026")) {
				t.Errorf("extended entry lacks the reason or the new due date: %q", e.Text)
			}
			if e.Kind == "assigned" && !strings.Contains(e.Text, "Phòng Quản lý xây dựng") {
				t.Errorf("assigned entry lacks the unit: %q", e.Text)
			}
		}
		if v.Answer == nil || v.Answer.Signer == nil || !strings.Contains(*v.Answer.Signer, "Lê Văn Ký") {
			t.Errorf("answer: %+v", v.Answer)
		}
		if v.Status != "closed" {
			t.Errorf("tracking status %s", v.Status)
		}
		// Every change left an audit row.
		var n int64
		ta.db.Gorm.Table("audit_log").Where("entity = 'case' AND entity_id = ?", itoa(id)).Count(&n)
		// create (the intake row), register, classify, accept, assign,
		// contribute, extend, contribute, answer, approve, close; refusals
		// write none.
		if n != 11 {
			t.Errorf("%d audit rows for the case, want 11", n)
		}
	})
}

// store0 is the workflow store over the test app's database.
func store0(ta *testApp) petition.WorkflowStore { return store.NewWorkflowStore(ta.db) }

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// A denunciation processed within its 7 working days, then
// accepted; two extensions as especially complex (the second beyond the
// unit head's power, so a request that leadership decides); a third is
// refused; withdrawn, but resolution continues because signs of a
// violation were recorded.
func TestDenunciationScenario(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "tiepdan@sxd.test", "VP", access.Office)
		leadership := ta.staffActor(t, "giamdoc@sxd.test", "", access.Leadership)
		inspector := ta.staffActor(t, "ttv@sxd.test", "TTRA", access.UnitOfficer)
		chief := ta.staffActor(t, "chanhtt@sxd.test", "TTRA", access.UnitHead)

		received := ta.setLocal(t, "2026-03-02 09:00")
		reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindDenunciation, Channel: petition.ChannelInPerson,
			ReceivedAt: received, Title: "Tố cáo cán bộ nhận tiền", Content: "Tôi tố cáo cán bộ X đã nhận tiền khi thẩm định hồ sơ cấp phép xây dựng.",
			Name: "Người Tố Cáo", Phone: "0988 123 456", Address: "Thành phố Lạng Sơn", KeepSecret: true})
		id := reg.CaseID
		st := ta.caseState(t, id)
		initial := clockOf(t, st, caseclock.Process, -1)
		dueIs(t, "initial processing", initial.DueAt, ta.engineDue(t, deadline.Request{RuleID: "denunciation.initial", Start: received}))
		cal := ta.deadlines.Engine(ctx).Calendar()
		if n := cal.WorkingDaysBetween(calendar.DateOf(received, hanoi), calendar.DateOf(initial.DueAt.Add(-time.Minute), hanoi)); n != 7 {
			t.Errorf("initial processing runs %d working days, want 7", n)
		}

		ta.setLocal(t, "2026-03-04 10:00")
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Complexity: "especially",
			Criteria: []string{"a", "b", "dd"}, ComplexityRef: "Biên bản phân loại 03/BB-VP"})
		accepted := ta.setLocal(t, "2026-03-10 09:00")
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "21/QĐ-SXD"})
		ta.act(t, office, id, petition.AssignInput{Lead: "TTRA"})
		st = ta.caseState(t, id)
		onTimeIs(t, "initial processing", clockOf(t, st, caseclock.Process, -1), true)
		base := deadline.Request{RuleID: "denunciation.resolve", Start: accepted, Complexity: deadline.EspeciallyComplex}
		dueIs(t, "resolution", clockOf(t, st, caseclock.Answer, -1).DueAt, ta.engineDue(t, base))

		// The first extension is within the inspectorate head's power.
		ta.setLocal(t, "2026-04-01 09:00")
		ta.act(t, chief, id, petition.ExtendInput{Reason: "Cần xác minh thêm tại hai địa điểm", DecisionNo: "30/QĐ-SXD"})
		one := base
		one.Extensions = 1
		dueIs(t, "first extension", clockOf(t, ta.caseState(t, id), caseclock.Answer, -1).DueAt, ta.engineDue(t, one))

		// The second is beyond it: the head's extension becomes a request,
		// and the clock does not move until leadership decides.
		ta.setLocal(t, "2026-05-04 09:00")
		res := ta.act(t, chief, id, petition.ExtendInput{Reason: "Vụ việc đặc biệt phức tạp, cần trưng cầu giám định"})
		st = ta.caseState(t, id)
		if !res.Pending || st.PendingExtension() == nil {
			t.Fatalf("the second extension by the unit head was not a request: %+v", res)
		}
		dueIs(t, "pending request", clockOf(t, st, caseclock.Answer, -1).DueAt, ta.engineDue(t, one))
		// An officer cannot decide it, and the request must be the one pending.
		ta.refuse(t, inspector, id, petition.ExtendInput{RequestID: st.PendingExtension().ID}, fault.Forbidden, "error.forbidden")
		ta.act(t, leadership, id, petition.ExtendInput{RequestID: st.PendingExtension().ID, DecisionNo: "41/QĐ-SXD"})
		two := base
		two.Extensions = 2
		st = ta.caseState(t, id)
		dueIs(t, "second extension", clockOf(t, st, caseclock.Answer, -1).DueAt, ta.engineDue(t, two))
		if st.PendingExtension() != nil || clockOf(t, st, caseclock.Answer, -1).Extensions != 2 {
			t.Errorf("after approval: pending %v, extensions %d", st.PendingExtension(), clockOf(t, st, caseclock.Answer, -1).Extensions)
		}

		// A third: refused by the law's cap, whoever asks, and nothing moves.
		ta.setLocal(t, "2026-06-01 09:00")
		ta.refuse(t, leadership, id, petition.ExtendInput{Reason: "Cần thêm thời gian"}, fault.Conflict, "workflow.extension_cap")
		ta.refuse(t, chief, id, petition.ExtendInput{Reason: "Cần thêm thời gian"}, fault.Conflict, "workflow.extension_cap")

		// The denouncer withdraws, but signs of a violation were found:
		// resolution continues, on the same clock.
		ta.refuse(t, office, id, petition.WithdrawInput{Reason: "Người tố cáo xin rút đơn", Continue: []string{"others_remain"}},
			fault.Invalid, "workflow.withdraw_ground_invalid")
		before := clockOf(t, ta.caseState(t, id), caseclock.Answer, -1)
		ta.act(t, office, id, petition.WithdrawInput{Reason: "Người tố cáo xin rút đơn ngày 01/6", Continue: []string{"signs_of_violation"}})
		st = ta.caseState(t, id)
		after := clockOf(t, st, caseclock.Answer, -1)
		if st.Status != petition.StatusAssigned || !st.WithdrawalContinues || after.State != caseclock.Open || !sameDue(after.DueAt, before.DueAt) {
			t.Fatalf("after a withdrawal that must continue: %s continues=%v clock %s", st.Status, st.WithdrawalContinues, after.State)
		}
		var decided struct {
			Kind, Detail string
		}
		ta.db.Gorm.Raw("SELECT kind, detail FROM case_decisions WHERE case_id = ? ORDER BY id DESC LIMIT 1", id).Scan(&decided)
		if decided.Kind != "withdraw" || !strings.Contains(decided.Detail, "signs_of_violation") {
			t.Errorf("withdrawal decision: %+v", decided)
		}

		// The conclusion is answered in time.
		ta.setLocal(t, "2026-06-03 09:00")
		ta.act(t, inspector, id, petition.AnswerInput{Body: "Kết luận nội dung tố cáo: tố cáo đúng một phần; đã xử lý kỷ luật cán bộ X.", Signer: "Giám đốc Sở"})
		ta.act(t, chief, id, petition.ApproveInput{})
		onTimeIs(t, "resolution", clockOf(t, ta.caseState(t, id), caseclock.Answer, -1), true)

		// The denouncer follows it with the secret only; the timeline
		// names no one.
		_, kinds := ta.publicTimeline(t, reg.Code, reg.Secret)
		if got := strings.Join(kinds, ","); got != "received,accepted,assigned,extended,extended,answered" {
			t.Errorf("public timeline %s", got)
		}
		res2, _ := ta.do(t, "GET", "/api/v1/petitions/"+reg.Code, nil, "X-Tracking-Contact", "0988123456")
		if res2.StatusCode != 404 {
			t.Errorf("a denunciation tracked by phone: %d", res2.StatusCode)
		}
	})
}

func sameDue(a, b *time.Time) bool { return a != nil && b != nil && a.Equal(*b) }

// A complaint's resolution is suspended, then resumed: the period counts
// again in full from the decision to continue (Luật Khiếu nại Art. 11a, NĐ
// 155/2026 Art. 28a–28b), the coordinating unit's part follows; then the
// resolution is terminated and every clock is cancelled.
func TestSuspendResumeTerminate(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "office@sxd.test", "VP", access.Office)
		qhkt := ta.unitID(t, "PQHKT")
		received := ta.setLocal(t, "2026-09-01 09:00")
		reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
			ReceivedAt: received, Title: "Khiếu nại", Content: "Khiếu nại quyết định thu hồi giấy phép xây dựng số 3/GPXD.", Name: "Người Khiếu Nại"})
		id := reg.CaseID
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
		accepted := ta.setLocal(t, "2026-09-03 09:00")
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "50/QĐ-SXD"})
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})

		ta.setLocal(t, "2026-09-15 09:00")
		ta.act(t, office, id, petition.SuspendInput{Reason: "Chờ kết quả giám định chất lượng công trình", DecisionNo: "60/QĐ-SXD"})
		st := ta.caseState(t, id)
		main := clockOf(t, st, caseclock.Answer, -1)
		if st.Status != petition.StatusSuspended || main.State != caseclock.Suspended || main.DueAt != nil {
			t.Fatalf("suspended: %s %s %v", st.Status, main.State, main.DueAt)
		}
		if c := clockOf(t, st, caseclock.Contribution, qhkt); c.State != caseclock.Suspended {
			t.Errorf("contribution clock while suspended: %s", c.State)
		}
		var row struct{ DueAt *time.Time }
		ta.db.Gorm.Raw("SELECT due_at FROM cases WHERE id = ?", id).Scan(&row)
		if row.DueAt != nil {
			t.Errorf("a suspended case shows a due time %v", row.DueAt)
		}
		officer := ta.staffActor(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		ta.refuse(t, officer, id, petition.AnswerInput{Body: "Trả lời trong khi tạm đình chỉ giải quyết."}, fault.Conflict, "workflow.illegal")

		resumed := ta.setLocal(t, "2026-10-20 09:00")
		ta.act(t, office, id, petition.ResumeInput{Reason: "Đã có kết quả giám định", DecisionNo: "75/QĐ-SXD"})
		st = ta.caseState(t, id)
		main = clockOf(t, st, caseclock.Answer, -1)
		spec := deadline.Clock{RuleID: "complaint.resolve", Start: accepted, Round: 1, Events: []deadline.Event{
			{Kind: deadline.EventSuspend, At: ta.setLocal(t, "2026-09-15 09:00"), Ref: "60/QĐ-SXD"},
			{Kind: deadline.EventResume, At: resumed, Ref: "75/QĐ-SXD"}}}
		ta.Clock.Set(resumed)
		want, err := ta.deadlines.Engine(ctx).Evaluate(spec)
		if err != nil {
			t.Fatal(err)
		}
		restart := ta.engineDue(t, deadline.Request{RuleID: "complaint.resolve", Start: resumed})
		if !want.DueAt.Equal(restart) {
			t.Fatalf("the engine does not restart a complaint at the resume decision: %v vs %v", want.DueAt, restart)
		}
		if st.Status != petition.StatusAssigned || main.State != caseclock.Open {
			t.Fatalf("resumed: %s %s", st.Status, main.State)
		}
		dueIs(t, "resumed resolution", main.DueAt, restart)
		cal := ta.deadlines.Engine(ctx).Calendar()
		sub := cal.AddWorkingDays(calendar.DateOf(restart.Add(-time.Minute), hanoi), -3).AddDays(1).Time(hanoi).UTC()
		c := clockOf(t, st, caseclock.Contribution, qhkt)
		if c.State != caseclock.Open {
			t.Errorf("contribution after resuming: %s", c.State)
		}
		dueIs(t, "contribution after resuming", c.DueAt, sub)

		// An officer's request waits for a decision; the termination makes
		// it moot, and it does not wait for ever.
		res := ta.act(t, officer, id, petition.ExtendInput{Reason: "Vụ việc phức tạp, cần xác minh nhiều nơi", Complexity: "complex",
			Criteria: []string{"a"}, DocumentRef: "BB 02/BB-PQLXD"})
		if !res.Pending || ta.caseState(t, id).PendingExtension() == nil {
			t.Fatalf("the officer's extension was not a request: %+v", res)
		}
		ta.setLocal(t, "2026-10-25 09:00")
		ta.act(t, office, id, petition.TerminateInput{Reason: "Người khiếu nại chết, không có người thừa kế quyền", DecisionNo: "80/QĐ-SXD"})
		st = ta.caseState(t, id)
		if st.Status != petition.StatusTerminated || st.PendingExtension() != nil || st.Extensions[0].State != "refused" {
			t.Fatalf("terminated: %s, extension %+v", st.Status, st.Extensions)
		}
		for _, c := range st.Clocks[1:] {
			if c.State != caseclock.Cancelled || c.OnTime != nil {
				t.Errorf("clock %s after termination: %s %v", c.Kind, c.State, c.OnTime)
			}
		}
		var kinds []string
		ta.db.Gorm.Raw("SELECT kind FROM case_decisions WHERE case_id = ? ORDER BY id", id).Scan(&kinds)
		if strings.Join(kinds, ",") != "accept,assign,suspend,resume,terminate" {
			t.Errorf("decisions %v", kinds)
		}
	})
}

// A coordinating unit that never contributes: when the lead answers after
// the unit's own due time, the miss is recorded on its clock; when the lead
// answers before it, the part is simply moot.
func TestUncontributedPartIsRecordedAsMissed(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "vanthu@sxd.test", "VP", access.Office)
		leadOfficer := ta.staffActor(t, "cv.qlxd@sxd.test", "PQLXD", access.UnitOfficer)
		leadHead := ta.staffActor(t, "tp.qlxd@sxd.test", "PQLXD", access.UnitHead)
		ttra, qhkt := ta.unitID(t, "TTRA"), ta.unitID(t, "PQHKT")
		received := ta.setLocal(t, "2026-03-02 09:00")
		reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPhone,
			ReceivedAt: received, Title: "Đề nghị sửa đường", Content: "Đường vào thôn Khòn Lèng xuống cấp, đề nghị Sở kiểm tra và sửa chữa.",
			Name: "Lộc Văn Tuấn", Phone: "0915 222 333"})
		id := reg.CaseID
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "01/TL"})
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"TTRA"}})
		st := ta.caseState(t, id)
		part := clockOf(t, st, caseclock.Contribution, ttra)
		// The lead answers a day after TTRA's part was due; TTRA never wrote.
		ta.Clock.Set(part.DueAt.Add(24 * time.Hour))
		ta.act(t, leadOfficer, id, petition.AnswerInput{Body: "Sở đã kiểm tra và đề nghị UBND xã sửa chữa trong quý II.",
			LetterNo: "120/SXD-QLXD", LetterDate: calendar.DateOf(ta.Clock.Now(), hanoi), Signer: "Trưởng phòng"})
		ta.act(t, leadHead, id, petition.ApproveInput{})
		c := clockOf(t, ta.caseState(t, id), caseclock.Contribution, ttra)
		if c.State != caseclock.Cancelled || c.OnTime == nil || *c.OnTime {
			t.Errorf("TTRA's uncontributed, overdue part: state %s on_time %v, want cancelled and missed", c.State, c.OnTime)
		}

		// Another case answered before the part was due: no outcome.
		reg = ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPhone,
			ReceivedAt: ta.Clock.Now(), Title: "Đề nghị cấp nước", Content: "Khu tái định cư phía Bắc chưa có nước sạch, đề nghị Sở đôn đốc.",
			Name: "Hoàng Thị Mai", Phone: "0915 444 555"})
		id = reg.CaseID
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "02/TL"})
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
		ta.act(t, leadOfficer, id, petition.AnswerInput{Body: "Sở đã chuyển đề nghị tới đơn vị cấp nước.",
			LetterNo: "121/SXD-QLXD", LetterDate: calendar.DateOf(ta.Clock.Now(), hanoi), Signer: "Trưởng phòng"})
		ta.act(t, leadHead, id, petition.ApproveInput{})
		c = clockOf(t, ta.caseState(t, id), caseclock.Contribution, qhkt)
		if c.State != caseclock.Cancelled || c.OnTime != nil {
			t.Errorf("a part made moot before its due time: state %s on_time %v, want cancelled without outcome", c.State, c.OnTime)
		}
	})
}
