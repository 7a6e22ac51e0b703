package petition

import (
	"slices"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// ExtendInput asks for or decides an extension (gia hạn).
//
// Who decides (see MayDecideExtension): the head of the unit that runs the
// clock decides its first extension; anything beyond (a second extension,
// or a clock the office still runs) is leadership's. Someone who may only
// ask (a unit officer, or a unit head beyond their power) records a
// request, which the right person approves with RequestID, or refuses.
type ExtendInput struct {
	// Days in the rule's unit; 0 is the rule's full extension.
	Days       int
	Reason     string
	DecisionNo string
	DecidedOn  calendar.Date
	// Complexity raises the case's complexity with the decision (criteria
	// and document reference required), which is what extends a
	// complaint's resolution period (30 → 45 days, Luật Khiếu nại Art. 28)
	// and what allows a denunciation's extensions (Luật Tố cáo Art. 30).
	Complexity  string
	Criteria    []string
	DocumentRef string
	// RequestID decides a pending request; Refuse refuses it.
	RequestID int64
	Refuse    bool
}

// Action implements Input.
func (ExtendInput) Action() Action { return ActExtend }

// MayDecideExtension says whether the actor may decide an extension of the
// case's running clock now: leadership always; the head of the unit that
// runs the clock for its first extension.
func MayDecideExtension(by access.Actor, st *CaseState) bool {
	scope := st.Scope()
	if access.Can(by, access.ActExtensionApproveBeyond, scope) {
		return true
	}
	mc := st.MainClock()
	return mc != nil && access.Can(by, access.ActExtensionApprove, scope) && mc.UnitID != 0 && mc.UnitID == by.UnitID && mc.Extensions == 0
}

var complexityRank = map[deadline.Complexity]int{"": 0, deadline.ComplexityNone: 0, deadline.Complex: 1, deadline.EspeciallyComplex: 2}

func (in ExtendInput) decide(d *decision) error {
	st := d.st
	mc := st.MainClock()
	if mc == nil || mc.State != caseclock.Open {
		return fault.New(fault.Conflict, "workflow.no_running_clock")
	}
	pending := st.PendingExtension()
	req := in
	if in.RequestID != 0 {
		if pending == nil || pending.ID != in.RequestID {
			return fault.New(fault.Conflict, "workflow.no_such_request")
		}
		if !MayDecideExtension(d.by, st) {
			return ErrForbidden
		}
		if in.Refuse {
			reason, fe := checkText("reason", in.Reason, 5, MaxNote)
			if fe != nil {
				return fault.List{fe}
			}
			d.ch.Extension = &ExtensionWrite{ID: pending.ID, State: "refused", Reason: reason}
			d.ch.Audit["request_id"], d.ch.Audit["refused"] = pending.ID, reason
			d.event(EventExtensionRefused, false, reason)
			return nil
		}
		// The decision is on what was asked.
		req = ExtendInput{Days: pending.Days, Reason: pending.Reason, DecisionNo: in.DecisionNo, DecidedOn: in.DecidedOn,
			Complexity: pending.Complexity, Criteria: pending.Criteria, DocumentRef: pending.DocumentRef}
		if req.DecisionNo == "" {
			req.DecisionNo = pending.DecisionNo
		}
	} else if pending != nil {
		return fault.New(fault.Conflict, "workflow.extension_pending")
	}
	var e errs
	reason, fe := checkText("reason", req.Reason, 5, MaxNote)
	e.add(fe)
	no, fe := checkText("decision_no", req.DecisionNo, 0, MaxDocRef)
	e.add(fe)
	if req.Days < 0 || req.Days > deadline.MaxLimit {
		e.add(fault.FieldError("days", "workflow.days_invalid", map[string]any{"Max": deadline.MaxLimit}))
	}
	at, err := d.decisionAt(req.DecidedOn, "decided_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	spec := mc.Spec
	raise := false
	var crit []string
	var ref string
	if strings.TrimSpace(req.Complexity) != "" {
		cx, c, r, err := checkComplexity(st.Kind, req.Complexity, req.Criteria, req.DocumentRef, "complexity")
		if err != nil {
			e = append(e, err.(fault.List)...)
		} else if complexityRank[cx] < complexityRank[spec.Complexity] {
			e.add(fault.FieldError("complexity", "workflow.complexity_lower", nil))
		} else if complexityRank[cx] > complexityRank[spec.Complexity] {
			raise, spec.Complexity, crit, ref = true, cx, c, r
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	before, err := d.evaluate(mc.Spec)
	if err != nil {
		return err
	}
	var res deadline.Result
	rule := before.Rule
	if raise && rule.ExtensionLimit == 0 {
		// A rule with no extensions (complaint.resolve) is extended by
		// counting the case as complex: the longer period of the law.
		if !caseclock.OnTimeAt(before.DueAt, at) {
			// As for the engine's own extensions: a decision after the
			// period ended cannot cure a missed deadline.
			return fault.New(fault.Conflict, "workflow.clock_state")
		}
		if res, err = d.evaluate(spec); err != nil {
			return err
		}
		if !res.DueAt.After(before.DueAt) {
			return fault.New(fault.Conflict, "workflow.extension_no_effect")
		}
	} else {
		// The engine applies the caps: ExtensionCapError beyond them, and
		// ErrClockState for a decision after the period ended.
		spec, res, err = d.eng.Extend(spec, at, req.Days, no)
		if err != nil {
			return err
		}
	}
	if !MayDecideExtension(d.by, st) {
		if !access.Can(d.by, access.ActExtensionRequest, st.Scope()) && !access.Can(d.by, access.ActExtensionApprove, st.Scope()) {
			return ErrForbidden
		}
		// Checked against the caps already; the request waits for the
		// person who may decide it.
		d.ch.Extension = &ExtensionWrite{ClockID: mc.ID, State: "pending", Days: req.Days, Complexity: string(spec.Complexity),
			Criteria: crit, DocumentRef: ref, Reason: reason, DecisionNo: no}
		if !raise {
			d.ch.Extension.Complexity = ""
		}
		d.ch.Status, d.ch.Pending = "", true
		d.ch.Audit["requested"], d.ch.Audit["days"], d.ch.Audit["reason"] = true, req.Days, reason
		d.event(EventExtensionRequested, false, reason)
		return nil
	}
	newDue := res.DueAt.UTC()
	d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, Set: true, State: caseclock.Open, DueAt: &newDue, Spec: &spec,
		ExplanationVI: d.eng.Explain(res, "vi"), ExplanationEN: d.eng.Explain(res, "en"), Extensions: mc.Extensions + 1})
	d.setDue(mc.RuleID, res)
	if raise {
		d.ch.Case.Complexity = &ComplexityUpdate{Level: spec.Complexity, Criteria: crit, Ref: ref}
	}
	d.followLead(res)
	ew := &ExtensionWrite{ID: in.RequestID, ClockID: mc.ID, State: "approved", Days: req.Days, Reason: reason, DecisionNo: no,
		DueBefore: mc.DueAt, DueAfter: &newDue}
	if raise {
		ew.Complexity, ew.Criteria, ew.DocumentRef = string(spec.Complexity), crit, ref
	}
	d.ch.Extension = ew
	d.ch.Audit["due_before"], d.ch.Audit["due_after"], d.ch.Audit["reason"], d.ch.Audit["extensions"] = mc.DueAt, newDue, reason, mc.Extensions+1
	d.ch.Audit["complexity"] = string(spec.Complexity)
	d.record("extend", no, at, reason, map[string]any{"days": req.Days, "complexity": string(spec.Complexity), "due_after": newDue})
	ev := d.event(EventExtended, true, reason)
	ev.DueAt = &newDue
	return nil
}

// DecisionInput is a decision with a number, a date and a reason:
// suspension, resumption, termination.
type DecisionInput struct {
	Reason     string
	DecisionNo string
	DecidedOn  calendar.Date
}

func (in DecisionInput) check(d *decision, minNo int) (string, string, time.Time, error) {
	var e errs
	reason, fe := checkText("reason", in.Reason, 5, MaxNote)
	e.add(fe)
	no, fe := checkText("decision_no", in.DecisionNo, minNo, MaxDocRef)
	e.add(fe)
	at, err := d.decisionAt(in.DecidedOn, "decided_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	return reason, no, at, e.err()
}

// SuspendInput suspends the resolution (tạm đình chỉ).
type SuspendInput DecisionInput

// Action implements Input.
func (SuspendInput) Action() Action { return ActSuspend }

func (in SuspendInput) decide(d *decision) error {
	reason, no, at, err := DecisionInput(in).check(d, 1)
	if err != nil {
		return err
	}
	if _, err := d.turnMainClock(caseclock.Open, caseclock.Suspended, "workflow.no_running_clock", d.eng.Suspend, at, no); err != nil {
		return err
	}
	if d.st.Kind == KindComplaint {
		if err := d.openDuty(DutySendSuspension, at); err != nil {
			return err
		}
	}
	d.ch.Audit["reason"], d.ch.Audit["decided_at"] = reason, at
	d.record("suspend", no, at, reason, nil)
	d.event(EventSuspended, false, reason)
	return nil
}

// ResumeInput resumes a suspended resolution (quyết định tiếp tục giải
// quyết).
type ResumeInput DecisionInput

// Action implements Input.
func (ResumeInput) Action() Action { return ActResume }

func (in ResumeInput) decide(d *decision) error {
	reason, no, at, err := DecisionInput(in).check(d, 1)
	if err != nil {
		return err
	}
	res, err := d.turnMainClock(caseclock.Suspended, caseclock.Open, "workflow.clock_state", d.eng.Resume, at, no)
	if err != nil {
		return err
	}
	due := res.DueAt.UTC()
	d.ch.Status = StatusAccepted
	if d.st.LeadUnitID != 0 {
		d.ch.Status = StatusAssigned
	}
	d.ch.Audit["reason"], d.ch.Audit["due_at"] = reason, due
	d.record("resume", no, at, reason, map[string]any{"due_at": due})
	d.event(EventResumed, false, reason)
	return nil
}

// turnMainClock moves the case's main clock, which must be in state from
// (else the conflict msgID), to state to by the engine's step (Suspend or
// Resume) at the decision at, numbered no, and lets the contribution clocks
// and the case's due time follow it. A suspended clock keeps its due time
// and explanation; an open one gets the step's.
func (d *decision) turnMainClock(from, to caseclock.State, msgID string,
	step func(deadline.Clock, time.Time, string) (deadline.Clock, deadline.Result, error), at time.Time, no string) (deadline.Result, error) {
	mc := d.st.MainClock()
	if mc == nil || mc.State != from {
		return deadline.Result{}, fault.New(fault.Conflict, msgID)
	}
	spec, res, err := step(mc.Spec, at, no)
	if err != nil {
		return deadline.Result{}, err
	}
	u := ClockUpdate{ID: mc.ID, Set: true, State: to, Spec: &spec,
		ExplanationVI: mc.ExplanationVI, ExplanationEN: mc.ExplanationEN, Extensions: mc.Extensions}
	if to == caseclock.Open {
		due := res.DueAt.UTC()
		u.DueAt, u.ExplanationVI, u.ExplanationEN = &due, d.eng.Explain(res, "vi"), d.eng.Explain(res, "en")
	}
	d.ch.ClockUpdates = append(d.ch.ClockUpdates, u)
	d.followLead(res)
	d.setDue(mc.RuleID, res)
	return res, nil
}

// WithdrawInput records a withdrawal (rút đơn) and the grounds, if any, on
// which resolution must continue (WithdrawalGrounds).
type WithdrawInput struct {
	Reason   string
	Continue []string
}

// Action implements Input.
func (WithdrawInput) Action() Action { return ActWithdraw }

func (in WithdrawInput) decide(d *decision) error {
	var e errs
	reason, fe := checkText("reason", in.Reason, 5, MaxNote)
	e.add(fe)
	var grounds []string
	for _, g := range in.Continue {
		g = strings.TrimSpace(g)
		if g == "" || slices.Contains(grounds, g) {
			continue
		}
		ok := false
		switch d.st.Kind {
		case KindDenunciation:
			ok = g == "signs_of_violation" || g == "coerced" || g == "slander"
		case KindComplaint:
			ok = g == "others_remain" && d.st.Class.ManySenders
		}
		if !ok {
			e.add(fault.FieldError("continue", "workflow.withdraw_ground_invalid", map[string]any{"Value": g}))
			continue
		}
		grounds = append(grounds, g)
	}
	if err := e.err(); err != nil {
		return err
	}
	detail := map[string]any{"continue": grounds}
	d.ch.Audit["reason"], d.ch.Audit["continue"] = reason, grounds
	if len(grounds) > 0 {
		// Resolution goes on: the withdrawal is on the record, the clocks
		// and the state are not touched.
		d.ch.Status = ""
		continues := true
		d.ch.Case.WithdrawalContinues = &continues
		d.record("withdraw", "", d.now, reason, detail)
		d.event(EventWithdrawalContinues, false, continuesNote(grounds, reason))
		return nil
	}
	d.ch.Status = StatusWithdrawn
	d.cancelRunning(d.now)
	d.dropPending()
	d.record("withdraw", "", d.now, reason, detail)
	d.event(EventWithdrawn, false, reason)
	return nil
}

// TerminateInput terminates the resolution (đình chỉ).
type TerminateInput DecisionInput

// Action implements Input.
func (TerminateInput) Action() Action { return ActTerminate }

func (in TerminateInput) decide(d *decision) error {
	reason, no, at, err := DecisionInput(in).check(d, 1)
	if err != nil {
		return err
	}
	d.cancelRunning(d.now)
	d.dropPending()
	d.ch.Audit["reason"] = reason
	d.record("terminate", no, at, reason, nil)
	d.event(EventTerminated, false, reason)
	return nil
}

// CloseInput closes an answered case.
type CloseInput struct{ Note string }

// Action implements Input.
func (CloseInput) Action() Action { return ActClose }

func (in CloseInput) decide(d *decision) error {
	note, fe := checkText("note", in.Note, 0, MaxNote)
	if fe != nil {
		return fault.List{fe}
	}
	d.ch.Audit["rated"] = d.st.Rated
	d.record("close", "", d.now, note, map[string]any{"rated": d.st.Rated})
	d.event(EventClosed, true, "")
	return nil
}
