package petition

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/org"
)

// memStore is an in-memory WorkflowStore for unit tests of the workflow's
// decisions. It keeps case states and applies a Change to them as the
// gorm store does to rows: the new status, the case's fields, clocks,
// answers, contributions, extensions and child cases. It is not a model of
// the database (the store's own tests run on SQLite and PostgreSQL); it is
// what lets a table walk the state machine without one.
type memStore struct {
	mu      sync.Mutex
	cases   map[int64]*CaseState
	events  map[int64][]NewEvent
	due     map[int64]Due
	nextID  int64
	applied int
}

func newMemStore() *memStore {
	return &memStore{cases: map[int64]*CaseState{}, events: map[int64][]NewEvent{}, due: map[int64]Due{}}
}

func (s *memStore) id() int64 {
	s.nextID++
	return s.nextID
}

// add stores a received case of kind k with its first clock.
func (s *memStore) add(eng *deadline.Engine, k Kind, received time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	due, err := FirstClock(eng, k, 0, received)
	if err != nil {
		return 0, err
	}
	id := s.id()
	st := &CaseState{ID: id, Code: fmt.Sprintf("SXD-26-%06d", id), Agency: "SXD", Kind: k, Channel: ChannelWeb, Status: StatusReceived,
		Title: "Hồ sơ thử", Lang: "vi", ReceivedAt: received, KeepSecret: k == KindDenunciation}
	s.openClock(st, OpenClock{New: caseclock.New{CaseID: id, Kind: ClockKindOf(due.RuleID), RuleID: due.RuleID, Started: received,
		DueAt: due.At, ExplanationVI: due.Explanation.VI}, Spec: *due.Spec})
	s.cases[id] = st
	s.due[id] = due
	return id, nil
}

// clone copies a state deeply enough that applying a change to the copy
// leaves the original as it was.
func clone(st *CaseState) *CaseState {
	c := *st
	c.Coordinating = slices.Clone(st.Coordinating)
	c.Clocks = slices.Clone(st.Clocks)
	c.Answers = slices.Clone(st.Answers)
	c.Extensions = slices.Clone(st.Extensions)
	c.Contributions = slices.Clone(st.Contributions)
	c.Children = slices.Clone(st.Children)
	c.Class.Criteria = slices.Clone(st.Class.Criteria)
	return &c
}

func (s *memStore) Apply(_ context.Context, caseID int64, _ access.Actor, decide func(*CaseState) (*Change, error)) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.cases[caseID]
	if !ok {
		return Result{}, access.ErrCaseNotFound
	}
	ch, err := decide(clone(cur))
	if err != nil {
		return Result{}, err
	}
	next := clone(cur)
	res, err := s.apply(next, ch)
	if err != nil {
		return Result{}, err
	}
	s.cases[caseID] = next
	s.applied++
	return res, nil
}

func ptr[T any](v T) *T { return &v }

func (s *memStore) openClock(st *CaseState, oc OpenClock) int64 {
	c := ClockState{Clock: caseclock.Clock{ID: s.id(), CaseID: st.ID, Kind: oc.Kind, RuleID: oc.RuleID, UnitID: oc.UnitID,
		StartedAt: oc.Started, State: caseclock.Open, Uncomputed: oc.Uncomputed}, Spec: oc.Spec,
		ExplanationVI: oc.ExplanationVI, ExplanationEN: oc.ExplanationEN}
	if !oc.DueAt.IsZero() {
		c.DueAt = ptr(oc.DueAt)
	}
	if oc.MetAt != nil {
		c.State, c.ClosedAt = caseclock.Met, ptr(*oc.MetAt)
		if c.DueAt != nil {
			c.OnTime = ptr(caseclock.OnTimeAt(*c.DueAt, *oc.MetAt))
		}
	}
	st.Clocks = append(st.Clocks, c)
	return c.ID
}

