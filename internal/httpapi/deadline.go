package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
)

// Deadlines groups what the calendar and deadline endpoints need.
type Deadlines struct {
	Service   *deadline.Service
	Tables    deadline.TableStore
	Overrides deadline.OverrideStore
	Rules     deadline.RuleStore
}

var errBadYear = fault.FieldError("year", "calendar.bad_year", nil)

// GetCalendarYear implements GET /calendar/{year}.
func (a *API) GetCalendarYear(ctx context.Context, req GetCalendarYearRequestObject) (GetCalendarYearResponseObject, error) {
	if !calendar.EditableYear(int(req.Year)) {
		return nil, errBadYear
	}
	v, err := a.Deadlines.Service.Year(ctx, a.Deadlines.Tables, int(req.Year))
	if err != nil {
		return nil, err
	}
	return GetCalendarYear200JSONResponse(calendarJSON(v)), nil
}

// PutCalendarYear implements PUT /calendar/{year}.
func (a *API) PutCalendarYear(ctx context.Context, req PutCalendarYearRequestObject) (PutCalendarYearResponseObject, error) {
	// The route guard (access.go) lets only the office through.
	actor := access.ActorFrom(ctx)
	if !access.Can(actor, access.ActCalendarManage, nil) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	if !calendar.EditableYear(int(req.Year)) {
		return nil, errBadYear
	}
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	// A year is replaced whole, so both lists must be sent, even empty:
	// {} must not wipe every day off and move every deadline.
	var missing fault.List
	for _, m := range []struct {
		name string
		nil  bool
	}{{"days_off", req.Body.DaysOff == nil}, {"working_saturdays", req.Body.WorkingSaturdays == nil}} {
		if m.nil {
			missing = append(missing, fault.FieldError(m.name, "error.field_required", map[string]any{"Field": m.name}))
		}
	}
	if len(missing) > 0 {
		return nil, missing
	}
	t := calendar.YearTable{Year: int(req.Year), Confirmed: req.Body.Confirmed}
	var problems fault.List
	for i, d := range req.Body.DaysOff {
		date, err := calendar.ParseDate(d.Date)
		if err != nil {
			problems = append(problems, fault.FieldError(fieldIndex("days_off", i, "date"), "calendar.bad_date", map[string]any{"Value": d.Date}))
			continue
		}
		t.DaysOff = append(t.DaysOff, calendar.DayOff{Date: date, Name: d.Name, NameEN: deref(d.NameEn), Source: deref(d.Source), Unconfirmed: deref(d.Unconfirmed)})
	}
	for i, w := range req.Body.WorkingSaturdays {
		date, err := calendar.ParseDate(w.Date)
		if err != nil {
			problems = append(problems, fault.FieldError(fieldIndex("working_saturdays", i, "date"), "calendar.bad_date", map[string]any{"Value": w.Date}))
			continue
		}
		t.WorkingSaturdays = append(t.WorkingSaturdays, calendar.WorkingSaturday{Date: date, Source: deref(w.Source), Unconfirmed: deref(w.Unconfirmed)})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	v, err := a.Deadlines.Service.SaveYear(ctx, a.Deadlines.Tables, t, editor(actor))
	if err != nil {
		return nil, err
	}
	return PutCalendarYear200JSONResponse(calendarJSON(v)), nil
}

// ExplainDeadline implements GET /deadline/explain.
func (a *API) ExplainDeadline(ctx context.Context, req ExplainDeadlineRequestObject) (ExplainDeadlineResponseObject, error) {
	p := req.Params
	start, err := calendar.ParseDate(p.Start)
	if err != nil {
		return nil, fault.FieldError("start", "deadline.bad_start", map[string]any{"Value": p.Start})
	}
	r := deadline.Request{RuleID: string(p.Rule), StartDate: start, Round: 1}
	var problems fault.List
	if p.Complex != nil {
		switch c := deadline.Complexity(*p.Complex); c {
		case deadline.ComplexityNone, deadline.Complex, deadline.EspeciallyComplex:
			r.Complexity = c
		default:
			problems = append(problems, fault.FieldError("complex", "deadline.bad_complex", map[string]any{"Value": *p.Complex}))
		}
	}
	if p.Remote != nil {
		r.Remote = *p.Remote
	}
	if p.Round != nil {
		if *p.Round != 1 && *p.Round != 2 {
			problems = append(problems, fault.FieldError("round", "deadline.bad_round", nil))
		}
		r.Round = int(*p.Round)
	}
	if p.Extensions != nil {
		if *p.Extensions < 0 {
			problems = append(problems, fault.FieldError("extensions", "deadline.bad_extensions", nil))
		}
		r.Extensions = *p.Extensions
	}
	if len(problems) > 0 {
		return nil, problems
	}
	eng := a.Deadlines.Service.Engine(ctx)
	res, err := eng.Compute(r)
	if err != nil {
		return nil, err
	}
	return ExplainDeadline200JSONResponse(explanationJSON(eng, res, i18n.LangFrom(ctx))), nil
}

// ListDeadlineRules implements GET /deadline/rules.
func (a *API) ListDeadlineRules(ctx context.Context, _ ListDeadlineRulesRequestObject) (ListDeadlineRulesResponseObject, error) {
	en := i18n.LangFrom(ctx) == i18n.EN
	rules := a.Deadlines.Service.Engine(ctx).Rules()
	out := ListDeadlineRules200JSONResponse{Rules: make([]DeadlineRule, 0, len(rules))}
	for _, r := range rules {
		out.Rules = append(out.Rules, ruleJSON(r, en))
	}
	return out, nil
}

// AddDeadlineRuleVersion implements POST /deadline/rules.
func (a *API) AddDeadlineRuleVersion(ctx context.Context, req AddDeadlineRuleVersionRequestObject) (AddDeadlineRuleVersionResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	b := *req.Body
	r := deadline.Rule{
		ID: b.Id, Limit: b.Limit, Unit: deadline.Unit(b.Unit),
		ComplexLimit: derefInt(b.ComplexLimit), RemoteLimit: derefInt(b.RemoteLimit), RemoteComplexLimit: derefInt(b.RemoteComplexLimit),
		Round2Limit: derefInt(b.Round2Limit), Round2ComplexLimit: derefInt(b.Round2ComplexLimit),
		Round2RemoteLimit: derefInt(b.Round2RemoteLimit), Round2RemoteComplexLimit: derefInt(b.Round2RemoteComplexLimit),
		MaxExtensions: derefInt(b.MaxExtensions), ComplexMaxExtensions: derefInt(b.ComplexMaxExtensions),
		EspeciallyMaxExtensions: derefInt(b.EspeciallyMaxExtensions), ExtensionLimit: derefInt(b.ExtensionLimit),
		PauseRestarts: deref(b.PauseRestarts), PauseBasis: deref(b.PauseBasis), PauseBasisEN: deref(b.PauseBasisEn),
		LegalBasis: b.LegalBasis, LegalBasisEN: deref(b.LegalBasisEn),
		Round2LegalBasis: deref(b.Round2LegalBasis), Round2LegalBasisEN: deref(b.Round2LegalBasisEn),
		VersionBasis: deref(b.VersionBasis), VersionBasisEN: deref(b.VersionBasisEn),
		Confidence: string(b.Confidence), Configurable: deref(b.Configurable),
	}
	var problems fault.List
	date := func(field, v string) calendar.Date {
		d, err := calendar.ParseDate(v)
		if err != nil {
			problems = append(problems, fault.FieldError(field, "deadline.bad_date", map[string]any{"Value": v}))
		}
		return d
	}
	r.EffectiveFrom = date("effective_from", b.EffectiveFrom)
	if b.EffectiveTo != nil && *b.EffectiveTo != "" {
		r.EffectiveTo = date("effective_to", *b.EffectiveTo)
	}
	if b.PauseRestartsFrom != nil && *b.PauseRestartsFrom != "" {
		r.PauseRestartsFrom = date("pause_restarts_from", *b.PauseRestartsFrom)
	}
	if r.Limit < 1 || r.Limit > deadline.MaxLimit {
		problems = append(problems, fault.FieldError("limit", "deadline.bad_limit", map[string]any{"Max": deadline.MaxLimit}))
	}
	if len(b.Reason) < 3 {
		problems = append(problems, fault.FieldError("reason", "deadline.reason_required", nil))
	}
	if len(b.LegalBasis) < 3 {
		problems = append(problems, fault.FieldError("legal_basis", "deadline.legal_basis_required", nil))
	}
	if len(problems) > 0 {
		return nil, problems
	}
	stored, err := a.Deadlines.Service.AddRuleVersion(ctx, a.Deadlines.Rules, r, b.Reason, editor(access.ActorFrom(ctx)))
	if err != nil {
		return nil, err
	}
	return AddDeadlineRuleVersion201JSONResponse(ruleJSON(stored, i18n.LangFrom(ctx) == i18n.EN)), nil
}

func calendarJSON(v deadline.YearView) CalendarYear {
	out := CalendarYear{
		Year: v.Table.Year, Confirmed: !v.Proposed && v.Table.FullyConfirmed(), Proposed: v.Proposed, WorkingDays: v.WorkingDays,
		UnconfirmedEntries: []string{},
		DaysOff:            make([]CalendarDayOff, 0, len(v.Table.DaysOff)), WorkingSaturdays: make([]CalendarWorkingDay, 0, len(v.Table.WorkingSaturdays)),
	}
	if v.Meta.Confirmed && v.Meta.ConfirmedBy != "" {
		out.ConfirmedBy = ptr(v.Meta.ConfirmedBy)
		out.ConfirmedAt = v.Meta.ConfirmedAt
	}
	for _, d := range v.Table.UnconfirmedEntries() {
		out.UnconfirmedEntries = append(out.UnconfirmedEntries, d.String())
	}
	for _, d := range v.Table.DaysOff {
		out.DaysOff = append(out.DaysOff, CalendarDayOff{Date: d.Date.String(), Name: d.Name, NameEn: ptr(d.NameEN), Source: ptr(d.Source), Unconfirmed: ptr(d.Unconfirmed)})
	}
	for _, w := range v.Table.WorkingSaturdays {
		out.WorkingSaturdays = append(out.WorkingSaturdays, CalendarWorkingDay{Date: w.Date.String(), Source: ptr(w.Source), Unconfirmed: ptr(w.Unconfirmed)})
	}
	return out
}

func explanationJSON(eng *deadline.Engine, res deadline.Result, lang string) DeadlineExplanation {
	en := lang == i18n.EN
	vi, textEN := eng.Explanation(res)
	out := DeadlineExplanation{
		DueDate: res.DueDate.String(), DueAt: res.DueAt.In(eng.Location()), Rule: ruleJSON(res.Rule, en),
		Unit: DeadlineExplanationUnit(res.Unit), Limit: res.Limit, StartDate: res.StartDate.String(), FirstDay: res.FirstDay.String(),
		Provisional: res.Provisional, TextVi: vi, TextEn: textEN,
	}
	if res.ExtensionDays > 0 {
		out.ExtensionDays = ptr(res.ExtensionDays)
	}
	if res.RolledForwardFrom != nil {
		out.RolledForwardFrom = ptr(res.RolledForwardFrom.String())
	}
	out.Skipped = make([]struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}, 0, len(res.Skipped))
	for _, s := range res.Skipped {
		reason := s.Reason
		if en {
			reason = s.ReasonEN
		}
		out.Skipped = append(out.Skipped, struct {
			Date   string `json:"date"`
			Reason string `json:"reason"`
		}{s.Date.String(), reason})
	}
	return out
}

