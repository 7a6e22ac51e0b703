package petition

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/org"
)

// Engines hands out the current deadline engine (deadline.Service).
type Engines interface {
	Engine(ctx context.Context) *deadline.Engine
}

// UnitDirectory lists the units (org.UnitStore).
type UnitDirectory interface {
	ListUnits(ctx context.Context) ([]org.Unit, error)
}

// WorkflowConfig wires a Workflow.
type WorkflowConfig struct {
	Store WorkflowStore
	// Topics lists the topics (the petition Store), to map a topic to its
	// plan task when the office classifies a case.
	Topics interface {
		ListTopics(ctx context.Context) ([]Topic, error)
	}
	Units     UnitDirectory
	Deadlines Engines
	Now       func() time.Time
	Log       *slog.Logger
	Agency    string
	Location  *time.Location
	// DisputeWindow: how long after an answer the citizen may dispute it;
	// a case closes without a rating once it has passed.
	DisputeWindow time.Duration
	// ContributionLeadDays: a coordinating unit's part is due this many
	// working days before the lead unit's due date, unless the assignment
	// says otherwise.
	ContributionLeadDays int
	// Scrubber returns what removes a case's petitioner identity from free
	// text (access.Cases.Scrubber). View applies it to every free text of a
	// case whose identity is sealed: staff read answers, notes and the
	// trail of such a case without the identity; only the reveal, with the
	// grant and a reason, shows it.
	Scrubber func(ctx context.Context, caseID int64) (func(string) string, error)
	// Chaser plans the notices of a chase (alert.Service); nil sends none.
	Chaser ChaseNotifier
	// Texts words the notes the workflow writes for a person to read (the
	// message catalogue, i18n.Catalog), in the case's language; nil leaves
	// the message ids, as a pure domain test may.
	Texts interface {
		T(lang, id string, args map[string]any) string
	}
}

// Workflow runs the case workflow over the state machine (Machine): staff
// intake, classification, the outcomes of processing, assignment, answers,
// contributions, clock decisions, closing. Every action is checked against
// the table and the access policy, decided on the case as loaded in the
// transaction that writes it, and audited in that transaction.
type Workflow struct{ cfg WorkflowConfig }

