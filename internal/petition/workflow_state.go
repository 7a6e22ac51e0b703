package petition

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
)

// Complexity criteria of NĐ 124/2020 Art. 3a (added by NĐ 155/2026), which
// NĐ 31/2019 Art. 3 uses for denunciations too. Any one makes a case
// complex; for a denunciation, two or more make it especially complex.
var ComplexityCriteria = []string{
	"a",  // one matter needs verification at two or more places
	"b",  // two or more matters need verification
	"c",  // many complainants, or many people's interests
	"d",  // a foreign element
	"dd", // several agencies are responsible (đ)
	"e",  // the agencies involved disagree
	"g",  // the evidence is contradictory
}

// IneligibleReasons are the reasons a letter is not eligible for
// processing (TT 05/2021/TT-TTCP; Luật Khiếu nại Art. 11).
var IneligibleReasons = []string{"not_signed", "anonymous", "already_resolved", "many_bodies", "out_of_time", "other"}

// WithdrawalGrounds are why resolution continues after a withdrawal:
// signs of a violation, a coerced withdrawal, or a denunciation used to
// slander (NĐ 156/2026 Art. 1, amending NĐ 31/2019 Art. 4); for a complaint
// filed by many, others who still pursue it (NĐ 155/2026 Art. 7a).
var WithdrawalGrounds = []string{"signs_of_violation", "coerced", "slander", "others_remain"}

// Classification is the office's record of what a case is (phân loại).
type Classification struct {
	ClassifiedAt *time.Time
	// Eligible and WithinCompetence are nil until classified.
	Eligible         *bool
	IneligibleReason string
	IneligibleNote   string
	WithinCompetence *bool
	ManySenders      bool
	// Round is the complaint round, 1 or 2.
	Round int
	// Subtype is the complaint's sub-type: "" (administrative) or
	// SubtypeDisciplinary.
	Subtype string
	// ElectedBody: the case was forwarded by an elected body (a National
	// Assembly body or deputy, a People's Council deputy, a citizen
	// reception board), which is owed the result (DutyReportBack).
	ElectedBody   bool
	Complexity    deadline.Complexity
	Criteria      []string
	ComplexityRef string
	Remote        bool
}

// ClockState is a stored clock with the deadline.Clock it replays.
type ClockState struct {
	caseclock.Clock
	Spec          deadline.Clock
	ExplanationVI string
	ExplanationEN string
}

// Running says whether the clock is open or suspended.
func (c ClockState) Running() bool {
	return c.State == caseclock.Open || c.State == caseclock.Suspended
}

// AnswerState is an answer, draft or published.
type AnswerState struct {
	ID              int64
	UnitID          int64
	Body            string
	LetterNo        string
	LetterDate      string // YYYY-MM-DD
	Signer          string
	DraftedByLabel  string
	ApprovedByLabel string
	CreatedAt       time.Time
	PublishedAt     *time.Time
	SupersededAt    *time.Time
	Files           []Attachment
}

// ExtensionState is an extension asked for or decided.
type ExtensionState struct {
	ID               int64
	ClockID          int64
	State            string // pending, approved, refused
	Days             int
	Complexity       string
	Criteria         []string
	DocumentRef      string
	Reason           string
	DecisionNo       string
	RequestedByLabel string
	RequestedAt      time.Time
	DecidedByLabel   string
	DecidedAt        *time.Time
	DueBefore        *time.Time
	DueAfter         *time.Time
}

// ContributionState is a coordinating unit's contribution.
type ContributionState struct {
	ID          int64
	UnitID      int64
	Body        string
	AuthorLabel string
	CreatedAt   time.Time
}

// CaseLink is a case made from another (split, follow_up), seen from
// either side.
type CaseLink struct {
	CaseID   int64
	Code     string
	Relation string
	Kind     Kind
	Status   Status
}