// apply writes ch on st, refusing what a store would refuse: a change to
// a clock, answer or request the case does not have.
func (s *memStore) apply(st *CaseState, ch *Change) (Result, error) {
	res := Result{CaseID: st.ID, Code: st.Code, Pending: ch.Pending}
	u := ch.Case
	if u.Kind != nil {
		st.Kind = *u.Kind
	}
	if c := u.Class; c != nil {
		st.TopicID, st.PlanTaskID = c.TopicID, c.PlanTaskID
		st.Class.Eligible, st.Class.IneligibleReason, st.Class.IneligibleNote = ptr(c.Eligible), c.IneligibleReason, c.IneligibleNote
		st.Class.WithinCompetence, st.Class.ManySenders, st.Class.Round = ptr(c.WithinCompetence), c.ManySenders, c.Round
		st.Class.Remote, st.Class.ClassifiedAt = c.Remote, ptr(c.ClassifiedAt)
	}
	if c := u.Complexity; c != nil {
		st.Class.Complexity, st.Class.Criteria, st.Class.ComplexityRef = c.Level, slices.Clone(c.Criteria), c.Ref
	}
	if a := u.Accepted; a != nil {
		st.AcceptedAt, st.AcceptDecisionNo = ptr(a.At), a.DecisionNo
	}
	if u.OutcomeNote != nil {
		st.OutcomeNote = *u.OutcomeNote
	}
	if u.WithdrawalContinues != nil {
		st.WithdrawalContinues = *u.WithdrawalContinues
	}
	if u.LeadUnitID != nil {
		st.LeadUnitID = *u.LeadUnitID
	}
	if ch.Status != "" {
		st.Status = ch.Status
	}
	if ch.Coordinating != nil {
		st.Coordinating = slices.Clone(*ch.Coordinating)
	}
	for _, oc := range ch.OpenClocks {
		s.openClock(st, oc)
	}
	for _, cu := range ch.ClockUpdates {
		i := slices.IndexFunc(st.Clocks, func(c ClockState) bool { return c.ID == cu.ID })
		if i < 0 {
			return Result{}, fmt.Errorf("update of clock %d, which case %d does not have", cu.ID, st.ID)
		}
		c := &st.Clocks[i]
		switch {
		case cu.Meet:
			c.State, c.ClosedAt = caseclock.Met, ptr(cu.At)
			if c.DueAt != nil && c.OnTime == nil {
				c.OnTime = ptr(caseclock.OnTimeAt(*c.DueAt, cu.At))
			}
		case cu.Cancel:
			c.State, c.ClosedAt = caseclock.Cancelled, ptr(cu.At)
		case cu.Set:
			c.State, c.DueAt, c.Extensions = cu.State, cu.DueAt, cu.Extensions
			if cu.Spec != nil {
				c.Spec = *cu.Spec
			}
			c.ExplanationVI, c.ExplanationEN = cu.ExplanationVI, cu.ExplanationEN
		}
		if cu.UnitID != 0 {
			c.UnitID = cu.UnitID
		}
	}
	if a := ch.Answer; a != nil {
		st.Answers = append(st.Answers, AnswerState{ID: s.id(), UnitID: a.UnitID, Body: a.Body, LetterNo: a.LetterNo,
			LetterDate: a.LetterDate, Signer: a.Signer, CreatedAt: ch.At})
	}
	if p := ch.PublishAnswer; p != nil {
		i := slices.IndexFunc(st.Answers, func(a AnswerState) bool { return a.ID == p.ID })
		if i < 0 {
			return Result{}, fmt.Errorf("publish of answer %d, which case %d does not have", p.ID, st.ID)
		}
		st.Answers[i].PublishedAt = ptr(p.At)
	}
	if c := ch.Contribution; c != nil {
		st.Contributions = append(st.Contributions, ContributionState{ID: s.id(), UnitID: c.UnitID, Body: c.Body, CreatedAt: ch.At})
	}
	if x := ch.Extension; x != nil {
		if x.ID == 0 {
			row := ExtensionState{ID: s.id(), ClockID: x.ClockID, State: x.State, Days: x.Days, Complexity: x.Complexity,
				Criteria: x.Criteria, DocumentRef: x.DocumentRef, Reason: x.Reason, DecisionNo: x.DecisionNo, RequestedAt: ch.At,
				DueBefore: x.DueBefore, DueAfter: x.DueAfter}
			st.Extensions = append(st.Extensions, row)
			if ch.Pending {
				res.ExtensionRequestID = row.ID
			}
		} else {
			i := slices.IndexFunc(st.Extensions, func(e ExtensionState) bool { return e.ID == x.ID })
			if i < 0 || st.Extensions[i].State != "pending" {
				return Result{}, fmt.Errorf("decision on extension request %d, which case %d has not pending", x.ID, st.ID)
			}
			e := &st.Extensions[i]
			e.State, e.DecidedAt, e.DueBefore, e.DueAfter = x.State, ptr(ch.At), x.DueBefore, x.DueAfter
		}
	}
	for _, c := range ch.Children {
		id := s.id()
		child := &CaseState{ID: id, Code: fmt.Sprintf("SXD-26-%06d", id), Agency: c.Case.Agency, Kind: c.Case.Kind, Channel: c.Case.Channel,
			Status: StatusReceived, TopicID: c.Case.TopicID, Title: c.Case.Title, ReceivedAt: c.Case.ReceivedAt, Sealed: st.Sealed,
			Parent: &CaseLink{CaseID: st.ID, Code: st.Code, Relation: c.Relation, Kind: st.Kind, Status: st.Status}}
		if sp := c.Case.Due.Spec; sp != nil {
			s.openClock(child, OpenClock{New: caseclock.New{CaseID: id, Kind: ClockKindOf(c.Case.Due.RuleID), RuleID: c.Case.Due.RuleID,
				Started: c.Case.ReceivedAt, DueAt: c.Case.Due.At}, Spec: *sp})
		}
		s.cases[id] = child
		st.Children = append(st.Children, CaseLink{CaseID: id, Code: child.Code, Relation: c.Relation, Kind: child.Kind, Status: child.Status})
		res.Children = append(res.Children, child.Code)
	}
	s.events[st.ID] = append(s.events[st.ID], ch.Events...)
	if ch.ChildEvent != nil {
		s.events[st.ID] = append(s.events[st.ID], *ch.ChildEvent)
	}
	if ch.Due != nil {
		s.due[st.ID] = *ch.Due
	}
	res.Status = st.Status
	return res, nil
}

