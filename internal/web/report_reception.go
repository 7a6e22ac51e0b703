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
	Hosts            []report.ReceptionHost
	Leadership, Desk int
	Sessions         int
	// Dialogues held and those whose result is published.
	Dialogues, DialoguesPublished int
	Opened                        fig
	OnTime, Late, OpenLate        fig
	Rate                          string
	Satisfaction                  string
	// Satisfied of Rated visitors gave 4 or 5 stars.
	Satisfied, Rated int64
	// Public: the transparency page's aggregates (no links, no citizens
	// by host); Pending: the month has not ended, so the public has none;
	// Withheld: too few visits to show the citizens, dialogues and
	// satisfaction.
	Public, Pending, Withheld bool
	figs                      report.ReceptionFigures
}

// receptionView computes the reception figures of p for the signed-in
// staff member.
func (r *Reports) receptionView(c echo.Context, p report.Period) (*receptionFigView, error) {
	ctx := c.Request().Context()
	mf, err := r.Reception.Figures(ctx, accesshttp.Actor(c), p.From, p.To)
	if err != nil {
		return nil, err
	}
	return r.receptionFigures(c, mf.Report(), p, true), nil
}

// publicReceptionView is the reception figures of p for the public: the
// month's aggregates once it has ended (reception.PublicFigures).
func (r *Reports) publicReceptionView(c echo.Context, p report.Period) (*receptionFigView, error) {
	f, ok, err := r.Reception.PublicFigures(c.Request().Context(), p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &receptionFigView{Public: true, Pending: true}, nil
	}
	v := r.receptionFigures(c, f, p, false)
	v.Public, v.Withheld = true, f.Withheld
	return v, nil
}

// receptionFigures is the view of f, its case figures linked to their
// lists when links.
func (r *Reports) receptionFigures(c echo.Context, f report.ReceptionFigures, p report.Period, links bool) *receptionFigView {
	lang := i18n.LangFrom(c.Request().Context())
	q := func(fg report.Figure) report.DrillQuery {
		return report.DrillQuery{Figure: fg, Period: p, Where: report.ReceptionCond()}
	}
	v := &receptionFigView{figs: f, Hosts: f.Hosts, Leadership: f.LeadershipCitizens, Desk: f.DeskCitizens, Sessions: f.Sessions,
		Dialogues: f.Dialogues, DialoguesPublished: f.DialoguesPublished,
		Opened: r.fig(c, f.Cases.Received, q(report.FigReceived)), OnTime: r.fig(c, f.Cases.AnsweredOnTime, q(report.FigOnTime)),
		Late: r.fig(c, f.Cases.AnsweredLate, q(report.FigLate)), OpenLate: r.fig(c, f.Cases.OpenLate, q(report.FigOpenLate)),
		Rate: f.Cases.OnTime().In(lang)}
	if f.Satisfaction != nil {
		v.Satisfaction, v.Satisfied, v.Rated = f.Satisfaction.In(lang), f.Satisfaction.Num, f.Satisfaction.Den
	}
	if !links {
		v.Opened.Href, v.OnTime.Href, v.Late.Href, v.OpenLate.Href = "", "", "", ""
	}
	return v
}

// attachReception puts the reception figures under plan III.1, whose
// status then reads from them too (a month of sessions and no case is
// not "nothing yet").
func attachReception(plan []planDimView, v *receptionFigView) {
	for i := range plan {
		for j := range plan[i].Tasks {
			if tk := &plan[i].Tasks[j]; tk.Key == reception.PlanTaskKey {
				tk.Reception = v
				tk.Status = string(report.TaskStatus(tk.Status).WithReception(v.figs))
			}
		}
	}
}
