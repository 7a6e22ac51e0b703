package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

// WorkflowStore is the gorm implementation of petition.WorkflowStore over
// cases and the workflow tables (migration 00006) and case_clocks
// (migration 00005).
type WorkflowStore struct {
	db *DB
	ps *PetitionStore
}

// NewWorkflowStore returns the store over db.
func NewWorkflowStore(db *DB) *WorkflowStore { return &WorkflowStore{db: db, ps: NewPetitionStore(db)} }

var _ petition.WorkflowStore = (*WorkflowStore)(nil)

// caseStateRow is what Load reads of cases. The content and the
// petitioner's identity are not read: the workflow decides without them.
type caseStateRow struct {
	ID                  int64
	Code                string
	Agency              string
	Kind                string
	Channel             string
	Status              string
	TopicID             *int64
	PlanTaskID          *int64
	Title               string
	Place               string
	Lang                string
	ReceivedAt          time.Time
	AcceptedAt          *time.Time
	AcceptDecisionNo    string
	OutcomeNote         string
	WithdrawalContinues bool
	RegisteredBy        string
	Eligible            *bool
	IneligibleReason    string
	IneligibleNote      string
	WithinCompetence    *bool
	ManySenders         bool
	ComplaintRound      int
	ComplaintSubtype    string
	ElectedBody         bool
	Complexity          string
	ComplexityCriteria  string
	ComplexityRef       string
	RemoteArea          bool
	ClassifiedAt        *time.Time
	LeadUnitID          *int64
	KeepSecret          *bool
	IdentitySealed      bool
}

const caseStateCols = "c.id, c.code, c.agency, c.kind, c.channel, c.status, c.topic_id, c.plan_task_id, c.title, c.place, c.lang, " +
	"c.received_at, c.accepted_at, c.accept_decision_no, c.outcome_note, c.withdrawal_continues, c.registered_by, c.eligible, " +
	"c.ineligible_reason, c.ineligible_note, c.within_competence, c.many_senders, c.complaint_round, c.complaint_subtype, c.elected_body, c.complexity, " +
	"c.complexity_criteria, c.complexity_ref, c.remote_area, c.classified_at, c.lead_unit_id, i.keep_secret, c.identity_sealed"