// CaseState is everything the workflow decides on: the case as the store
// loaded it, in the transaction that will write the change.
type CaseState struct {
	ID         int64
	Code       string
	Agency     string
	Kind       Kind
	Channel    Channel
	Status     Status
	TopicID    int64
	PlanTaskID int64
	Title      string
	Place      string
	Lang       string
	ReceivedAt time.Time
	AcceptedAt *time.Time
	// AcceptDecisionNo is the number of the acceptance decision.
	AcceptDecisionNo    string
	OutcomeNote         string
	WithdrawalContinues bool
	RegisteredBy        string
	KeepSecret          bool
	// Sealed: the petitioner's identity is sealed for good (the case was
	// received as, or once became, a denunciation under secrecy, or was
	// made from such a case); see access.CaseScope.Sealed.
	Sealed bool
	Class  Classification

	LeadUnitID   int64
	Coordinating []int64

	Clocks        []ClockState
	Answers       []AnswerState
	Extensions    []ExtensionState
	Contributions []ContributionState
	// Dialogues are the dialogue steps recorded, oldest first.
	Dialogues []DialogueRecord
	Rated     bool
	Parent    *CaseLink
	Children  []CaseLink
}

// Scope is the case as the access policy sees it.
func (st *CaseState) Scope() *access.CaseScope {
	return &access.CaseScope{CaseID: st.ID, Kind: string(st.Kind), LeadUnitID: st.LeadUnitID,
		CoordinatingUnitIDs: slices.Clone(st.Coordinating), Denunciation: st.Kind == KindDenunciation,
		SecrecyWaived: st.Kind == KindDenunciation && !st.KeepSecret, Sealed: st.Sealed}
}

// MainClock is the clock of the case's own step (process, accept or
// answer) that is running or suspended, or nil.
func (st *CaseState) MainClock() *ClockState {
	for i := range st.Clocks {
		c := &st.Clocks[i]
		if slices.Contains(mainKinds, c.Kind) && c.Running() {
			return c
		}
	}
	return nil
}

// ContributionClock is the running contribution clock of a unit, or nil.
func (st *CaseState) ContributionClock(unit int64) *ClockState {
	for i := range st.Clocks {
		c := &st.Clocks[i]
		if c.Kind == caseclock.Contribution && c.UnitID == unit && c.Running() {
			return c
		}
	}
	return nil
}

// Draft is the latest answer not yet published nor superseded, or nil.
func (st *CaseState) Draft() *AnswerState {
	for i := len(st.Answers) - 1; i >= 0; i-- {
		a := &st.Answers[i]
		if a.PublishedAt == nil && a.SupersededAt == nil {
			return a
		}
	}
	return nil
}

// Published is the latest published answer, or nil.
func (st *CaseState) Published() *AnswerState {
	var out *AnswerState
	for i := range st.Answers {
		a := &st.Answers[i]
		if a.PublishedAt != nil && (out == nil || !a.PublishedAt.Before(*out.PublishedAt)) {
			out = a
		}
	}
	return out
}

// PendingExtension is the extension request waiting for a decision, or nil.
func (st *CaseState) PendingExtension() *ExtensionState {
	for i := range st.Extensions {
		if st.Extensions[i].State == "pending" {
			return &st.Extensions[i]
		}
	}
	return nil
}

// IsCoordinating says whether unit coordinates the case.
func (st *CaseState) IsCoordinating(unit int64) bool {
	return unit != 0 && slices.Contains(st.Coordinating, unit)
}

