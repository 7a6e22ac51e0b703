package petition

import (
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
)

// The states of a case beyond intake's (received, answered, reopened). The
// first five are "working" states: the case is on someone's desk and its
// clock runs (or is suspended). The others are terminal; access lists them
// as closed so that they never run late.
const (
	StatusClassified  Status = "classified"   // phân loại: the office recorded the classification
	StatusAccepted    Status = "accepted"     // thụ lý (or, for PAKN, taken up for an answer)
	StatusAssigned    Status = "assigned"     // a lead unit works on it
	StatusSuspended   Status = "suspended"    // tạm đình chỉ: the clock is stopped
	StatusClosed      Status = "closed"       // answered and rated, or the dispute window passed
	StatusForwarded   Status = "forwarded"    // chuyển đơn to the competent body
	StatusGuided      Status = "guided"       // hướng dẫn: the citizen was told where to go
	StatusNotEligible Status = "not_eligible" // không đủ điều kiện xử lý: answered with the reason
	StatusFiled       Status = "filed"        // lưu đơn, theo dõi
	StatusWithdrawn   Status = "withdrawn"    // rút đơn, and nothing obliges us to go on
	StatusTerminated  Status = "terminated"   // đình chỉ
	StatusSplit       Status = "split"        // a mixed letter, split into linked cases
)

// Statuses lists every status in workflow order, for filters and pages.
var Statuses = []Status{StatusReceived, StatusClassified, StatusAccepted, StatusAssigned, StatusSuspended, StatusAnswered,
	StatusClosed, StatusReopened, StatusForwarded, StatusGuided, StatusNotEligible, StatusFiled, StatusWithdrawn,
	StatusTerminated, StatusSplit}

// Working reports whether the case is still being handled: its main clock
// runs or is suspended.
func (s Status) Working() bool {
	switch s {
	case StatusReceived, StatusClassified, StatusAccepted, StatusAssigned, StatusSuspended:
		return true
	}
	return false
}

// Events the workflow records. Public ones are the citizen's timeline:
// received, accepted, assigned (unit names), extended (new due time and
// reason), answered, closed; and, because the citizen must be told, the
// outcomes forwarded (where), guided (where), not_eligible (why) and split
// (the new codes). Everything else is the internal trail, with the staff
// member's label.
const (
	EventAccepted            EventKind = "accepted"     // public
	EventAssigned            EventKind = "assigned"     // public: Unit is the lead unit
	EventExtended            EventKind = "extended"     // public: DueAt and the reason in Note
	EventClosed              EventKind = "closed"       // public
	EventForwarded           EventKind = "forwarded"    // public: Note names the competent body
	EventGuided              EventKind = "guided"       // public: Note says where to go
	EventNotEligible         EventKind = "not_eligible" // public: Note is the reason
	EventSplit               EventKind = "split"        // public: Note lists the new codes
	EventRegistered          EventKind = "registered"   // internal: typed in by the office
	EventClassified          EventKind = "classified"
	EventFiled               EventKind = "filed"
	EventCoordinating        EventKind = "coordinating" // internal: coordinating units and why
	EventDrafted             EventKind = "drafted"
	EventContributed         EventKind = "contributed"
	EventExtensionRequested  EventKind = "extension_requested"
	EventExtensionRefused    EventKind = "extension_refused"
	EventSuspended           EventKind = "suspended"
	EventResumed             EventKind = "resumed"
	EventWithdrawn           EventKind = "withdrawn"
	EventWithdrawalContinues EventKind = "withdrawal_continues"
	EventTerminated          EventKind = "terminated"
	EventFollowUp            EventKind = "follow_up" // internal, on a follow-up: which case it continues
	// EventDueMoved: a calendar or rule change moved a running clock's due
	// time (Note: before → after; the reason). Public when the citizen's
	// due date changed (DueAt is the new one).
	EventDueMoved EventKind = "due_moved"
	// EventLate and EventEscalated are the overdue sweep's internal marks:
	// the clock went late; it was escalated to leadership.
	EventLate      EventKind = "late"
	EventEscalated EventKind = "escalated"
	// Duties done (internal): the parties of an accepted denunciation
	// notified, a suspension decision sent, a conclusion published.
	EventPartiesNotified     EventKind = "parties_notified"
	EventSuspensionSent      EventKind = "suspension_sent"
	EventConclusionPublished EventKind = "conclusion_published"
	// A superior asked for a report on an overdue denunciation; the
	// report was sent.
	EventReportRequested EventKind = "report_requested"
	EventReportSent      EventKind = "report_sent"
	// EventReportedBack: the elected body that forwarded the case was told
	// the result.
	EventReportedBack EventKind = "reported_back"
	// Reception refused, and its written notice issued.
	EventReceptionRefused  EventKind = "reception_refused"
	EventRefusalNoticeSent EventKind = "refusal_notice_sent"
	// EventChased: the office or leadership chased a unit (đôn đốc) on the
	// case; Unit is the unit chased, Note the chaser's note (internal).
	EventChased EventKind = "chased"
	// EventStaffReopened: the office or leadership reopened an answered
	// case; Note is the reason, the follow-up case is linked (internal).
	// EventAgencyReopened tells the citizen, with the follow-up's code
	// (public; never the reason).
	EventStaffReopened  EventKind = "staff_reopened"
	EventAgencyReopened EventKind = "agency_reopened"
	// A dialogue with the complainant scheduled, its notice sent, and its
	// outcome: held, the complainant absent without a good reason, or
	// absent with one (the dialogue is owed again).
	EventDialogueScheduled  EventKind = "dialogue_scheduled"
	EventDialogueNoticeSent EventKind = "dialogue_notice_sent"
	EventDialogueHeld       EventKind = "dialogue_held"
	EventDialogueAbsent     EventKind = "dialogue_absent"
	EventDialogueExcused    EventKind = "dialogue_excused"
)

