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
	"github.com/phucdap/phucdap/internal/org"
)

// --- classify ---------------------------------------------------------------

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
	// eligible, reason out_of_time, with the computation as the note.
	DecisionKnownOn calendar.Date
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
		res, err := d.eng.Compute(deadline.Request{RuleID: deadline.ComplaintFiling, StartDate: in.DecisionKnownOn, Round: round, Remote: in.Remote})
		if err != nil {
			return err
		}
		if received.After(res.DueDate) && eligible {
			// Out of time (Luật Khiếu nại Art. 11(3)): not eligible, and the
			// reason the complainant will read is the computation itself.
			eligible, reason = false, "out_of_time"
			note = "Hết thời hiệu khiếu nại: đơn nhận ngày " + received.VN() + ", sau thời hạn. " + res.TextVI()
		} else {
			noteText = strings.TrimSpace(noteText + " Thời hiệu: " + res.TextVI())
		}
	}
	if kind != st.Kind {
		// A reclassified letter runs on its true kind's clock, still counted
		// from the day it was received.
		d.closeMain(false, d.now)
		if err := d.openFirst(kind, topicID, planTaskID); err != nil {
			return err
		}
		d.ch.Case["kind"] = string(kind)
	}
	c := d.ch.Case
	c["topic_id"], c["plan_task_id"] = nullable(topicID), nullable(planTaskID)
	c["eligible"], c["ineligible_reason"], c["ineligible_note"] = eligible, reason, note
	c["within_competence"], c["many_senders"], c["complaint_round"] = in.WithinCompetence, in.ManySenders, round
	c["complexity"], c["complexity_criteria"], c["complexity_ref"] = string(cx), strings.Join(crit, ","), ref
	c["remote_area"], c["classified_at"] = in.Remote, d.now
	for k, v := range c {
		d.ch.Audit[k] = v
	}
	d.ch.Audit["classified_at"] = d.now
	d.event(EventClassified, false, classifySummary(kind, eligible, reason, in.WithinCompetence, cx, crit, noteText))
	return nil
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// classifySummary is the internal trail's line for a classification.
func classifySummary(k Kind, eligible bool, reason string, competent bool, cx deadline.Complexity, crit []string, note string) string {
	parts := []string{"kind=" + string(k)}
	if eligible {
		parts = append(parts, "eligible")
	} else {
		parts = append(parts, "not_eligible:"+reason)
	}
	if competent {
		parts = append(parts, "within_competence")
	} else {
		parts = append(parts, "not_within_competence")
	}
	parts = append(parts, "complexity="+string(cx))
	if len(crit) > 0 {
		parts = append(parts, "criteria="+strings.Join(crit, ","))
	}
	s := strings.Join(parts, " ")
	if note != "" {
		s += " — " + note
	}
	return s
}

// --- outcomes of processing -----------------------------------------------

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
	if st.Kind.ResolveRule() != "" {
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
	if rule := st.Kind.ResolveRule(); rule != "" {
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
			DueAt: res.DueAt.UTC(), ExplanationVI: res.TextVI(), ExplanationEN: res.TextEN()}, Spec: spec}
		d.ch.OpenClocks = append(d.ch.OpenClocks, oc)
		d.setDue(rule, res)
	}
	d.ch.Case["accepted_at"], d.ch.Case["accept_decision_no"] = at, no
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
		Started: st.ReceivedAt, DueAt: res.DueAt.UTC(), ExplanationVI: res.TextVI(), ExplanationEN: res.TextEN()}, Spec: spec, MetAt: &at})
	public := to
	if note != "" {
		public += ". " + note
	}
	d.ch.Case["outcome_note"] = public
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
	d.ch.Case["outcome_note"] = note
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
	d.ch.Case["outcome_note"] = note
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

// --- assignment -------------------------------------------------------------

// AssignInput sets the lead unit and the coordinating units.
type AssignInput struct {
	Lead         string   // unit code
	Coordinating []string // unit codes; a group expands to its members
	// Reason is required when the case changes hands.
	Reason string
	// ContributionDaysBefore overrides the configured number of working
	// days before the lead's due date the coordinating units' parts are
	// due; nil keeps the setting.
	ContributionDaysBefore *int
}

// Action implements Input.
func (AssignInput) Action() Action { return ActAssign }

