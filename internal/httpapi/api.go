package httpapi

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/reception"
)

// API implements StrictServerInterface over the domain services.
type API struct {
	Plans *plan.Catalog
	Units org.UnitStore
	// Directory is the office's edit of the units (units.go).
	Directory *org.Service
	Deadlines Deadlines
	// Petitions serves citizen intake and tracking.
	Petitions *Intake

	// Staff access.
	Accounts *access.Service
	Cases    *access.Cases
	Trail    *audit.Trail
	Now      func() time.Time
	// SoonUntil ends the due-soon horizon now (report.Service.SoonUntil).
	SoonUntil func(ctx context.Context) time.Time
	// ChaseUntil ends the chase horizon now (report.Service.ChaseUntil):
	// the cases to chase (urgency=chase).
	ChaseUntil func(ctx context.Context) time.Time
	// Jobs serves the jobs and alert operations (jobs.go).
	Jobs Jobs
	// Reports serves the KPI reports and the open data (report.go).
	Reports *Reports
	// Workflow serves the case workflow (cases.go).
	Workflow *petition.Workflow
	// Reception serves the citizen-reception schedule (reception.go).
	Reception *reception.Service
}

var _ StrictServerInterface = (*API)(nil)

// New returns the API over deps once every service it serves is given, so
// that no handler finds one missing at request time.
func New(deps API) (*API, error) {
	d, p, j, r := deps.Deadlines, deps.Petitions, deps.Jobs, deps.Reports
	if err := platform.Needs("httpapi",
		platform.Dep{Name: "Plans", Absent: deps.Plans == nil}, platform.Dep{Name: "Units", Absent: deps.Units == nil},
		platform.Dep{Name: "Deadlines", Absent: d.Service == nil || d.Tables == nil || d.Overrides == nil || d.Rules == nil},
		platform.Dep{Name: "Petitions", Absent: p == nil || p.Service == nil || p.Files == nil || p.Catalog == nil || p.Location == nil},
		platform.Dep{Name: "Accounts", Absent: deps.Accounts == nil}, platform.Dep{Name: "Cases", Absent: deps.Cases == nil},
		platform.Dep{Name: "Trail", Absent: deps.Trail == nil}, platform.Dep{Name: "Now", Absent: deps.Now == nil},
		platform.Dep{Name: "SoonUntil", Absent: deps.SoonUntil == nil}, platform.Dep{Name: "ChaseUntil", Absent: deps.ChaseUntil == nil},
		platform.Dep{Name: "Jobs", Absent: j.Scheduler == nil || j.Alerts == nil || j.Now == nil},
		platform.Dep{Name: "Reports", Absent: r == nil || r.Service == nil || r.Catalog == nil},
		platform.Dep{Name: "Workflow", Absent: deps.Workflow == nil}, platform.Dep{Name: "Directory", Absent: deps.Directory == nil},
		platform.Dep{Name: "Reception", Absent: deps.Reception == nil},
	); err != nil {
		return nil, err
	}
	return &deps, nil
}

// Mount registers the API under /api/v1 on e, and the spec itself at
// /api/v1/openapi.yaml.
func Mount(e *echo.Echo, a *API, spec []byte) {
	g := e.Group("/api/v1")
	g.GET("/openapi.yaml", func(c echo.Context) error {
		return c.Blob(200, "application/yaml; charset=utf-8", spec)
	})
	RegisterHandlersWithBaseURL(e, NewStrictHandler(a, []StrictMiddlewareFunc{authorize, noStore}), "/api/v1")
}

// ListPlans implements GET /plans.
func (a *API) ListPlans(ctx context.Context, _ ListPlansRequestObject) (ListPlansResponseObject, error) {
	list, err := a.Plans.List(ctx)
	if err != nil {
		return nil, err
	}
	return ListPlans200JSONResponse{Plans: mapped(list, summaryJSON)}, nil
}

// GetPlan implements GET /plans/{id}.
func (a *API) GetPlan(ctx context.Context, req GetPlanRequestObject) (GetPlanResponseObject, error) {
	rec, err := a.Plans.Get(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	units, err := a.Units.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
	}
	s := summaryJSON(rec.Summary)
	out := GetPlan200JSONResponse{
		Id: s.Id, Number: s.Number, IssuedOn: s.IssuedOn, IssuingBody: s.IssuingBody, Title: s.Title,
		Appendix: s.Appendix, Year: s.Year, DimensionCount: s.DimensionCount, TaskCount: s.TaskCount,
		Dimensions: make([]Dimension, 0, len(rec.Plan.Dimensions)),
	}
	for _, d := range rec.Plan.Dimensions {
		dj := Dimension{Numeral: d.Numeral, Ordinal: d.Ordinal, Title: d.Title, Tasks: make([]PlanTask, 0, len(d.Tasks))}
		for _, t := range d.Tasks {
			tj := PlanTask{
				Id: rec.TaskIDs[t.Key], Key: t.Key, Number: t.Number, Text: t.Text,
				Timeframe: PlanTaskTimeframe(t.Timeframe), TimeframeText: ptr(t.TimeframeText),
				ExpectedResult: t.ExpectedResult, Units: make([]TaskUnit, 0, len(t.Units)), Targets: make([]Target, 0, len(t.Targets)),
			}
			for _, u := range t.Units {
				name := names[u.Unit]
				if name == "" {
					name = u.Name
				}
				tj.Units = append(tj.Units, TaskUnit{Unit: u.Unit, UnitName: ptr(name), IsGroup: ptr(u.Group), Role: TaskUnitRole(u.Role)})
			}
			for _, g := range t.Targets {
				tj.Targets = append(tj.Targets, Target{Metric: g.Metric, Value: g.Value, Unit: g.Unit, Text: ptr(g.Text)})
			}
			dj.Tasks = append(dj.Tasks, tj)
		}
		out.Dimensions = append(out.Dimensions, dj)
	}
	return out, nil
}

// ListUnits implements GET /units.
func (a *API) ListUnits(ctx context.Context, _ ListUnitsRequestObject) (ListUnitsResponseObject, error) {
	units, err := a.Units.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	out := ListUnits200JSONResponse{Units: make([]Unit, 0, len(units))}
	for _, u := range units {
		uj := Unit{Id: u.ID, Code: u.Code, Name: u.Name, NameEn: ptr(u.NameEN), Kind: UnitKind(u.Kind),
			Example: u.Example, Active: u.Active}
		if u.ParentCode != "" {
			uj.Parent = ptr(u.ParentCode)
		}
		if u.IsGroup() {
			members := append([]string{}, u.Members...)
			uj.Members = &members
		}
		out.Units = append(out.Units, uj)
	}
	return out, nil
}

func summaryJSON(s plan.Summary) PlanSummary {
	return PlanSummary{
		Id: s.ID, Number: s.Number, IssuedOn: s.IssuedOn, IssuingBody: s.IssuingBody, Title: s.Title,
		Appendix: ptr(s.Appendix), Year: s.Year, DimensionCount: s.DimensionCount, TaskCount: s.TaskCount,
	}
}

func ptr[T any](v T) *T { return &v }

// mapped returns f of each of list, in order: an empty list gives an
// empty (not null) JSON array.
func mapped[T, U any](list []T, f func(T) U) []U {
	out := make([]U, 0, len(list))
	for _, v := range list {
		out = append(out, f(v))
	}
	return out
}