func ruleJSON(r deadline.Rule, en bool) DeadlineRule {
	nz := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	out := DeadlineRule{
		Id: r.ID, Kind: string(r.Kind), Step: string(r.Step), Limit: r.Limit, Unit: DeadlineRuleUnit(r.Unit), Start: DeadlineRuleStart(r.Start),
		ComplexLimit: nz(r.ComplexLimit), RemoteLimit: nz(r.RemoteLimit), RemoteComplexLimit: nz(r.RemoteComplexLimit),
		Round2Limit: nz(r.Round2Limit), Round2ComplexLimit: nz(r.Round2ComplexLimit), Round2RemoteLimit: nz(r.Round2RemoteLimit),
		Round2RemoteComplexLimit: nz(r.Round2RemoteComplexLimit), MaxExtensions: nz(r.MaxExtensions),
		ComplexMaxExtensions: nz(r.ComplexMaxExtensions), EspeciallyMaxExtensions: nz(r.EspeciallyMaxExtensions),
		ExtensionLimit: nz(r.ExtensionLimit), EffectiveFrom: r.EffectiveFrom.String(), LegalBasis: r.LegalBasisFor(1, en),
		Confidence: r.Confidence, Configurable: r.Configurable,
	}
	if r.PauseRestarts {
		out.PauseRestarts = ptr(true)
	}
	if r.Before {
		out.Before = ptr(true)
	}
	if !r.PauseRestartsFrom.IsZero() {
		out.PauseRestartsFrom = ptr(r.PauseRestartsFrom.String())
	}
	if basis := r.PauseBasis; basis != "" {
		if en && r.PauseBasisEN != "" {
			basis = r.PauseBasisEN
		}
		out.PauseBasis = ptr(basis)
	}
	out.VersionBy = ptr(DeadlineRuleVersionBy(r.VersionEvent()))
	if basis := r.VersionBasis; basis != "" {
		if en && r.VersionBasisEN != "" {
			basis = r.VersionBasisEN
		}
		out.VersionBasis = ptr(basis)
	}
	if !r.EffectiveTo.IsZero() {
		out.EffectiveTo = ptr(r.EffectiveTo.String())
	}
	return out
}

