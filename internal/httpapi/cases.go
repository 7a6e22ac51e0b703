package httpapi

import (
	"context"
	"encoding/json"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/textfold"
)

// The case workflow: GET/POST /cases, GET /cases/{code} and one
// POST /cases/{code}/{action} per action of petition.Machine. Lists go
// through access.Cases.List, the one scoped case query the inbox uses too.

// ListCases implements GET /cases.
func (a *API) ListCases(ctx context.Context, req ListCasesRequestObject) (ListCasesResponseObject, error) {
	p := req.Params
	q := access.CaseQuery{OpenOnly: p.Open == nil || *p.Open, SoonUntil: a.SoonUntil(ctx)}
	if p.Q != nil {
		sq, why := textfold.Parse(*p.Q)
		if why != "" {
			return nil, fault.FieldError("q", why, map[string]any{"Max": textfold.MaxQuery})
		}
		q.Search = &sq
		q.OpenOnly = p.Open != nil && *p.Open
	}
	if p.Status != nil {
		q.Status = string(*p.Status)
	}
	if p.Kind != nil {
		q.Kind = string(*p.Kind)
	}
	if p.TopicId != nil {
		q.TopicID = *p.TopicId
	}
	if p.Limit != nil {
		q.Limit = *p.Limit
	}
	off, err := listOffset(p.Offset)
	if err != nil {
		return nil, err
	}
	q.Offset = off
	if p.Urgency != nil {
		if *p.Urgency == ListCasesParamsUrgencyChase {
			q.ToChase, q.ChaseUntil = true, a.ChaseUntil(ctx)
		} else {
			q.Urgency = access.Urgency(*p.Urgency)
		}
	}
	if p.Late != nil && *p.Late {
		if q.Urgency == access.UrgencyDueSoon {
			return nil, fault.FieldError("late", "report.bad_late", nil)
		}
		q.Urgency = access.UrgencyLate
	}
	if p.Unit != nil && *p.Unit != "" {
		units, err := a.Units.ListUnits(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.Code == *p.Unit {
				q.UnitID = u.ID
			}
		}
		if q.UnitID == 0 {
			return nil, fault.FieldError("unit", "workflow.unit_unknown", map[string]any{"Unit": *p.Unit})
		}
	}
	page, err := a.casePage(ctx, q)
	if err != nil {
		return nil, err
	}
	return ListCases200JSONResponse(page), nil
}

// RegisterCase implements POST /cases.
func (a *API) RegisterCase(ctx context.Context, req RegisterCaseRequestObject) (RegisterCaseResponseObject, error) {
	w := a.Workflow
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	in := petition.RegisterInput{Kind: petition.Kind(b.Kind), Channel: petition.Channel(b.Channel), ReceivedAt: b.ReceivedAt,
		TopicID: deref64(b.TopicId), Title: b.Title, Content: b.Content, Place: deref(b.Place), Name: deref(b.Name), Phone: deref(b.Phone),
		Email: deref(b.Email), Address: deref(b.Address), IDNumber: deref(b.IdNumber), KeepSecret: b.KeepIdentitySecret == nil || *b.KeepIdentitySecret,
		Lang: i18n.LangFrom(ctx)}
	res, err := w.Register(ctx, actor(ctx), in)
	if err != nil {
		return nil, err
	}
	d, err := a.caseDetail(ctx, res.CaseID)
	if err != nil {
		return nil, err
	}
	return RegisterCase201JSONResponse{Code: res.Code, Secret: res.Secret, Case: d}, nil
}

// GetCase implements GET /cases/{code}.
func (a *API) GetCase(ctx context.Context, req GetCaseRequestObject) (GetCaseResponseObject, error) {
	id, err := a.caseID(ctx, req.Code)
	if err != nil {
		return nil, err
	}
	d, err := a.caseDetail(ctx, id)
	if err != nil {
		return nil, err
	}
	return GetCase200JSONResponse(d), nil
}

