package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
)

// The case workflow's pages: the office's register form, one
// POST route per action of petition.Machine (guarded by the action's
// permission, then decided by the workflow), and the bulk assignment of
// the inbox. The case page itself is staff_cases.go's, with the workflow's
// sections.

func (s *Staff) mountWorkflow(e *echo.Echo) {
	req := s.Auth.Require
	e.GET("/staff/cases/new", s.registerForm, req(access.ActCaseRegister))
	e.POST("/staff/cases", s.register, req(access.ActCaseRegister))
	e.POST("/staff/inbox/assign", s.bulkAssign, req(access.ActCaseAssign))
	e.POST("/staff/inbox/chase", s.bulkChase, req(access.ActCaseChase))
	seen := map[petition.Action]bool{}
	for _, t := range petition.Machine {
		if seen[t.Action] || t.Perm == "" {
			continue
		}
		seen[t.Action] = true
		e.POST("/staff/cases/:id/"+string(t.Action), s.caseAction(t.Action), req(t.Perm))
	}
}

// caseAction takes one workflow action from a form on the case page. On
// success it redirects to the page (so a reload does not repeat it); on a
// refusal it shows the page again with the message and what was typed.
func (s *Staff) caseAction(a petition.Action) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			return access.ErrCaseNotFound
		}
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		in, err := inputFrom(a, form)
		var res petition.Result
		if ai, ok := in.(petition.AnswerInput); ok && err == nil {
			ai.Files, err = s.staffFiles(c)
			in = ai
			// Files are kept with a saved draft and discarded otherwise
			// (a repeated submit's: the first saved its own).
			defer func() {
				s.Pages.Intake.Service.Settle(context.WithoutCancel(c.Request().Context()), ai.Files, err == nil && !res.Repeated)
			}()
		}
		if err == nil {
			res, err = s.Workflow.Do(c.Request().Context(), accesshttp.Actor(c), id, in)
			if err == nil {
				done := string(a)
				if res.Pending {
					done = "extend_requested"
				}
				return c.Redirect(http.StatusSeeOther, "/staff/cases/"+strconv.FormatInt(id, 10)+"?done="+done)
			}
		}
		msgs, ierr := s.messages(c, err)
		if ierr != nil {
			return ierr
		}
		d, lerr := s.loadCase(c)
		if lerr != nil {
			return lerr
		}
		d.Errors, d.Form, d.FormAction = msgs, form, string(a)
		d.FieldErr = fieldErrors(err, msgs)
		return s.render(c, present.Status(err), "staff_case", "case.title", d)
	}
}

// fieldErrors pairs a refusal's field errors with their messages (msgs,
// one per error of the list, as refusals words them), by field: the first
// message of a field is shown beside it.
func fieldErrors(err error, msgs []string) map[string]string {
	out := map[string]string{}
	var list fault.List
	var one *fault.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one) && one.Field != "":
		list = fault.List{one}
	}
	if len(list) != len(msgs) {
		return out
	}
	for i, fe := range list {
		if _, dup := out[fe.Field]; fe.Field != "" && !dup {
			out[fe.Field] = msgs[i]
		}
	}
	return out
}

// staffFiles stores the files of a staff form (a draft answer's, a
// registered letter's scan; the form is multipart and the CSRF check has
// already parsed it), checked by content and size as the citizen's are.
func (s *Staff) staffFiles(c echo.Context) ([]petition.Upload, error) {
	mf := c.Request().MultipartForm
	if mf == nil {
		return nil, nil
	}
	ctx := c.Request().Context()
	var ups []petition.Upload
	for _, fh := range mf.File[petition.FieldFiles] {
		if fh.Filename == "" {
			continue
		}
		name := petition.CleanFileName(fh.Filename)
		f, err := fh.Open()
		if err == nil {
			var st petition.Stored
			st, err = s.Pages.Intake.Files.Put(ctx, f, petition.MaxFileSize, petition.DetectType)
			f.Close()
			if err == nil {
				ups = append(ups, petition.Upload{Name: name, Stored: st})
				continue
			}
		}
		s.Pages.Intake.Service.Settle(context.WithoutCancel(ctx), ups, false)
		if fe, ok := fault.As(err); ok && fe.Field == petition.FieldFiles {
			fe2 := *fe
			fe2.Args = map[string]any{"Name": name, "MaxMB": petition.MaxFileSize >> 20, "Max": petition.MaxFiles}
			return nil, fault.List{&fe2}
		}
		return nil, err
	}
	return ups, nil
}