// EventKinds is every kind of case event and whether it is recorded public
// (on the citizen's timeline, in petition.event.* words), internal (the
// staff trail, staff.event.*) or either (EventDueMoved).
var EventKinds = map[EventKind]EventShown{
	EventReceived: Public, EventIntake: Internal, EventAnswered: Public, EventRated: Public, EventReopened: Public,
	EventAccepted: Public, EventAssigned: Public, EventExtended: Public, EventClosed: Public, EventForwarded: Public,
	EventGuided: Public, EventNotEligible: Public, EventSplit: Public, EventRegistered: Internal, EventClassified: Internal,
	EventFiled: Internal, EventCoordinating: Internal, EventDrafted: Internal, EventContributed: Internal,
	EventExtensionRequested: Internal, EventExtensionRefused: Internal, EventSuspended: Internal, EventResumed: Internal,
	EventWithdrawn: Internal, EventWithdrawalContinues: Internal, EventTerminated: Internal, EventFollowUp: Internal,
	EventDueMoved: Either, EventLate: Internal, EventEscalated: Internal,
	EventPartiesNotified: Internal, EventSuspensionSent: Internal, EventConclusionPublished: Internal,
	EventReportRequested: Internal, EventReportSent: Internal, EventReportedBack: Internal,
	EventReceptionRefused: Internal, EventRefusalNoticeSent: Internal,
	EventChased: Internal, EventStaffReopened: Internal, EventAgencyReopened: Public,
	EventDialogueScheduled: Internal, EventDialogueNoticeSent: Internal, EventDialogueHeld: Internal,
	EventDialogueAbsent: Internal, EventDialogueExcused: Internal,
}

// EventShown is where an event kind is recorded.
type EventShown int

const (
	Internal EventShown = 1 << iota // the staff trail
	Public                          // the citizen's timeline (and the staff history)
	Either   = Internal | Public
)

// ChannelHotline is the agency's hotline (đường dây nóng), counted apart
// from other calls because the plan publishes it (Plan 55, IV.3).
const ChannelHotline Channel = "hotline"

// StaffChannels are the channels the office registers cases from: the
// counter, post, phone, hotline, e-mail, another body, the national portal.
var StaffChannels = []Channel{ChannelInPerson, ChannelPost, ChannelPhone, ChannelHotline, ChannelEmail, ChannelForwarded, ChannelNationalPortal}