// wfClockRow is clockRow with the spec and explanations. Row is a named
// field: gorm fills an embedded struct only through an exported field.
type wfClockRow struct {
	Row           clockRow `gorm:"embedded"`
	Clock         string
	ExplanationVI string `gorm:"column:explanation_vi"`
	ExplanationEN string `gorm:"column:explanation_en"`
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Load implements petition.WorkflowStore.
func (s *WorkflowStore) Load(ctx context.Context, caseID int64) (*petition.CaseState, error) {
	return s.load(s.db.Gorm.WithContext(ctx), caseID)
}

func (s *WorkflowStore) load(tx *gorm.DB, caseID int64) (*petition.CaseState, error) {
	var rows []caseStateRow
	if err := tx.Raw("SELECT "+caseStateCols+" FROM cases c LEFT JOIN case_identities i ON i.case_id = c.id WHERE c.id = ?", caseID).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load case: %w", err)
	}
	if len(rows) == 0 {
		return nil, access.ErrCaseNotFound
	}
	r := rows[0]
	st := &petition.CaseState{ID: r.ID, Code: r.Code, Agency: r.Agency, Kind: petition.Kind(r.Kind), Channel: petition.Channel(r.Channel),
		Status: petition.Status(r.Status), TopicID: deref64(r.TopicID), PlanTaskID: deref64(r.PlanTaskID), Title: r.Title, Place: r.Place,
		Lang: r.Lang, ReceivedAt: r.ReceivedAt.UTC(), AcceptedAt: utcPtr(r.AcceptedAt), AcceptDecisionNo: r.AcceptDecisionNo,
		OutcomeNote: r.OutcomeNote, WithdrawalContinues: r.WithdrawalContinues, RegisteredBy: r.RegisteredBy,
		// No identity row: treat as secret, the safe side.
		KeepSecret: r.KeepSecret == nil || *r.KeepSecret, Sealed: r.IdentitySealed, LeadUnitID: deref64(r.LeadUnitID),
		Class: petition.Classification{ClassifiedAt: utcPtr(r.ClassifiedAt), Eligible: r.Eligible, IneligibleReason: r.IneligibleReason,
			IneligibleNote: r.IneligibleNote, WithinCompetence: r.WithinCompetence, ManySenders: r.ManySenders, Round: r.ComplaintRound,
			Subtype: r.ComplaintSubtype, ElectedBody: r.ElectedBody,
			Complexity: deadline.Complexity(r.Complexity), Criteria: splitList(r.ComplexityCriteria), ComplexityRef: r.ComplexityRef,
			Remote: r.RemoteArea}}
	if err := tx.Raw("SELECT unit_id FROM case_units WHERE case_id = ? AND role = 'coordinate' ORDER BY unit_id", caseID).
		Scan(&st.Coordinating).Error; err != nil {
		return nil, err
	}
	var clocks []wfClockRow
	if err := tx.Raw("SELECT "+clockCols+", clock, explanation_vi, explanation_en FROM case_clocks WHERE case_id = ? ORDER BY id", caseID).
		Scan(&clocks).Error; err != nil {
		return nil, fmt.Errorf("load clocks: %w", err)
	}
	for _, c := range clocks {
		cs := petition.ClockState{Clock: c.Row.clock(), ExplanationVI: c.ExplanationVI, ExplanationEN: c.ExplanationEN}
		cs.Spec = petition.ClockSpec(c.Clock, c.Row.RuleID, cs.StartedAt)
		st.Clocks = append(st.Clocks, cs)
	}
	var answers []struct {
		ID              int64
		UnitID          *int64
		Body            string
		LetterNo        string
		LetterDate      string
		Signer          string
		DraftedByLabel  string
		ApprovedByLabel string
		CreatedAt       time.Time
		PublishedAt     *time.Time
		SupersededAt    *time.Time
	}
	if err := tx.Raw("SELECT id, unit_id, body, letter_no, letter_date, signer, drafted_by_label, approved_by_label, created_at, "+
		"published_at, superseded_at FROM answers WHERE case_id = ? ORDER BY id", caseID).Scan(&answers).Error; err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	// Flat: gorm's Raw().Scan() does not fill embedded structs.
	var files []struct {
		ID         int64
		Name       string
		MediaType  string
		Size       int64
		SHA256     string `gorm:"column:sha256"`
		StorageKey string
		AnswerID   int64
	}
	if len(answers) > 0 {
		if err := tx.Raw("SELECT id, name, media_type, size, sha256, storage_key, answer_id FROM attachments WHERE case_id = ? AND answer_id IS NOT NULL ORDER BY id",
			caseID).Scan(&files).Error; err != nil {
			return nil, fmt.Errorf("load answer files: %w", err)
		}
	}
	for _, a := range answers {
		as := petition.AnswerState{ID: a.ID, UnitID: deref64(a.UnitID), Body: a.Body, LetterNo: a.LetterNo,
			LetterDate: a.LetterDate, Signer: a.Signer, DraftedByLabel: a.DraftedByLabel, ApprovedByLabel: a.ApprovedByLabel,
			CreatedAt: a.CreatedAt.UTC(), PublishedAt: utcPtr(a.PublishedAt), SupersededAt: utcPtr(a.SupersededAt)}
		for _, f := range files {
			if f.AnswerID == a.ID {
				as.Files = append(as.Files, petition.Attachment{ID: f.ID, Name: f.Name, MediaType: f.MediaType, Size: f.Size,
					SHA256: f.SHA256, StorageKey: f.StorageKey})
			}
		}
		st.Answers = append(st.Answers, as)
	}
	var exts []struct {
		ID               int64
		ClockID          int64
		State            string
		Days             int
		Complexity       string
		Criteria         string
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
	if err := tx.Raw("SELECT id, clock_id, state, days, complexity, criteria, document_ref, reason, decision_no, requested_by_label, "+
		"requested_at, decided_by_label, decided_at, due_before, due_after FROM case_extensions WHERE case_id = ? ORDER BY id", caseID).
		Scan(&exts).Error; err != nil {
		return nil, fmt.Errorf("load extensions: %w", err)
	}
	for _, x := range exts {
		st.Extensions = append(st.Extensions, petition.ExtensionState{ID: x.ID, ClockID: x.ClockID, State: x.State, Days: x.Days,
			Complexity: x.Complexity, Criteria: splitList(x.Criteria), DocumentRef: x.DocumentRef, Reason: x.Reason, DecisionNo: x.DecisionNo,
			RequestedByLabel: x.RequestedByLabel, RequestedAt: x.RequestedAt.UTC(), DecidedByLabel: x.DecidedByLabel,
			DecidedAt: utcPtr(x.DecidedAt), DueBefore: utcPtr(x.DueBefore), DueAfter: utcPtr(x.DueAfter)})
	}
	var contribs []struct {
		ID          int64
		UnitID      int64
		Body        string
		AuthorLabel string
		CreatedAt   time.Time
	}
	if err := tx.Raw("SELECT id, unit_id, body, author_label, created_at FROM case_contributions WHERE case_id = ? ORDER BY id", caseID).
		Scan(&contribs).Error; err != nil {
		return nil, fmt.Errorf("load contributions: %w", err)
	}
	for _, c := range contribs {
		st.Contributions = append(st.Contributions, petition.ContributionState{ID: c.ID, UnitID: c.UnitID, Body: c.Body,
			AuthorLabel: c.AuthorLabel, CreatedAt: c.CreatedAt.UTC()})
	}
	var dialogues []struct {
		Kind       string
		DecisionNo string
		Reason     string
		Detail     string
		DecidedAt  time.Time
	}
	if err := tx.Raw("SELECT kind, decision_no, reason, detail, decided_at FROM case_decisions WHERE case_id = ? AND kind IN ? ORDER BY id",
		caseID, petition.DialogueDecisionKinds).Scan(&dialogues).Error; err != nil {
		return nil, fmt.Errorf("load dialogues: %w", err)
	}
	for _, r := range dialogues {
		dr, ok, err := petition.DialogueFromDecision(r.Kind, r.DecisionNo, r.Reason, r.Detail, r.DecidedAt.UTC())
		if err != nil {
			return nil, fmt.Errorf("load dialogues of case %d: %w", caseID, err)
		}
		if ok {
			st.Dialogues = append(st.Dialogues, dr)
		}
	}
	var rated int64
	if err := tx.Raw("SELECT COUNT(*) FROM ratings r JOIN answers a ON a.id = r.answer_id WHERE r.case_id = ? AND a.published_at IS NOT NULL", caseID).
		Scan(&rated).Error; err != nil {
		return nil, err
	}
	st.Rated = rated > 0
	var links []struct {
		CaseID   int64
		ParentID int64
		Relation string
		Code     string
		Kind     string
		Status   string
	}
	if err := tx.Raw("SELECT l.case_id, l.parent_id, l.relation, c.code, c.kind, c.status FROM case_links l "+
		"JOIN cases c ON c.id = CASE WHEN l.case_id = ? THEN l.parent_id ELSE l.case_id END "+
		"WHERE l.case_id = ? OR l.parent_id = ? ORDER BY l.case_id", caseID, caseID, caseID).Scan(&links).Error; err != nil {
		return nil, fmt.Errorf("load links: %w", err)
	}
	for _, l := range links {
		if l.CaseID == caseID {
			st.Parent = &petition.CaseLink{CaseID: l.ParentID, Code: l.Code, Relation: l.Relation, Kind: petition.Kind(l.Kind), Status: petition.Status(l.Status)}
		} else {
			st.Children = append(st.Children, petition.CaseLink{CaseID: l.CaseID, Code: l.Code, Relation: l.Relation, Kind: petition.Kind(l.Kind), Status: petition.Status(l.Status)})
		}
	}
	return st, nil
}

// CaseIDByCode implements petition.WorkflowStore.
func (s *WorkflowStore) CaseIDByCode(ctx context.Context, code string) (int64, error) {
	var ids []int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id FROM cases WHERE code = ?", code).Scan(&ids).Error; err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, access.ErrCaseNotFound
	}
	return ids[0], nil
}