func (s *memStore) Load(_ context.Context, caseID int64) (*CaseState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.cases[caseID]
	if !ok {
		return nil, access.ErrCaseNotFound
	}
	return clone(st), nil
}

func (s *memStore) CaseIDByCode(_ context.Context, code string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, st := range s.cases {
		if st.Code == code {
			return id, nil
		}
	}
	return 0, access.ErrCaseNotFound
}

func (s *memStore) Register(context.Context, NewCase, access.Actor, time.Time) (IntakeResult, error) {
	return IntakeResult{}, fmt.Errorf("memStore does not register cases")
}

func (s *memStore) PlanTaskUnits(context.Context, int64) ([]TaskUnit, error) { return nil, nil }

func (s *memStore) History(context.Context, int64) ([]Event, error) { return nil, nil }

// eventKinds are the kinds of the events the changes recorded on a case.
func (s *memStore) eventKinds(caseID int64) []EventKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []EventKind
	for _, e := range s.events[caseID] {
		out = append(out, e.Kind)
	}
	return out
}

// fixedEngine hands out one engine: the built-in calendar and rules.
type fixedEngine struct{ eng *deadline.Engine }

func (f fixedEngine) Engine(context.Context) *deadline.Engine { return f.eng }

// unitList is the unit directory: org's default units, numbered in order.
type unitList []org.Unit

func (u unitList) ListUnits(context.Context) ([]org.Unit, error) { return u, nil }

func (u unitList) id(t *testing.T, code string) int64 {
	t.Helper()
	for _, x := range u {
		if x.Code == code {
			return x.ID
		}
	}
	t.Fatalf("no unit %s", code)
	return 0
}

// topicList is the topics a classification may pick.
type topicList []Topic

func (l topicList) ListTopics(context.Context) ([]Topic, error) { return l, nil }

// ruleNow is the instant the workflow's tables decide at: Friday 27
// November 2026, 09:00 in Hà Nội, a working day after the law changes of
// 1 July 2026.
var ruleNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// flow is a Workflow over a memStore, at a settable instant.
type flow struct {
	w     *Workflow
	store *memStore
	eng   *deadline.Engine
	units unitList
	now   time.Time

	office, leadership, leadOfficer, leadHead, coordOfficer, otherOfficer access.Actor
}