// Action is a step of the case workflow. Each has one route in the API
// (POST /cases/{code}/{action}) and one form on the staff case page.
type Action string

const (
	ActClassify   Action = "classify"
	ActAccept     Action = "accept"
	ActForward    Action = "forward"
	ActGuide      Action = "guide"
	ActReject     Action = "reject" // not eligible
	ActFile       Action = "file"   // lưu đơn, theo dõi
	ActAssign     Action = "assign"
	ActAnswer     Action = "answer" // draft an answer
	ActApprove    Action = "approve"
	ActContribute Action = "contribute"
	ActExtend     Action = "extend"
	ActSuspend    Action = "suspend"
	ActResume     Action = "resume"
	ActWithdraw   Action = "withdraw"
	ActTerminate  Action = "terminate"
	ActClose      Action = "close"
	ActSplit      Action = "split"
	// ActReopen is the citizen's dispute of an answer (no account: the
	// tracking secret guards it). It makes a follow-up case.
	ActReopen Action = "reopen"
	// Duties done (Duties): each meets its duty's clock.
	ActNotifyParties       Action = "notify_parties"
	ActSuspensionSent      Action = "suspension_sent"
	ActConclusionPublished Action = "conclusion_published"
	// ActReportRequested records a superior's request for a report on an
	// overdue denunciation, which owes the report (ActReportSent).
	ActReportRequested Action = "report_requested"
	ActReportSent      Action = "report_sent"
	ActReportedBack    Action = "reported_back"
	// ActRefuseReception refuses to receive a visitor; the written notice
	// (ActRefusalNoticeSent) is owed.
	ActRefuseReception   Action = "refuse_reception"
	ActRefusalNoticeSent Action = "refusal_notice_sent"
	// ActChase chases a unit on the case (đôn đốc): the office's role
	// under Plan 55 VII, and leadership's.
	ActChase Action = "chase"
	// ActStaffReopen reopens an answered case on the office's or
	// leadership's decision, as a citizen's dispute does (ActReopen): a
	// follow-up case with its own clock.
	ActStaffReopen Action = "staff_reopen"
	// A complaint's dialogue (workflow_dialogue.go): scheduled, which owes
	// its written notice (ActDialogueNoticeSent), then its outcome
	// recorded.
	ActScheduleDialogue   Action = "schedule_dialogue"
	ActDialogueNoticeSent Action = "dialogue_notice_sent"
	ActRecordDialogue     Action = "record_dialogue"
)

// UnitRole is the role the actor's own unit must hold on the case, on top
// of the permission.
type UnitRole int

const (
	AnyUnit          UnitRole = iota
	LeadUnit                  // the actor's unit leads the case
	CoordinatingUnit          // the actor's unit coordinates the case
)

// Transition is one row of the state machine: an action, the states it may
// start from, the state it leads to, who may take it, and what it does to
// the clocks (Clocks, for people; the code that does it is in the
// workflow_*.go file of the action's group, one function per action).
type Transition struct {
	Action Action
	From   []Status
	// To is the state after the action; "" keeps the current one (a draft,
	// a contribution, an extension) or, for resume, depends on the case. A
	// withdrawal that must continue keeps the state (see Clocks).
	To Status
	// Kinds the action applies to; empty means every kind.
	Kinds []Kind
	// Perm is asked of access.Can with the case; "" is the citizen.
	Perm access.Action
	Unit UnitRole
	// Guard refuses the action when the case is not ready for it, e.g.
	// accepting a case classified as not eligible. nil: no guard.
	Guard  func(*CaseState, Env) *fault.Error
	Clocks string
}

