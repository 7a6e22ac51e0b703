package petition

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// Dialogue with the complainant (đối thoại). The resolver of a second
// complaint must hold one before deciding (Luật Khiếu nại 2011 Art. 39; NĐ
// 124/2020 Art. 28(2) as amended by NĐ 155/2026 Art. 11), and so must the
// resolver of a complaint against a disciplinary decision, in either round
// (Art. 53; TT 07/2013/TT-TTCP Art. 21(1)(c)). The written notice of the
// time, place and content goes out at least 5 days before the dialogue
// (NĐ 124/2020 Art. 28(1) as amended, from 01/07/2026): a duty clock
// counted backwards from the dialogue date (deadline.DialogueNotice),
// opened when the dialogue is scheduled. The minutes (Mẫu 14) record the
// outcome.
//
// What unlocks the decision, read from the law: a dialogue held; or the
// complainant, invited, did not come without a good reason, after which
// "the resolver still continues to resolve the complaint" (Art. 28(5) as
// amended; Luật Khiếu nại Art. 30(6) as added by Luật 136/2025). A
// complainant absent with a good reason (force majeure or an objective
// obstacle, NĐ 124/2020 Art. 28a) does not: the dialogue is still owed, so
// the office schedules it again (or suspends the case under Art. 11a).

// The outcomes of a dialogue.
const (
	DialogueHeld             = "held"               // it took place; the minutes record it
	DialogueAbsentNoReason   = "absent_no_reason"   // invited, did not come, no good reason: resolution continues
	DialogueAbsentWithReason = "absent_with_reason" // did not come for a good reason: the dialogue is owed again
)

// DialogueOutcomes lists the outcomes the office records.
var DialogueOutcomes = []string{DialogueHeld, DialogueAbsentNoReason, DialogueAbsentWithReason}

// DutyDialogueNotice: the written notice of a dialogue, owed at least 5
// days before it (NĐ 124/2020 Art. 28(1) as amended by NĐ 155/2026 Art.
// 11). Scheduling the dialogue opens it; a new date cancels it and opens
// the new date's.
var DutyDialogueNotice = Duty{Action: ActDialogueNoticeSent, Rule: deadline.DialogueNotice, Event: EventDialogueNoticeSent}

// DialogueRecord is a dialogue step recorded on the case: its scheduling
// (ActScheduleDialogue) or its outcome (ActRecordDialogue).
type DialogueRecord struct {
	Action Action
	// On is the date of the dialogue: scheduled, or the one recorded.
	On           calendar.Date
	Time         string // "09:00", scheduled (optional)
	Place        string
	Participants string
	Outcome      string // an outcome record's
	Ref          string // the minutes' number (an outcome record's)
	Note         string
	At           time.Time // when it was recorded (the outcome: the day it took place)
}

// dialogueDetail is what a dialogue record keeps besides the decision's
// number, date and reason.
type dialogueDetail struct {
	On           string `json:"dialogue_on"`
	Time         string `json:"time,omitempty"`
	Place        string `json:"place,omitempty"`
	Participants string `json:"participants,omitempty"`
	Outcome      string `json:"outcome,omitempty"`
}

// DialogueDecisionKinds are the recorded decisions that are dialogue
// steps; a store loads them into CaseState.Dialogues.
var DialogueDecisionKinds = []string{string(ActScheduleDialogue), string(ActRecordDialogue)}

// DialogueFromDecision reads a recorded dialogue step back (the store
// hands over the decision's kind, number, reason, detail and date). A
// detail that does not read back is an error: a dialogue with a lost date
// would unlock or block the answer on nothing.
func DialogueFromDecision(kind, no, reason, detail string, at time.Time) (DialogueRecord, bool, error) {
	if !slices.Contains(DialogueDecisionKinds, kind) {
		return DialogueRecord{}, false, nil
	}
	var dd dialogueDetail
	if err := json.Unmarshal([]byte(detail), &dd); err != nil {
		return DialogueRecord{}, false, fmt.Errorf("dialogue %s detail: %w", kind, err)
	}
	on, err := calendar.ParseDate(dd.On)
	if err != nil {
		return DialogueRecord{}, false, fmt.Errorf("dialogue %s date %q: %w", kind, dd.On, err)
	}
	return DialogueRecord{Action: Action(kind), On: on, Time: dd.Time, Place: dd.Place, Participants: dd.Participants,
		Outcome: dd.Outcome, Ref: no, Note: reason, At: at}, true, nil
}

// PendingDialogue is the dialogue scheduled and not yet recorded, or nil.
func (st *CaseState) PendingDialogue() *DialogueRecord {
	if n := len(st.Dialogues); n > 0 && st.Dialogues[n-1].Action == ActScheduleDialogue {
		return &st.Dialogues[n-1]
	}
	return nil
}

// DialogueRequired says whether the case may be decided only after a
// dialogue: a second complaint, or any complaint against a disciplinary
// decision.
func (st *CaseState) DialogueRequired() bool {
	return st.Kind == KindComplaint && (st.Class.Round == 2 || st.Class.Subtype == SubtypeDisciplinary)
}