// Change is what one workflow action writes. The store applies it in the
// transaction that loaded the CaseState, with an audit row, or not at all.
type Change struct {
	Action Action
	// At is the time of the change (the decision's now).
	At time.Time
	// Status is the new status; "" keeps it.
	Status Status
	// Case is what the change sets on the case itself.
	Case CaseUpdate
	// Coordinating, when not nil, replaces the coordinating units.
	Coordinating *[]int64
	OpenClocks   []OpenClock
	ClockUpdates []ClockUpdate
	Events       []NewEvent
	Decision     *NewDecision
	Answer       *NewAnswer
	// PublishAnswer publishes a draft (approve).
	PublishAnswer *PublishAnswer
	Contribution  *NewContribution
	Extension     *ExtensionWrite
	// Children are new cases made from this one (split, follow-up), with
	// ChildEvent written on this case once their codes are known (its note
	// becomes the codes).
	Children   []NewChild
	ChildEvent *NewEvent
	// Chase is a chase of a unit, with its notices.
	Chase *NewChase
	// Notices are in-app notices the change sends besides a chase's (a
	// draft's to the heads who approve it), each keyed in the alert ledger
	// by NoticeSubject, its kind, recipient and Key.
	Notices       []Notice
	NoticeSubject string
	// RequestKey, when set, is the request's idempotency key (the form's
	// one-time key, the API's Idempotency-Key) with the action and the
	// case: the store records it once and refuses a repeat with
	// ErrRepeated, writing nothing.
	RequestKey string
	// Due, when set, is mirrored on the case (due_at and its explanation)
	// for lists and the tracking page; a zero At clears it (suspended).
	Due *Due
	// Audit is the after-image recorded in the audit trail (never the
	// petitioner's identity).
	Audit map[string]any
	// Pending: the action was recorded as a request awaiting a decision.
	Pending bool
}

// CaseUpdate is what a change sets on the case itself. A nil field is left
// as it is; the store maps each field to its column.
type CaseUpdate struct {
	// Kind is a reclassified kind.
	Kind *Kind
	// Class is a classification, set as a whole.
	Class *ClassUpdate
	// Complexity is the case's complexity, set by a classification or by
	// an extension that raises it.
	Complexity *ComplexityUpdate
	// Accepted is the formal acceptance (thụ lý): when, and its decision.
	Accepted *AcceptUpdate
	// OutcomeNote is the note the citizen reads on a forward, guide or
	// rejection.
	OutcomeNote *string
	// WithdrawalContinues marks a withdrawal that resolution goes on past.
	WithdrawalContinues *bool
	// LeadUnitID is the unit the case is assigned to.
	LeadUnitID *int64
}

// ClassUpdate is a classification (phân loại). TopicID and PlanTaskID 0
// mean none.
type ClassUpdate struct {
	TopicID, PlanTaskID int64
	Eligible            bool
	IneligibleReason    string
	IneligibleNote      string
	WithinCompetence    bool
	ManySenders         bool
	Round               int
	Subtype             string // complaints: "" or SubtypeDisciplinary
	ElectedBody         bool
	Remote              bool
	ClassifiedAt        time.Time
}

// ComplexityUpdate is a case's complexity, the criteria met and the
// document that found it.
type ComplexityUpdate struct {
	Level    deadline.Complexity
	Criteria []string
	Ref      string
}

// AcceptUpdate is the formal acceptance of a case.
type AcceptUpdate struct {
	At         time.Time
	DecisionNo string
}

// OpenClock is a clock to insert. MetAt set: it is met at once (a
// forwarding decided as it is recorded).
type OpenClock struct {
	caseclock.New
	Spec  deadline.Clock
	MetAt *time.Time
}

// ClockUpdate changes a stored clock.
type ClockUpdate struct {
	ID int64
	// Meet closes the clock as met at At, freezing on_time (at < due) once.
	Meet bool
	// Cancel closes it as cancelled at At.
	Cancel bool
	At     time.Time
	// Set, when true, rewrites the due time, state, spec, explanation and
	// extension count below (extension, suspension, resumption).
	Set           bool
	State         caseclock.State
	DueAt         *time.Time
	Spec          *deadline.Clock
	ExplanationVI string
	ExplanationEN string
	Extensions    int
	// UnitID, when not zero, moves the clock to another unit (assignment).
	UnitID int64
}