// Machine is the state machine: the only place that says which action is
// legal in which state, and who may take it. Every illegal transition is
// refused with ErrIllegal before anything is written.
var Machine = []Transition{
	{Action: ActClassify, From: []Status{StatusReceived, StatusClassified}, To: StatusClassified, Perm: access.ActCaseClassify,
		Clocks: "A change of kind cancels the first clock and opens the new kind's, counted from the same receipt."},
	{Action: ActSplit, From: []Status{StatusReceived}, To: StatusSplit, Perm: access.ActCaseRegister,
		Clocks: "The letter's clock is cancelled; each part gets the first clock of its kind from the letter's receipt."},
	{Action: ActAccept, From: []Status{StatusClassified}, To: StatusAccepted, Perm: access.ActCaseProcess, Guard: guardAcceptable,
		Clocks: "Complaints and denunciations: the accept/initial clock is met (on-time frozen) and the resolution clock starts at the acceptance decision. PAKN: the answer clock keeps running from receipt."},
	{Action: ActForward, From: []Status{StatusClassified}, To: StatusForwarded, Perm: access.ActCaseProcess, Guard: guardNotCompetent,
		Clocks: "The first clock is cancelled; a forward clock (5 working days from receipt) is opened and met at once."},
	{Action: ActGuide, From: []Status{StatusClassified}, To: StatusGuided, Perm: access.ActCaseProcess,
		Clocks: "The first clock is met: the guidance is the reply."},
	{Action: ActReject, From: []Status{StatusClassified}, To: StatusNotEligible, Perm: access.ActCaseProcess, Guard: guardNotEligible,
		Clocks: "The first clock is cancelled, which keeps the case out of the on-time denominator; its status reports it."},
	{Action: ActFile, From: []Status{StatusClassified}, To: StatusFiled, Perm: access.ActCaseProcess,
		Clocks: "The first clock is cancelled."},
	{Action: ActAssign, From: []Status{StatusAccepted, StatusAssigned}, To: StatusAssigned, Perm: access.ActCaseAssign,
		Clocks: "The running clock passes to the lead unit, unchanged. Each coordinating unit gets a contribution clock due a set number of working days before the lead's; units taken off lose theirs (cancelled)."},
	{Action: ActAnswer, From: []Status{StatusAssigned}, Perm: access.ActCaseAnswer, Unit: LeadUnit, Guard: guardDialogueDone,
		Clocks: "None: a draft is not an answer. A second complaint, or a complaint against a disciplinary decision, is answered only once its dialogue is settled."},
	{Action: ActApprove, From: []Status{StatusAssigned}, To: StatusAnswered, Perm: access.ActAnswerApprove, Unit: LeadUnit, Guard: guardApprove,
		Clocks: "Publishing meets the answer clock at the publish time, freezing its on-time fact once; contribution clocks still open are cancelled."},
	{Action: ActContribute, From: []Status{StatusAssigned}, Perm: access.ActCaseContribute, Unit: CoordinatingUnit,
		Clocks: "The unit's contribution clock is met (on-time frozen) by its first contribution."},
	{Action: ActExtend, From: []Status{StatusReceived, StatusClassified, StatusAccepted, StatusAssigned}, Perm: access.ActCaseExtend, Guard: guardExtendable,
		Clocks: "The running clock is extended within its rule's caps (deadline.Engine.Extend); a complaint's is re-counted as complex. Contribution clocks follow the new due time."},
	{Action: ActSuspend, From: []Status{StatusAccepted, StatusAssigned}, To: StatusSuspended, Kinds: []Kind{KindComplaint, KindDenunciation}, Perm: access.ActCaseDecide,
		Clocks: "The resolution clock and the contribution clocks are suspended: no due time until resumed."},
	{Action: ActResume, From: []Status{StatusSuspended}, Kinds: []Kind{KindComplaint, KindDenunciation}, Perm: access.ActCaseDecide,
		Clocks: "The resolution clock runs again (a complaint's restarts in full from the decision); contribution clocks follow. The case goes back to assigned, or accepted when no unit leads it."},
	{Action: ActWithdraw, From: []Status{StatusReceived, StatusClassified, StatusAccepted, StatusAssigned, StatusSuspended}, To: StatusWithdrawn, Perm: access.ActCaseDecide,
		Clocks: "When resolution must go on anyway (a denunciation with signs of a violation, a coerced withdrawal or slander: NĐ 156/2026 Art. 1; a complaint others still pursue: NĐ 155/2026 Art. 7a) nothing changes but the record. Otherwise the case is withdrawn and every open clock cancelled."},
	{Action: ActTerminate, From: []Status{StatusAccepted, StatusAssigned, StatusSuspended}, To: StatusTerminated, Kinds: []Kind{KindComplaint, KindDenunciation}, Perm: access.ActCaseDecide,
		Clocks: "Every open clock is cancelled."},
	{Action: ActClose, From: []Status{StatusAnswered}, To: StatusClosed, Perm: access.ActCaseDecide, Guard: guardClosable,
		Clocks: "None. Allowed once the citizen rated the answer or the dispute window passed."},
	{Action: ActReopen, From: []Status{StatusAnswered, StatusClosed}, To: StatusReopened,
		Clocks: "A follow-up case is made with its own first clock; the first answer's on-time fact stays."},
	{Action: ActStaffReopen, From: []Status{StatusAnswered, StatusClosed}, To: StatusReopened, Perm: access.ActCaseReopen,
		Clocks: "As a citizen's dispute: a follow-up case is made with its own first clock from the reopening; the answer's frozen on-time fact stays."},
	{Action: ActChase, From: []Status{StatusAssigned}, Perm: access.ActCaseChase,
		Clocks: "None: the unit chased (the lead or a coordinating unit) is told in-app and by e-mail; the chase is on the internal trail and counted for the unit."},
	{Action: ActNotifyParties, From: dutyStates, Kinds: []Kind{KindDenunciation}, Perm: access.ActCaseDecide, Guard: guardDuty(ActNotifyParties),
		Clocks: "The duty clock the acceptance opened (5 working days, Luật Tố cáo Art. 29(3)) is met at the date given; the state does not change."},
	{Action: ActSuspensionSent, From: dutyStates, Kinds: []Kind{KindComplaint}, Perm: access.ActCaseDecide, Guard: guardDuty(ActSuspensionSent),
		Clocks: "The duty clock the suspension opened (3 working days, Luật Khiếu nại Art. 11a) is met at the date given; the state does not change."},
	{Action: ActConclusionPublished, From: dutyStates, Kinds: []Kind{KindDenunciation}, Perm: access.ActCaseDecide, Guard: guardDuty(ActConclusionPublished),
		Clocks: "The duty clock the approved conclusion opened (7 working days, Luật Tố cáo Art. 40) is met at the date given; the state does not change."},
	{Action: ActReportRequested, From: []Status{StatusAccepted, StatusAssigned}, Kinds: []Kind{KindDenunciation}, Perm: access.ActCaseDecide, Guard: guardOverdue,
		Clocks: "Only when the resolution clock is late: a duty clock opens at the request (5 working days, Luật Tố cáo Art. 38); the resolution clock runs on."},
	{Action: ActReportSent, From: dutyStates, Kinds: []Kind{KindDenunciation}, Perm: access.ActCaseDecide, Guard: guardDuty(ActReportSent),
		Clocks: "The report duty clock is met at the date given; the state does not change."},
	{Action: ActReportedBack, From: dutyStates, Perm: access.ActCaseDecide, Guard: guardDuty(ActReportedBack),
		Clocks: "The duty clock the approved answer opened on a case forwarded by an elected body (7 working days, Luật Tiếp công dân Art. 27(2)) is met at the date given."},
	{Action: ActRefuseReception, From: []Status{StatusReceived, StatusClassified}, To: StatusFiled, Perm: access.ActCaseProcess, Guard: guardReception,
		Clocks: "The first clock is cancelled (out of the on-time rate); a duty clock opens at the refusal for its written notice (3 working days, NĐ 154/2026 Art. 4(3))."},
	{Action: ActRefusalNoticeSent, From: []Status{StatusFiled}, Perm: access.ActCaseDecide, Guard: guardDuty(ActRefusalNoticeSent),
		Clocks: "The refusal notice's duty clock is met at the date given."},
	{Action: ActScheduleDialogue, From: []Status{StatusAccepted, StatusAssigned}, Kinds: []Kind{KindComplaint}, Perm: access.ActCaseDecide,
		Clocks: "A duty clock opens for the written notice, due at least 5 days before the dialogue, counted backwards (NĐ 124/2020 Art. 28(1) as amended by NĐ 155/2026, for dialogues from 01/07/2026); a new date cancels the old date's notice clock and opens the new one."},
	{Action: ActDialogueNoticeSent, From: dutyStates, Kinds: []Kind{KindComplaint}, Perm: access.ActCaseDecide, Guard: guardDuty(ActDialogueNoticeSent),
		Clocks: "The notice's duty clock is met at the date given."},
	{Action: ActRecordDialogue, From: []Status{StatusAccepted, StatusAssigned}, Kinds: []Kind{KindComplaint}, Perm: access.ActCaseDecide, Guard: guardDialogueScheduled,
		Clocks: "None; a dialogue held, or the complainant's absence without a good reason, lets a second or disciplinary complaint be answered."},
}