// expand resolves codes to unit ids, groups to their members.
func (d *decision) expand(codes []string, field string) ([]int64, *fault.Error) {
	var out []int64
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		u, ok := d.units.byCode[c]
		if !ok || !u.Active {
			return nil, fault.FieldError(field, "workflow.unit_unknown", map[string]any{"Unit": c})
		}
		members := []org.Unit{u}
		if u.IsGroup() {
			members = nil
			for _, m := range u.Members {
				if mu, ok := d.units.byCode[m]; ok && mu.Active {
					members = append(members, mu)
				}
			}
		}
		for _, m := range members {
			if !slices.Contains(out, m.ID) {
				out = append(out, m.ID)
			}
		}
	}
	return out, nil
}

func (in AssignInput) decide(d *decision) error {
	st := d.st
	var e errs
	lead, ok := d.units.byCode[strings.TrimSpace(in.Lead)]
	switch {
	case strings.TrimSpace(in.Lead) == "":
		e.add(fault.FieldError("lead", "workflow.lead_required", nil))
	case !ok || !lead.Active:
		e.add(fault.FieldError("lead", "workflow.unit_unknown", map[string]any{"Unit": in.Lead}))
	case lead.IsGroup():
		e.add(fault.FieldError("lead", "workflow.lead_group", nil))
	}
	coord, fe := d.expand(in.Coordinating, "coordinating")
	e.add(fe)
	coord = slices.DeleteFunc(coord, func(id int64) bool { return id == lead.ID })
	reassign := st.LeadUnitID != 0
	minReason := 0
	if reassign {
		minReason = 5
	}
	reason, fe := checkText("reason", in.Reason, minReason, MaxNote)
	e.add(fe)
	before := d.w.cfg.ContributionLeadDays
	if in.ContributionDaysBefore != nil {
		before = *in.ContributionDaysBefore
		if before < 0 || before > 30 {
			e.add(fault.FieldError("contribution_days_before", "workflow.days_invalid", map[string]any{"Max": 30}))
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	mc := d.st.MainClock()
	var lres deadline.Result
	if mc != nil {
		if mc.UnitID != lead.ID {
			// The clock passes to the new lead unchanged: reassigning does
			// not restart a statutory period.
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, UnitID: lead.ID})
		}
		if mc.State == caseclock.Open {
			res, err := d.evaluate(mc.Spec)
			if err != nil {
				return err
			}
			lres = res
		}
	}
	for _, c := range st.Clocks {
		if c.Kind == caseclock.Contribution && c.Running() && !slices.Contains(coord, c.UnitID) {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: d.now})
		}
	}
	for _, u := range coord {
		if st.ContributionClock(u) != nil {
			continue
		}
		oc := OpenClock{New: caseclock.New{CaseID: st.ID, Kind: caseclock.Contribution, RuleID: "contribution", UnitID: u, Started: d.now},
			Spec: contributionSpec(before)}
		oc.DueAt, oc.ExplanationVI, oc.ExplanationEN = d.contributionDue(lres, before, d.now)
		d.ch.OpenClocks = append(d.ch.OpenClocks, oc)
	}
	d.ch.Case["lead_unit_id"] = lead.ID
	d.ch.Coordinating = &coord
	var names []string
	for _, u := range coord {
		names = append(names, d.units.byID[u].Name)
	}
	detail := map[string]any{"lead": lead.Code, "coordinating": unitCodes(d.units, coord), "contribution_days_before": before}
	if reassign {
		detail["from"] = d.units.byID[st.LeadUnitID].Code
	}
	d.ch.Audit["lead_unit"], d.ch.Audit["coordinating"], d.ch.Audit["reason"] = lead.Code, unitCodes(d.units, coord), reason
	d.record("assign", "", d.now, reason, detail)
	if lead.ID != st.LeadUnitID || !sameUnits(coord, st.Coordinating) {
		ev := d.event(EventAssigned, true, strings.Join(names, ", "))
		ev.UnitID = lead.ID
	}
	if reassign || reason != "" || len(coord) > 0 {
		note := "lead=" + lead.Code + " coordinating=" + strings.Join(unitCodes(d.units, coord), ",")
		if reason != "" {
			note += " — " + reason
		}
		d.event(EventCoordinating, false, note)
	}
	return nil
}

func sameUnits(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func unitCodes(ix unitIndex, ids []int64) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, ix.byID[id].Code)
	}
	return out
}

// --- answers and contributions -------------------------------------------