// formDate reads an optional date field (the browser's date input sends
// YYYY-MM-DD).
func formDate(form url.Values, field string) (calendar.Date, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return calendar.Date{}, fault.List{fault.FieldError(field, "workflow.date_invalid", nil)}
	}
	return d, nil
}

func formBool(form url.Values, field string) bool {
	switch strings.ToLower(strings.TrimSpace(form.Get(field))) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

func formInt(form url.Values, field string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(form.Get(field)))
	return n
}

// inputFrom reads an action's form; field names are the API's.
func inputFrom(a petition.Action, f url.Values) (petition.Input, error) {
	decided, err := formDate(f, "decided_on")
	if err != nil {
		return nil, err
	}
	decision := petition.DecisionInput{Reason: f.Get("reason"), DecisionNo: f.Get("decision_no"), DecidedOn: decided}
	switch a {
	case petition.ActClassify:
		topic, _ := strconv.ParseInt(f.Get("topic_id"), 10, 64)
		known, err := formDate(f, "decision_known_on")
		if err != nil {
			return nil, err
		}
		return petition.ClassifyInput{DecisionKnownOn: known, Kind: petition.Kind(f.Get("kind")), TopicID: topic, Eligible: formBool(f, "eligible"),
			IneligibleReason: f.Get("ineligible_reason"), IneligibleNote: f.Get("ineligible_note"),
			WithinCompetence: formBool(f, "within_competence"), ManySenders: formBool(f, "many_senders"), Round: formInt(f, "round"),
			Subtype: f.Get("complaint_subtype"), ElectedBody: formBool(f, "elected_body"), Dismissal: formBool(f, "dismissal"), Complexity: f.Get("complexity"), Criteria: f["criteria"], ComplexityRef: f.Get("complexity_ref"),
			Remote: formBool(f, "remote_area"), Note: f.Get("note")}, nil
	case petition.ActAccept:
		return petition.AcceptInput{DecisionNo: f.Get("decision_no"), DecidedOn: decided, Note: f.Get("note")}, nil
	case petition.ActForward:
		return petition.ForwardInput{To: f.Get("to"), Note: f.Get("note")}, nil
	case petition.ActGuide:
		return petition.GuideInput{Note: f.Get("note")}, nil
	case petition.ActReject:
		return petition.RejectInput{Note: f.Get("note")}, nil
	case petition.ActFile:
		return petition.FileInput{Note: f.Get("note")}, nil
	case petition.ActClose:
		return petition.CloseInput{Note: f.Get("note")}, nil
	case petition.ActAssign:
		in := petition.AssignInput{Lead: f.Get("lead"), Coordinating: f["coordinating"], Reason: f.Get("reason")}
		if v := strings.TrimSpace(f.Get("contribution_days_before")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fault.List{fault.FieldError("contribution_days_before", "workflow.days_invalid", map[string]any{"Max": 30})}
			}
			in.ContributionDaysBefore = &n
		}
		return in, nil
	case petition.ActAnswer:
		date, err := formDate(f, "letter_date")
		if err != nil {
			return nil, err
		}
		return petition.AnswerInput{Body: f.Get("body"), LetterNo: f.Get("letter_no"), LetterDate: date, Signer: f.Get("signer"), Key: f.Get("key")}, nil
	case petition.ActApprove:
		id, _ := strconv.ParseInt(f.Get("answer_id"), 10, 64)
		return petition.ApproveInput{AnswerID: id}, nil
	case petition.ActContribute:
		return petition.ContributeInput{Body: f.Get("body")}, nil
	case petition.ActExtend:
		req, _ := strconv.ParseInt(f.Get("request_id"), 10, 64)
		return petition.ExtendInput{Days: formInt(f, "days"), Reason: f.Get("reason"), DecisionNo: f.Get("decision_no"), DecidedOn: decided,
			Complexity: f.Get("complexity"), Criteria: f["criteria"], DocumentRef: f.Get("document_ref"), RequestID: req,
			Refuse: formBool(f, "refuse")}, nil
	case petition.ActSuspend:
		return petition.SuspendInput(decision), nil
	case petition.ActResume:
		return petition.ResumeInput(decision), nil
	case petition.ActTerminate:
		return petition.TerminateInput(decision), nil
	case petition.ActRefuseReception:
		return petition.RefuseReceptionInput(decision), nil
	case petition.ActWithdraw:
		return petition.WithdrawInput{Reason: f.Get("reason"), Continue: f["continue"]}, nil
	case petition.ActScheduleDialogue:
		on, err := formDate(f, "dialogue_on")
		if err != nil {
			return nil, err
		}
		return petition.ScheduleDialogueInput{On: on, Time: f.Get("time"), Place: f.Get("place"), Participants: f.Get("participants"),
			Note: f.Get("note"), Key: f.Get("key")}, nil
	case petition.ActRecordDialogue:
		held, err := formDate(f, "held_on")
		if err != nil {
			return nil, err
		}
		return petition.RecordDialogueInput{Outcome: f.Get("outcome"), MinutesRef: f.Get("minutes_ref"), HeldOn: held, Result: f.Get("result")}, nil
	case petition.ActNotifyParties, petition.ActSuspensionSent, petition.ActConclusionPublished, petition.ActReportRequested, petition.ActReportSent, petition.ActReportedBack, petition.ActRefusalNoticeSent, petition.ActDialogueNoticeSent:
		done, err := formDate(f, "done_on")
		if err != nil {
			return nil, err
		}
		return petition.DutyInput{Act: a, DocumentRef: f.Get("document_ref"), Note: f.Get("note"), DoneOn: done,
			AccusedNotice: f.Get("accused_notice")}, nil
	case petition.ActChase:
		return petition.ChaseInput{Unit: f.Get("unit"), Note: f.Get("note"), Key: f.Get("key")}, nil
	case petition.ActStaffReopen:
		return petition.StaffReopenInput{Reason: f.Get("reason")}, nil
	case petition.ActSplit:
		var in petition.SplitInput
		kinds, titles, contents := f["part_kind"], f["part_title"], f["part_content"]
		for i := range kinds {
			if kinds[i] == "" && strings.TrimSpace(at(titles, i)) == "" && strings.TrimSpace(at(contents, i)) == "" {
				continue
			}
			in.Parts = append(in.Parts, petition.SplitPart{Kind: petition.Kind(kinds[i]), Title: at(titles, i), Content: at(contents, i)})
		}
		return in, nil
	}
	return nil, petition.ErrUnknownAction
}