// lockCase serialises changes to one case. SQLite transactions already
// hold the database's single write lock (BEGIN IMMEDIATE).
func (s *WorkflowStore) lockCase(tx *gorm.DB, caseID int64) error {
	if s.db.Dialect != Postgres {
		return nil
	}
	var ids []int64
	if err := tx.Raw("SELECT id FROM cases WHERE id = ? FOR UPDATE", caseID).Scan(&ids).Error; err != nil {
		return fmt.Errorf("lock case: %w", err)
	}
	return nil
}

// Apply implements petition.WorkflowStore.
func (s *WorkflowStore) Apply(ctx context.Context, caseID int64, by access.Actor, decide func(*petition.CaseState) (*petition.Change, error)) (petition.Result, error) {
	var res petition.Result
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res = petition.Result{}
		if err := s.lockCase(tx, caseID); err != nil {
			return err
		}
		st, err := s.load(tx, caseID)
		if err != nil {
			return err
		}
		ch, err := decide(st)
		if err != nil {
			return err
		}
		res = petition.Result{CaseID: st.ID, Code: st.Code, Status: st.Status, Pending: ch.Pending}
		if ch.Status != "" {
			res.Status = ch.Status
		}
		if res.Children, err = s.write(ctx, tx, st, ch, by); err != nil {
			return err
		}
		if err := indexSearch(tx, []int64{st.ID}); err != nil {
			return err
		}
		if ch.Pending && ch.Extension != nil {
			res.ExtensionRequestID = ch.Extension.ID
		}
		return nil
	})
	if err != nil {
		return petition.Result{}, err
	}
	return res, nil
}

// caseColumns maps what a change sets on the case to the columns of cases.
func caseColumns(u petition.CaseUpdate, set map[string]any) {
	if u.Kind != nil {
		set["kind"] = string(*u.Kind)
	}
	if c := u.Class; c != nil {
		set["topic_id"], set["plan_task_id"] = nullID(c.TopicID), nullID(c.PlanTaskID)
		set["eligible"], set["ineligible_reason"], set["ineligible_note"] = c.Eligible, c.IneligibleReason, c.IneligibleNote
		set["within_competence"], set["many_senders"], set["complaint_round"] = c.WithinCompetence, c.ManySenders, c.Round
		set["remote_area"], set["classified_at"], set["complaint_subtype"] = c.Remote, c.ClassifiedAt.UTC(), c.Subtype
		set["elected_body"] = c.ElectedBody
	}
	if c := u.Complexity; c != nil {
		set["complexity"], set["complexity_criteria"], set["complexity_ref"] = string(c.Level), strings.Join(c.Criteria, ","), c.Ref
	}
	if a := u.Accepted; a != nil {
		set["accepted_at"], set["accept_decision_no"] = a.At.UTC(), a.DecisionNo
	}
	if u.OutcomeNote != nil {
		set["outcome_note"] = *u.OutcomeNote
	}
	if u.WithdrawalContinues != nil {
		set["withdrawal_continues"] = *u.WithdrawalContinues
	}
	if u.LeadUnitID != nil {
		set["lead_unit_id"] = *u.LeadUnitID
	}
}