// dutyStates are the states a duty may be recorded in: while the case is
// handled, and once it is answered (a conclusion is published after it is
// issued; a notice may be sent late). The guard asks for the duty's
// running clock.
var dutyStates = []Status{StatusAccepted, StatusAssigned, StatusSuspended, StatusAnswered, StatusClosed, StatusReopened}

// TransitionsOf returns the rows of an action (nil when it is unknown).
func TransitionsOf(a Action) []Transition {
	var out []Transition
	for _, t := range Machine {
		if t.Action == a {
			out = append(out, t)
		}
	}
	return out
}

// StatesAllowing returns the states from which some kind may take action
// a, as stored (for a list that proposes only what the action will take).
func StatesAllowing(a Action) []string {
	var out []string
	for _, t := range TransitionsOf(a) {
		for _, s := range t.From {
			if !slices.Contains(out, string(s)) {
				out = append(out, string(s))
			}
		}
	}
	return out
}

// transition returns the row that allows a from s for kind k.
func transition(a Action, s Status) (Transition, bool) {
	for _, t := range Machine {
		if t.Action == a && slices.Contains(t.From, s) {
			return t, true
		}
	}
	return Transition{}, false
}

// Legal reports whether the state machine allows a from s for kind k (who
// may take it is another question).
func Legal(a Action, s Status, k Kind) bool {
	t, ok := transition(a, s)
	return ok && (len(t.Kinds) == 0 || slices.Contains(t.Kinds, k))
}