func newFlow(t *testing.T) *flow {
	t.Helper()
	loc := deadline.VietnamLocation()
	eng, err := deadline.NewEngine(calendar.New(calendar.Builtin()), deadline.DefaultRules(), nil, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	units := unitList(org.DefaultUnits())
	for i := range units {
		units[i].ID = int64(i + 1)
	}
	f := &flow{store: newMemStore(), eng: eng, units: units, now: ruleNow}
	w, err := NewWorkflow(WorkflowConfig{Store: f.store, Units: units, Deadlines: fixedEngine{eng},
		Topics: topicList{{ID: 7, Slug: "khieu-nai-to-cao", PlanTaskID: 70, Active: true}},
		Now:    func() time.Time { return f.now }, Agency: "SXD", Location: loc, ContributionLeadDays: 3,
		Scrubber: func(context.Context, int64) (func(string) string, error) {
			return func(s string) string { return s }, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	f.w = w
	staff := func(id int64, unit string, role access.Role) access.Actor {
		a := access.Actor{AccountID: id, Email: fmt.Sprintf("staff%d@sxd.test", id), Roles: []access.Role{role}, Via: "session"}
		if unit != "" {
			a.UnitID, a.UnitCode = units.id(t, unit), unit
			a.UnitKind = "division"
			if unit == org.CodeOffice {
				a.UnitKind = "office"
			}
		}
		return a
	}
	f.office = staff(1, org.CodeOffice, access.Office)
	f.leadership = staff(2, "", access.Leadership)
	f.leadOfficer = staff(3, "PQLXD", access.UnitOfficer)
	f.leadHead = staff(4, "PQLXD", access.UnitHead)
	f.coordOfficer = staff(5, "PQHKT", access.UnitOfficer)
	f.otherOfficer = staff(6, "PPTDT", access.UnitOfficer)
	return f
}

// received files a case of kind k two working days before ruleNow.
func (f *flow) received(t *testing.T, k Kind) int64 {
	t.Helper()
	id, err := f.store.add(f.eng, k, ruleNow.Add(-50*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// do takes an action that must succeed.
func (f *flow) do(t *testing.T, id int64, by access.Actor, in Input) Result {
	t.Helper()
	res, err := f.w.Do(context.Background(), by, id, in)
	if err != nil {
		t.Fatalf("%s on case %d: %v", in.Action(), id, err)
	}
	return res
}

func (f *flow) state(t *testing.T, id int64) *CaseState {
	t.Helper()
	st, err := f.store.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// The states a table starts from, each reached through the workflow
// itself from a received case.

func (f *flow) classified(t *testing.T, k Kind, eligible, competent bool) int64 {
	t.Helper()
	id := f.received(t, k)
	in := ClassifyInput{Eligible: eligible, WithinCompetence: competent}
	if !eligible {
		in.IneligibleReason = "anonymous"
	}
	f.do(t, id, f.office, in)
	return id
}

func (f *flow) accepted(t *testing.T, k Kind) int64 {
	t.Helper()
	id := f.classified(t, k, true, true)
	f.do(t, id, f.office, AcceptInput{DecisionNo: "12/QĐ-SXD"})
	return id
}

func (f *flow) assigned(t *testing.T, k Kind) int64 {
	t.Helper()
	id := f.accepted(t, k)
	f.do(t, id, f.office, AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
	return id
}

func (f *flow) drafted(t *testing.T, k Kind) int64 {
	t.Helper()
	id := f.assigned(t, k)
	f.do(t, id, f.leadOfficer, AnswerInput{Body: "Sở Xây dựng trả lời ông/bà như sau: đã kiểm tra và xử lý."})
	return id
}

func (f *flow) answered(t *testing.T, k Kind) int64 {
	t.Helper()
	id := f.drafted(t, k)
	f.do(t, id, f.leadHead, ApproveInput{})
	return id
}

func (f *flow) suspended(t *testing.T, k Kind) int64 {
	t.Helper()
	id := f.assigned(t, k)
	f.do(t, id, f.office, SuspendInput{Reason: "Chờ kết quả giám định", DecisionNo: "20/QĐ-SXD"})
	return id
}
