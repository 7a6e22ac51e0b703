package petition

import (
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// AcceptInput is the acceptance decision (quyết định thụ lý).
type AcceptInput struct {
	DecisionNo string
	DecidedOn  calendar.Date
	Note       string
}

// Action implements Input.
func (AcceptInput) Action() Action { return ActAccept }

func (in AcceptInput) decide(d *decision) error {
	st := d.st
	var e errs
	min := 0
	if ResolveRuleOf(st.Kind, st.Class.Subtype) != "" {
		// Complaints and denunciations are accepted by a written decision
		// (Luật Khiếu nại Art. 27; Luật Tố cáo Art. 29).
		min = 1
	}
	no, fe := checkText("decision_no", in.DecisionNo, min, MaxDocRef)
	e.add(fe)
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	at, err := d.decisionAt(in.DecidedOn, "decided_on")
	if err != nil {
		e.add(err.(*fault.Error))
	}
	if err := e.err(); err != nil {
		return err
	}
	if rule := ResolveRuleOf(st.Kind, st.Class.Subtype); rule != "" {
		// The accept (or initial processing) step is done: freeze whether
		// it was on time, then start the resolution clock at the decision.
		d.closeMain(true, at)
		spec := deadline.Clock{RuleID: rule, Start: at, Complexity: st.Class.Complexity, Remote: st.Class.Remote,
			Round: max(st.Class.Round, 1), Scope: d.scope()}
		res, err := d.evaluate(spec)
		if err != nil {
			return err
		}
		oc := OpenClock{New: caseclock.New{CaseID: st.ID, Kind: caseclock.Answer, RuleID: rule, UnitID: st.LeadUnitID, Started: at,
			DueAt: res.DueAt.UTC(), ExplanationVI: d.eng.Explain(res, "vi"), ExplanationEN: d.eng.Explain(res, "en")}, Spec: spec}
		d.ch.OpenClocks = append(d.ch.OpenClocks, oc)
		d.setDue(rule, res)
		if st.Kind == KindDenunciation {
			if err := d.openDuty(DutyNotifyParties, at); err != nil {
				return err
			}
		}
	}
	d.ch.Case.Accepted = &AcceptUpdate{At: at, DecisionNo: no}
	d.ch.Audit["accepted_at"], d.ch.Audit["accept_decision_no"] = at, no
	d.record("accept", no, at, note, nil)
	d.event(EventAccepted, true, "")
	return nil
}

// ForwardInput forwards the case to the competent body (chuyển đơn).
type ForwardInput struct {
	// To names the competent body; the citizen is told.
	To   string
	Note string
}

// Action implements Input.
func (ForwardInput) Action() Action { return ActForward }

func (in ForwardInput) decide(d *decision) error {
	st := d.st
	var e errs
	to, fe := checkText("to", in.To, 3, MaxBodyName)
	e.add(fe)
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	if err := e.err(); err != nil {
		return err
	}
	rule := st.Kind.ForwardRule()
	spec := deadline.Clock{RuleID: rule, Start: st.ReceivedAt, Scope: d.scope()}
	res, err := d.evaluate(spec)
	if err != nil {
		return err
	}
	d.closeMain(false, d.now)
	// Forwarding is recorded as it is sent: the forward clock, counted from
	// receipt, is met at once and its on-time fact frozen.
	at := d.now
	d.ch.OpenClocks = append(d.ch.OpenClocks, OpenClock{New: caseclock.New{CaseID: st.ID, Kind: caseclock.Forward, RuleID: rule,
		Started: st.ReceivedAt, DueAt: res.DueAt.UTC(), ExplanationVI: d.eng.Explain(res, "vi"), ExplanationEN: d.eng.Explain(res, "en")}, Spec: spec, MetAt: &at})
	public := to
	if note != "" {
		public += ". " + note
	}
	d.ch.Case.OutcomeNote = &public
	d.ch.Audit["forwarded_to"], d.ch.Audit["on_time"] = to, caseclock.OnTimeAt(res.DueAt, at)
	d.record("forward", "", at, note, map[string]any{"to": to, "due_at": res.DueAt.UTC()})
	d.event(EventForwarded, true, public)
	return nil
}

// GuideInput guides the citizen to the right body (hướng dẫn).
type GuideInput struct{ Note string }

// Action implements Input.
func (GuideInput) Action() Action { return ActGuide }

func (in GuideInput) decide(d *decision) error {
	note, fe := checkText("note", in.Note, 5, MaxNote)
	if fe != nil {
		return fault.List{fe}
	}
	// The guidance is the reply the processing step owed.
	d.closeMain(true, d.now)
	d.ch.Case.OutcomeNote = &note
	d.record("guide", "", d.now, note, nil)
	d.event(EventGuided, true, note)
	return nil
}

// RejectInput answers that the case is not eligible, with the reason the
// citizen reads.
type RejectInput struct{ Note string }

// Action implements Input.
func (RejectInput) Action() Action { return ActReject }

func (in RejectInput) decide(d *decision) error {
	note, fe := checkText("note", in.Note, 5, MaxNote)
	if fe != nil {
		return fault.List{fe}
	}
	// Cancelled, not met: a case found not eligible leaves the on-time
	// denominator; its status reports it.
	d.closeMain(false, d.now)
	d.ch.Case.OutcomeNote = &note
	d.ch.Audit["reason"] = d.st.Class.IneligibleReason
	d.record("reject", "", d.now, note, map[string]any{"reason": d.st.Class.IneligibleReason})
	d.event(EventNotEligible, true, note)
	return nil
}

// FileInput files the case for monitoring (lưu đơn, theo dõi).
type FileInput struct{ Note string }

// Action implements Input.
func (FileInput) Action() Action { return ActFile }

func (in FileInput) decide(d *decision) error {
	note, fe := checkText("note", in.Note, 0, MaxNote)
	if fe != nil {
		return fault.List{fe}
	}
	d.closeMain(false, d.now)
	d.record("file", "", d.now, note, nil)
	d.event(EventFiled, false, note)
	return nil
}