// AnswerInput is the lead unit's draft answer.
type AnswerInput struct {
	Body       string
	LetterNo   string
	LetterDate calendar.Date
	Signer     string
	// Files are attachments already in the file store (the staff page's
	// upload); the caller keeps or discards them after the action.
	Files []Upload
}

// Action implements Input.
func (AnswerInput) Action() Action { return ActAnswer }

func (in AnswerInput) decide(d *decision) error {
	var e errs
	body, fe := checkText("body", in.Body, MinAnswer, MaxAnswer)
	e.add(fe)
	no, fe := checkText("letter_no", in.LetterNo, 0, MaxDocRef)
	e.add(fe)
	signer, fe := checkText("signer", in.Signer, 0, MaxBodyName)
	e.add(fe)
	date := ""
	if !in.LetterDate.IsZero() {
		if !in.LetterDate.Valid() {
			e.add(fault.FieldError("letter_date", "workflow.date_invalid", nil))
		} else if in.LetterDate.After(calendar.DateOf(d.now, d.loc()).AddDays(30)) {
			e.add(fault.FieldError("letter_date", "workflow.date_future", nil))
		} else {
			date = in.LetterDate.String()
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	if len(in.Files) > MaxFiles {
		return fault.List{fault.FieldError(FieldFiles, "petition.too_many_files", map[string]any{"Max": MaxFiles})}
	}
	d.ch.Answer = &NewAnswer{UnitID: d.st.LeadUnitID, Body: body, LetterNo: no, LetterDate: date, Signer: signer, Files: in.Files}
	d.ch.Audit["letter_no"], d.ch.Audit["letter_date"], d.ch.Audit["signer"] = no, date, signer
	ev := d.event(EventDrafted, false, no)
	ev.UnitID = d.st.LeadUnitID
	return nil
}

// ApproveInput approves the pending draft, which publishes it.
type ApproveInput struct {
	// AnswerID must be the pending draft when given (a stale page must not
	// approve a text its head did not read).
	AnswerID int64
}

// Action implements Input.
func (ApproveInput) Action() Action { return ActApprove }

func (in ApproveInput) decide(d *decision) error {
	draft := d.st.Draft()
	if in.AnswerID != 0 && in.AnswerID != draft.ID {
		return fault.New(fault.Conflict, "workflow.draft_changed")
	}
	at := d.now
	d.ch.PublishAnswer = &PublishAnswer{ID: draft.ID, At: at}
	// The publish time is the answer time: the answer clock is met now and
	// its on-time fact frozen, once.
	d.closeMain(true, at)
	for _, c := range d.st.Clocks {
		if c.Kind == caseclock.Contribution && c.Running() {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: at})
		}
	}
	if mc := d.st.MainClock(); mc != nil && mc.DueAt != nil {
		d.ch.Audit["on_time"] = caseclock.OnTimeAt(*mc.DueAt, at)
		d.ch.Audit["due_at"] = mc.DueAt
	}
	d.ch.Audit["answer_id"], d.ch.Audit["published_at"] = draft.ID, at
	d.dropPending()
	d.event(EventAnswered, true, "")
	return nil
}

// ContributeInput is a coordinating unit's contribution.
type ContributeInput struct{ Body string }

// Action implements Input.
func (ContributeInput) Action() Action { return ActContribute }

func (in ContributeInput) decide(d *decision) error {
	body, fe := checkText("body", in.Body, 5, MaxAnswer)
	if fe != nil {
		return fault.List{fe}
	}
	unit := d.by.UnitID
	nc := &NewContribution{UnitID: unit, Body: body}
	if c := d.st.ContributionClock(unit); c != nil {
		if c.State != caseclock.Open {
			return fault.New(fault.Conflict, "workflow.clock_state")
		}
		nc.ClockID = c.ID
		d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Meet: true, At: d.now})
		if c.DueAt != nil {
			d.ch.Audit["on_time"] = caseclock.OnTimeAt(*c.DueAt, d.now)
		}
	}
	d.ch.Contribution = nc
	d.ch.Audit["unit"] = d.units.byID[unit].Code
	ev := d.event(EventContributed, false, "")
	ev.UnitID = unit
	return nil
}