func (a *API) caseID(ctx context.Context, code string) (int64, error) {
	w := a.Workflow
	return w.CaseIDByCode(ctx, code)
}

// act runs one workflow action on the case with code and returns the case
// as it is afterwards.
func (a *API) act(ctx context.Context, code string, in petition.Input) (CaseDetail, petition.Result, error) {
	w := a.Workflow
	id, err := w.CaseIDByCode(ctx, code)
	if err != nil {
		return CaseDetail{}, petition.Result{}, err
	}
	res, err := w.Do(ctx, actor(ctx), id, in)
	if err != nil {
		return CaseDetail{}, petition.Result{}, err
	}
	d, err := a.caseDetail(ctx, id)
	return d, res, err
}

// actedCase is the 200 answer of each endpoint that acts on a case and
// answers with the case as the action left it: the spec gives each
// endpoint its own type, and each is a CaseDetail.
type actedCase interface {
	ClassifyCase200JSONResponse | AcceptCase200JSONResponse | ForwardCase200JSONResponse |
		GuideCase200JSONResponse | RejectCase200JSONResponse | FileCase200JSONResponse |
		CloseCase200JSONResponse | ChaseCase200JSONResponse | StaffReopenCase200JSONResponse |
		AssignCase200JSONResponse | ApproveAnswer200JSONResponse | ContributeCase200JSONResponse |
		SuspendCase200JSONResponse | ResumeCase200JSONResponse | TerminateCase200JSONResponse |
		WithdrawCase200JSONResponse | SplitCase200JSONResponse | RefuseReception200JSONResponse |
		ScheduleDialogue200JSONResponse | RecordDialogue200JSONResponse | NotifyParties200JSONResponse |
		SuspensionSent200JSONResponse | ConclusionPublished200JSONResponse | ReportRequested200JSONResponse |
		ReportSent200JSONResponse | ReportedBack200JSONResponse | RefusalNoticeSent200JSONResponse |
		DialogueNoticeSent200JSONResponse
}

// acted takes the action in on the case with code and answers with the
// case afterwards, as the endpoint's own 200 type R. With an error, R is
// its zero value, which the strict handler never writes: it answers the
// error.
func acted[R actedCase](ctx context.Context, a *API, code string, in petition.Input) (R, error) {
	d, _, err := a.act(ctx, code, in)
	return R(d), err
}

// civilDate parses an optional YYYY-MM-DD.
func civilDate(field string, s *string) (calendar.Date, error) {
	if s == nil || *s == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(*s)
	if err != nil {
		return calendar.Date{}, fault.List{fault.FieldError(field, "workflow.date_invalid", nil)}
	}
	return d, nil
}

// ClassifyCase implements POST /cases/{code}/classify.
func (a *API) ClassifyCase(ctx context.Context, req ClassifyCaseRequestObject) (ClassifyCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	in := petition.ClassifyInput{Eligible: b.Eligible, WithinCompetence: b.WithinCompetence, IneligibleNote: deref(b.IneligibleNote),
		ManySenders: b.ManySenders != nil && *b.ManySenders, ComplexityRef: deref(b.ComplexityRef), Remote: b.RemoteArea != nil && *b.RemoteArea,
		Note: deref(b.Note), TopicID: deref64(b.TopicId)}
	if b.Kind != nil {
		in.Kind = petition.Kind(*b.Kind)
	}
	if b.IneligibleReason != nil {
		in.IneligibleReason = string(*b.IneligibleReason)
	}
	if b.Round != nil {
		in.Round = int(*b.Round)
	}
	if b.ComplaintSubtype != nil {
		in.Subtype = string(*b.ComplaintSubtype)
	}
	in.ElectedBody = b.ElectedBody != nil && *b.ElectedBody
	in.Dismissal = b.Dismissal != nil && *b.Dismissal
	if b.Complexity != nil {
		in.Complexity = string(*b.Complexity)
	}
	if b.Criteria != nil {
		for _, c := range *b.Criteria {
			in.Criteria = append(in.Criteria, string(c))
		}
	}
	if b.DecisionKnownOn != nil && *b.DecisionKnownOn != "" {
		known, err := calendar.ParseDate(*b.DecisionKnownOn)
		if err != nil {
			return nil, fault.FieldError("decision_known_on", "workflow.date_invalid", nil)
		}
		in.DecisionKnownOn = known
	}
	return acted[ClassifyCase200JSONResponse](ctx, a, req.Code, in)
}