// NewWorkflow returns the service. The store, the deadline engines, the
// clock and the identity scrubber are required: a workflow without a
// scrubber could show a sealed denouncer's identity, so it is refused here,
// once, rather than at the first sealed case a user opens.
func NewWorkflow(c WorkflowConfig) (*Workflow, error) {
	switch {
	case c.Store == nil:
		return nil, errors.New("petition: workflow without a store")
	case c.Deadlines == nil:
		return nil, errors.New("petition: workflow without deadline engines")
	case c.Now == nil:
		return nil, errors.New("petition: workflow without a clock")
	case c.Scrubber == nil:
		return nil, errors.New("petition: workflow without an identity scrubber")
	}
	if c.Location == nil {
		c.Location = time.FixedZone("ICT", 7*3600)
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.DisputeWindow <= 0 {
		c.DisputeWindow = DefaultLimits().DisputeWindow
	}
	if c.ContributionLeadDays < 0 {
		c.ContributionLeadDays = 0
	}
	return &Workflow{cfg: c}, nil
}

// Config returns the settings in force.
func (w *Workflow) Config() WorkflowConfig { return w.cfg }

// Input is the body of one action. decide checks it against the case and
// says what to write.
type Input interface {
	Action() Action
	decide(d *decision) error
}

// Load returns a case for an actor who may read it (else ErrCaseNotFound,
// which does not confirm it exists).
func (w *Workflow) Load(ctx context.Context, by access.Actor, caseID int64) (*CaseState, error) {
	st, err := w.cfg.Store.Load(ctx, caseID)
	if errors.Is(err, access.ErrCaseNotFound) || (err == nil && !access.Can(by, access.ActCaseRead, st.Scope())) {
		return nil, access.ErrCaseNotFound
	}
	return st, err
}

// CaseIDByCode finds a case by its tracking code.
func (w *Workflow) CaseIDByCode(ctx context.Context, code string) (int64, error) {
	code, ok := NormalizeCode(code)
	if !ok {
		return 0, access.ErrCaseNotFound
	}
	return w.cfg.Store.CaseIDByCode(ctx, code)
}

// History is a case's full trail for staff who may read it.
func (w *Workflow) History(ctx context.Context, caseID int64) ([]Event, error) {
	return w.cfg.Store.History(ctx, caseID)
}

// Env is what guards see.
func (w *Workflow) Env(ctx context.Context) Env {
	return Env{Now: w.cfg.Now().UTC(), DisputeWindow: w.cfg.DisputeWindow, Engine: w.cfg.Deadlines.Engine(ctx)}
}

// check applies the state machine and the policy to one action on a case,
// in the order a person can act on: may they see the case, may they take
// this kind of action on it, is the case in a state that allows it, does
// their unit hold the right role, and is the case ready.
func (w *Workflow) check(env Env, by access.Actor, st *CaseState, a Action) (Transition, error) {
	rows := TransitionsOf(a)
	if len(rows) == 0 || a == ActReopen {
		return Transition{}, ErrUnknownAction
	}
	scope := st.Scope()
	if !access.Can(by, access.ActCaseRead, scope) {
		return Transition{}, access.ErrCaseNotFound
	}
	if !access.Can(by, rows[0].Perm, scope) {
		return Transition{}, ErrForbidden
	}
	t, ok := transition(a, st.Status)
	if !ok || (len(t.Kinds) > 0 && !slices.Contains(t.Kinds, st.Kind)) {
		return Transition{}, illegal(a, st.Status, st.Kind)
	}
	switch t.Unit {
	case LeadUnit:
		if by.UnitID == 0 || by.UnitID != st.LeadUnitID {
			return Transition{}, ErrNotLead
		}
	case CoordinatingUnit:
		if !st.IsCoordinating(by.UnitID) {
			return Transition{}, ErrNotCoord
		}
	}
	if t.Guard != nil {
		if err := t.Guard(st, env); err != nil {
			return Transition{}, err
		}
	}
	return t, nil
}

// Allowed lists the actions the actor may take on the case now: what the
// staff page shows buttons for. The handlers still check again.
func (w *Workflow) Allowed(ctx context.Context, by access.Actor, st *CaseState) []Action {
	env := w.Env(ctx)
	var out []Action
	seen := map[Action]bool{}
	for _, t := range Machine {
		if seen[t.Action] || t.Action == ActReopen {
			continue
		}
		if _, err := w.check(env, by, st, t.Action); err == nil {
			out = append(out, t.Action)
			seen[t.Action] = true
		}
	}
	return out
}

// Do takes one action on a case. Refusals are *fault.Error values and
// write nothing.
func (w *Workflow) Do(ctx context.Context, by access.Actor, caseID int64, in Input) (Result, error) {
	if !by.Authenticated() {
		return Result{}, fault.New(fault.Unauthenticated, "error.unauthenticated")
	}
	units, err := w.units(ctx)
	if err != nil {
		return Result{}, err
	}
	env := w.Env(ctx)
	eng, now := env.Engine, env.Now
	// Everything a decision reads besides the case is read here, before
	// the transaction: on SQLite it holds the only connection.
	var topics []Topic
	if ci, ok := in.(ClassifyInput); ok && ci.TopicID != 0 && w.cfg.Topics != nil {
		if topics, err = w.cfg.Topics.ListTopics(ctx); err != nil {
			return Result{}, err
		}
	}
	var noticeScrub func(string) string
	if di, ok := in.(DutyInput); ok && di.AccusedNotice != "" {
		if noticeScrub, err = w.accusedNoticeScrubber(ctx, env, by, caseID, di); err != nil {
			return Result{}, err
		}
	}
	var chasePlan func(ChaseFacts) []Notice
	if _, ok := in.(ChaseInput); ok && w.cfg.Chaser != nil {
		if chasePlan, err = w.cfg.Chaser.ChasePlanner(ctx); err != nil {
			return Result{}, err
		}
	}
	if _, ok := in.(AnswerInput); ok && w.cfg.Chaser != nil {
		if chasePlan, err = w.cfg.Chaser.DraftPlanner(ctx); err != nil {
			return Result{}, err
		}
	}
	res, err := w.cfg.Store.Apply(ctx, caseID, by, func(st *CaseState) (*Change, error) {
		t, err := w.check(env, by, st, in.Action())
		if err != nil {
			return nil, err
		}
		d := &decision{w: w, ctx: ctx, st: st, by: by, now: now, eng: eng, units: units, topics: topics, t: t, noticeScrub: noticeScrub,
			chasePlan: chasePlan, ch: &Change{Action: in.Action(), At: now, Status: t.To, Audit: map[string]any{}}}
		if err := in.decide(d); err != nil {
			return nil, err
		}
		return d.ch, nil
	})
	if errors.Is(err, ErrRepeated) {
		// The same request, submitted again: done once, reported done.
		return Result{CaseID: caseID, Repeated: true}, nil
	}
	if err != nil {
		return Result{}, err
	}
	w.cfg.Log.InfoContext(ctx, "case workflow", "action", string(in.Action()), "case_id", caseID, "status", string(res.Status),
		"pending", res.Pending, "account_id", by.AccountID)
	return res, nil
}

type unitIndex struct {
	byID   map[int64]org.Unit
	byCode map[string]org.Unit
}

func (w *Workflow) units(ctx context.Context) (unitIndex, error) {
	ix := unitIndex{byID: map[int64]org.Unit{}, byCode: map[string]org.Unit{}}
	if w.cfg.Units == nil {
		return ix, nil
	}
	list, err := w.cfg.Units.ListUnits(ctx)
	if err != nil {
		return ix, err
	}
	for _, u := range list {
		ix.byID[u.ID], ix.byCode[u.Code] = u, u
	}
	return ix, nil
}

// decision is one action being decided.
type decision struct {
	w      *Workflow
	ctx    context.Context
	st     *CaseState
	by     access.Actor
	now    time.Time
	eng    *deadline.Engine
	units  unitIndex
	topics []Topic
	t      Transition
	ch     *Change
	// noticeScrub removes the denouncer's identity from a notice to the
	// person denounced (read before the transaction; nil when there is
	// no such notice).
	noticeScrub func(string) string
	// chasePlan plans a chase's notices, or a draft's (nil: none).
	chasePlan func(ChaseFacts) []Notice
}

func (d *decision) loc() *time.Location { return d.w.cfg.Location }

// text words a message for the case's reader, in the case's language
// (the petitioner's, who reads the outcome; Vietnamese by default).
func (d *decision) text(id string, args map[string]any) string {
	if d.w.cfg.Texts == nil {
		return id
	}
	return d.w.cfg.Texts.T(d.lang(), id, args)
}

// lang is the case's language: "en" or "vi".
func (d *decision) lang() string {
	if d.st.Lang == "en" {
		return "en"
	}
	return "vi"
}

// event appends a history entry. Public entries carry no staff name: the
// citizen's timeline never shows who did it (the audit trail does).
func (d *decision) event(kind EventKind, public bool, note string) *NewEvent {
	e := NewEvent{Kind: kind, Public: public, Note: note}
	if !public {
		e.Actor = d.by.Label()
	}
	d.ch.Events = append(d.ch.Events, e)
	return &d.ch.Events[len(d.ch.Events)-1]
}

func (d *decision) record(kind, no string, at time.Time, reason string, detail map[string]any) {
	d.ch.Decision = &NewDecision{Kind: kind, DecisionNo: no, At: at, Reason: reason, Detail: detail}
}

// decisionAt is the instant a decision dated on counts from: now when it is
// dated today (or not dated), else noon of that date in Hà Nội. A decision
// dated in the future, or before the case was received, is refused.
func (d *decision) decisionAt(on calendar.Date, field string) (time.Time, error) {
	if on.IsZero() {
		return d.now, nil
	}
	if !on.Valid() {
		return time.Time{}, fault.FieldError(field, "workflow.date_invalid", nil)
	}
	today := calendar.DateOf(d.now, d.loc())
	switch {
	case on.After(today):
		return time.Time{}, fault.FieldError(field, "workflow.date_future", nil)
	case on == today:
		return d.now, nil
	case on.Before(calendar.DateOf(d.st.ReceivedAt, d.loc())):
		return time.Time{}, fault.FieldError(field, "workflow.date_before_receipt", nil)
	}
	return on.Time(d.loc()).Add(12 * time.Hour).UTC(), nil
}

// evaluate replays a clock spec. The engine's refusals are already faults a
// person can act on (the law's cap, a clock that forbids the step).
func (d *decision) evaluate(spec deadline.Clock) (deadline.Result, error) {
	return d.eng.Evaluate(spec)
}

// scope is the override scope of a case's clocks: its topic, so that an
// admin's shorter answer time for a topic applies (as at intake).
func (d *decision) scope() []string { return caseScope(d.st) }

func caseScope(st *CaseState) []string {
	if st.TopicID == 0 {
		return nil
	}
	return []string{"topic:" + strconv.FormatInt(st.TopicID, 10)}
}

// setDue mirrors a clock's due time on the case (lists, tracking page).
func (d *decision) setDue(rule string, res deadline.Result) {
	due := Due{RuleID: rule}
	if !res.Suspended && !res.DueAt.IsZero() {
		due.At, due.Explanation = res.DueAt.UTC(), Explanation{VI: d.eng.Explain(res, "vi"), EN: d.eng.Explain(res, "en")}
	}
	d.ch.Due = &due
}

// FirstClock is the clock a case of kind k starts with: the kind's first
// rule counted from receipt, with the topic as the override scope (an
// admin may shorten the answer time for a topic). Intake (cmd/phucdap's
// dueOfNewCase), staff registration, reclassification and splitting all
// ask it, so every case's first due time is computed the same way.
func FirstClock(eng *deadline.Engine, k Kind, topicID int64, received time.Time) (Due, error) {
	return firstClockOf(eng, k.DueRule(), topicID, received)
}

// firstClockOf is FirstClock for a named rule (a classified sub-type's).
func firstClockOf(eng *deadline.Engine, rule string, topicID int64, received time.Time) (Due, error) {
	spec := deadline.Clock{RuleID: rule, Start: received.UTC(), Round: 1}
	if topicID != 0 {
		spec.Scope = []string{"topic:" + strconv.FormatInt(topicID, 10)}
	}
	res, err := eng.Compute(deadline.Request{RuleID: rule, Start: spec.Start, Round: 1, Scope: spec.Scope})
	if err != nil {
		return Due{RuleID: rule}, err
	}
	return Due{RuleID: rule, At: res.DueAt.UTC(), Explanation: Explanation{VI: eng.Explain(res, "vi"), EN: eng.Explain(res, "en")}, Spec: &spec}, nil
}

// firstClock asks FirstClock of the engine the action loaded before its
// transaction: nothing in a decision reads the database while the
// transaction holds it (SQLite has one connection).
func (d *decision) firstClock(rule string, topicID int64, received time.Time) (Due, error) {
	return firstClockOf(d.eng, rule, topicID, received)
}

// openFirst opens the first clock of a rule on this case (after a change
// of kind or of complaint sub-type).
func (d *decision) openFirst(rule string, topicID int64) error {
	due, err := d.firstClock(rule, topicID, d.st.ReceivedAt)
	if err != nil {
		return err
	}
	oc := OpenClock{New: caseclock.New{CaseID: d.st.ID, Kind: ClockKindOf(due.RuleID), RuleID: due.RuleID, UnitID: d.st.LeadUnitID,
		Started: d.st.ReceivedAt, ExplanationVI: due.Explanation.VI, ExplanationEN: due.Explanation.EN}}
	if due.Spec != nil {
		oc.Spec = *due.Spec
	} else {
		oc.Spec = deadline.Clock{RuleID: due.RuleID, Start: d.st.ReceivedAt}
	}
	if due.Computed() {
		oc.DueAt = due.At
	}
	d.ch.OpenClocks = append(d.ch.OpenClocks, oc)
	d.ch.Due = &due
	return nil
}

// closeMain meets or cancels the case's main clock at at.
func (d *decision) closeMain(meet bool, at time.Time) {
	if mc := d.st.MainClock(); mc != nil {
		d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, Meet: meet, Cancel: !meet, At: at})
	}
}