// NewEvent is an entry of the case's history.
type NewEvent struct {
	Kind   EventKind
	Public bool
	Actor  string
	UnitID int64
	Note   string
	DueAt  *time.Time
}

// NewDecision is a recorded decision.
type NewDecision struct {
	Kind       string
	DecisionNo string
	At         time.Time
	Reason     string
	Detail     map[string]any
}

// NewAnswer is a draft answer.
type NewAnswer struct {
	UnitID     int64
	Body       string
	LetterNo   string
	LetterDate string
	Signer     string
	Files      []Upload
}

// PublishAnswer publishes a draft.
type PublishAnswer struct {
	ID int64
	At time.Time
}

// NewContribution is a coordinating unit's contribution.
type NewContribution struct {
	UnitID  int64
	ClockID int64
	Body    string
}

// ExtensionWrite records an extension request or decision: a new row (ID
// 0) or the decision on a pending one.
type ExtensionWrite struct {
	ID          int64
	ClockID     int64
	State       string
	Days        int
	Complexity  string
	Criteria    []string
	DocumentRef string
	Reason      string
	DecisionNo  string
	DueBefore   *time.Time
	DueAfter    *time.Time
}

// NewChild is a case made from this one.
type NewChild struct {
	Relation string // split, follow_up
	Case     NewCase
}

// Result is what a workflow action did.
type Result struct {
	CaseID int64
	Code   string
	Status Status
	// Pending: recorded as a request awaiting a decision (extension).
	Pending bool
	// ExtensionRequestID is the id of the extension request recorded when
	// Pending, for the decision's request_id.
	ExtensionRequestID int64
	// Children are the codes of cases made (split).
	Children []string
	// LinkedID is the id of RegisterInput.Linked, written with the case.
	LinkedID int64
	// Secret is the tracking secret of a case the office registered, shown
	// once.
	Secret string
	// Receipt is what the citizen who brought a registered letter takes
	// away: the code, the secret, the kind and the dates (the same due
	// time as the case's first clock).
	Receipt *Receipt
	// Repeated: the request repeated one already done (the same request
	// key, or a dialogue scheduled again as it is); nothing was written
	// again.
	Repeated bool
}

// WorkflowStore persists the workflow. Apply must load the case, call
// decide and write its change in one transaction that no other change to
// the same case can interleave with; if decide fails nothing is written.
type WorkflowStore interface {
	Apply(ctx context.Context, caseID int64, by access.Actor, decide func(*CaseState) (*Change, error)) (Result, error)
	Load(ctx context.Context, caseID int64) (*CaseState, error)
	CaseIDByCode(ctx context.Context, code string) (int64, error)
	// Register records a case typed in by the office with its audit row.
	Register(ctx context.Context, nc NewCase, by access.Actor, at time.Time) (IntakeResult, error)
	// PlanTaskUnits lists the units of a plan task with their roles
	// (lead, coordinate, ...), groups expanded to their members.
	PlanTaskUnits(ctx context.Context, taskID int64) ([]TaskUnit, error)
	// History is the full trail of a case for staff, oldest first.
	History(ctx context.Context, caseID int64) ([]Event, error)
}

// TaskUnit is one unit of a plan task.
type TaskUnit struct {
	UnitID int64
	Role   string
	// FromGroup: the plan named a group this unit belongs to.
	FromGroup bool
}

// clockSpec parses a stored clock, or rebuilds it from its rule and start
// when it was stored without one (cases from before the workflow).
func clockSpec(raw string, rule string, started time.Time) deadline.Clock {
	var c deadline.Clock
	if strings.TrimSpace(raw) != "" && json.Unmarshal([]byte(raw), &c) == nil && c.RuleID != "" {
		return c
	}
	return deadline.Clock{RuleID: rule, Start: started}
}

// ClockSpec is clockSpec for stores.
func ClockSpec(raw, rule string, started time.Time) deadline.Clock {
	return clockSpec(raw, rule, started)
}