// AcceptCase implements POST /cases/{code}/accept.
func (a *API) AcceptCase(ctx context.Context, req AcceptCaseRequestObject) (AcceptCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	on, err := civilDate("decided_on", req.Body.DecidedOn)
	if err != nil {
		return nil, err
	}
	return acted[AcceptCase200JSONResponse](ctx, a, req.Code, petition.AcceptInput{DecisionNo: deref(req.Body.DecisionNo), DecidedOn: on, Note: deref(req.Body.Note)})
}

// ForwardCase implements POST /cases/{code}/forward.
func (a *API) ForwardCase(ctx context.Context, req ForwardCaseRequestObject) (ForwardCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	return acted[ForwardCase200JSONResponse](ctx, a, req.Code, petition.ForwardInput{To: req.Body.To, Note: deref(req.Body.Note)})
}

func note(b *NoteInput) string {
	if b == nil {
		return ""
	}
	return deref(b.Note)
}

// GuideCase implements POST /cases/{code}/guide.
func (a *API) GuideCase(ctx context.Context, req GuideCaseRequestObject) (GuideCaseResponseObject, error) {
	return acted[GuideCase200JSONResponse](ctx, a, req.Code, petition.GuideInput{Note: note(req.Body)})
}

// RejectCase implements POST /cases/{code}/reject.
func (a *API) RejectCase(ctx context.Context, req RejectCaseRequestObject) (RejectCaseResponseObject, error) {
	return acted[RejectCase200JSONResponse](ctx, a, req.Code, petition.RejectInput{Note: note(req.Body)})
}

// FileCase implements POST /cases/{code}/file.
func (a *API) FileCase(ctx context.Context, req FileCaseRequestObject) (FileCaseResponseObject, error) {
	return acted[FileCase200JSONResponse](ctx, a, req.Code, petition.FileInput{Note: note(req.Body)})
}

// CloseCase implements POST /cases/{code}/close.
func (a *API) CloseCase(ctx context.Context, req CloseCaseRequestObject) (CloseCaseResponseObject, error) {
	return acted[CloseCase200JSONResponse](ctx, a, req.Code, petition.CloseInput{Note: note(req.Body)})
}

// ChaseCase implements POST /cases/{code}/chase.
func (a *API) ChaseCase(ctx context.Context, req ChaseCaseRequestObject) (ChaseCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	in := petition.ChaseInput{Unit: deref(req.Body.Unit), Note: deref(req.Body.Note), Key: deref(req.Params.IdempotencyKey)}
	return acted[ChaseCase200JSONResponse](ctx, a, req.Code, in)
}

// StaffReopenCase implements POST /cases/{code}/staff_reopen.
func (a *API) StaffReopenCase(ctx context.Context, req StaffReopenCaseRequestObject) (StaffReopenCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	return acted[StaffReopenCase200JSONResponse](ctx, a, req.Code, petition.StaffReopenInput{Reason: req.Body.Reason})
}

// AssignCase implements POST /cases/{code}/assign.
func (a *API) AssignCase(ctx context.Context, req AssignCaseRequestObject) (AssignCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	in := petition.AssignInput{Lead: b.Lead, Reason: deref(b.Reason), ContributionDaysBefore: b.ContributionDaysBefore}
	if b.Coordinating != nil {
		in.Coordinating = *b.Coordinating
	}
	return acted[AssignCase200JSONResponse](ctx, a, req.Code, in)
}