func at(v []string, i int) string {
	if i < len(v) {
		return v[i]
	}
	return ""
}

// unitChoiceGroup is a group of the directory as the assign forms show
// it: its active members, each its own checkbox. Name "" holds the units
// of no group.
type unitChoiceGroup struct {
	Name  string
	Units []org.Unit
}

// unitChoices lays the active units out for the assign forms: each group
// expanded into its members, then the units of no group, each unit once.
func unitChoices(units []org.Unit) []unitChoiceGroup {
	byCode := map[string]org.Unit{}
	for _, u := range units {
		if u.Active && !u.IsGroup() {
			byCode[u.Code] = u
		}
	}
	shown := map[string]bool{}
	var out []unitChoiceGroup
	for _, g := range units {
		if !g.Active || !g.IsGroup() {
			continue
		}
		cg := unitChoiceGroup{Name: g.Name}
		for _, m := range g.Members {
			if u, ok := byCode[m]; ok && !shown[m] {
				shown[m] = true
				cg.Units = append(cg.Units, u)
			}
		}
		if len(cg.Units) > 0 {
			out = append(out, cg)
		}
	}
	rest := unitChoiceGroup{}
	for _, u := range units {
		if _, ok := byCode[u.Code]; ok && !shown[u.Code] {
			rest.Units = append(rest.Units, u)
		}
	}
	if len(rest.Units) > 0 {
		out = append(out, rest)
	}
	return out
}