// --- clock decisions --------------------------------------------------------

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
			return clockError(err)
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
		ExplanationVI: res.TextVI(), ExplanationEN: res.TextEN(), Extensions: mc.Extensions + 1})
	d.setDue(mc.RuleID, res)
	if raise {
		d.ch.Case["complexity"], d.ch.Case["complexity_criteria"], d.ch.Case["complexity_ref"] = string(spec.Complexity), strings.Join(crit, ","), ref
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
	mc := d.st.MainClock()
	if mc == nil || mc.State != caseclock.Open {
		return fault.New(fault.Conflict, "workflow.no_running_clock")
	}
	spec, res, err := d.eng.Suspend(mc.Spec, at, no)
	if err != nil {
		return clockError(err)
	}
	d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, Set: true, State: caseclock.Suspended, Spec: &spec,
		ExplanationVI: mc.ExplanationVI, ExplanationEN: mc.ExplanationEN, Extensions: mc.Extensions})
	d.followLead(res)
	d.setDue(mc.RuleID, res)
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
	mc := d.st.MainClock()
	if mc == nil || mc.State != caseclock.Suspended {
		return fault.New(fault.Conflict, "workflow.clock_state")
	}
	spec, res, err := d.eng.Resume(mc.Spec, at, no)
	if err != nil {
		return clockError(err)
	}
	due := res.DueAt.UTC()
	d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, Set: true, State: caseclock.Open, DueAt: &due, Spec: &spec,
		ExplanationVI: res.TextVI(), ExplanationEN: res.TextEN(), Extensions: mc.Extensions})
	d.followLead(res)
	d.setDue(mc.RuleID, res)
	d.ch.Status = StatusAccepted
	if d.st.LeadUnitID != 0 {
		d.ch.Status = StatusAssigned
	}
	d.ch.Audit["reason"], d.ch.Audit["due_at"] = reason, due
	d.record("resume", no, at, reason, map[string]any{"due_at": due})
	d.event(EventResumed, false, reason)
	return nil
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
		d.ch.Case["withdrawal_continues"] = true
		d.record("withdraw", "", d.now, reason, detail)
		d.event(EventWithdrawalContinues, false, strings.Join(grounds, ",")+" — "+reason)
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

// --- split ------------------------------------------------------------------

// SplitPart is one part of a mixed letter.
type SplitPart struct {
	Kind    Kind
	Title   string
	Content string
}

// SplitInput splits a letter with mixed content into one case per kind
// (Luật Tiếp công dân Art. 25(3), NĐ 154/2026 Art. 14(4)).
type SplitInput struct{ Parts []SplitPart }

// Action implements Input.
func (SplitInput) Action() Action { return ActSplit }

func (in SplitInput) decide(d *decision) error {
	st := d.st
	var e errs
	if len(in.Parts) < 2 {
		e.add(fault.FieldError("parts", "workflow.split_two_parts", nil))
	}
	var kinds []Kind
	var children []NewChild
	for _, p := range in.Parts {
		if !p.Kind.Valid() {
			e.add(fault.FieldError("parts", "petition.kind_invalid", nil))
			continue
		}
		if slices.Contains(kinds, p.Kind) {
			e.add(fault.FieldError("parts", "workflow.split_kinds_distinct", nil))
			continue
		}
		kinds = append(kinds, p.Kind)
		title, fe := checkText("title", p.Title, 1, MaxTitle)
		e.add(fe)
		content, fe := checkText("content", p.Content, MinContent, MaxContent)
		e.add(fe)
		if fe != nil {
			continue
		}
		// Each part runs on its own kind's clock from the letter's receipt.
		due, err := d.firstClock(p.Kind, st.TopicID, st.PlanTaskID, st.ReceivedAt)
		if err != nil {
			return err
		}
		children = append(children, NewChild{Relation: "split", Case: NewCase{Agency: st.Agency, Year: yearIn(d.now, d.loc()),
			Kind: p.Kind, Channel: st.Channel, TopicID: st.TopicID, PlanTaskID: st.PlanTaskID, Title: strings.TrimSpace(title),
			Content: content, Place: st.Place, Lang: st.Lang, ReceivedAt: st.ReceivedAt, Due: due, RegisteredBy: d.by.Label()}})
	}
	if err := e.err(); err != nil {
		return err
	}
	d.closeMain(false, d.now)
	d.ch.Children = children
	d.ch.ChildEvent = &NewEvent{Kind: EventSplit, Public: true}
	d.ch.Audit["parts"] = kinds
	d.record("split", "", d.now, "", map[string]any{"kinds": kinds})
	return nil
}