// AnswerCase implements POST /cases/{code}/answer: JSON, or multipart with
// the draft's files, read as the citizen's are (streamed to the file
// store, checked by content, at most MaxFiles of MaxFileSize each). The
// files are kept with a saved draft and discarded otherwise.
func (a *API) AnswerCase(ctx context.Context, req AnswerCaseRequestObject) (AnswerCaseResponseObject, error) {
	var in petition.AnswerInput
	var letterDate *string
	switch {
	case req.JSONBody != nil:
		b := req.JSONBody
		in = petition.AnswerInput{Body: b.Body, LetterNo: deref(b.LetterNo), Signer: deref(b.Signer)}
		letterDate = b.LetterDate
	case req.MultipartBody != nil:
		// An unknown case stores nothing.
		if _, err := a.Workflow.CaseIDByCode(ctx, req.Code); err != nil {
			return nil, err
		}
		form, err := petition.ReadForm(ctx, req.MultipartBody, a.Petitions.Files)
		if err != nil {
			return nil, err
		}
		in = petition.AnswerInput{Body: form.Value("body"), LetterNo: form.Value("letter_no"), Signer: form.Value("signer"), Files: form.Uploads}
		if v := form.Value("letter_date"); v != "" {
			letterDate = &v
		}
	default:
		return nil, ErrBadJSON
	}
	in.Key = deref(req.Params.IdempotencyKey)
	var (
		err error
		res petition.Result
	)
	defer func() {
		// A repeated request's files are discarded: the first request's
		// draft holds its own.
		a.Petitions.Service.Settle(context.WithoutCancel(ctx), in.Files, err == nil && !res.Repeated)
	}()
	if in.LetterDate, err = civilDate("letter_date", letterDate); err != nil {
		return nil, err
	}
	var d CaseDetail
	if d, res, err = a.act(ctx, req.Code, in); err != nil {
		return nil, err
	}
	return AnswerCase200JSONResponse(d), nil
}

// ApproveAnswer implements POST /cases/{code}/approve.
func (a *API) ApproveAnswer(ctx context.Context, req ApproveAnswerRequestObject) (ApproveAnswerResponseObject, error) {
	var id int64
	if req.Body != nil {
		id = deref64(req.Body.AnswerId)
	}
	return acted[ApproveAnswer200JSONResponse](ctx, a, req.Code, petition.ApproveInput{AnswerID: id})
}

// ContributeCase implements POST /cases/{code}/contribute.
func (a *API) ContributeCase(ctx context.Context, req ContributeCaseRequestObject) (ContributeCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	return acted[ContributeCase200JSONResponse](ctx, a, req.Code, petition.ContributeInput{Body: req.Body.Body})
}

// ExtendCase implements POST /cases/{code}/extend: 200 when the clock was
// extended, 202 when a request now waits for the right person.
func (a *API) ExtendCase(ctx context.Context, req ExtendCaseRequestObject) (ExtendCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	on, err := civilDate("decided_on", b.DecidedOn)
	if err != nil {
		return nil, err
	}
	in := petition.ExtendInput{Days: derefInt(b.Days), Reason: deref(b.Reason), DecisionNo: deref(b.DecisionNo), DecidedOn: on,
		DocumentRef: deref(b.DocumentRef), RequestID: deref64(b.RequestId), Refuse: b.Refuse != nil && *b.Refuse}
	if b.Complexity != nil {
		in.Complexity = string(*b.Complexity)
	}
	if b.Criteria != nil {
		for _, c := range *b.Criteria {
			in.Criteria = append(in.Criteria, string(c))
		}
	}
	d, res, err := a.act(ctx, req.Code, in)
	if err != nil {
		return nil, err
	}
	if res.Pending {
		// The 202 body is the case with the request's id beside it
		// (ExtensionRequested: allOf CaseDetail).
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		var out ExtendCase202JSONResponse
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		out.RequestId = res.ExtensionRequestID
		return out, nil
	}
	return ExtendCase200JSONResponse(d), nil
}