// write applies a change in tx and appends its audit row.
func (s *WorkflowStore) write(ctx context.Context, tx *gorm.DB, st *petition.CaseState, ch *petition.Change, by access.Actor) ([]string, error) {
	at := ch.At.UTC()
	if at.IsZero() {
		return nil, errors.New("workflow change without a time")
	}
	// 0. A request key recorded already: the request is a repeat, and
	// the whole change rolls back.
	if ch.RequestKey != "" {
		r := tx.Exec("INSERT INTO case_requests (request_key, case_id, action, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING",
			ch.RequestKey, st.ID, string(ch.Action), at)
		if r.Error != nil {
			return nil, fmt.Errorf("request key: %w", r.Error)
		}
		if r.RowsAffected == 0 {
			return nil, petition.ErrRepeated
		}
	}
	// 1. The case row.
	set := map[string]any{"updated_at": at}
	caseColumns(ch.Case, set)
	if ch.Status != "" {
		set["status"] = string(ch.Status)
	}
	if ch.Due != nil {
		set["due_at"], set["due_rule"] = nullTime(ch.Due.At), ch.Due.RuleID
		set["due_explanation_vi"], set["due_explanation_en"] = ch.Due.Explanation.VI, ch.Due.Explanation.EN
	}
	if err := tx.Table("cases").Where("id = ?", st.ID).Updates(set).Error; err != nil {
		return nil, fmt.Errorf("update case: %w", err)
	}
	if err := sealIdentities(tx, []int64{st.ID}); err != nil {
		return nil, err
	}
	// 2. Coordinating units.
	if ch.Coordinating != nil {
		if err := tx.Exec("DELETE FROM case_units WHERE case_id = ? AND role = 'coordinate'", st.ID).Error; err != nil {
			return nil, err
		}
		for _, u := range *ch.Coordinating {
			if err := tx.Exec("INSERT INTO case_units (case_id, unit_id, role) VALUES (?, ?, 'coordinate')", st.ID, u).Error; err != nil {
				return nil, fmt.Errorf("coordinating unit: %w", err)
			}
		}
	}
	// 3. Clocks.
	for _, u := range ch.ClockUpdates {
		if err := s.updateClock(tx, st, u, at); err != nil {
			return nil, err
		}
	}
	for _, oc := range ch.OpenClocks {
		if _, err := insertClock(tx, oc, at); err != nil {
			return nil, err
		}
	}
	// 4. What the action produced.
	if a := ch.Answer; a != nil {
		if err := tx.Exec("UPDATE answers SET superseded_at = ? WHERE case_id = ? AND published_at IS NULL AND superseded_at IS NULL", at, st.ID).Error; err != nil {
			return nil, err
		}
		var ids []int64
		if err := scanRows(tx.Raw("INSERT INTO answers (case_id, body, signer, unit_id, letter_no, letter_date, drafted_by, drafted_by_label, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", st.ID, a.Body, a.Signer, nullID(a.UnitID), a.LetterNo, a.LetterDate, actorID(by),
			by.Label(), at), &ids); err != nil || len(ids) != 1 {
			return nil, fmt.Errorf("draft answer: %w", err)
		}
		for _, f := range a.Files {
			if err := tx.Exec("INSERT INTO attachments (case_id, answer_id, name, media_type, size, sha256, storage_key, created_at) "+
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?)", st.ID, ids[0], f.Name, f.Stored.MediaType, f.Stored.Size, f.Stored.SHA256, f.Stored.Key, at).Error; err != nil {
				return nil, fmt.Errorf("answer attachment: %w", err)
			}
		}
	}
	if p := ch.PublishAnswer; p != nil {
		r := tx.Exec("UPDATE answers SET published_at = ?, approved_by = ?, approved_by_label = ? WHERE id = ? AND case_id = ? "+
			"AND published_at IS NULL AND superseded_at IS NULL", p.At.UTC(), actorID(by), by.Label(), p.ID, st.ID)
		if r.Error != nil {
			return nil, fmt.Errorf("publish answer: %w", r.Error)
		}
		if r.RowsAffected != 1 {
			return nil, fmt.Errorf("publish answer %d: not a pending draft", p.ID)
		}
	}
	if c := ch.Contribution; c != nil {
		if err := tx.Exec("INSERT INTO case_contributions (case_id, unit_id, clock_id, body, author_id, author_label, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?)", st.ID, c.UnitID, nullID(c.ClockID), c.Body, actorID(by), by.Label(), at).Error; err != nil {
			return nil, fmt.Errorf("contribution: %w", err)
		}
	}
	if x := ch.Extension; x != nil {
		if err := s.writeExtension(tx, st, x, by, at); err != nil {
			return nil, err
		}
	}
	if d := ch.Decision; d != nil {
		detail := "{}"
		if d.Detail != nil {
			b, err := json.Marshal(d.Detail)
			if err != nil {
				return nil, err
			}
			detail = string(b)
		}
		if err := tx.Exec("INSERT INTO case_decisions (case_id, kind, decision_no, decided_at, reason, detail, actor_id, actor_label, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", st.ID, d.Kind, d.DecisionNo, d.At.UTC(), d.Reason, detail, actorID(by), by.Label(), at).Error; err != nil {
			return nil, fmt.Errorf("decision: %w", err)
		}
	}
	if c := ch.Chase; c != nil {
		if err := writeChase(tx, st.ID, ch, by, at); err != nil {
			return nil, err
		}
	}
	if len(ch.Notices) > 0 {
		if _, _, err := insertAlerts(tx, noticeAlerts(ch.NoticeSubject, ch.Notices), at); err != nil {
			return nil, err
		}
	}
	for _, e := range ch.Events {
		if err := insertEvent(tx, st.ID, e, at); err != nil {
			return nil, err
		}
	}
	var codes []string
	for _, c := range ch.Children {
		_, code, err := insertLinked(tx, st.ID, c.Relation, c.Case, by.Label(), at)
		if err != nil {
			return nil, err
		}
		codes = append(codes, code)
	}
	if e := ch.ChildEvent; e != nil {
		ev := *e
		ev.Note = strings.Join(codes, ", ")
		if err := insertEvent(tx, st.ID, ev, at); err != nil {
			return nil, err
		}
	}
	// 5. The audit row, in the same transaction.
	after := map[string]any{}
	for k, v := range ch.Audit {
		after[k] = v
	}
	after["status"] = string(st.Status)
	if ch.Status != "" {
		after["status"] = string(ch.Status)
	}
	if ch.Pending {
		after["pending"] = true
	}
	if len(codes) > 0 {
		after["children"] = codes
	}
	// The trail of a sealed case carries no identity either: the notes and
	// reasons staff typed are scrubbed as the case's views are.
	var sealed []bool
	if err := tx.Raw("SELECT identity_sealed FROM cases WHERE id = ?", st.ID).Scan(&sealed).Error; err != nil {
		return nil, err
	}
	if len(sealed) == 1 && sealed[0] {
		idt, err := readIdentity(tx, st.ID)
		if err != nil {
			return nil, err
		}
		scrubbed, err := scrubStrings(after, access.Scrubber(idt))
		if err != nil {
			return nil, err
		}
		after = scrubbed
	}
	before := map[string]any{"status": string(st.Status), "code": st.Code}
	if k := ch.Case.Kind; k != nil && *k != st.Kind {
		// A change of kind is audited with the old kind too: a kind
		// decides deadlines, and a denunciation's stays sealed after it.
		before["kind"] = string(st.Kind)
	}
	if err := recordAudit(ctx, tx, audit.Entry{At: at, ActorID: actorID(by), ActorLabel: by.Label(), Action: "case." + string(ch.Action),
		Entity: "case", EntityID: strconv.FormatInt(st.ID, 10), Before: before, After: after}); err != nil {
		return nil, err
	}
	return codes, nil
}

