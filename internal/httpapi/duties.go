package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/petition"
)

// duty records a duty's act, read from the request body b, on the case with
// code, and returns the case as it is afterwards.
func (a *API) duty(ctx context.Context, code string, act petition.Action, b *DutyInput) (CaseDetail, error) {
	if b == nil {
		return CaseDetail{}, ErrBadJSON
	}
	on, err := civilDate("done_on", b.DoneOn)
	if err != nil {
		return CaseDetail{}, err
	}
	in := petition.DutyInput{Act: act, DocumentRef: b.DocumentRef, Note: deref(b.Note), DoneOn: on, AccusedNotice: deref(b.AccusedNotice)}
	d, _, err := a.act(ctx, code, in)
	return d, err
}

// NotifyParties implements POST /cases/{code}/notify_parties.
func (a *API) NotifyParties(ctx context.Context, req NotifyPartiesRequestObject) (NotifyPartiesResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActNotifyParties, req.Body)
	if err != nil {
		return nil, err
	}
	return NotifyParties200JSONResponse(d), nil
}

// SuspensionSent implements POST /cases/{code}/suspension_sent.
func (a *API) SuspensionSent(ctx context.Context, req SuspensionSentRequestObject) (SuspensionSentResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActSuspensionSent, req.Body)
	if err != nil {
		return nil, err
	}
	return SuspensionSent200JSONResponse(d), nil
}

// ConclusionPublished implements POST /cases/{code}/conclusion_published.
func (a *API) ConclusionPublished(ctx context.Context, req ConclusionPublishedRequestObject) (ConclusionPublishedResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActConclusionPublished, req.Body)
	if err != nil {
		return nil, err
	}
	return ConclusionPublished200JSONResponse(d), nil
}

// ReportRequested implements POST /cases/{code}/report_requested.
func (a *API) ReportRequested(ctx context.Context, req ReportRequestedRequestObject) (ReportRequestedResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActReportRequested, req.Body)
	if err != nil {
		return nil, err
	}
	return ReportRequested200JSONResponse(d), nil
}

// ReportSent implements POST /cases/{code}/report_sent.
func (a *API) ReportSent(ctx context.Context, req ReportSentRequestObject) (ReportSentResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActReportSent, req.Body)
	if err != nil {
		return nil, err
	}
	return ReportSent200JSONResponse(d), nil
}

// ReportedBack implements POST /cases/{code}/reported_back.
func (a *API) ReportedBack(ctx context.Context, req ReportedBackRequestObject) (ReportedBackResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActReportedBack, req.Body)
	if err != nil {
		return nil, err
	}
	return ReportedBack200JSONResponse(d), nil
}

// RefusalNoticeSent implements POST /cases/{code}/refusal_notice_sent.
func (a *API) RefusalNoticeSent(ctx context.Context, req RefusalNoticeSentRequestObject) (RefusalNoticeSentResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActRefusalNoticeSent, req.Body)
	if err != nil {
		return nil, err
	}
	return RefusalNoticeSent200JSONResponse(d), nil
}

// RefuseReception implements POST /cases/{code}/refuse_reception.
func (a *API) RefuseReception(ctx context.Context, req RefuseReceptionRequestObject) (RefuseReceptionResponseObject, error) {
	in, err := decisionInput(req.Body)
	if err != nil {
		return nil, err
	}
	d, _, err := a.act(ctx, req.Code, petition.RefuseReceptionInput(in))
	if err != nil {
		return nil, err
	}
	return RefuseReception200JSONResponse(d), nil
}

// ScheduleDialogue implements POST /cases/{code}/schedule_dialogue.
func (a *API) ScheduleDialogue(ctx context.Context, req ScheduleDialogueRequestObject) (ScheduleDialogueResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	on, err := civilDate("dialogue_on", &b.DialogueOn)
	if err != nil {
		return nil, err
	}
	in := petition.ScheduleDialogueInput{On: on, Time: deref(b.Time), Place: b.Place, Participants: b.Participants, Note: deref(b.Note),
		Key: deref(req.Params.IdempotencyKey)}
	d, _, err := a.act(ctx, req.Code, in)
	if err != nil {
		return nil, err
	}
	return ScheduleDialogue200JSONResponse(d), nil
}

// DialogueNoticeSent implements POST /cases/{code}/dialogue_notice_sent.
func (a *API) DialogueNoticeSent(ctx context.Context, req DialogueNoticeSentRequestObject) (DialogueNoticeSentResponseObject, error) {
	d, err := a.duty(ctx, req.Code, petition.ActDialogueNoticeSent, req.Body)
	if err != nil {
		return nil, err
	}
	return DialogueNoticeSent200JSONResponse(d), nil
}

// RecordDialogue implements POST /cases/{code}/record_dialogue.
func (a *API) RecordDialogue(ctx context.Context, req RecordDialogueRequestObject) (RecordDialogueResponseObject, error) {
	if req.Body == nil {
		return nil, ErrBadJSON
	}
	b := req.Body
	on, err := civilDate("held_on", b.HeldOn)
	if err != nil {
		return nil, err
	}
	in := petition.RecordDialogueInput{Outcome: string(b.Outcome), MinutesRef: b.MinutesRef, HeldOn: on, Result: b.Result}
	d, _, err := a.act(ctx, req.Code, in)
	if err != nil {
		return nil, err
	}
	return RecordDialogue200JSONResponse(d), nil
}
