package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
)

// Reports serves the KPI pages: the staff dashboard with its
// charts and plan view, the report tables and their CSV, the drill-down
// from any figure to its cases, the background exports, the office's
// choice of answers to publish, and the public transparency page.
type Reports struct {
	Staff        *Staff
	Service      *report.Service
	Publications report.PublicationStore
	Snapshots    report.SnapshotStore
	Exporter     *report.Exporter
	// Reception gives the transparency page the published results of
	// dialogues and plan III.1's citizen-reception figures, shown under
	// that task in the dashboard's plan view (plan 55 III.1).
	Reception *reception.Service
}

// NewReports returns the report pages over deps, every one of which is
// needed.
func NewReports(deps Reports) (*Reports, error) {
	r := &deps
	if err := platform.Needs("web report pages",
		platform.Dep{Name: "Staff", Absent: r.Staff == nil}, platform.Dep{Name: "Service", Absent: r.Service == nil},
		platform.Dep{Name: "Publications", Absent: r.Publications == nil}, platform.Dep{Name: "Snapshots", Absent: r.Snapshots == nil},
		platform.Dep{Name: "Exporter", Absent: r.Exporter == nil}, platform.Dep{Name: "Reception", Absent: r.Reception == nil},
	); err != nil {
		return nil, err
	}
	return r, nil
}

// Mount registers the routes.
func (r *Reports) Mount(e *echo.Echo) {
	req := r.Staff.Auth.Require
	e.GET("/staff/reports", r.dashboard, req(access.ActReportRead))
	e.GET("/staff/reports/table", r.table, req(access.ActReportRead))
	e.GET("/staff/reports/table.csv", r.tableCSV, req(access.ActReportRead))
	e.GET("/staff/reports/cases", r.cases, req(access.ActReportRead))
	for _, f := range exportFormats {
		e.GET("/staff/reports/cases."+f, r.casesExport(f), req(access.ActReportRead))
	}
	e.POST("/staff/reports/exports", r.startExport, req(access.ActReportRead))
	e.GET("/staff/reports/exports/:id", r.exportPage, req(access.ActReportRead))
	e.GET("/staff/reports/exports/:id/file", r.exportFile, req(access.ActReportRead))
	e.GET("/staff/reports/answers", r.answers, req(access.ActReportRead))
	e.POST("/staff/reports/answers/:id", r.markAnswer, req(access.ActPublicationManage))
	e.GET(PathTransparency, r.transparency)
}

func (r *Reports) t(c echo.Context) func(string) string {
	lang := i18n.LangFrom(c.Request().Context())
	return func(id string) string { return r.Staff.Pages.Catalog.T(lang, id, nil) }
}

func (r *Reports) tf(c echo.Context, id string, args ...any) string {
	return r.Staff.Pages.Catalog.T(i18n.LangFrom(c.Request().Context()), id, argMap(args))
}

// casesNote says, after a rate on a chart, how many cases it counts, and
// that they are few when small.
func (r *Reports) casesNote(c echo.Context, rt report.Rate, small bool) string {
	n := fmtInt(rt.Den, i18n.LangFrom(c.Request().Context()))
	if small {
		return r.tf(c, "report.chart.small", "N", n)
	}
	return r.tf(c, "report.chart.n_cases", "N", n, i18n.Count, rt.Den)
}

// fmtInt writes a count with the language's thousands separator.
func fmtInt(n int64, lang string) string {
	s := strconv.FormatInt(n, 10)
	sep := "."
	if lang == i18n.EN {
		sep = ","
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(ch)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// monthParam reads ?thang=YYYY-MM, defaulting to this month.
func (r *Reports) monthParam(c echo.Context) (report.Period, string, error) {
	today := r.Service.Today()
	if v := c.QueryParam("thang"); v != "" {
		p, err := report.MonthPeriod(v)
		return p, v, err
	}
	p := report.MonthOf(today)
	return p, fmt.Sprintf("%04d-%02d", today.Year, int(today.Month)), nil
}

func monthKey(d calendar.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)) }

// fig is a count that links to its cases.
type fig struct {
	N    int64
	Text string
	Href string
}

func (r *Reports) fig(c echo.Context, n int64, q report.DrillQuery) fig {
	lang := i18n.LangFrom(c.Request().Context())
	return fig{N: n, Text: fmtInt(n, lang), Href: "/staff/reports/cases?" + q.Values().Encode()}
}

// tile is one headline figure of the dashboard.
type tile struct {
	ID    string
	Label string
	Value string
	Sub   string
	Href  string
	Class string
}

type trendRow struct {
	Label    string
	Rate     string
	OnTime   fig
	Late     fig
	OpenLate fig
	Received fig
	Small    bool
}

type figRow struct {
	Label    string
	Code     string
	Rate     string
	Meets    bool
	Target   string
	Small    bool
	Received fig
	Carried  fig
	Eligible fig
	OnTime   fig
	Late     fig
	OpenLate fig
	Extended fig
	Satisf   string
	Median   string
	P90      string
	CLate    fig
	COpen    fig
	CRate    string
	// Chased: the unit's chases (đôn đốc) in the period.
	Chased fig
}

type planTaskView struct {
	Key       string
	Text      string
	Status    string
	Target    string
	Received  fig
	OnTime    fig
	Late      fig
	OpenLate  fig
	Rate      string
	Satisf    string
	Recurring []string
	// Reception: the task's citizen-reception figures (plan III.1), nil
	// for every other task.
	Reception *receptionFigView
}

type planDimView struct {
	Numeral string
	Title   string
	Rate    string
	Tasks   []planTaskView
}

func (r *Reports) planView(c echo.Context, plan *report.PlanView, links bool) []planDimView {
	lang := i18n.LangFrom(c.Request().Context())
	var out []planDimView
	for _, dim := range plan.Dimensions {
		dv := planDimView{Numeral: dim.Numeral, Title: dim.Title, Rate: dim.Row.OnTime().In(lang)}
		for _, tk := range dim.Tasks {
			q := func(f report.Figure) report.DrillQuery {
				return report.DrillQuery{Figure: f, Period: plan.Period, By: report.ByPlanTask, Key: strconv.FormatInt(tk.ID, 10)}
			}
			tv := planTaskView{Key: tk.Key, Text: tk.Text, Status: string(tk.Status), Rate: tk.Row.OnTime().In(lang), Satisf: tk.Row.Satisfaction().In(lang),
				Received: r.fig(c, tk.Row.Received, q(report.FigReceived)), OnTime: r.fig(c, tk.Row.AnsweredOnTime, q(report.FigOnTime)),
				Late: r.fig(c, tk.Row.AnsweredLate, q(report.FigLate)), OpenLate: r.fig(c, tk.Row.OpenLate, q(report.FigOpenLate))}
			if !links {
				tv.Received.Href, tv.OnTime.Href, tv.Late.Href, tv.OpenLate.Href = "", "", "", ""
			}
			if g := tk.Row.OnTimeTarget; g != nil {
				tv.Target = strconv.FormatFloat(g.Value, 'f', -1, 64) + "%"
			}
			for _, tp := range tk.Recurring {
				name := tp.NameVI
				if lang == i18n.EN && tp.NameEN != "" {
					name = tp.NameEN
				}
				tv.Recurring = append(tv.Recurring, name)
			}
			dv.Tasks = append(dv.Tasks, tv)
		}
		out = append(out, dv)
	}
	return out
}
