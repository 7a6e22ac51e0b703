package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/petition"
)

// duty records a duty's act, read from the request body b, on the case with
// code, and answers with the case as it is afterwards, as acted does.
func duty[R actedCase](ctx context.Context, a *API, code string, act petition.Action, b *DutyInput) (R, error) {
	var none R
	if b == nil {
		return none, ErrBadJSON
	}
	on, err := civilDate("done_on", b.DoneOn)
	if err != nil {
		return none, err
	}
	in := petition.DutyInput{Act: act, DocumentRef: b.DocumentRef, Note: deref(b.Note), DoneOn: on, AccusedNotice: deref(b.AccusedNotice)}
	return acted[R](ctx, a, code, in)
}

// NotifyParties implements POST /cases/{code}/notify_parties.
func (a *API) NotifyParties(ctx context.Context, req NotifyPartiesRequestObject) (NotifyPartiesResponseObject, error) {
	return duty[NotifyParties200JSONResponse](ctx, a, req.Code, petition.ActNotifyParties, req.Body)
}

// SuspensionSent implements POST /cases/{code}/suspension_sent.
func (a *API) SuspensionSent(ctx context.Context, req SuspensionSentRequestObject) (SuspensionSentResponseObject, error) {
	return duty[SuspensionSent200JSONResponse](ctx, a, req.Code, petition.ActSuspensionSent, req.Body)
}

// ConclusionPublished implements POST /cases/{code}/conclusion_published.
func (a *API) ConclusionPublished(ctx context.Context, req ConclusionPublishedRequestObject) (ConclusionPublishedResponseObject, error) {
	return duty[ConclusionPublished200JSONResponse](ctx, a, req.Code, petition.ActConclusionPublished, req.Body)
}

// ReportRequested implements POST /cases/{code}/report_requested.
func (a *API) ReportRequested(ctx context.Context, req ReportRequestedRequestObject) (ReportRequestedResponseObject, error) {
	return duty[ReportRequested200JSONResponse](ctx, a, req.Code, petition.ActReportRequested, req.Body)
}

// ReportSent implements POST /cases/{code}/report_sent.
func (a *API) ReportSent(ctx context.Context, req ReportSentRequestObject) (ReportSentResponseObject, error) {
	return duty[ReportSent200JSONResponse](ctx, a, req.Code, petition.ActReportSent, req.Body)
}

// ReportedBack implements POST /cases/{code}/reported_back.
func (a *API) ReportedBack(ctx context.Context, req ReportedBackRequestObject) (ReportedBackResponseObject, error) {
	return duty[ReportedBack200JSONResponse](ctx, a, req.Code, petition.ActReportedBack, req.Body)
}

// RefusalNoticeSent implements POST /cases/{code}/refusal_notice_sent.
func (a *API) RefusalNoticeSent(ctx context.Context, req RefusalNoticeSentRequestObject) (RefusalNoticeSentResponseObject, error) {
	return duty[RefusalNoticeSent200JSONResponse](ctx, a, req.Code, petition.ActRefusalNoticeSent, req.Body)
}

// RefuseReception implements POST /cases/{code}/refuse_reception.
func (a *API) RefuseReception(ctx context.Context, req RefuseReceptionRequestObject) (RefuseReceptionResponseObject, error) {
	in, err := decisionInput(req.Body)
	if err != nil {
		return nil, err
	}
	return acted[RefuseReception200JSONResponse](ctx, a, req.Code, petition.RefuseReceptionInput(in))
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
	return acted[ScheduleDialogue200JSONResponse](ctx, a, req.Code, in)
}

// DialogueNoticeSent implements POST /cases/{code}/dialogue_notice_sent.
func (a *API) DialogueNoticeSent(ctx context.Context, req DialogueNoticeSentRequestObject) (DialogueNoticeSentResponseObject, error) {
	return duty[DialogueNoticeSent200JSONResponse](ctx, a, req.Code, petition.ActDialogueNoticeSent, req.Body)
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
	return acted[RecordDialogue200JSONResponse](ctx, a, req.Code, in)
}