// --- the case page's workflow sections -----------------------------------

type wfClock struct {
	Kind, Rule, Unit, Started, Due, Closed, State, Explanation string
	// Label names the step (present.ClockLabel).
	Label      string
	OnTime     *bool
	Extensions int
	Late       bool
}

type wfAnswer struct {
	petition.AnswerState
	Created, Published string
	Draft              bool
}

type wfEvent struct {
	At, Text, Actor string
	Public          bool
}

type wfContribution struct {
	Unit, Body, Author, At string
}

type wfExtension struct {
	petition.ExtensionState
	Requested, Decided, DueAfter string
}

// caseWorkflow is what the case page shows of the workflow.
type caseWorkflow struct {
	State         *petition.CaseState
	Allowed       map[string]bool
	Any           bool
	Clocks        []wfClock
	Answers       []wfAnswer
	Draft         *wfAnswer
	Contributions []wfContribution
	Extensions    []wfExtension
	Pending       *wfExtension
	MayDecide     bool
	History       []wfEvent
	LeadName      string
	Coordinating  []string
	Units         []org.Unit // units a case can be given to
	// Choices are the coordinating units' checkboxes, groups expanded.
	Choices       []unitChoiceGroup
	ProposedLead  string
	LeadOptions   []org.Unit // the plan's candidates, when it names a group
	ProposedCoord map[string]bool
	Topics        []petition.Topic
	Kinds         []petition.Kind
	Reasons       []string
	Criteria      []string
	Grounds       []string
	Today         string
	Received      string
	Parent        *petition.CaseLink
	Children      []petition.CaseLink
	// ChaseUnits are the units a chase may name (lead first).
	ChaseUnits []org.Unit
	// FormKey is the page's one-time key, sent by the forms whose double
	// submit must act once (chase, schedule a dialogue, answer): the
	// workflow keys it with the action and the case.
	FormKey string
	// Dialogues are the complaint's dialogues; DialogueBlocks says the
	// answer waits for one (a second or disciplinary complaint).
	Dialogues        []wfDialogue
	DialogueOutcomes []string
	DialogueBlocks   bool
	DialogueMin      string // the earliest date a dialogue can be scheduled
}

// wfDialogue is a dialogue step as the page shows it.
type wfDialogue struct {
	Scheduled                                   bool
	On, Time, Place, Participants, Outcome, Ref string
	Note, At                                    string
}