func (s *WorkflowStore) updateClock(tx *gorm.DB, st *petition.CaseState, u petition.ClockUpdate, at time.Time) error {
	var cur *petition.ClockState
	for i := range st.Clocks {
		if st.Clocks[i].ID == u.ID {
			cur = &st.Clocks[i]
		}
	}
	if cur == nil {
		return fmt.Errorf("clock %d is not the case's", u.ID)
	}
	var r *gorm.DB
	when := u.At.UTC()
	if when.IsZero() {
		when = at
	}
	switch {
	case u.Meet:
		// on_time is frozen here, once: only a running clock is met.
		r = tx.Exec("UPDATE case_clocks SET state = 'met', closed_at = ?, "+
			"on_time = "+caseclock.OnTimeAtSQL("?")+", updated_at = ? "+
			"WHERE id = ? AND state IN ('open', 'suspended')", when, when, at, u.ID)
	case u.Cancel && cur.Kind == caseclock.Contribution:
		// A coordinating unit's part made moot by the lead's answer: if its
		// own due time had already passed, the miss is recorded (on_time
		// false, frozen here), so the sub-deadline KPI never hides it.
		r = tx.Exec("UPDATE case_clocks SET state = 'cancelled', closed_at = ?, "+
			"on_time = "+caseclock.MissedAtSQL("?")+", updated_at = ? "+
			"WHERE id = ? AND state IN ('open', 'suspended')", when, when, at, u.ID)
	case u.Cancel:
		r = tx.Exec("UPDATE case_clocks SET state = 'cancelled', closed_at = ?, updated_at = ? WHERE id = ? AND state IN ('open', 'suspended')",
			when, at, u.ID)
	case u.Set:
		spec := ""
		if u.Spec != nil {
			b, err := json.Marshal(u.Spec)
			if err != nil {
				return err
			}
			spec = string(b)
		}
		set := map[string]any{"state": string(u.State), "due_at": nil, "clock": spec, "explanation_vi": u.ExplanationVI,
			"explanation_en": u.ExplanationEN, "extensions": u.Extensions, "updated_at": at}
		if u.DueAt != nil {
			set["due_at"] = u.DueAt.UTC()
		}
		// A moved due time re-arms the overdue sweep and the escalation
		// ladder for the new time (alerts are keyed by due time too).
		if !sameTime(cur.DueAt, u.DueAt) {
			set["late_flagged_at"], set["escalated_at"] = nil, nil
		}
		if u.UnitID != 0 {
			set["unit_id"] = u.UnitID
		}
		r = tx.Table("case_clocks").Where("id = ? AND state IN ('open', 'suspended')", u.ID).Updates(set)
	case u.UnitID != 0:
		r = tx.Exec("UPDATE case_clocks SET unit_id = ?, updated_at = ? WHERE id = ?", u.UnitID, at, u.ID)
	default:
		return nil
	}
	if r.Error != nil {
		return fmt.Errorf("update clock: %w", r.Error)
	}
	if r.RowsAffected != 1 {
		return fmt.Errorf("clock %d: not running", u.ID)
	}
	if (u.Meet || u.Cancel) && u.UnitID != 0 {
		return tx.Exec("UPDATE case_clocks SET unit_id = ? WHERE id = ?", u.UnitID, u.ID).Error
	}
	return nil
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// insertClock writes a clock with the spec it replays; a clock given MetAt
// is written met, its on-time fact frozen at once.
func insertClock(tx *gorm.DB, oc petition.OpenClock, at time.Time) (int64, error) {
	if !oc.Kind.Valid() || oc.CaseID == 0 || oc.Started.IsZero() {
		return 0, fmt.Errorf("open clock: case, kind and start are required (got case %d, kind %q)", oc.CaseID, oc.Kind)
	}
	spec := ""
	if oc.Spec.RuleID != "" {
		b, err := json.Marshal(oc.Spec)
		if err != nil {
			return 0, err
		}
		spec = string(b)
	}
	state, closed, onTime := "open", any(nil), any(nil)
	if oc.MetAt != nil {
		state, closed = "met", oc.MetAt.UTC()
		if !oc.DueAt.IsZero() {
			onTime = caseclock.OnTimeAt(oc.DueAt, *oc.MetAt)
		}
	}
	var ids []int64
	err := scanRows(tx.Raw("INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, clock, explanation_vi, "+
		"explanation_en, closed_at, on_time, uncomputed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		oc.CaseID, string(oc.Kind), oc.RuleID, nullID(oc.UnitID), oc.Started.UTC(), nullTime(oc.DueAt), state, spec, oc.ExplanationVI,
		oc.ExplanationEN, closed, onTime, oc.Uncomputed, at, at), &ids)
	if err != nil {
		return 0, fmt.Errorf("open clock: %w", err)
	}
	if len(ids) != 1 {
		return 0, errors.New("open clock: no id returned")
	}
	return ids[0], nil
}

// writeChase records a chase (a repeated one never gets here: its request
// key, Change.RequestKey, is refused first) and writes its notices: the
// ledger rows of the in-app inbox and their e-mails. The note of a sealed
// case is scrubbed of the identity, on the trail too.
func writeChase(tx *gorm.DB, caseID int64, ch *petition.Change, by access.Actor, at time.Time) error {
	c := ch.Chase
	var sealed []bool
	if err := tx.Raw("SELECT identity_sealed FROM cases WHERE id = ?", caseID).Scan(&sealed).Error; err != nil {
		return err
	}
	if len(sealed) == 1 && sealed[0] && c.Note != "" {
		idt, err := readIdentity(tx, caseID)
		if err != nil {
			return err
		}
		scrub := access.Scrubber(idt)
		c.Note = scrub(c.Note)
		for i := range ch.Events {
			if ch.Events[i].Kind == petition.EventChased {
				ch.Events[i].Note = scrub(ch.Events[i].Note)
			}
		}
		if _, ok := ch.Audit["note"]; ok {
			ch.Audit["note"] = c.Note
		}
	}
	var ids []int64
	if err := scanRows(tx.Raw("INSERT INTO case_chases (case_id, unit_id, note, actor_id, actor_label, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		caseID, c.UnitID, c.Note, actorID(by), by.Label(), at), &ids); err != nil || len(ids) != 1 {
		return fmt.Errorf("chase: %w", err)
	}
	// Each chase is its own subject in the alert ledger: two chases of a
	// unit in the same instant are two notices.
	subject := "chase:" + strconv.FormatInt(ids[0], 10)
	alerts := noticeAlerts(subject, c.Notices)
	if len(alerts) > 0 {
		if _, _, err := insertAlerts(tx, alerts, at); err != nil {
			return err
		}
	}
	return nil
}

// noticeAlerts are the ledger rows of a change's notices: in-app, with
// their e-mails when they have one.
func noticeAlerts(subject string, notices []petition.Notice) []alert.NewAlert {
	alerts := make([]alert.NewAlert, 0, len(notices))
	for _, n := range notices {
		a := alert.NewAlert{Subject: subject, CaseID: n.CaseID, Kind: n.Kind, Recipient: "account:" + strconv.FormatInt(n.AccountID, 10),
			AccountID: n.AccountID, DueAt: n.Key, InApp: true, Payload: n.Payload}
		if n.Email != "" {
			a.Deliveries = []alert.Delivery{{Channel: alert.ChannelEmail, Target: n.Email, Lang: n.Lang}}
		}
		alerts = append(alerts, a)
	}
	return alerts
}

func insertEvent(tx *gorm.DB, caseID int64, e petition.NewEvent, at time.Time) error {
	var due any
	if e.DueAt != nil {
		due = e.DueAt.UTC()
	}
	if err := tx.Exec("INSERT INTO case_events (case_id, kind, public, actor, unit_id, note, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		caseID, string(e.Kind), e.Public, e.Actor, nullID(e.UnitID), e.Note, due, at).Error; err != nil {
		return fmt.Errorf("case event: %w", err)
	}
	return nil
}

func (s *WorkflowStore) writeExtension(tx *gorm.DB, st *petition.CaseState, x *petition.ExtensionWrite, by access.Actor, at time.Time) error {
	if x.ID == 0 {
		var decidedBy, decidedAt any
		label := ""
		if x.State != "pending" {
			decidedBy, decidedAt, label = actorID(by), at, by.Label()
		}
		var ids []int64
		err := scanRows(tx.Raw("INSERT INTO case_extensions (case_id, clock_id, state, days, complexity, criteria, document_ref, reason, decision_no, "+
			"requested_by, requested_by_label, requested_at, decided_by, decided_by_label, decided_at, due_before, due_after) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			st.ID, x.ClockID, x.State, x.Days, x.Complexity, strings.Join(x.Criteria, ","), x.DocumentRef, x.Reason, x.DecisionNo,
			actorID(by), by.Label(), at, decidedBy, label, decidedAt, timePtrValue(x.DueBefore), timePtrValue(x.DueAfter)), &ids)
		if err != nil {
			return fmt.Errorf("extension: %w", err)
		}
		if len(ids) != 1 {
			return fmt.Errorf("extension: inserted %d rows", len(ids))
		}
		// The id goes back to the caller (petition.Result.ExtensionRequestID).
		x.ID = ids[0]
		return nil
	}
	r := tx.Exec("UPDATE case_extensions SET state = ?, decided_by = ?, decided_by_label = ?, decided_at = ?, decision_no = ?, "+
		"due_before = ?, due_after = ? WHERE id = ? AND case_id = ? AND state = 'pending'",
		x.State, actorID(by), by.Label(), at, x.DecisionNo, timePtrValue(x.DueBefore), timePtrValue(x.DueAfter), x.ID, st.ID)
	if r.Error != nil {
		return fmt.Errorf("decide extension: %w", r.Error)
	}
	if r.RowsAffected != 1 {
		return fmt.Errorf("extension request %d is not pending", x.ID)
	}
	return nil
}

func timePtrValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// bumpSequence issues the next tracking number of (agency, year) in tx; the
// row lock is held to commit, so numbers stay gap-free.
func bumpSequence(tx *gorm.DB, agency string, year, n int) (int64, error) {
	var last int64
	err := tx.Raw("INSERT INTO case_sequences (agency, year, issued) VALUES (?, ?, ?) "+
		"ON CONFLICT (agency, year) DO UPDATE SET issued = case_sequences.issued + excluded.issued RETURNING issued",
		agency, year, n).Scan(&last).Error
	if err != nil {
		return 0, fmt.Errorf("case sequence: %w", err)
	}
	return last, nil
}

// insertLinked writes a case made from parent: a part of a split letter or
// the follow-up of a disputed answer. It copies from the parent what the
// domain never reads: the petitioner's identity and the tracking secret's
// hash (so the citizen follows both cases with the same secret), and for a
// follow-up the units that worked on the case.
func insertLinked(tx *gorm.DB, parentID int64, relation string, nc petition.NewCase, by string, at time.Time) (int64, string, error) {
	seq, err := bumpSequence(tx, nc.Agency, nc.Year, 1)
	if err != nil {
		return 0, "", err
	}
	code := petition.FormatCode(nc.Agency, nc.Year, seq)
	lead := "NULL"
	if relation == "follow_up" {
		lead = "p.lead_unit_id"
	}
	received := nc.ReceivedAt.UTC()
	var ids []int64
	err = scanRows(tx.Raw("INSERT INTO cases (code, agency, year, seq, kind, channel, topic_id, plan_task_id, title, content, place, lang, "+
		"secret_salt, secret_hash, dedup_key, status, received_at, due_at, due_rule, due_explanation_vi, due_explanation_en, lead_unit_id, "+
		"registered_by, created_at, updated_at, identity_sealed) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(NULLIF(?, ''), p.content), ?, ?, p.secret_salt, p.secret_hash, ?, ?, ?, ?, ?, ?, ?, "+
		lead+", ?, ?, ?, p.identity_sealed FROM cases p WHERE p.id = ? RETURNING id",
		code, nc.Agency, nc.Year, seq, string(nc.Kind), string(nc.Channel), nullID(nc.TopicID), nullID(nc.PlanTaskID), nc.Title, nc.Content,
		nc.Place, nc.Lang, relation+":"+code, string(petition.StatusReceived), received, nullTime(nc.Due.At), nc.Due.RuleID,
		nc.Due.Explanation.VI, nc.Due.Explanation.EN, by, at, at, parentID), &ids)
	if err != nil {
		return 0, "", fmt.Errorf("insert %s case: %w", relation, err)
	}
	if len(ids) != 1 {
		return 0, "", fmt.Errorf("insert %s case: parent %d not found", relation, parentID)
	}
	id := ids[0]
	if err := tx.Exec("INSERT INTO case_identities (case_id, name, phone, email, address, id_number, phone_hash, email_hash, keep_secret, "+
		"consent_at, created_at) SELECT ?, name, phone, email, address, id_number, phone_hash, email_hash, keep_secret, consent_at, ? "+
		"FROM case_identities WHERE case_id = ?", id, at, parentID).Error; err != nil {
		return 0, "", fmt.Errorf("copy identity: %w", err)
	}
	// A child inherits its parent's seal (above) and is sealed in its own
	// right if it is a denunciation.
	if err := sealIdentities(tx, []int64{id}); err != nil {
		return 0, "", err
	}
	var leadID *int64
	if relation == "follow_up" {
		if err := tx.Exec("INSERT INTO case_units (case_id, unit_id, role) SELECT ?, unit_id, role FROM case_units WHERE case_id = ?", id, parentID).Error; err != nil {
			return 0, "", err
		}
		var leads []struct{ LeadUnitID *int64 }
		if err := tx.Raw("SELECT lead_unit_id FROM cases WHERE id = ?", id).Scan(&leads).Error; err != nil {
			return 0, "", err
		}
		if len(leads) == 1 {
			leadID = leads[0].LeadUnitID
		}
	}
	if err := tx.Exec("INSERT INTO case_links (case_id, parent_id, relation, created_at) VALUES (?, ?, ?, ?)", id, parentID, relation, at).Error; err != nil {
		return 0, "", fmt.Errorf("case link: %w", err)
	}
	if err := indexSearch(tx, []int64{id}); err != nil {
		return 0, "", err
	}
	var parentCode string
	if err := tx.Raw("SELECT code FROM cases WHERE id = ?", parentID).Scan(&parentCode).Error; err != nil {
		return 0, "", err
	}
	actor := by
	if actor == "" {
		actor = "petitioner"
	}
	for _, e := range []petition.NewEvent{
		{Kind: petition.EventReceived, Public: true},
		{Kind: petition.EventFollowUp, Actor: actor, Note: petition.LinkNote(relation, parentCode)},
	} {
		if err := insertEvent(tx, id, e, received); err != nil {
			return 0, "", err
		}
	}
	if nc.Due.RuleID != "" {
		oc := nc.FirstClock()
		oc.CaseID = id
		oc.UnitID = deref64(leadID)
		if _, err := insertClock(tx, oc, at); err != nil {
			return 0, "", err
		}
	}
	return id, code, nil
}

// Register implements petition.WorkflowStore: the same insert as intake
// (gap-free numbers, identity apart, first clock), in a transaction with
// the audit row.
func (s *WorkflowStore) Register(ctx context.Context, nc petition.NewCase, by access.Actor, at time.Time) (petition.IntakeResult, error) {
	var res petition.IntakeResult
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		r := &intakeReq{ctx: ctx, nc: nc}
		parts, err := s.ps.insertCases(tx, []*intakeReq{r}, nil, nil)
		if err != nil {
			return err
		}
		if err := s.ps.insertAll(tx, parts); err != nil {
			return err
		}
		// The search row again, now with the topic's names.
		if err := indexSearch(tx, []int64{r.res.CaseID}); err != nil {
			return err
		}
		res = r.res
		if err := recordAudit(ctx, tx, audit.Entry{At: at.UTC(), ActorID: actorID(by), ActorLabel: by.Label(), Action: "case.register",
			Entity: "case", EntityID: strconv.FormatInt(res.CaseID, 10),
			After: map[string]any{"code": res.Code, "kind": string(nc.Kind), "channel": string(nc.Channel), "received_at": nc.ReceivedAt.UTC(),
				"topic_id": nc.TopicID, "due_at": nullTime(nc.Due.At), "status": string(res.Status)}}); err != nil {
			return err
		}
		// The action decided on the case as registered, written as Apply
		// writes one.
		if nc.Then != nil {
			st, err := s.load(tx, res.CaseID)
			if err != nil {
				return err
			}
			ch, err := nc.Then(st)
			if err != nil {
				return err
			}
			if ch.Status != "" {
				res.Status = ch.Status
			}
			if _, err := s.write(ctx, tx, st, ch, by); err != nil {
				return err
			}
			if err := indexSearch(tx, []int64{res.CaseID}); err != nil {
				return err
			}
		}
		if nc.Linked != nil {
			id, err := writeLinked(ctx, tx, nc.Linked, res.CaseID, res.Code, by)
			if err != nil {
				return err
			}
			res.LinkedID = id
		}
		return nil
	})
	return res, err
}