func fieldIndex(list string, i int, field string) string {
	return list + "[" + itoa(i) + "]." + field
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// editor names the actor for the calendar's record and the audit trail.
func editor(a access.Actor) deadline.Editor {
	e := deadline.Editor{Label: a.Label()}
	if a.AccountID != 0 {
		id := a.AccountID
		e.AccountID = &id
	}
	return e
}

// ListDeadlineOverrides implements GET /deadline/overrides.
func (a *API) ListDeadlineOverrides(ctx context.Context, _ ListDeadlineOverridesRequestObject) (ListDeadlineOverridesResponseObject, error) {
	list, err := a.Deadlines.Service.Overrides(ctx)
	if err != nil {
		return nil, err
	}
	return ListDeadlineOverrides200JSONResponse{Overrides: mapped(list, overrideJSON)}, nil
}

// PutDeadlineOverride implements PUT /deadline/overrides.
func (a *API) PutDeadlineOverride(ctx context.Context, req PutDeadlineOverrideRequestObject) (PutDeadlineOverrideResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	b := *req.Body
	o := deadline.Override{RuleID: b.RuleId, Scope: b.Scope, Limit: b.Limit, Reason: b.Reason}
	if b.Unit != nil {
		o.Unit = deadline.Unit(*b.Unit)
	}
	var problems fault.List
	if o.Limit < 1 || o.Limit > deadline.MaxLimit {
		problems = append(problems, fault.FieldError("limit", "deadline.bad_limit", map[string]any{"Max": deadline.MaxLimit}))
	}
	if len(o.Reason) < 3 {
		problems = append(problems, fault.FieldError("reason", "deadline.reason_required", nil))
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if err := a.Deadlines.Service.SaveOverride(ctx, a.Deadlines.Overrides, o, editor(access.ActorFrom(ctx))); err != nil {
		return nil, err
	}
	return PutDeadlineOverride200JSONResponse(overrideJSON(o)), nil
}

// DeleteDeadlineOverride implements DELETE /deadline/overrides.
func (a *API) DeleteDeadlineOverride(ctx context.Context, req DeleteDeadlineOverrideRequestObject) (DeleteDeadlineOverrideResponseObject, error) {
	scope := ""
	if req.Params.Scope != nil {
		scope = *req.Params.Scope
	}
	if err := a.Deadlines.Service.DeleteOverride(ctx, a.Deadlines.Overrides, req.Params.RuleId, scope, editor(access.ActorFrom(ctx))); err != nil {
		return nil, err
	}
	return DeleteDeadlineOverride204Response{}, nil
}

func overrideJSON(o deadline.Override) DeadlineOverride {
	out := DeadlineOverride{RuleId: o.RuleID, Scope: o.Scope, Limit: o.Limit, Reason: o.Reason}
	if o.Unit != "" {
		u := DeadlineOverrideUnit(o.Unit)
		out.Unit = &u
	}
	return out
}