func (s *Staff) caseWorkflow(c echo.Context, id int64) (*caseWorkflow, error) {
	ctx := c.Request().Context()
	by := accesshttp.Actor(c)
	v, err := s.Workflow.View(ctx, by, id)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	st := v.State
	w := &caseWorkflow{State: st, Allowed: map[string]bool{}, MayDecide: v.MayDecideExtension, Kinds: petition.Kinds,
		Reasons: petition.IneligibleReasons, Criteria: petition.ComplexityCriteria, Grounds: petition.WithdrawalGrounds,
		Today: calendar.DateOf(s.Now(), s.Location).String(), Received: s.when(lang, &st.ReceivedAt), Parent: st.Parent, Children: st.Children,
		ProposedCoord: map[string]bool{}}
	for _, a := range v.Allowed {
		w.Allowed[string(a)], w.Any = true, true
	}
	units, err := s.Units.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	byID, byCode := map[int64]org.Unit{}, map[string]string{}
	unitNames := func(code string) string { return byCode[code] }
	for _, u := range units {
		byID[u.ID] = u
		byCode[u.Code] = u.Name
		if lang == i18n.EN && u.NameEN != "" {
			byCode[u.Code] = u.NameEN
		}
		if u.Active && !u.IsGroup() {
			w.Units = append(w.Units, u)
		}
	}
	w.Choices = unitChoices(units)
	// A closed case keeps the unit that worked on it, marked when the unit
	// was merged into another or retired since.
	name := func(id int64) string {
		u := byID[id]
		switch {
		case u.MergedInto != "":
			into := u.MergedInto
			for _, m := range units {
				if m.Code == into {
					into = m.Name
				}
			}
			return s.Pages.Catalog.T(lang, "unit.merged_into", map[string]any{"Name": u.Name, "Into": into})
		case u.ID != 0 && !u.Active:
			return s.Pages.Catalog.T(lang, "unit.retired_name", map[string]any{"Name": u.Name})
		}
		return u.Name
	}
	w.LeadName = name(st.LeadUnitID)
	for _, u := range st.Coordinating {
		w.Coordinating = append(w.Coordinating, name(u))
	}
	if w.Allowed[string(petition.ActChase)] {
		for _, u := range append([]int64{st.LeadUnitID}, st.Coordinating...) {
			if un, ok := byID[u]; ok {
				w.ChaseUnits = append(w.ChaseUnits, un)
			}
		}
	}
	w.FormKey = formKey()
	// The form proposes the current assignment, else the plan's.
	switch {
	case st.LeadUnitID != 0:
		w.ProposedLead = byID[st.LeadUnitID].Code
		for _, u := range st.Coordinating {
			w.ProposedCoord[byID[u].Code] = true
		}
	default:
		w.ProposedLead = byID[v.Proposal.Lead()].Code
		for _, u := range v.Proposal.Coordinating {
			w.ProposedCoord[byID[u].Code] = true
		}
	}
	if len(v.Proposal.LeadCandidates) > 1 {
		for _, u := range v.Proposal.LeadCandidates {
			w.LeadOptions = append(w.LeadOptions, byID[u])
		}
	}
	if w.Allowed["classify"] {
		if w.Topics, err = s.Pages.Intake.Service.Topics(ctx); err != nil {
			return nil, err
		}
	}
	// The trail, the drafts and the requests name colleagues by name and
	// unit, never by their account label.
	labels := []string{}
	for _, e := range v.History {
		labels = append(labels, e.Actor)
		if f := petition.ParseNote(e.Kind, e.Note); f.By != "" {
			labels = append(labels, f.By)
		}
	}
	for _, a := range st.Answers {
		labels = append(labels, a.DraftedByLabel, a.ApprovedByLabel)
	}
	for _, x := range st.Extensions {
		labels = append(labels, x.RequestedByLabel, x.DecidedByLabel)
	}
	for _, ct := range st.Contributions {
		labels = append(labels, ct.AuthorLabel)
	}
	people, err := s.Accounts.People(ctx, by, labels)
	if err != nil {
		return nil, err
	}
	who := func(label string) string {
		if label == "" {
			return ""
		}
		return present.Who(s.Pages.Catalog, lang, label, people)
	}
	now := s.Now()
	for _, k := range st.Clocks {
		wc := wfClock{Kind: string(k.Kind), Rule: k.RuleID, Unit: byID[k.UnitID].Name, Started: s.when(lang, &k.StartedAt), Due: s.when(lang, k.DueAt),
			Closed: s.when(lang, k.ClosedAt), State: string(k.State), OnTime: k.OnTime, Extensions: k.Extensions, Late: k.LateAt(now),
			Explanation: k.ExplanationVI, Label: present.ClockLabel(s.Pages.Catalog, lang, string(k.Kind), k.RuleID)}
		if lang == i18n.EN && k.ExplanationEN != "" {
			wc.Explanation = k.ExplanationEN
		}
		if k.DueAt != nil {
			wc.Due = present.TimeIn(*k.DueAt, s.Location, lang, s.Pages.Catalog)
		}
		w.Clocks = append(w.Clocks, wc)
	}
	for _, a := range st.Answers {
		wa := wfAnswer{AnswerState: a, Created: s.when(lang, &a.CreatedAt), Published: s.when(lang, a.PublishedAt),
			Draft: a.PublishedAt == nil && a.SupersededAt == nil}
		wa.DraftedByLabel, wa.ApprovedByLabel = who(a.DraftedByLabel), who(a.ApprovedByLabel)
		w.Answers = append(w.Answers, wa)
		if wa.Draft {
			d := wa
			w.Draft = &d
		}
	}
	for _, ct := range st.Contributions {
		w.Contributions = append(w.Contributions, wfContribution{Unit: byID[ct.UnitID].Name, Body: ct.Body, Author: who(ct.AuthorLabel), At: s.when(lang, &ct.CreatedAt)})
	}
	for _, x := range st.Extensions {
		wx := wfExtension{ExtensionState: x, Requested: s.when(lang, &x.RequestedAt), Decided: s.when(lang, x.DecidedAt), DueAfter: s.dueText(c, x.DueAfter)}
		wx.RequestedByLabel, wx.DecidedByLabel = who(x.RequestedByLabel), who(x.DecidedByLabel)
		w.Extensions = append(w.Extensions, wx)
		if x.State == "pending" {
			p := wx
			w.Pending = &p
		}
	}
	w.DialogueOutcomes = petition.DialogueOutcomes
	if w.Allowed[string(petition.ActScheduleDialogue)] {
		// The same date the scheduling refuses below (its notice would be
		// past due already).
		first, err := s.Workflow.EarliestDialogue(ctx, st)
		if err != nil {
			return nil, err
		}
		w.DialogueMin = first.String()
	}
	w.DialogueBlocks = st.DialogueRequired() && !st.DialogueSettled() && st.Status.Working()
	for _, r := range st.Dialogues {
		w.Dialogues = append(w.Dialogues, wfDialogue{Scheduled: r.Action == petition.ActScheduleDialogue, On: r.On.String(), Time: r.Time,
			Place: r.Place, Participants: r.Participants, Outcome: r.Outcome, Ref: r.Ref, Note: r.Note, At: s.when(lang, &r.At)})
	}
	for _, e := range v.History {
		w.History = append(w.History, wfEvent{At: s.when(lang, &e.CreatedAt), Text: present.StaffEventTextNamed(s.Pages.Catalog, lang, e, s.Location, unitNames, people),
			Actor: who(e.Actor), Public: e.Public})
	}
	return w, nil
}