// dropPending refuses an extension request the case no longer needs (it
// was answered, withdrawn or terminated first), so no request waits for
// ever.
func (d *decision) dropPending() {
	if p := d.st.PendingExtension(); p != nil && d.ch.Extension == nil {
		d.ch.Extension = &ExtensionWrite{ID: p.ID, State: "refused", Reason: p.Reason, DecisionNo: p.DecisionNo}
		d.event(EventExtensionRefused, false, string(d.ch.Action))
	}
}

// cancelRunning cancels every running clock (withdrawal, termination).
func (d *decision) cancelRunning(at time.Time) {
	for _, c := range d.st.Clocks {
		if c.Running() {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: at})
		}
	}
}

// contributionSpec is what a contribution clock stores: its rule name and
// how many working days before the lead's due date it falls.
func contributionSpec(before int) deadline.Clock {
	return deadline.Clock{RuleID: "contribution", Scope: []string{"before:" + strconv.Itoa(before)}}
}

func contributionBefore(spec deadline.Clock, dflt int) int {
	if n, ok := contributionBeforeOf(spec); ok {
		return n
	}
	return dflt
}

// contributionBeforeOf reads the lead days a contribution spec records.
func contributionBeforeOf(spec deadline.Clock) (int, bool) {
	for _, s := range spec.Scope {
		if v, ok := strings.CutPrefix(s, "before:"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

// contributionDue is a coordinating unit's due time (ContributionDue)
// with the decision's engine.
func (d *decision) contributionDue(lead deadline.Result, before int, from time.Time) (time.Time, string, string) {
	return d.eng.ContributionDue(lead, before, from)
}

// followLead moves the running contribution clocks to follow the lead's
// new due time (extension, resumption) or stops them with it (suspension).
func (d *decision) followLead(lead deadline.Result) {
	for _, c := range d.st.Clocks {
		if c.Kind != caseclock.Contribution || !c.Running() {
			continue
		}
		u := ClockUpdate{ID: c.ID, Set: true, Extensions: c.Extensions}
		spec := c.Spec
		u.Spec = &spec
		if lead.Suspended {
			u.State = caseclock.Suspended
		} else {
			u.State = caseclock.Open
			at, vi, en := d.contributionDue(lead, contributionBefore(c.Spec, d.w.cfg.ContributionLeadDays), c.StartedAt)
			if !at.IsZero() {
				u.DueAt = &at
			}
			u.ExplanationVI, u.ExplanationEN = vi, en
		}
		d.ch.ClockUpdates = append(d.ch.ClockUpdates, u)
	}
}

// checkText checks a free-text field: valid UTF-8, cleaned, within min..max
// characters (min 0: optional).
func checkText(field, v string, min, max int) (string, *fault.Error) {
	if !utf8.ValidString(v) {
		return "", fault.FieldError(field, "petition.not_utf8", nil)
	}
	v = cleanText(v, true)
	c := utf8.RuneCountInString(v)
	switch {
	case c == 0 && min > 0:
		return "", fault.FieldError(field, "workflow.field_required", nil)
	case c > 0 && c < min:
		return "", fault.FieldError(field, "petition.too_short", map[string]any{"Min": min, "Count": c})
	case c > max:
		return "", fault.FieldError(field, "petition.too_long", map[string]any{"Max": max, "Count": c})
	}
	return v, nil
}

// errs collects field errors.
type errs fault.List

func (e *errs) add(fe *fault.Error) {
	if fe != nil {
		*e = append(*e, fe)
	}
}

func (e errs) err() error {
	if len(e) == 0 {
		return nil
	}
	return fault.List(e)
}

// Text limits of the workflow's fields.
const (
	MaxNote     = 2000
	MaxDocRef   = 200
	MaxAnswer   = 20000
	MinAnswer   = 20
	MaxBodyName = 300
)

// Proposal is the assignment the case's plan task suggests: the units of
// its lead cell (a group's members are candidates, of which the office
// picks one) and of its coordinating cell. Compile, monitor and chase roles
// are the office's own and are not proposed.
type Proposal struct {
	LeadCandidates []int64
	Coordinating   []int64
}

// Lead is the proposed lead when the plan names exactly one unit.
func (p Proposal) Lead() int64 {
	if len(p.LeadCandidates) == 1 {
		return p.LeadCandidates[0]
	}
	return 0
}

// Propose returns the assignment the case's topic suggests when the office
// gave the topic a lead unit: that unit alone, with no coordinating unit
// the office did not ask for. Otherwise the case's plan task's roles. A
// retired unit is never proposed: a topic whose lead was retired falls
// back on the plan task, whose retired units are left out.
func (w *Workflow) Propose(ctx context.Context, st *CaseState) (Proposal, error) {
	var p Proposal
	ix, err := w.units(ctx)
	if err != nil {
		return p, err
	}
	active := func(id int64) bool {
		u, ok := ix.byID[id]
		return !ok && w.cfg.Units == nil || ok && u.Active
	}
	if st.TopicID != 0 && w.cfg.Topics != nil {
		topics, err := w.cfg.Topics.ListTopics(ctx)
		if err != nil {
			return p, err
		}
		if i := slices.IndexFunc(topics, func(t Topic) bool { return t.ID == st.TopicID }); i >= 0 && topics[i].LeadUnitID != 0 &&
			active(topics[i].LeadUnitID) {
			p.LeadCandidates = []int64{topics[i].LeadUnitID}
			return p, nil
		}
	}
	if st.PlanTaskID == 0 {
		return p, nil
	}
	units, err := w.cfg.Store.PlanTaskUnits(ctx, st.PlanTaskID)
	if err != nil {
		return p, err
	}
	for _, u := range units {
		if !active(u.UnitID) {
			continue
		}
		switch u.Role {
		case "lead":
			if !slices.Contains(p.LeadCandidates, u.UnitID) {
				p.LeadCandidates = append(p.LeadCandidates, u.UnitID)
			}
		case "coordinate":
			if !slices.Contains(p.Coordinating, u.UnitID) {
				p.Coordinating = append(p.Coordinating, u.UnitID)
			}
		}
	}
	if lead := p.Lead(); lead != 0 {
		p.Coordinating = slices.DeleteFunc(p.Coordinating, func(id int64) bool { return id == lead })
	}
	return p, nil
}

// CaseView is a case as a staff page or the API shows it: the state, its
// full trail, the actions the viewer may take and the proposed assignment.
type CaseView struct {
	State    *CaseState
	History  []Event
	Allowed  []Action
	Proposal Proposal
	// MayDecideExtension: the viewer may decide the pending request.
	MayDecideExtension bool
}

// View loads a case for an actor who may read it.
func (w *Workflow) View(ctx context.Context, by access.Actor, caseID int64) (*CaseView, error) {
	st, err := w.Load(ctx, by, caseID)
	if err != nil {
		return nil, err
	}
	v := &CaseView{State: st, Allowed: w.Allowed(ctx, by, st), MayDecideExtension: MayDecideExtension(by, st)}
	if v.History, err = w.cfg.Store.History(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Proposal, err = w.Propose(ctx, st); err != nil {
		return nil, err
	}
	if st.Scope().SecretIdentity() {
		scrub, err := w.cfg.Scrubber(ctx, caseID)
		if err != nil {
			return nil, err
		}
		v.scrub(scrub)
	}
	return v, nil
}

// scrub removes the identity from every free text of the view. The state
// is a copy loaded for this view only.
func (v *CaseView) scrub(f func(string) string) {
	st := v.State
	st.Title, st.Place, st.OutcomeNote, st.AcceptDecisionNo = f(st.Title), f(st.Place), f(st.OutcomeNote), f(st.AcceptDecisionNo)
	st.Class.IneligibleNote, st.Class.ComplexityRef = f(st.Class.IneligibleNote), f(st.Class.ComplexityRef)
	for i := range st.Answers {
		a := &st.Answers[i]
		a.Body, a.Signer, a.LetterNo = f(a.Body), f(a.Signer), f(a.LetterNo)
		for j := range a.Files {
			a.Files[j].Name = f(a.Files[j].Name)
		}
	}
	for i := range st.Contributions {
		st.Contributions[i].Body = f(st.Contributions[i].Body)
	}
	for i := range st.Extensions {
		x := &st.Extensions[i]
		x.Reason, x.DecisionNo, x.DocumentRef = f(x.Reason), f(x.DecisionNo), f(x.DocumentRef)
	}
	for i := range st.Dialogues {
		d := &st.Dialogues[i]
		d.Place, d.Participants, d.Note, d.Ref = f(d.Place), f(d.Participants), f(d.Note), f(d.Ref)
	}
	for i := range v.History {
		v.History[i].Note = f(v.History[i].Note)
	}
}

// accusedNoticeScrubber returns what removes the denouncer's identity
// from a notice to the person denounced (Luật Tố cáo Art. 8, 47, 56). It
// is read before the transaction, which on SQLite holds the only
// connection, and only for an actor who may take the action. The notice
// is compared with it in the decision, after every other check, so that
// the refusal cannot serve to test a guessed name on a request that would
// fail anyway; a notice that passes meets the duty's clock, so a guess
// that is wrong cannot be repeated.
func (w *Workflow) accusedNoticeScrubber(ctx context.Context, env Env, by access.Actor, caseID int64, in DutyInput) (func(string) string, error) {
	st, err := w.cfg.Store.Load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if _, err := w.check(env, by, st, in.Action()); err != nil {
		return nil, err
	}
	return w.cfg.Scrubber(ctx, caseID)
}
