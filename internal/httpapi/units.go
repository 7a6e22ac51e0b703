package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/org"
)

func unitAdminJSON(u org.Unit) UnitAdmin {
	j := UnitAdmin{Id: u.ID, Code: u.Code, Name: u.Name, NameEn: u.NameEN, Kind: UnitAdminKind(u.Kind), Example: u.Example,
		Active: u.Active, Groups: append([]string{}, u.Groups...), Email: u.Email, Aliases: append([]string{}, u.Aliases...)}
	if u.ParentCode != "" {
		j.Parent = ptr(u.ParentCode)
	}
	if u.MergedInto != "" {
		j.MergedInto = ptr(u.MergedInto)
	}
	if u.IsGroup() {
		m := append([]string{}, u.Members...)
		j.Members = &m
	}
	return j
}

func unitInput(b *UnitInput, code string) org.UnitInput {
	if code == "" {
		code = deref(b.Code)
	}
	return org.UnitInput{Code: code, Name: b.Name, NameEN: deref(b.NameEn), Kind: org.Kind(b.Kind), ParentCode: deref(b.Parent),
		Groups: deref(b.Groups), Email: deref(b.Email), Aliases: deref(b.Aliases)}
}

// ListAdminUnits implements GET /admin/units.
func (a *API) ListAdminUnits(ctx context.Context, _ ListAdminUnitsRequestObject) (ListAdminUnitsResponseObject, error) {
	units, err := a.Directory.List(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	out := ListAdminUnits200JSONResponse{Units: make([]UnitAdmin, 0, len(units))}
	for _, u := range units {
		out.Units = append(out.Units, unitAdminJSON(u))
	}
	return out, nil
}

// AddUnit implements POST /admin/units.
func (a *API) AddUnit(ctx context.Context, req AddUnitRequestObject) (AddUnitResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	u, err := a.Directory.Add(ctx, actor(ctx), unitInput(req.Body, ""))
	if err != nil {
		return nil, err
	}
	return AddUnit201JSONResponse(unitAdminJSON(u)), nil
}

// UpdateUnit implements PUT /admin/units/{code}.
func (a *API) UpdateUnit(ctx context.Context, req UpdateUnitRequestObject) (UpdateUnitResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	cur, err := a.Directory.Get(ctx, actor(ctx), req.Code)
	if err != nil {
		return nil, err
	}
	u, err := a.Directory.Update(ctx, actor(ctx), unitInput(req.Body, cur.Code))
	if err != nil {
		return nil, err
	}
	return UpdateUnit200JSONResponse(unitAdminJSON(u)), nil
}

// MergeUnit implements POST /admin/units/{code}/merge.
func (a *API) MergeUnit(ctx context.Context, req MergeUnitRequestObject) (MergeUnitResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	rep, err := a.Directory.Merge(ctx, actor(ctx), req.Code, req.Body.Into)
	if err != nil {
		return nil, err
	}
	return MergeUnit200JSONResponse{From: rep.From, Into: rep.Into, Cases: append([]string{}, rep.Cases...), Deadlines: rep.Deadlines,
		Accounts: rep.Accounts, Topics: rep.Topics, PlanTasks: rep.PlanTasks}, nil
}

// RetireUnit implements POST /admin/units/{code}/retire.
func (a *API) RetireUnit(ctx context.Context, req RetireUnitRequestObject) (RetireUnitResponseObject, error) {
	u, err := a.Directory.Retire(ctx, actor(ctx), req.Code)
	if err != nil {
		return nil, err
	}
	return RetireUnit200JSONResponse(unitAdminJSON(u)), nil
}

// RestoreUnit implements POST /admin/units/{code}/restore.
func (a *API) RestoreUnit(ctx context.Context, req RestoreUnitRequestObject) (RestoreUnitResponseObject, error) {
	u, err := a.Directory.Restore(ctx, actor(ctx), req.Code)
	if err != nil {
		return nil, err
	}
	return RestoreUnit200JSONResponse(unitAdminJSON(u)), nil
}

// ImportUnits implements POST /admin/units/import (text/csv).
func (a *API) ImportUnits(ctx context.Context, req ImportUnitsRequestObject) (ImportUnitsResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	rep, err := a.Directory.Import(ctx, actor(ctx), req.Body, deref(req.Params.DryRun))
	if err != nil {
		return nil, err
	}
	list := func(s []string) []string { return append([]string{}, s...) }
	return ImportUnits200JSONResponse{DryRun: rep.DryRun, Created: list(rep.Created), Changed: list(rep.Changed),
		Unchanged: list(rep.Unchanged), Retired: list(rep.Retired), Restored: list(rep.Restored)}, nil
}