// OnTimeText is how the page reads a frozen on-time fact.
func (c wfClock) OnTimeText() string {
	switch {
	case c.OnTime == nil:
		return ""
	case *c.OnTime:
		return "yes"
	}
	return "no"
}

// --- register -------------------------------------------------------------

// registerLabels name the register form's fields in its error summary,
// each a link to its field (registerIDs).
var registerLabels = map[string]string{"channel": "wf.channel", "received_at": "register.received_at", petition.FieldKind: "case.kind",
	petition.FieldTopic: "inbox.topic", petition.FieldTitle: "petition.form.title", petition.FieldContent: "petition.form.content",
	petition.FieldPlace: "petition.form.place", petition.FieldName: "identity.name", petition.FieldPhone: "identity.phone",
	petition.FieldEmail: "identity.email", petition.FieldAddress: "identity.address", "id_number": "identity.id_number",
	petition.FieldFiles: "register.files"}

var registerIDs = map[string]string{"channel": "reg-channel", "received_at": "reg-received", petition.FieldKind: "reg-kind",
	petition.FieldTopic: "reg-topic", petition.FieldTitle: "reg-title", petition.FieldContent: "reg-content", petition.FieldPlace: "reg-place",
	petition.FieldName: "reg-name", petition.FieldPhone: "reg-phone", petition.FieldEmail: "reg-email", petition.FieldAddress: "reg-address",
	"id_number": "reg-id", petition.FieldFiles: "reg-files"}