// Workflow errors. Every refusal is a *fault.Error with a message id, so
// the user reads why in their language.
var (
	ErrUnknownAction = fault.New(fault.NotFound, "workflow.unknown_action")
	ErrNotLead       = fault.New(fault.Forbidden, "workflow.not_lead_unit")
	ErrNotCoord      = fault.New(fault.Forbidden, "workflow.not_coordinating_unit")
	ErrForbidden     = fault.New(fault.Forbidden, "error.forbidden")
)

// illegal is the refusal of an action in the wrong state or for the wrong
// kind: 409, naming both.
func illegal(a Action, s Status, k Kind) *fault.Error {
	act := i18n.Ref("workflow.action." + string(a))
	if t, ok := transition(a, s); ok && len(t.Kinds) > 0 && !slices.Contains(t.Kinds, k) {
		return fault.Newf(fault.Conflict, "workflow.illegal_kind", map[string]any{"Action": act, "Kind": i18n.Ref("staff.kind." + string(k))})
	}
	return fault.Newf(fault.Conflict, "workflow.illegal", map[string]any{"Action": act, "Status": i18n.Ref("staff.status." + string(s))})
}

func guardAcceptable(st *CaseState, _ Env) *fault.Error {
	if st.Class.Eligible == nil || !*st.Class.Eligible {
		return fault.New(fault.Conflict, "workflow.accept_not_eligible")
	}
	if st.Class.WithinCompetence == nil || !*st.Class.WithinCompetence {
		return fault.New(fault.Conflict, "workflow.accept_not_competent")
	}
	return nil
}

func guardNotCompetent(st *CaseState, _ Env) *fault.Error {
	if st.Class.WithinCompetence != nil && *st.Class.WithinCompetence {
		return fault.New(fault.Conflict, "workflow.forward_competent")
	}
	return nil
}

func guardNotEligible(st *CaseState, _ Env) *fault.Error {
	if st.Class.Eligible == nil || *st.Class.Eligible {
		return fault.New(fault.Conflict, "workflow.reject_eligible")
	}
	return nil
}