// DialogueSettled says whether the dialogue the law requires is behind
// the case: the last outcome recorded is a dialogue held, or the
// complainant's absence without a good reason, and no new dialogue waits.
func (st *CaseState) DialogueSettled() bool {
	if st.PendingDialogue() != nil {
		return false
	}
	for i := len(st.Dialogues) - 1; i >= 0; i-- {
		if r := st.Dialogues[i]; r.Action == ActRecordDialogue {
			return r.Outcome == DialogueHeld || r.Outcome == DialogueAbsentNoReason
		}
	}
	return false
}

// dialogueNoticeFloor is the first day a notice of the last dialogue
// scheduled can be dated: the day of the dialogue step before that
// scheduling (a schedule it moved, or an outcome), else the day the case
// was received.
func (st *CaseState) dialogueNoticeFloor(loc *time.Location) calendar.Date {
	floor := calendar.DateOf(st.ReceivedAt, loc)
	for i := len(st.Dialogues) - 1; i >= 0; i-- {
		if st.Dialogues[i].Action != ActScheduleDialogue {
			continue
		}
		if i > 0 {
			floor = calendar.DateOf(st.Dialogues[i-1].At, loc)
		}
		break
	}
	return floor
}

// guardDialogueDone refuses to answer (draft or approve the decision on) a
// complaint that requires a dialogue before the dialogue is settled.
func guardDialogueDone(st *CaseState, _ Env) *fault.Error {
	if st.DialogueRequired() && !st.DialogueSettled() {
		return fault.New(fault.Conflict, "workflow.dialogue_required")
	}
	return nil
}

func guardApprove(st *CaseState, env Env) *fault.Error {
	if err := guardHasDraft(st, env); err != nil {
		return err
	}
	return guardDialogueDone(st, env)
}

// guardDialogueScheduled allows recording an outcome only for a dialogue
// scheduled and not yet recorded.
func guardDialogueScheduled(st *CaseState, _ Env) *fault.Error {
	if st.PendingDialogue() == nil {
		return fault.New(fault.Conflict, "workflow.no_dialogue_scheduled")
	}
	return nil
}

// maxDialogueAhead bounds how far ahead a dialogue is scheduled, in days.
const maxDialogueAhead = 366

var clockTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// noticeInTime says whether a dialogue on on, scheduled at now, leaves its
// written notice (DutyDialogueNotice) due at or after now: the due time is
// the deadline engine's, counted back from on, and "not past" is
// caseclock.OnTimeAt, the one definition. A day the rule is not in force
// on (before 01/07/2026) owes no dated notice: always in time.
func noticeInTime(eng *deadline.Engine, on calendar.Date, now time.Time, round int, scope []string) (bool, error) {
	if _, err := eng.RuleFor(DutyDialogueNotice.Rule, on); err != nil {
		return true, nil
	}
	res, err := eng.Evaluate(deadline.Clock{RuleID: DutyDialogueNotice.Rule, StartDate: on, Round: round, Scope: scope})
	if err != nil {
		return false, err
	}
	return caseclock.OnTimeAt(res.DueAt, now), nil
}

// earliestDialogue is the first day from today a dialogue can be
// scheduled for at now with its notice still in time (noticeInTime): the
// form's lowest date and the date a refusal names.
func earliestDialogue(eng *deadline.Engine, now time.Time, round int, scope []string) (calendar.Date, error) {
	today := calendar.DateOf(now, eng.Location())
	for on := today; !on.After(today.AddDays(maxDialogueAhead)); on = on.AddDays(1) {
		ok, err := noticeInTime(eng, on, now, round, scope)
		if err != nil {
			return calendar.Date{}, err
		}
		if ok {
			return on, nil
		}
	}
	return calendar.Date{}, fmt.Errorf("no dialogue date within %d days leaves its notice in time", maxDialogueAhead)
}

// EarliestDialogue is the first date a dialogue on the case can be held
// if scheduled now: the staff form's lowest date, computed as the
// scheduling itself checks it.
func (w *Workflow) EarliestDialogue(ctx context.Context, st *CaseState) (calendar.Date, error) {
	env := w.Env(ctx)
	return earliestDialogue(env.Engine, env.Now, st.Class.Round, caseScope(st))
}

// ScheduleDialogueInput schedules a dialogue with the complainant: its
// date (today or later), time, place and participants. Scheduling it again
// before its outcome is recorded moves it: the notice owed for the old
// date is cancelled and the new date's opened.
type ScheduleDialogueInput struct {
	On           calendar.Date
	Time         string
	Place        string
	Participants string
	Note         string
	// Key makes a repeated request (a double-clicked submit, an API retry)
	// a no-op, as a chase's (Change.RequestKey).
	Key string
}

// Action implements Input.
func (ScheduleDialogueInput) Action() Action { return ActScheduleDialogue }