func decisionInput(b *DecisionInput) (petition.DecisionInput, error) {
	if b == nil {
		return petition.DecisionInput{}, ErrBadJSON
	}
	on, err := civilDate("decided_on", b.DecidedOn)
	if err != nil {
		return petition.DecisionInput{}, err
	}
	return petition.DecisionInput{Reason: b.Reason, DecisionNo: b.DecisionNo, DecidedOn: on}, nil
}

// SuspendCase implements POST /cases/{code}/suspend.
func (a *API) SuspendCase(ctx context.Context, req SuspendCaseRequestObject) (SuspendCaseResponseObject, error) {
	in, err := decisionInput(req.Body)
	if err != nil {
		return nil, err
	}
	return acted[SuspendCase200JSONResponse](ctx, a, req.Code, petition.SuspendInput(in))
}

// ResumeCase implements POST /cases/{code}/resume.
func (a *API) ResumeCase(ctx context.Context, req ResumeCaseRequestObject) (ResumeCaseResponseObject, error) {
	in, err := decisionInput(req.Body)
	if err != nil {
		return nil, err
	}
	return acted[ResumeCase200JSONResponse](ctx, a, req.Code, petition.ResumeInput(in))
}

// TerminateCase implements POST /cases/{code}/terminate.
func (a *API) TerminateCase(ctx context.Context, req TerminateCaseRequestObject) (TerminateCaseResponseObject, error) {
	in, err := decisionInput(req.Body)
	if err != nil {
		return nil, err
	}
	return acted[TerminateCase200JSONResponse](ctx, a, req.Code, petition.TerminateInput(in))
}

// WithdrawCase implements POST /cases/{code}/withdraw.
func (a *API) WithdrawCase(ctx context.Context, req WithdrawCaseRequestObject) (WithdrawCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	in := petition.WithdrawInput{Reason: req.Body.Reason}
	if req.Body.Continue != nil {
		for _, c := range *req.Body.Continue {
			in.Continue = append(in.Continue, string(c))
		}
	}
	return acted[WithdrawCase200JSONResponse](ctx, a, req.Code, in)
}

// SplitCase implements POST /cases/{code}/split.
func (a *API) SplitCase(ctx context.Context, req SplitCaseRequestObject) (SplitCaseResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	var in petition.SplitInput
	for _, p := range req.Body.Parts {
		in.Parts = append(in.Parts, petition.SplitPart{Kind: petition.Kind(p.Kind), Title: p.Title, Content: p.Content})
	}
	return acted[SplitCase200JSONResponse](ctx, a, req.Code, in)
}