func guardHasDraft(st *CaseState, _ Env) *fault.Error {
	if st.Draft() == nil {
		return fault.New(fault.Conflict, "workflow.no_draft")
	}
	return nil
}

// Env is what guards and decisions know besides the case: the time and the
// settings.
type Env struct {
	Now           time.Time
	DisputeWindow time.Duration
	// Engine, when set, lets guards ask the rules (may this clock be
	// extended at all?).
	Engine *deadline.Engine
}

// guardExtendable refuses an extension the rule can never give: a clock
// whose rule has no extension and no longer complex period left (a PAKN's
// answer time, a complaint already counted as complex), or whose
// extensions are used up at the highest complexity the kind allows.
func guardExtendable(st *CaseState, env Env) *fault.Error {
	mc := st.MainClock()
	if mc == nil || env.Engine == nil {
		return nil
	}
	rule, err := env.Engine.RuleFor(mc.RuleID, calendar.DateOf(mc.StartedAt, env.Engine.Location()))
	if err != nil {
		return nil
	}
	top := deadline.Complex
	if st.Kind == KindDenunciation {
		top = deadline.EspeciallyComplex
	}
	if rule.ExtensionLimit > 0 && mc.Extensions < rule.MaxExtensionsFor(top) {
		return nil
	}
	cx := mc.Spec.Complexity
	if (cx == "" || cx == deadline.ComplexityNone) && rule.LimitFor(max(mc.Spec.Round, 1), deadline.Complex, mc.Spec.Remote) > rule.LimitFor(max(mc.Spec.Round, 1), deadline.ComplexityNone, mc.Spec.Remote) {
		return nil
	}
	capErr := &deadline.ExtensionCapError{RuleID: rule.ID, Complexity: cx, MaxExtensions: rule.MaxExtensionsFor(cx), MaxDays: rule.ExtensionLimit}
	return capErr.Fault()
}

func guardClosable(st *CaseState, env Env) *fault.Error {
	if st.Rated {
		return nil
	}
	if p := st.Published(); p != nil && env.Now.After(p.PublishedAt.Add(env.DisputeWindow)) {
		return nil
	}
	return fault.New(fault.Conflict, "workflow.close_too_early")
}

// mainKinds are the clock kinds of the case's own step (as opposed to a
// coordinating unit's contribution or a forwarding).
var mainKinds = []caseclock.Kind{caseclock.Process, caseclock.Accept, caseclock.Answer}

// ClockKindOf is the kind of clock a rule times.
func ClockKindOf(ruleID string) caseclock.Kind {
	switch ruleID {
	case "complaint.accept", "complaint.discipline.accept":
		return caseclock.Accept
	case "denunciation.initial", "letter.process":
		return caseclock.Process
	case "pakn.forward", "denunciation.forward":
		return caseclock.Forward
	}
	return caseclock.Answer
}

// ResolveRule is the rule of the resolution clock a kind's acceptance
// starts; "" when acceptance does not start a new clock (PAKN: the answer
// clock runs from receipt).
func (k Kind) ResolveRule() string {
	switch k {
	case KindComplaint:
		return "complaint.resolve"
	case KindDenunciation:
		return "denunciation.resolve"
	}
	return ""
}

// ResolveRuleOf is the rule of the resolution clock of a case of kind k
// and complaint sub-type subtype: Art. 50's for a disciplinary complaint,
// else the kind's ResolveRule.
func ResolveRuleOf(k Kind, subtype string) string {
	if k == KindComplaint && subtype == SubtypeDisciplinary {
		return "complaint.discipline.resolve"
	}
	return k.ResolveRule()
}

// ForwardRule is the rule of forwarding a case of this kind to the
// competent body: 5 working days from receipt (Luật Tố cáo Art. 24(2) for
// denunciations, NĐ 20/2008 Art. 9 for the rest; the Luật Khiếu nại sets no
// forwarding period, so complaints use the general one).
func (k Kind) ForwardRule() string {
	if k == KindDenunciation {
		return "denunciation.forward"
	}
	return "pakn.forward"
}
