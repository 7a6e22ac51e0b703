package petition

import (
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// Duty is a statutory act the agency owes besides its answer, timed by a
// clock of its own (caseclock.Duty): a workflow step opens it, and the
// duty's action, taken when the act is done, meets it. Its on-time fact is
// frozen then, as an answer's; the sweep, the alerts and the on-time
// figures read it like any clock.
type Duty struct {
	Action Action
	Rule   string    // the deadline rule that times it
	Event  EventKind // the internal event its action records
	// Opener, when set, is the action that records the request owing the
	// duty (a superior's request for a report), with its event; other
	// duties are opened by a workflow step.
	Opener     Action
	OpenerNote EventKind
}

// The duties.
var (
	// DutyNotifyParties: within 5 working days of the decision accepting a
	// denunciation, the denouncer is notified and the person denounced is
	// told the content (Luật Tố cáo Art. 29(3); NĐ 31/2019 Art. 9(2)). The
	// notice to the person denounced never carries the denouncer's
	// identity (Art. 8, 47, 56).
	DutyNotifyParties = Duty{Action: ActNotifyParties, Rule: deadline.DenunciationNotify, Event: EventPartiesNotified}
	// DutySendSuspension: a complaint's suspension decision is sent within
	// 3 working days of its issue (Luật Khiếu nại Art. 11a; NĐ 124/2020
	// Art. 28b(1) as added by NĐ 155/2026 Art. 12), for decisions from 01/07/2026.
	DutySendSuspension = Duty{Action: ActSuspensionSent, Rule: deadline.SuspensionSend, Event: EventSuspensionSent}
	// DutyPublishConclusion: a denunciation's conclusion is published
	// within 7 working days of its issue (Luật Tố cáo Art. 40); the
	// approved answer of a denunciation is its conclusion.
	DutyPublishConclusion = Duty{Action: ActConclusionPublished, Rule: deadline.DenunciationPublish, Event: EventConclusionPublished}
	// DutyReportToSuperior: when a denunciation is not resolved in time
	// and the superior asks for a report, the resolver reports within 5
	// working days (Luật Tố cáo Art. 38). The office records the request
	// (ActReportRequested), which opens the clock.
	DutyReportToSuperior = Duty{Action: ActReportSent, Rule: deadline.DenunciationReport, Event: EventReportSent,
		Opener: ActReportRequested, OpenerNote: EventReportRequested}
)

// DutyReportBack: a case forwarded by an elected body (a National Assembly
// body or deputy, a People's Council deputy, a citizen reception board) is
// reported back within 7 working days of its resolution (Luật Tiếp công
// dân Art. 27(2)); the approved answer is the resolution.
var DutyReportBack = Duty{Action: ActReportedBack, Rule: deadline.ElectedReportBack, Event: EventReportedBack}

// DutyRefusalNotice: a refusal to receive a visitor at the citizen
// reception office is notified in writing (Mẫu 01/TCD) within 3 working
// days (NĐ 154/2026 Art. 4(3)). The refusal is a decision on the case the
// visit was registered as (RefuseReceptionInput), so a reception record
// can later own it as well.
var DutyRefusalNotice = Duty{Action: ActRefusalNoticeSent, Rule: deadline.ReceptionRefusal, Event: EventRefusalNoticeSent}

// Duties lists every duty.
var Duties = []Duty{DutyNotifyParties, DutySendSuspension, DutyPublishConclusion, DutyReportToSuperior, DutyReportBack, DutyRefusalNotice, DutyDialogueNotice}

// RefuseReceptionInput refuses to receive a visitor at the citizen
// reception office (từ chối tiếp công dân: Luật Tiếp công dân Art. 9; NĐ
// 154/2026 Art. 4): the reason, and the decision's number and date if any.
// The case is filed without processing: its first clock is cancelled,
// which keeps it out of the on-time rate, and the written notice is owed
// within 3 working days (DutyRefusalNotice).
type RefuseReceptionInput DecisionInput

// Action implements Input.
func (RefuseReceptionInput) Action() Action { return ActRefuseReception }

func (in RefuseReceptionInput) decide(d *decision) error {
	reason, no, at, err := DecisionInput(in).check(d, 0)
	if err != nil {
		return err
	}
	d.closeMain(false, at)
	if err := d.openDuty(DutyRefusalNotice, at); err != nil {
		return err
	}
	d.ch.Case.OutcomeNote = &reason
	d.ch.Audit["reason"], d.ch.Audit["refused_at"] = reason, at
	d.record("refuse_reception", no, at, reason, nil)
	d.event(EventReceptionRefused, false, reason)
	return nil
}

// guardReception allows refusing reception only for a visit registered at
// the reception office (channel in person).
func guardReception(st *CaseState, _ Env) *fault.Error {
	if st.Channel != ChannelInPerson {
		return fault.New(fault.Conflict, "workflow.refuse_in_person_only")
	}
	return nil
}

// DutyOf returns the duty an action meets or opens, and whether the
// action opens it.
func DutyOf(a Action) (Duty, bool) {
	du, _, ok := dutyOf(a)
	return du, ok
}

func dutyOf(a Action) (Duty, bool, bool) {
	for _, du := range Duties {
		if du.Action == a {
			return du, false, true
		}
		if du.Opener != "" && du.Opener == a {
			return du, true, true
		}
	}
	return Duty{}, false, false
}

// DutyClock is the running clock of a duty on the case, or nil.
func (st *CaseState) DutyClock(rule string) *ClockState {
	for i := range st.Clocks {
		c := &st.Clocks[i]
		if c.Kind == caseclock.Duty && c.RuleID == rule && c.Running() {
			return c
		}
	}
	return nil
}

// guardDuty refuses a duty's action when no clock of it runs: the act is
// owed only once its opening step happened, and is recorded once.
func guardDuty(a Action) func(*CaseState, Env) *fault.Error {
	return func(st *CaseState, _ Env) *fault.Error {
		du, _ := DutyOf(a)
		if st.DutyClock(du.Rule) == nil {
			return fault.New(fault.Conflict, "workflow.no_open_duty")
		}
		return nil
	}
}

// guardOverdue allows a superior's request for a report (Luật Tố cáo Art.
// 38) only on a denunciation whose resolution is overdue, and once while
// the report is owed.
func guardOverdue(st *CaseState, env Env) *fault.Error {
	mc := st.MainClock()
	if mc == nil || mc.RuleID != deadline.DenunciationResolve || !mc.LateAt(env.Now) {
		return fault.New(fault.Conflict, "workflow.not_overdue")
	}
	if st.DutyClock(deadline.DenunciationReport) != nil {
		return fault.New(fault.Conflict, "workflow.report_owed")
	}
	return nil
}

// openDuty opens the clock of a duty from the instant of the step that
// owes it. A rule not in force on that day (the suspension rule before
// 01/07/2026) owes nothing: no clock.
func (d *decision) openDuty(du Duty, at time.Time) error {
	return d.openDutyFrom(du, at, deadline.Clock{RuleID: du.Rule, Start: at, Scope: d.scope()})
}

// openDutyFrom opens a duty's clock at at, counted as spec says: from the
// step's own instant, or from another event's date (a dialogue's, which
// its notice is counted back from). The rule version is the one in force
// on the event's date.
func (d *decision) openDutyFrom(du Duty, at time.Time, spec deadline.Clock) error {
	event := spec.StartDate
	if event.IsZero() {
		event = calendar.DateOf(spec.Start, d.eng.Location())
	}
	if _, err := d.eng.RuleFor(du.Rule, event); err != nil {
		return nil
	}
	res, err := d.evaluate(spec)
	if err != nil {
		return err
	}
	d.ch.OpenClocks = append(d.ch.OpenClocks, OpenClock{New: caseclock.New{CaseID: d.st.ID, Kind: caseclock.Duty, RuleID: du.Rule,
		Started: at, DueAt: res.DueAt.UTC(), ExplanationVI: d.eng.Explain(res, "vi"), ExplanationEN: d.eng.Explain(res, "en")}, Spec: spec})
	return nil
}

// DutyInput records that a duty was done: when (DoneOn, today if zero),
// the reference of the document sent or published, and a note. For the
// notification of a denunciation's parties, AccusedNotice is the content
// told to the person denounced, which must not reveal the denouncer.
type DutyInput struct {
	Act           Action
	DocumentRef   string
	Note          string
	DoneOn        calendar.Date
	AccusedNotice string
}

// Action implements Input.
func (in DutyInput) Action() Action { return in.Act }

func (in DutyInput) decide(d *decision) error {
	du, opens, ok := dutyOf(in.Act)
	if !ok {
		return ErrUnknownAction
	}
	if opens {
		return in.open(d, du)
	}
	var e errs
	ref, fe := checkText("document_ref", in.DocumentRef, 1, MaxDocRef)
	e.add(fe)
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	accused := ""
	if du.Action == ActNotifyParties {
		accused, fe = checkText("accused_notice", in.AccusedNotice, 5, MaxNote)
		e.add(fe)
	} else if in.AccusedNotice != "" {
		e.add(fault.FieldError("accused_notice", "workflow.accused_notice_notify_only", nil))
	}
	at, err := d.decisionAt(in.DoneOn, "done_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	if err := e.err(); err != nil {
		return err
	}
	c := d.st.DutyClock(du.Rule)
	if c.State != caseclock.Open {
		return fault.New(fault.Conflict, "workflow.clock_state")
	}
	if du.Rule == DutyDialogueNotice.Rule {
		// Offices send the letter and enter the dialogue later: the
		// notice may be dated before its clock was opened, back to the
		// day of the dialogue's previous step, before which this
		// dialogue's date was not known.
		if floor := d.st.dialogueNoticeFloor(d.loc()); calendar.DateOf(at, d.loc()).Before(floor) {
			return fault.List{fault.FieldError("done_on", "workflow.dialogue_notice_before", map[string]any{"Date": floor})}
		}
	} else if at.Before(c.StartedAt) {
		return fault.New(fault.Conflict, "workflow.clock_state")
	}
	// The notice to the person denounced never carries the denouncer's
	// identity, nor any phone, e-mail or ID number at all: checked last, so
	// only a request that would otherwise be written can be refused for it.
	if accused != "" && (d.noticeScrub == nil || d.noticeScrub(accused) != accused || access.ScrubShapes(accused) != accused) {
		return fault.List{fault.FieldError("accused_notice", "workflow.notice_reveals_denouncer", nil)}
	}
	d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Meet: true, At: at})
	if c.DueAt != nil {
		d.ch.Audit["on_time"], d.ch.Audit["due_at"] = caseclock.OnTimeAt(*c.DueAt, at), c.DueAt
	}
	d.ch.Audit["rule_id"], d.ch.Audit["done_at"], d.ch.Audit["document_ref"] = du.Rule, at, ref
	detail := map[string]any{"rule_id": du.Rule}
	if accused != "" {
		d.ch.Audit["accused_notice"], detail["accused_notice"] = accused, accused
	}
	d.record(string(du.Action), ref, at, note, detail)
	text := ref
	if note != "" {
		text += " — " + note
	}
	d.event(du.Event, false, text)
	return nil
}

// open records the request that owes a duty and opens its clock from it.
func (in DutyInput) open(d *decision, du Duty) error {
	var e errs
	ref, fe := checkText("document_ref", in.DocumentRef, 1, MaxDocRef)
	e.add(fe)
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	if in.AccusedNotice != "" {
		e.add(fault.FieldError("accused_notice", "workflow.accused_notice_notify_only", nil))
	}
	at, err := d.decisionAt(in.DoneOn, "done_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	if err := e.err(); err != nil {
		return err
	}
	if err := d.openDuty(du, at); err != nil {
		return err
	}
	d.ch.Audit["rule_id"], d.ch.Audit["requested_at"], d.ch.Audit["document_ref"] = du.Rule, at, ref
	d.record(string(in.Act), ref, at, note, map[string]any{"rule_id": du.Rule})
	text := ref
	if note != "" {
		text += " — " + note
	}
	d.event(du.OpenerNote, false, text)
	return nil
}
