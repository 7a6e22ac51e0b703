package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/fault"
)

func (a *API) urgency(ctx context.Context, c access.CaseRef) string {
	u := string(c.UrgencyAt(a.Now(), a.SoonUntil(ctx)))
	if u == "" {
		return "none"
	}
	return u
}

// unitsByID maps every unit's id to its code and name, for the case list's
// coordinating units (one query per request, not per case).
func (a *API) unitsByID(ctx context.Context) (map[int64]CaseUnit, error) {
	units, err := a.Units.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]CaseUnit, len(units))
	for _, u := range units {
		out[u.ID] = CaseUnit{Code: u.Code, Name: u.Name}
	}
	return out, nil
}

// staffCase is a case as lists show it: the lead and the coordinating
// units as {code, name}, the same shape as the case detail's.
func (a *API) staffCase(ctx context.Context, c access.CaseRef, units map[int64]CaseUnit) StaffCase {
	// One reading of the clock per case, so that urgency and late agree
	// even at the instant a case falls due.
	urgency := a.urgency(ctx, c)
	s := StaffCase{Id: c.ID, Code: c.Code, Kind: StaffCaseKind(c.Kind), Title: c.Title, Status: c.Status,
		ReceivedAt: c.ReceivedAt, DueAt: c.DueAt, Urgency: StaffCaseUrgency(urgency), Late: urgency == string(access.UrgencyLate),
		CoordinatingUnits: make([]CaseUnit, 0, len(c.Scope.CoordinatingUnitIDs))}
	if c.LeadUnitCode != "" {
		s.LeadUnit = &CaseUnit{Code: c.LeadUnitCode, Name: c.LeadUnitName}
	}
	for _, id := range c.Scope.CoordinatingUnitIDs {
		s.CoordinatingUnits = append(s.CoordinatingUnits, units[id])
	}
	if c.Snippet != nil {
		snip := make([]SnippetSegment, 0, len(c.Snippet))
		for _, g := range c.Snippet {
			snip = append(snip, SnippetSegment{Text: g.Text, Match: g.Match})
		}
		s.Snippet = &snip
		of := StaffCaseSnippetOfContent
		switch {
		case c.SnippetOfTitle:
			of = StaffCaseSnippetOfTitle
		case c.SnippetOfPetitioner:
			of = StaffCaseSnippetOfPetitioner
		}
		s.SnippetOf = &of
	}
	return s
}

// ListStaffCases implements GET /staff/cases: the actor's inbox, scoped in
// SQL by access.ListScope.
func (a *API) ListStaffCases(ctx context.Context, req ListStaffCasesRequestObject) (ListStaffCasesResponseObject, error) {
	q := access.CaseQuery{OpenOnly: true, Limit: deref(req.Params.Limit)}
	var err error
	if q.Offset, err = listOffset(req.Params.Offset); err != nil {
		return nil, err
	}
	page, err := a.casePage(ctx, q)
	if err != nil {
		return nil, err
	}
	return ListStaffCases200JSONResponse(page), nil
}

// casePage reads the page q of the cases the actor may see, scoped in SQL
// by access.ListScope, as both staff lists answer it.
func (a *API) casePage(ctx context.Context, q access.CaseQuery) (ListCases200JSONResponse, error) {
	list, total, err := a.Cases.Page(ctx, actor(ctx), q)
	if err != nil {
		return ListCases200JSONResponse{}, err
	}
	units, err := a.unitsByID(ctx)
	if err != nil {
		return ListCases200JSONResponse{}, err
	}
	cases := mapped(list, func(c access.CaseRef) StaffCase { return a.staffCase(ctx, c, units) })
	return ListCases200JSONResponse{Cases: cases, Total: total, NextOffset: nextOffset(q.Offset, len(list), total)}, nil
}

// GetStaffCase implements GET /staff/cases/{id}. The petitioner goes
// through access.ViewIdentity; a denouncer's identity never appears here.
func (a *API) GetStaffCase(ctx context.Context, req GetStaffCaseRequestObject) (GetStaffCaseResponseObject, error) {
	f, err := a.Cases.File(ctx, actor(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	units, err := a.unitsByID(ctx)
	if err != nil {
		return nil, err
	}
	s := a.staffCase(ctx, f.CaseRef, units)
	out := GetStaffCase200JSONResponse{Id: s.Id, Code: s.Code, Kind: StaffCaseFileKind(s.Kind), Title: s.Title, Status: s.Status,
		ReceivedAt: s.ReceivedAt, DueAt: s.DueAt, LeadUnit: s.LeadUnit, CoordinatingUnits: s.CoordinatingUnits, Late: s.Late,
		Urgency: StaffCaseFileUrgency(s.Urgency),
		Content: f.Content, Place: f.Place,
		Petitioner: PetitionerView{Shown: f.Identity.Shown, Secret: f.Identity.Secret, Waived: f.Identity.Waived, CanReveal: f.Identity.CanReveal}}
	if f.Identity.Shown {
		out.Petitioner.Identity = identityJSON(f.Identity.Identity)
	}
	atts, err := a.Cases.Attachments(ctx, actor(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out.Attachments = []CaseAttachment{}
	for _, at := range atts {
		cj := CaseAttachment{Id: at.ID, Name: at.Name, MediaType: at.MediaType, Size: at.Size,
			Download: fmt.Sprintf("/api/v1/staff/cases/%d/attachments/%d", at.CaseID, at.ID)}
		if at.AnswerID != 0 {
			cj.AnswerId = ptr(at.AnswerID)
		}
		out.Attachments = append(out.Attachments, cj)
	}
	return out, nil
}

// GetCaseAttachment implements GET /staff/cases/{id}/attachments/{attachment_id}:
// for whoever may read the case, as a download (see package download),
// streamed from the file store.
func (a *API) GetCaseAttachment(ctx context.Context, req GetCaseAttachmentRequestObject) (GetCaseAttachmentResponseObject, error) {
	at, rc, err := a.Cases.OpenAttachment(ctx, actor(ctx), req.Id, req.AttachmentId)
	if err != nil {
		return nil, err
	}
	return caseAttachmentResponse{f: download.File{Name: at.Name, MediaType: at.MediaType, Size: at.Size}, r: rc}, nil
}

// caseAttachmentResponse streams a case file as a download.
type caseAttachmentResponse struct {
	f download.File
	r io.ReadCloser
}

func (a caseAttachmentResponse) VisitGetCaseAttachmentResponse(w http.ResponseWriter) error {
	defer a.r.Close()
	return download.Serve(w, a.f, a.r)
}

func identityJSON(id access.Identity) *Identity {
	return &Identity{Name: id.Name, Phone: id.Phone, Email: id.Email, Address: id.Address, IdNumber: id.IDNumber}
}

// RevealIdentity implements POST /staff/cases/{id}/identity.
func (a *API) RevealIdentity(ctx context.Context, req RevealIdentityRequestObject) (RevealIdentityResponseObject, error) {
	if req.Body == nil {
		return nil, fault.FieldError("reason", "identity.reason_required", nil)
	}
	id, err := a.Cases.RevealIdentity(ctx, actor(ctx), req.Id, req.Body.Reason)
	if err != nil {
		return nil, err
	}
	return RevealIdentity200JSONResponse(*identityJSON(id)), nil
}
