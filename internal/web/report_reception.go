package web

import (
	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
)

// receptionFigView is plan III.1's citizen reception in a period, as the
// plan view shows it under the task: each host's days held against
// scheduled and citizens, the citizens received by the leadership and at
// the desk, and the cases the sessions opened, each figure linked to its
// cases, with their on-time rate; the visitors' satisfaction once rated.
type receptionFigView struct {
	Hosts                  []report.ReceptionHost
	Leadership, Desk       int
	Sessions               int
	Opened                 fig
	OnTime, Late, OpenLate fig
	Rate                   string
	Satisfaction           string
	// Satisfied of Rated visitors gave 4 or 5 stars.
	Satisfied, Rated int64
}

// receptionView computes the reception figures of p for the signed-in
// staff member.
func (r *Reports) receptionView(c echo.Context, p report.Period) (*receptionFigView, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	mf, err := r.Reception.Figures(ctx, accesshttp.Actor(c), p.From, p.To)
	if err != nil {
		return nil, err
	}
	f := mf.Report()
	q := func(fg report.Figure) report.DrillQuery {
		return report.DrillQuery{Figure: fg, Period: p, Where: report.ReceptionCond()}
	}
	v := &receptionFigView{Hosts: f.Hosts, Leadership: f.LeadershipCitizens, Desk: f.DeskCitizens, Sessions: f.Sessions,
		Opened: r.fig(c, f.Cases.Received, q(report.FigReceived)), OnTime: r.fig(c, f.Cases.AnsweredOnTime, q(report.FigOnTime)),
		Late: r.fig(c, f.Cases.AnsweredLate, q(report.FigLate)), OpenLate: r.fig(c, f.Cases.OpenLate, q(report.FigOpenLate)),
		Rate: f.Cases.OnTime().In(lang)}
	if f.Satisfaction != nil {
		v.Satisfaction, v.Satisfied, v.Rated = f.Satisfaction.In(lang), f.Satisfaction.Num, f.Satisfaction.Den
	}
	return v, nil
}

// attachReception puts the reception figures under plan III.1.
func attachReception(plan []planDimView, v *receptionFigView) {
	for i := range plan {
		for j := range plan[i].Tasks {
			if plan[i].Tasks[j].Key == reception.PlanTaskKey {
				plan[i].Tasks[j].Reception = v
			}
		}
	}
}
