package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
)

func (a *API) urgency(c access.CaseRef) string {
	u := string(c.UrgencyAt(a.Now(), a.DueSoon))
	if u == "" {
		return "none"
	}
	return u
}

func (a *API) staffCase(c access.CaseRef) StaffCase {
	s := StaffCase{Id: c.ID, Code: c.Code, Kind: StaffCaseKind(c.Kind), Title: c.Title, Status: c.Status,
		ReceivedAt: c.ReceivedAt, DueAt: c.DueAt, Urgency: StaffCaseUrgency(a.urgency(c))}
	if c.LeadUnitCode != "" {
		s.LeadUnit = ptr(c.LeadUnitCode)
	}
	return s
}

// ListStaffCases implements GET /staff/cases: the actor's inbox, scoped in
// SQL by access.ListScope.
func (a *API) ListStaffCases(ctx context.Context, _ ListStaffCasesRequestObject) (ListStaffCasesResponseObject, error) {
	list, err := a.Cases.Inbox(ctx, actor(ctx), 0)
	if err != nil {
		return nil, err
	}
	out := ListStaffCases200JSONResponse{Cases: make([]StaffCase, 0, len(list))}
	for _, c := range list {
		out.Cases = append(out.Cases, a.staffCase(c))
	}
	return out, nil
}

// GetStaffCase implements GET /staff/cases/{id}. The petitioner goes
// through access.ViewIdentity; a denouncer's identity never appears here.
func (a *API) GetStaffCase(ctx context.Context, req GetStaffCaseRequestObject) (GetStaffCaseResponseObject, error) {
	f, err := a.Cases.File(ctx, actor(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	s := a.staffCase(f.CaseRef)
	out := GetStaffCase200JSONResponse{Id: s.Id, Code: s.Code, Kind: StaffCaseFileKind(s.Kind), Title: s.Title, Status: s.Status,
		ReceivedAt: s.ReceivedAt, DueAt: s.DueAt, LeadUnit: s.LeadUnit, Urgency: StaffCaseFileUrgency(s.Urgency),
		Content: f.Content, Place: f.Place,
		Petitioner: PetitionerView{Shown: f.Identity.Shown, Secret: f.Identity.Secret, Waived: f.Identity.Waived, CanReveal: f.Identity.CanReveal}}
	if f.Identity.Shown {
		out.Petitioner.Identity = identityJSON(f.Identity.Identity)
	}
	return out, nil
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