// caseDetail builds the full view of a case for the caller: the file
// (content scrubbed and petitioner redacted by access.Cases.File) and the
// workflow's view (state, trail, allowed actions, proposal).
func (a *API) caseDetail(ctx context.Context, id int64) (CaseDetail, error) {
	w := a.Workflow
	by := actor(ctx)
	f, err := a.Cases.File(ctx, by, id)
	if err != nil {
		return CaseDetail{}, err
	}
	v, err := w.View(ctx, by, id)
	if err != nil {
		return CaseDetail{}, err
	}
	units, err := a.Units.ListUnits(ctx)
	if err != nil {
		return CaseDetail{}, err
	}
	byID, byCode := map[int64]org.Unit{}, map[string]string{}
	for _, u := range units {
		byID[u.ID] = u
		byCode[u.Code] = u.Name
	}
	unit := func(id int64) CaseUnit { return CaseUnit{Code: byID[id].Code, Name: byID[id].Name} }
	lang := i18n.LangFrom(ctx)
	cat := a.Petitions.Catalog
	st := v.State
	d := CaseDetail{Id: st.ID, Code: st.Code, Kind: PetitionKind(st.Kind), Channel: string(st.Channel), Title: f.Title,
		Status: CaseStatus(st.Status), ReceivedAt: st.ReceivedAt, DueAt: f.DueAt, Urgency: CaseDetailUrgency(a.urgency(ctx, f.CaseRef)),
		Content: f.Content, Place: f.Place, AcceptedAt: st.AcceptedAt, WithdrawalContinues: st.WithdrawalContinues,
		Petitioner: PetitionerView{Shown: f.Identity.Shown, Secret: f.Identity.Secret, Waived: f.Identity.Waived, CanReveal: f.Identity.CanReveal},
		Classification: CaseClassification{ClassifiedAt: st.Class.ClassifiedAt, Eligible: st.Class.Eligible, IneligibleReason: st.Class.IneligibleReason,
			IneligibleNote: st.Class.IneligibleNote, WithinCompetence: st.Class.WithinCompetence, ManySenders: st.Class.ManySenders,
			Round: max(st.Class.Round, 1), ComplaintSubtype: CaseClassificationComplaintSubtype(orDefault(st.Class.Subtype, petition.SubtypeAdministrative)), ElectedBody: st.Class.ElectedBody, Complexity: Complexity(orNone(string(st.Class.Complexity))), Criteria: orEmpty(st.Class.Criteria),
			ComplexityRef: st.Class.ComplexityRef, RemoteArea: st.Class.Remote},
		CoordinatingUnits: []CaseUnit{}, Clocks: []CaseClock{}, Answers: []CaseAnswer{}, Contributions: []CaseContribution{},
		Extensions: []CaseExtension{}, History: []CaseHistoryEntry{}, AllowedActions: []string{}, Children: []CaseLinkRef{}}
	d.Proposal.LeadCandidates, d.Proposal.Coordinating = []CaseUnit{}, []CaseUnit{}
	if f.Identity.Shown {
		d.Petitioner.Identity = identityJSON(f.Identity.Identity)
	}
	if st.TopicID != 0 {
		d.TopicId = ptr(st.TopicID)
	}
	if st.AcceptDecisionNo != "" {
		d.AcceptDecisionNo = ptr(st.AcceptDecisionNo)
	}
	if st.OutcomeNote != "" {
		d.OutcomeNote = ptr(st.OutcomeNote)
	}
	if st.LeadUnitID != 0 {
		d.LeadUnit = ptr(unit(st.LeadUnitID))
	}
	for _, u := range st.Coordinating {
		d.CoordinatingUnits = append(d.CoordinatingUnits, unit(u))
	}
	if mc := st.MainClock(); mc != nil {
		d.DueExplanation = ptr(explanation(mc, lang))
	}
	for _, c := range st.Clocks {
		cj := CaseClock{Id: c.ID, Kind: CaseClockKind(c.Kind), RuleId: c.RuleID, StartedAt: c.StartedAt, DueAt: c.DueAt, State: CaseClockState(c.State),
			ClosedAt: c.ClosedAt, OnTime: c.OnTime, LateFlaggedAt: c.LateFlaggedAt, EscalatedAt: c.EscalatedAt, Extensions: c.Extensions,
			Explanation: explanation(&c, lang)}
		if c.Uncomputed != "" {
			cj.Uncomputed = ptr(c.Uncomputed)
		}
		if c.UnitID != 0 {
			cj.Unit = ptr(byID[c.UnitID].Code)
		}
		d.Clocks = append(d.Clocks, cj)
	}
	for _, an := range st.Answers {
		aj := CaseAnswer{Id: an.ID, Body: an.Body, LetterNo: an.LetterNo, LetterDate: an.LetterDate, Signer: an.Signer, DraftedBy: an.DraftedByLabel,
			CreatedAt: an.CreatedAt, PublishedAt: an.PublishedAt, Superseded: an.SupersededAt != nil}
		if an.ApprovedByLabel != "" {
			aj.ApprovedBy = ptr(an.ApprovedByLabel)
		}
		d.Answers = append(d.Answers, aj)
	}
	var dialogues []CaseDialogue
	for _, r := range st.Dialogues {
		cd := CaseDialogue{Step: CaseDialogueStep(r.Action), DialogueOn: r.On.String(), RecordedAt: r.At, Time: nonEmpty(r.Time),
			Place: nonEmpty(r.Place), Participants: nonEmpty(r.Participants), MinutesRef: nonEmpty(r.Ref), Note: nonEmpty(r.Note)}
		if r.Outcome != "" {
			o := CaseDialogueOutcome(r.Outcome)
			cd.Outcome = &o
		}
		dialogues = append(dialogues, cd)
	}
	if len(dialogues) > 0 {
		d.Dialogues = &dialogues
	}
	for _, c := range st.Contributions {
		d.Contributions = append(d.Contributions, CaseContribution{Unit: byID[c.UnitID].Code, Body: c.Body, Author: c.AuthorLabel, CreatedAt: c.CreatedAt})
	}
	for _, x := range st.Extensions {
		xj := CaseExtension{Id: x.ID, State: CaseExtensionState(x.State), Days: x.Days, Reason: x.Reason, DecisionNo: x.DecisionNo,
			RequestedBy: x.RequestedByLabel, RequestedAt: x.RequestedAt, DecidedAt: x.DecidedAt, DueBefore: x.DueBefore, DueAfter: x.DueAfter}
		if x.Complexity != "" {
			xj.Complexity = ptr(x.Complexity)
		}
		if x.DecidedByLabel != "" {
			xj.DecidedBy = ptr(x.DecidedByLabel)
		}
		d.Extensions = append(d.Extensions, xj)
	}
	// The entries' text names people as the staff page does; Actor keeps
	// the audit label, for machines.
	var labels []string
	for _, e := range v.History {
		if f := petition.ParseNote(e.Kind, e.Note); f.By != "" {
			labels = append(labels, f.By)
		}
	}
	people, err := a.Accounts.People(ctx, by, labels)
	if err != nil {
		return CaseDetail{}, err
	}
	for _, e := range v.History {
		hj := CaseHistoryEntry{Kind: string(e.Kind), Public: e.Public, Actor: e.Actor, Note: e.Note, At: e.CreatedAt, DueAt: e.DueAt,
			Text: present.StaffEventTextNamed(cat, lang, e, a.Petitions.Location, func(code string) string { return byCode[code] }, people)}
		if e.UnitName != "" {
			hj.Unit = ptr(e.UnitName)
		}
		d.History = append(d.History, hj)
	}
	for _, act := range v.Allowed {
		d.AllowedActions = append(d.AllowedActions, string(act))
	}
	for _, u := range v.Proposal.LeadCandidates {
		d.Proposal.LeadCandidates = append(d.Proposal.LeadCandidates, unit(u))
	}
	for _, u := range v.Proposal.Coordinating {
		d.Proposal.Coordinating = append(d.Proposal.Coordinating, unit(u))
	}
	if p := st.Parent; p != nil {
		d.Parent = &CaseLinkRef{Code: p.Code, Relation: CaseLinkRefRelation(p.Relation), Kind: string(p.Kind), Status: string(p.Status)}
	}
	for _, c := range st.Children {
		d.Children = append(d.Children, CaseLinkRef{Code: c.Code, Relation: CaseLinkRefRelation(c.Relation), Kind: string(c.Kind), Status: string(c.Status)})
	}
	return d, nil
}

func explanation(c *petition.ClockState, lang string) string {
	if c.Kind == caseclock.Contribution || lang != "en" {
		if lang == "en" && c.ExplanationEN != "" {
			return c.ExplanationEN
		}
		return c.ExplanationVI
	}
	return c.ExplanationEN
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// nonEmpty is s, or nil when it is empty (an optional field left out).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