func (in ScheduleDialogueInput) decide(d *decision) error {
	var e errs
	today := calendar.DateOf(d.now, d.loc())
	switch {
	case in.On.IsZero():
		e.add(fault.FieldError("dialogue_on", "workflow.field_required", nil))
	case !in.On.Valid():
		e.add(fault.FieldError("dialogue_on", "workflow.date_invalid", nil))
	case in.On.Before(today):
		e.add(fault.FieldError("dialogue_on", "workflow.dialogue_past", nil))
	case in.On.After(today.AddDays(maxDialogueAhead)):
		e.add(fault.FieldError("dialogue_on", "workflow.dialogue_too_far", nil))
	}
	if in.Time != "" && !clockTime.MatchString(in.Time) {
		e.add(fault.FieldError("time", "workflow.time_invalid", nil))
	}
	place, fe := checkText("place", in.Place, 2, MaxPlace)
	e.add(fe)
	who, fe := checkText("participants", in.Participants, 2, MaxNote)
	e.add(fe)
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	e.add(d.requestKey(in.Key))
	if err := e.err(); err != nil {
		return err
	}
	// The dialogue scheduled again as it is (a repeated submit without a
	// key) changes nothing: no new clock, trail entry or audit row.
	if p := d.st.PendingDialogue(); p != nil && p.On == in.On && p.Time == in.Time && p.Place == place && p.Participants == who {
		return ErrRepeated
	}
	// The notice is owed at least 5 days before: a date whose notice is
	// already past due at scheduling could never be kept. The refusal
	// names the first date that can.
	if ok, err := noticeInTime(d.eng, in.On, d.now, d.st.Class.Round, d.scope()); err != nil {
		return err
	} else if !ok {
		first, err := earliestDialogue(d.eng, d.now, d.st.Class.Round, d.scope())
		if err != nil {
			return err
		}
		return fault.List{fault.FieldError("dialogue_on", "workflow.dialogue_too_soon", map[string]any{"Date": first})}
	}
	if p := d.st.PendingDialogue(); p != nil {
		d.ch.Audit["moved_from"] = p.On.String()
	}
	// Any notice still owed is for another date (moved, or a dialogue
	// whose outcome was recorded with its notice never sent): moot now,
	// so only the new date's notice runs.
	for _, c := range d.st.Clocks {
		if c.Kind == caseclock.Duty && c.RuleID == DutyDialogueNotice.Rule && c.Running() {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: d.now})
		}
	}
	spec := deadline.Clock{RuleID: DutyDialogueNotice.Rule, StartDate: in.On, Round: d.st.Class.Round, Scope: d.scope()}
	if err := d.openDutyFrom(DutyDialogueNotice, d.now, spec); err != nil {
		return err
	}
	dd := dialogueDetail{On: in.On.String(), Time: in.Time, Place: place, Participants: who}
	d.ch.Audit["dialogue_on"], d.ch.Audit["time"], d.ch.Audit["place"], d.ch.Audit["participants"] = dd.On, dd.Time, place, who
	d.record(string(ActScheduleDialogue), "", d.now, note, map[string]any{"dialogue_on": dd.On, "time": dd.Time, "place": place, "participants": who})
	when := in.On.VN()
	if in.Time != "" {
		when = in.Time + " " + when
	}
	text := when + ", " + place + " — " + who
	if note != "" {
		text += " — " + note
	}
	d.event(EventDialogueScheduled, false, text)
	return nil
}

// RecordDialogueInput records the outcome of the scheduled dialogue: what
// happened (DialogueOutcomes), the minutes' number (biên bản, Mẫu 14: it
// records an absence too), the day (HeldOn, today if zero; not before the
// scheduled date) and the result or circumstances.
type RecordDialogueInput struct {
	Outcome    string
	MinutesRef string
	HeldOn     calendar.Date
	Result     string
}

// Action implements Input.
func (RecordDialogueInput) Action() Action { return ActRecordDialogue }

func (in RecordDialogueInput) decide(d *decision) error {
	var e errs
	if !slices.Contains(DialogueOutcomes, in.Outcome) {
		e.add(fault.FieldError("outcome", "workflow.dialogue_outcome_invalid", nil))
	}
	ref, fe := checkText("minutes_ref", in.MinutesRef, 1, MaxDocRef)
	e.add(fe)
	result, fe := checkText("result", in.Result, 5, MaxNote)
	e.add(fe)
	at, err := d.decisionAt(in.HeldOn, "held_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	p := d.st.PendingDialogue()
	if err == nil && calendar.DateOf(at, d.loc()).Before(p.On) {
		e.add(fault.FieldError("held_on", "workflow.dialogue_before_date", map[string]any{"Date": p.On}))
	}
	if err := e.err(); err != nil {
		return err
	}
	d.ch.Audit["outcome"], d.ch.Audit["minutes_ref"], d.ch.Audit["held_at"], d.ch.Audit["dialogue_on"] = in.Outcome, ref, at, p.On.String()
	d.record(string(ActRecordDialogue), ref, at, result, map[string]any{"dialogue_on": p.On.String(), "outcome": in.Outcome})
	kind := EventDialogueHeld
	switch in.Outcome {
	case DialogueAbsentNoReason:
		kind = EventDialogueAbsent
	case DialogueAbsentWithReason:
		kind = EventDialogueExcused
	}
	d.event(kind, false, ref+" — "+result)
	return nil
}
