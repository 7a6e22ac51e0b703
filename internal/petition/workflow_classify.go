package petition

import (
	"slices"
	"strings"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// ClassifyInput is the office's classification (phân loại).
type ClassifyInput struct {
	// Kind, when set and different, reclassifies the case: its first clock
	// is replaced by the new kind's, from the same receipt.
	Kind    Kind
	TopicID int64 // 0 keeps the topic
	// Eligible with, when false, a reason from IneligibleReasons ("other"
	// needs IneligibleNote).
	Eligible         bool
	IneligibleReason string
	IneligibleNote   string
	WithinCompetence bool
	ManySenders      bool
	Round            int // complaints: 1 or 2
	// Subtype (complaints): SubtypeAdministrative ("" too) or
	// SubtypeDisciplinary, a complaint against a disciplinary decision on
	// an official, timed by Luật Khiếu nại Art. 50: its acceptance clock
	// replaces the general one, from the same receipt, and its acceptance
	// starts Art. 50's resolution clock.
	Subtype string
	// ElectedBody: forwarded by an elected body, owed the result within 7
	// working days of the resolution (Luật Tiếp công dân Art. 27(2)).
	ElectedBody bool
	// Complexity none, complex or especially (denunciations), with the
	// criteria of ComplexityCriteria that apply and the reference of the
	// written classification.
	Complexity    string
	Criteria      []string
	ComplexityRef string
	Remote        bool
	Note          string
	// DecisionKnownOn (complaints) is the day the complainant received or
	// learned of the contested decision (a second complaint: of the
	// first-round decision, or the day the first round ran out). With it
	// the filing window (complaint.filing: Luật Khiếu nại Art. 9, 33) is
	// checked against the receipt: a complaint out of time is not
	// eligible, reason out_of_time, with the computation as the note. A
	// complaint against a disciplinary decision has Art. 48's window
	// instead (15 days; 10 for the second, 30 when the decision is a
	// dismissal: Dismissal).
	DecisionKnownOn calendar.Date
	// Dismissal (disciplinary complaints): the decision complained of is
	// a dismissal (buộc thôi việc), whose second complaint may be filed
	// within 30 days (Luật Khiếu nại Art. 48).
	Dismissal bool
}

// FilingRule is the filing window (thời hiệu) of a complaint of sub-type
// subtype: Art. 48's for a disciplinary decision (its dismissal variant
// for a dismissal), else Art. 9 and 33's.
func FilingRule(subtype string, dismissal bool) string {
	switch {
	case subtype == SubtypeDisciplinary && dismissal:
		return deadline.DismissalFiling
	case subtype == SubtypeDisciplinary:
		return deadline.DisciplineFiling
	}
	return deadline.ComplaintFiling
}

// Action implements Input.
func (ClassifyInput) Action() Action { return ActClassify }

// checkComplexity validates a complexity with its criteria and reference.
func checkComplexity(kind Kind, cx string, criteria []string, ref string, field string) (deadline.Complexity, []string, string, error) {
	var e errs
	c := deadline.Complexity(strings.TrimSpace(cx))
	if c == "" {
		c = deadline.ComplexityNone
	}
	var crit []string
	for _, x := range criteria {
		x = strings.TrimSpace(strings.ToLower(x))
		if x == "đ" {
			x = "dd"
		}
		if x == "" {
			continue
		}
		if !slices.Contains(ComplexityCriteria, x) {
			e.add(fault.FieldError("criteria", "workflow.criterion_invalid", map[string]any{"Value": x}))
			continue
		}
		if !slices.Contains(crit, x) {
			crit = append(crit, x)
		}
	}
	slices.SortFunc(crit, func(a, b string) int {
		return slices.Index(ComplexityCriteria, a) - slices.Index(ComplexityCriteria, b)
	})
	ref, fe := checkText("complexity_ref", ref, 0, MaxDocRef)
	e.add(fe)
	switch c {
	case deadline.ComplexityNone:
		crit, ref = nil, ""
	case deadline.Complex:
		if len(crit) < 1 {
			e.add(fault.FieldError("criteria", "workflow.complex_needs_criteria", nil))
		}
	case deadline.EspeciallyComplex:
		if kind != KindDenunciation {
			e.add(fault.FieldError(field, "workflow.especially_denunciation_only", nil))
		}
		if len(crit) < 2 {
			e.add(fault.FieldError("criteria", "workflow.especially_needs_two", nil))
		}
	default:
		e.add(fault.FieldError(field, "workflow.complexity_invalid", nil))
	}
	if c != deadline.ComplexityNone && ref == "" {
		e.add(fault.FieldError("complexity_ref", "workflow.complexity_needs_ref", nil))
	}
	return c, crit, ref, e.err()
}

func (in ClassifyInput) decide(d *decision) error {
	st := d.st
	var e errs
	kind := in.Kind
	if kind == "" {
		kind = st.Kind
	}
	if !kind.Valid() {
		e.add(fault.FieldError(FieldKind, "petition.kind_invalid", nil))
	}
	reason, note := "", ""
	if !in.Eligible {
		reason = strings.TrimSpace(in.IneligibleReason)
		if !slices.Contains(IneligibleReasons, reason) {
			e.add(fault.FieldError("ineligible_reason", "workflow.reason_invalid", nil))
		}
		var fe *fault.Error
		min := 0
		if reason == "other" {
			min = 3
		}
		note, fe = checkText("ineligible_note", in.IneligibleNote, min, MaxNote)
		e.add(fe)
	}
	round := in.Round
	if round == 0 {
		round = 1
	}
	if kind != KindComplaint {
		round = 1
	} else if round != 1 && round != 2 {
		e.add(fault.FieldError("round", "workflow.round_invalid", nil))
	}
	subtype := strings.TrimSpace(in.Subtype)
	if subtype == SubtypeAdministrative {
		subtype = ""
	}
	if subtype != "" && (kind != KindComplaint || !slices.Contains(ComplaintSubtypes, subtype)) {
		e.add(fault.FieldError("complaint_subtype", "workflow.subtype_invalid", nil))
	}
	if in.Dismissal && subtype != SubtypeDisciplinary {
		e.add(fault.FieldError("dismissal", "workflow.dismissal_disciplinary_only", nil))
	}
	cx, crit, ref, err := checkComplexity(kind, in.Complexity, in.Criteria, in.ComplexityRef, "complexity")
	if err != nil {
		e = append(e, err.(fault.List)...)
	}
	noteText, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	received := calendar.DateOf(st.ReceivedAt, d.loc())
	if !in.DecisionKnownOn.IsZero() {
		switch {
		case kind != KindComplaint:
			e.add(fault.FieldError("decision_known_on", "workflow.decision_known_complaint_only", nil))
		case !in.DecisionKnownOn.Valid() || in.DecisionKnownOn.After(received):
			e.add(fault.FieldError("decision_known_on", "workflow.decision_known_after_receipt", nil))
		}
	}
	topicID, planTaskID := st.TopicID, st.PlanTaskID
	if in.TopicID != 0 && in.TopicID != st.TopicID {
		i := slices.IndexFunc(d.topics, func(t Topic) bool { return t.ID == in.TopicID })
		if i < 0 {
			e.add(fault.FieldError(FieldTopic, "petition.topic_invalid", nil))
		} else {
			topicID, planTaskID = d.topics[i].ID, d.topics[i].PlanTaskID
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	eligible := in.Eligible
	if !in.DecisionKnownOn.IsZero() {
		res, err := d.eng.Compute(deadline.Request{RuleID: FilingRule(subtype, in.Dismissal), StartDate: in.DecisionKnownOn, Round: round, Remote: in.Remote})
		if err != nil {
			return err
		}
		// Filed on time when received before the window's end (24:00 of
		// its last day): the one definition, caseclock.OnTimeAt.
		if !caseclock.OnTimeAt(res.DueAt, st.ReceivedAt) && eligible {
			// Out of time (Luật Khiếu nại Art. 11(3)): not eligible, and the
			// reason the complainant will read is the computation itself.
			eligible, reason = false, "out_of_time"
			note = d.text("workflow.out_of_time_note", map[string]any{"Received": received, "Explanation": d.eng.Explain(res, d.lang())})
		} else {
			noteText = strings.TrimSpace(noteText + " " + d.text("workflow.filing_window_note", map[string]any{"Explanation": d.eng.Explain(res, d.lang())}))
		}
	}
	if kind != st.Kind {
		// A reclassified letter runs on its true kind's clock, still counted
		// from the day it was received.
		d.closeMain(false, d.now)
		if err := d.openFirst(kind.FirstRule(subtype), topicID); err != nil {
			return err
		}
		d.ch.Case.Kind = &kind
		d.ch.Audit["kind"] = string(kind)
	} else if mc := st.MainClock(); mc != nil && mc.Kind == caseclock.Accept && mc.RuleID != kind.FirstRule(subtype) {
		// A change of complaint sub-type changes the acceptance period (Art.
		// 50 for a disciplinary decision): the new one counts from the same
		// receipt.
		d.closeMain(false, d.now)
		if err := d.openFirst(kind.FirstRule(subtype), topicID); err != nil {
			return err
		}
	}
	d.ch.Case.Class = &ClassUpdate{TopicID: topicID, PlanTaskID: planTaskID, Eligible: eligible, IneligibleReason: reason,
		IneligibleNote: note, WithinCompetence: in.WithinCompetence, ManySenders: in.ManySenders, Round: round,
		Subtype: subtype, ElectedBody: in.ElectedBody, Remote: in.Remote, ClassifiedAt: d.now}
	d.ch.Case.Complexity = &ComplexityUpdate{Level: cx, Criteria: crit, Ref: ref}
	a := d.ch.Audit
	a["topic_id"], a["plan_task_id"] = nullable(topicID), nullable(planTaskID)
	a["eligible"], a["ineligible_reason"], a["ineligible_note"] = eligible, reason, note
	a["within_competence"], a["many_senders"], a["complaint_round"] = in.WithinCompetence, in.ManySenders, round
	a["complexity"], a["complexity_criteria"], a["complexity_ref"] = string(cx), strings.Join(crit, ","), ref
	a["remote_area"], a["complaint_subtype"], a["elected_body"] = in.Remote, subtype, in.ElectedBody
	if in.Dismissal {
		a["dismissal"] = true
	}
	d.ch.Audit["classified_at"] = d.now
	d.event(EventClassified, false, classifyNote(kind, subtype, eligible, reason, in.WithinCompetence, cx, crit, noteText))
	return nil
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