// writeLinked writes the record registered with a case, naming it.
func writeLinked(ctx context.Context, tx *gorm.DB, l petition.Linked, caseID int64, code string, by access.Actor) (int64, error) {
	if v, ok := l.(reception.Session); ok {
		v.CaseID, v.CaseCode = caseID, code
		out, err := addSession(ctx, tx, v, by)
		return out.ID, err
	}
	return 0, fmt.Errorf("register: no way to write a linked %s", l.LinkedKind())
}

// PlanTaskUnits implements petition.WorkflowStore: the units a plan task
// names, a group expanded to its active members.
func (s *WorkflowStore) PlanTaskUnits(ctx context.Context, taskID int64) ([]petition.TaskUnit, error) {
	var rows []struct {
		UnitID  int64
		Role    string
		IsGroup bool
		Member  *int64
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT tu.unit_id, tu.role, u.is_group, m.unit_id AS member FROM plan_task_units tu "+
		"JOIN units u ON u.id = tu.unit_id LEFT JOIN unit_group_members m ON m.group_id = u.id "+
		"LEFT JOIN units mu ON mu.id = m.unit_id WHERE tu.task_id = ? AND (m.unit_id IS NULL OR mu.active) ORDER BY tu.position, tu.id, mu.name",
		taskID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("plan task units: %w", err)
	}
	var out []petition.TaskUnit
	for _, r := range rows {
		switch {
		case r.IsGroup && r.Member != nil:
			out = append(out, petition.TaskUnit{UnitID: *r.Member, Role: r.Role, FromGroup: true})
		case !r.IsGroup:
			out = append(out, petition.TaskUnit{UnitID: r.UnitID, Role: r.Role})
		}
	}
	return out, nil
}

// History implements petition.WorkflowStore: every event, public or not,
// with the unit's name.
func (s *WorkflowStore) History(ctx context.Context, caseID int64) ([]petition.Event, error) {
	return caseEvents(s.db.Gorm.WithContext(ctx), caseID, false)
}

// scrubStrings applies f to every string in v (as JSON would carry it).
func scrubStrings(v map[string]any, f func(string) string) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case string:
			return f(t)
		case map[string]any:
			for k, e := range t {
				t[k] = walk(e)
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e)
			}
		}
		return x
	}
	walk(out)
	return out, nil
}