// registerError is one line of the register form's summary: the field's
// label, its id for the link, and the message shown beside it too.
type registerError struct {
	Label, ID, Message string
}

type registerData struct {
	Form     url.Values
	Errors   []string
	Summary  []registerError
	FieldErr map[string]string
	// Rejected names the files that were not kept: a refused form is shown
	// again without them, so they must be chosen again.
	Rejected []string
	MaxMB    int64
	MaxFiles int
	Topics   []petition.Topic
	Kinds    []petition.Kind
	Channels []petition.Channel
	Now      string
}

func (s *Staff) registerData(c echo.Context, form url.Values) (registerData, error) {
	d := registerData{Form: form, Kinds: petition.Kinds, Channels: petition.StaffChannels, FieldErr: map[string]string{},
		MaxMB: petition.MaxFileSize >> 20, MaxFiles: petition.MaxFiles,
		Now: s.Now().In(s.Location).Format("2006-01-02T15:04")}
	var err error
	if d.Topics, err = s.Pages.Intake.Service.Topics(c.Request().Context()); err != nil {
		return d, err
	}
	return d, nil
}

func (s *Staff) registerForm(c echo.Context) error {
	d, err := s.registerData(c, url.Values{"keep_identity_secret": {"1"}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "staff_register", "register.title", d)
}

func (s *Staff) register(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var in petition.RegisterInput
	in.Kind, in.Channel = petition.Kind(form.Get("kind")), petition.Channel(form.Get("channel"))
	in.TopicID, _ = strconv.ParseInt(form.Get("topic_id"), 10, 64)
	in.Title, in.Content, in.Place = form.Get("title"), form.Get("content"), form.Get("place")
	in.Name, in.Phone, in.Email, in.Address, in.IDNumber = form.Get("name"), form.Get("phone"), form.Get("email"), form.Get("address"), form.Get("id_number")
	in.KeepSecret, in.Lang = formBool(form, "keep_identity_secret"), i18n.LangFrom(c.Request().Context())
	if v := strings.TrimSpace(form.Get("received_at")); v != "" {
		// datetime-local: a Hà Nội wall time.
		if t, perr := time.ParseInLocation("2006-01-02T15:04", v, s.Location); perr == nil {
			in.ReceivedAt = t.UTC()
		} else {
			err = fault.List{fault.FieldError("received_at", "workflow.date_invalid", nil)}
		}
	}
	var res petition.Result
	if err == nil {
		// The scanned letter: stored and checked as the citizen's files
		// are, kept with the case, discarded when it is refused.
		in.Files, err = s.staffFiles(c)
	}
	if err == nil {
		res, err = s.Workflow.Register(c.Request().Context(), accesshttp.Actor(c), in)
		s.Pages.Intake.Service.Settle(context.WithoutCancel(c.Request().Context()), in.Files, err == nil)
	}
	if err != nil {
		d, derr := s.registerData(c, form)
		if derr != nil {
			return derr
		}
		if d.Errors, derr = s.messages(c, err); derr != nil {
			return derr
		}
		d.FieldErr = fieldErrors(err, d.Errors)
		lang := i18n.LangFrom(c.Request().Context())
		var list fault.List
		var one *fault.Error
		if !errors.As(err, &list) && errors.As(err, &one) {
			list = fault.List{one}
		}
		for i, fe := range list {
			if i >= len(d.Errors) {
				break
			}
			re := registerError{Message: d.Errors[i], ID: registerIDs[fe.Field]}
			if l, ok := registerLabels[fe.Field]; ok {
				re.Label = s.Pages.Catalog.T(lang, l, nil)
			}
			d.Summary = append(d.Summary, re)
		}
		for _, u := range in.Files {
			d.Rejected = append(d.Rejected, u.Name)
		}
		if mf := c.Request().MultipartForm; mf != nil && len(in.Files) == 0 {
			for _, fh := range mf.File[petition.FieldFiles] {
				if fh.Filename != "" {
					d.Rejected = append(d.Rejected, petition.CleanFileName(fh.Filename))
				}
			}
		}
		return s.render(c, present.Status(err), "staff_register", "register.title", d)
	}
	// The secret is shown once, in this response: never in a URL.
	c.SetParamNames("id")
	c.SetParamValues(strconv.FormatInt(res.CaseID, 10))
	d, err := s.loadCase(c)
	if err != nil {
		return err
	}
	d.Registered = &res
	if res.Receipt != nil {
		// The citizen at the counter takes the receipt away: the code, the
		// secret, the dates and how to follow the case, nothing of who
		// sent it.
		rc := s.Pages.receiptData(i18n.LangFrom(c.Request().Context()), *res.Receipt)
		d.Receipt = &rc
		base := s.Pages.BaseURL
		if base == "" {
			base = c.Scheme() + "://" + c.Request().Host
		}
		d.TrackURL = base + PathTrack + "?code=" + url.QueryEscape(res.Code)
	}
	return s.render(c, http.StatusCreated, "staff_case", "case.title", d)
}

// --- bulk assignment --------------------------------------------------------

type bulkResult struct {
	Assigned int
	// Chased counts the cases chased, Repeated those a repeated submit
	// had already chased.
	Chased   int
	Repeated int
	Failed   []string
}

// formKey is a form's one-time key: a repeated submit of the same form
// (a double click, a reload) is recognised and done once.
func formKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// bulkChase chases the lead unit of several cases of the inbox, each in
// its own transaction with its own audit row; the form's key makes a
// repeated submit chase none twice.
func (s *Staff) bulkChase(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	by := accesshttp.Actor(c)
	lang := i18n.LangFrom(ctx)
	res := &bulkResult{}
	in := petition.ChaseInput{Note: form.Get("chase_note"), Key: form.Get("key")}
	for _, v := range form["case"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		r, err := s.Workflow.Do(ctx, by, id, in)
		if err != nil {
			msgs, ierr := s.messages(c, err)
			if ierr != nil {
				return ierr
			}
			code := v
			if st, lerr := s.Workflow.Load(ctx, by, id); lerr == nil {
				code = st.Code
			}
			res.Failed = append(res.Failed, code+": "+strings.Join(msgs, " "))
			continue
		}
		if r.Repeated {
			res.Repeated++
		} else {
			res.Chased++
		}
	}
	if len(form["case"]) == 0 {
		res.Failed = append(res.Failed, s.Pages.Catalog.T(lang, "inbox.bulk_none", nil))
	}
	return s.renderInbox(c, res)
}

// bulkAssign gives several cases of the inbox to the same units, each in
// its own transaction: one refusal does not undo the others, and each is
// reported with its code.
func (s *Staff) bulkAssign(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	by := accesshttp.Actor(c)
	in := petition.AssignInput{Lead: form.Get("lead"), Coordinating: form["coordinating"], Reason: form.Get("reason")}
	res := &bulkResult{}
	lang := i18n.LangFrom(ctx)
	for _, v := range form["case"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		if _, err := s.Workflow.Do(ctx, by, id, in); err != nil {
			msgs, ierr := s.messages(c, err)
			if ierr != nil {
				return ierr
			}
			code := v
			if st, lerr := s.Workflow.Load(ctx, by, id); lerr == nil {
				code = st.Code
			}
			res.Failed = append(res.Failed, code+": "+strings.Join(msgs, " "))
			continue
		}
		res.Assigned++
	}
	if len(form["case"]) == 0 {
		res.Failed = append(res.Failed, s.Pages.Catalog.T(lang, "inbox.bulk_none", nil))
	}
	return s.renderInbox(c, res)
}
