package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/report"
)

type ageRow struct {
	Label string
	N     fig
}

type dashData struct {
	Month, MonthLabel, Prev, Next string
	ToDate                        bool
	From, To                      string
	Target                        string
	Tiles                         []tile
	Trend                         template.HTML
	TrendRows                     []trendRow
	Units                         template.HTML
	UnitRows                      []figRow
	SmallN                        int
	Backlog                       template.HTML
	AgeRows                       []ageRow
	Apart                         []tile
	Plan                          []planDimView
	Unlinked                      figRow
	Snapshot                      string
	Notice                        string
}

func (r *Reports) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	t := r.t(c)
	month, key, err := r.monthParam(c)
	if err != nil {
		return r.badRequest(c, err)
	}
	today := r.Service.Today()
	d := dashData{Month: key, MonthLabel: present.Month(month.From, lang), From: month.From.String(), To: month.To.String(), SmallN: r.Service.SmallCount(),
		Prev: monthKey(month.From.AddDays(-1)), ToDate: !month.To.Before(today)}
	if c.QueryParam("export") == "missing" {
		d.Notice = "report.export_not_found"
	}
	if next := month.To.AddDays(1); !next.After(today) {
		d.Next = monthKey(next)
	}
	rep, err := r.Service.Report(ctx, report.Query{Period: month, By: report.ByUnit})
	if err != nil {
		return err
	}
	target := 0.0
	if rep.Headline != nil {
		target = rep.Headline.Value
		d.Target = strconv.FormatFloat(target, 'f', -1, 64)
	}
	pres, err := r.Service.Present(ctx, report.ByTotal, nil)
	if err != nil {
		return err
	}
	tot := rep.Total
	drill := func(f report.Figure) report.DrillQuery { return report.DrillQuery{Figure: f, Period: month} }
	rate := tot.OnTime()
	cls := "late"
	if rate.Defined() && rate.MeetsTarget(target) {
		cls = "ok"
	}
	d.Tiles = []tile{
		{ID: "tile-on-time", Label: r.tf(c, "report.tile.on_time", "Month", d.MonthLabel), Value: rate.In(lang), Class: cls,
			Sub:  r.tf(c, "report.tile.on_time_sub", "OnTime", fmtInt(tot.AnsweredOnTime, lang), "Den", fmtInt(rate.Den, lang), "Target", d.Target),
			Href: r.fig(c, tot.Late(), drill(report.FigOpenLate)).Href},
		{ID: "tile-late", Label: t("report.tile.late_now"), Value: fmtInt(pres.Total.LateNow, lang), Class: "late",
			Sub: t("report.tile.late_now_sub"), Href: r.fig(c, 0, report.DrillQuery{Figure: report.FigLateNow}).Href},
		{ID: "tile-soon", Label: r.tf(c, "report.tile.due_soon", "N", r.Service.DueSoonDays()), Value: fmtInt(pres.Total.DueSoon, lang), Class: "soon",
			Sub: t("report.tile.due_soon_sub"), Href: r.fig(c, 0, report.DrillQuery{Figure: report.FigDueSoon}).Href},
		{ID: "tile-satisfaction", Label: t("report.tile.satisfaction"), Value: tot.Satisfaction().In(lang),
			Sub:  r.tf(c, "report.tile.satisfaction_sub", "N", fmtInt(tot.Rated, lang), "Mean", report.FormatDays(tot.MeanRating(), lang)),
			Href: r.fig(c, 0, drill(report.FigRated)).Href},
	}
	if !rate.Defined() {
		d.Tiles[0].Class = ""
	}
	if pres.Total.LateNow == 0 {
		d.Tiles[1].Class = "ok"
	}
	if pres.Total.Uncomputed > 0 {
		// Clocks to fix: cases acknowledged whose due time could not be
		// computed; the drill-down lists them.
		d.Tiles = append(d.Tiles, tile{ID: "tile-uncomputed", Label: t("report.tile.uncomputed"), Value: fmtInt(pres.Total.Uncomputed, lang),
			Class: "late", Sub: t("report.tile.uncomputed_sub"), Href: r.fig(c, 0, report.DrillQuery{Figure: report.FigUncomputed}).Href})
	}
	d.Apart = []tile{
		{Label: t("report.fig.not_eligible"), Value: fmtInt(tot.NotEligible, lang), Href: r.fig(c, 0, drill(report.FigNotEligible)).Href},
		{Label: t("report.fig.forwarded"), Value: fmtInt(tot.Forwarded, lang), Href: r.fig(c, 0, drill(report.FigForwarded)).Href},
		{Label: t("report.fig.guided"), Value: fmtInt(tot.Guided, lang), Href: r.fig(c, 0, drill(report.FigGuided)).Href},
		{Label: t("report.fig.withdrawn"), Value: fmtInt(tot.Withdrawn, lang), Href: r.fig(c, 0, drill(report.FigWithdrawn)).Href},
		{Label: t("report.fig.extensions"), Value: fmtInt(tot.Extensions, lang), Href: r.fig(c, 0, drill(report.FigExtensions)).Href},
		{Label: t("report.fig.reopened"), Value: fmtInt(tot.Reopened, lang), Sub: tot.ReopenRate().In(lang), Href: r.fig(c, 0, drill(report.FigReopened)).Href},
		{Label: t("report.fig.median"), Value: days(tot.Response.Median, tot.Response.Defined(), lang), Sub: r.tf(c, "report.fig.p90_sub", "P90", days(tot.Response.P90, tot.Response.Defined(), lang))},
		{Label: t("report.fig.contrib_rate"), Value: tot.ContribOnTimeRate().In(lang), Sub: r.tf(c, "report.fig.contrib_sub", "Late", fmtInt(tot.ContribLate+tot.ContribOpenLate, lang)),
			Href: r.fig(c, 0, drill(report.FigContribLate)).Href},
		{Label: t("report.fig.duty_rate"), Value: tot.DutyOnTimeRate().In(lang), Sub: r.tf(c, "report.fig.duty_sub", "Late", fmtInt(tot.DutyLate+tot.DutyOpenLate, lang)),
			Href: r.fig(c, 0, drill(report.FigDutyLate)).Href},
	}

	// The trend: twelve months to this one.
	trendPeriod := report.LastMonths(month.To, 12)
	trend, err := r.Service.Report(ctx, report.Query{Period: trendPeriod, By: report.ByMonth})
	if err != nil {
		return err
	}
	var pts []rateDatum
	for _, row := range trend.Rows {
		mp, _ := report.MonthPeriod(row.Key)
		rt := row.OnTime()
		q := func(f report.Figure) report.DrillQuery { return report.DrillQuery{Figure: f, Period: mp} }
		href := "/staff/reports?thang=" + row.Key
		pts = append(pts, rateDatumOf(row.Label, rt, row.Small, target, lang, "", href))
		d.TrendRows = append(d.TrendRows, trendRow{Label: row.Label, Rate: rt.In(lang), Small: row.Small,
			OnTime: r.fig(c, row.AnsweredOnTime, q(report.FigOnTime)), Late: r.fig(c, row.AnsweredLate, q(report.FigLate)),
			OpenLate: r.fig(c, row.OpenLate, q(report.FigOpenLate)), Received: r.fig(c, row.Received, q(report.FigReceived))})
	}
	targetLabel := r.tf(c, "report.chart.target", "Target", d.Target)
	d.Trend = rateTrend("chart-trend", t("report.chart.trend_title"), r.tf(c, "report.chart.trend_desc", "From", present.Month(trend.Windows[0].From, lang), "To", d.MonthLabel),
		pts, target, targetLabel, t("report.chart.no_data"))

	// By unit, worst first; small counts hatched, with their count.
	rows := append([]report.Row(nil), rep.Rows...)
	report.SortWorstFirst(rows)
	var bars []rateDatum
	for _, row := range rows {
		fr := r.figRow(c, row, month, report.ByUnit)
		d.UnitRows = append(d.UnitRows, fr)
		rt := row.OnTime()
		if !rt.Defined() {
			continue
		}
		bars = append(bars, rateDatumOf(row.Name(lang, t), rt, row.Small, target, lang, r.casesNote(c, rt, row.Small), fr.Late.Href))
	}
	d.Units = rateBars("chart-units", r.tf(c, "report.chart.units_title", "Month", d.MonthLabel), t("report.chart.units_desc"), bars, target, targetLabel,
		t("report.chart.no_data"))

	// The backlog by age, now.
	var cols []countColumn
	for i, lbl := range pres.Buckets {
		n := pres.Total.Age[i]
		f := r.fig(c, n, report.DrillQuery{Figure: report.FigAge, Bucket: i})
		label := r.tf(c, "report.age.bucket", "Range", lbl)
		cols = append(cols, countColumn{Label: lbl, Title: label, N: n, Href: f.Href})
		d.AgeRows = append(d.AgeRows, ageRow{Label: label, N: f})
	}
	d.Backlog = countColumns("chart-backlog", t("report.chart.backlog_title"), r.tf(c, "report.chart.backlog_desc", "N", fmtInt(pres.Total.OpenNow, lang)),
		cols, t("report.chart.backlog_axis"))

	plan, err := r.Service.Plan(ctx, month)
	if err != nil {
		return err
	}
	d.Plan = r.planView(c, plan, true)
	rv, err := r.receptionView(c, month)
	if err != nil {
		return err
	}
	attachReception(d.Plan, rv)
	d.Unlinked = r.figRow(c, plan.Unlinked, month, report.ByPlanTask)
	if snap, err := r.Snapshots.LastSnapshot(ctx); err == nil {
		d.Snapshot = present.Moment(snap.TakenAt, r.Service.Location(), i18n.LangFrom(ctx))
	}
	return r.Staff.render(c, http.StatusOK, "report_dashboard", "report.dashboard.title", d)
}

func days(n int, ok bool, lang string) string {
	if !ok {
		return "—"
	}
	return strconv.Itoa(n)
}

// figRow is a report row with every figure linked to its cases.
func (r *Reports) figRow(c echo.Context, row report.Row, p report.Period, by report.By) figRow {
	lang := i18n.LangFrom(c.Request().Context())
	q := func(f report.Figure) report.DrillQuery {
		dq := report.DrillQuery{Figure: f, Period: p}
		if by != report.ByTotal {
			dq.By, dq.Key = by, row.Key
		}
		return dq
	}
	rt := row.OnTime()
	fr := figRow{Label: row.Name(lang, r.t(c)), Code: row.Code, Rate: rt.In(lang), Small: row.Small,
		Received: r.fig(c, row.Received, q(report.FigReceived)), Carried: r.fig(c, row.CarriedOver, q(report.FigCarriedOver)),
		Eligible: r.fig(c, row.Eligible, q(report.FigEligible)), OnTime: r.fig(c, row.AnsweredOnTime, q(report.FigOnTime)),
		Late: r.fig(c, row.AnsweredLate, q(report.FigLate)), OpenLate: r.fig(c, row.OpenLate, q(report.FigOpenLate)),
		Extended: r.fig(c, row.Extended, q(report.FigExtended)), Satisf: row.Satisfaction().In(lang),
		Median: days(row.Response.Median, row.Response.Defined(), lang), P90: days(row.Response.P90, row.Response.Defined(), lang),
		CLate: r.fig(c, row.ContribLate, q(report.FigContribLate)), COpen: r.fig(c, row.ContribOpenLate, q(report.FigContribOpenLate)),
		CRate: row.ContribOnTimeRate().In(lang), Chased: r.fig(c, row.Chased, q(report.FigChased))}
	if row.OnTimeTarget != nil {
		fr.Target = strconv.FormatFloat(row.OnTimeTarget.Value, 'f', -1, 64) + "%"
		fr.Meets = row.MeetsOnTimeTarget()
	}
	return fr
}

func (r *Reports) badRequest(c echo.Context, err error) error {
	msgs, ierr := r.Staff.messages(c, err)
	if ierr != nil {
		return ierr
	}
	return r.Staff.Pages.RenderError(c, http.StatusBadRequest, "invalid", strings.Join(msgs, " "))
}

type tableData struct {
	From, To, By string
	Bys          []string
	Title        string
	Rows         []figRow
	Total        figRow
	CSV          string
	Temporal     bool
	Errors       []string
}

// tableQuery reads ?from&to&by, defaulting to this month by unit.
func (r *Reports) tableQuery(c echo.Context) (report.Query, error) {
	month := report.MonthOf(r.Service.Today())
	q := report.Query{Period: month, By: report.ByUnit}
	if c.QueryParam("from") != "" || c.QueryParam("to") != "" {
		p, err := report.ParsePeriod(c.QueryParam("from"), c.QueryParam("to"))
		if err != nil {
			return q, err
		}
		q.Period = p
	}
	if v := c.QueryParam("by"); v != "" {
		by, err := report.ParseBy(v)
		if err != nil {
			return q, err
		}
		q.By = by
	}
	return q, nil
}

func (r *Reports) table(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := r.tableQuery(c)
	d := tableData{From: q.Period.From.String(), To: q.Period.To.String(), By: string(q.By)}
	for _, b := range report.Bys {
		d.Bys = append(d.Bys, string(b))
	}
	if err != nil {
		if d.Errors, err = r.Staff.messages(c, err); err != nil {
			return err
		}
		return r.Staff.render(c, http.StatusUnprocessableEntity, "report_table", "report.table.title", d)
	}
	rep, err := r.Service.Report(ctx, q)
	if err != nil {
		if d.Errors, err = r.Staff.messages(c, err); err != nil {
			return err
		}
		return r.Staff.render(c, http.StatusUnprocessableEntity, "report_table", "report.table.title", d)
	}
	d.Temporal = q.By.Temporal()
	for _, row := range rep.Rows {
		by := q.By
		p := q.Period
		if q.By.Temporal() {
			// A window's own period, for its links.
			for _, w := range rep.Windows {
				if w.Key == row.Key {
					p = report.Period{From: w.From, To: w.To}
				}
			}
			by = report.ByTotal
		}
		d.Rows = append(d.Rows, r.figRow(c, row, p, by))
	}
	d.Total = r.figRow(c, rep.Total, q.Period, report.ByTotal)
	if q.By.Temporal() {
		d.Total.Received.Href, d.Total.OnTime.Href, d.Total.Late.Href, d.Total.OpenLate.Href = "", "", "", ""
	}
	v := url.Values{"from": {d.From}, "to": {d.To}, "by": {d.By}}
	d.CSV = "/staff/reports/table.csv?" + v.Encode()
	return r.Staff.render(c, http.StatusOK, "report_table", "report.table.title", d)
}

// tableCSV streams a report as CSV (UTF-8 with a BOM): a few hundred rows
// at most, counted in SQL.
func (r *Reports) tableCSV(c echo.Context) error {
	q, err := r.tableQuery(c)
	if err != nil {
		return r.badRequest(c, err)
	}
	rep, err := r.Service.Report(c.Request().Context(), q)
	if err != nil {
		return r.badRequest(c, err)
	}
	noStore(c)
	name := fmt.Sprintf("bao-cao_%s_%s_%s.csv", q.Period.From, q.Period.To, q.By)
	download.Start(c.Response(), download.File{Name: name, MediaType: "text/csv; charset=utf-8"})
	// In the reader's language, Vietnamese by default.
	return report.WriteReportCSV(c.Response(), rep, r.t(c))
}

type caseListRow struct {
	report.CaseRow
	Received string
	Due      string
	Closed   string
	Answered string
	KindID   string
	Status   string
	OnTimeID string
}

type casesData struct {
	Figure, FigureLabel, Scope, Period string
	Rows                               []caseListRow
	Total                              int64
	Pager                              Pager
	// ExportQuery is the drill-down's query string for its CSV and XLSX.
	ExportQuery template.URL
	// Views are the user's saved views of drill-downs, and the save form.
	Views viewForm
}

const drillPage = 100

func (r *Reports) cases(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := report.ParseDrill(c.QueryParams(), report.MonthOf(r.Service.Today()))
	if err != nil {
		return r.badRequest(c, err)
	}
	page := pageParam(c, "page")
	rows, total, err := pageOrLast(&page, drillPage, func(offset int) ([]report.CaseRow, int64, error) {
		return r.Service.Cases(ctx, q, drillPage, offset)
	})
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Code != fault.Unavailable {
			return r.badRequest(c, err)
		}
		return err
	}
	loc := r.Service.Location()
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return present.Moment(*t, loc, i18n.LangFrom(ctx))
	}
	// A period ends at 24:00 of its last day: say so, in the words of the
	// inbox.
	due := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return present.TimeIn(*t, loc, i18n.LangFrom(ctx), r.Staff.Pages.Catalog)
	}
	d := casesData{Figure: string(q.Figure), FigureLabel: r.t(c)("report.fig." + string(q.Figure)), Total: total}
	if !q.Figure.Current() {
		d.Period = present.Period(q.Period.From, q.Period.To, i18n.LangFrom(ctx))
	} else {
		d.Period = r.tf(c, "report.cases.now", "At", present.Moment(r.Service.NowTime(), loc, i18n.LangFrom(ctx)))
		if q.Figure == report.FigAge {
			labels := report.BucketLabels(r.Service.AgeBuckets())
			if q.Bucket < len(labels) {
				d.FigureLabel = r.tf(c, "report.age.bucket", "Range", labels[q.Bucket])
			}
		}
	}
	if q.By != report.ByTotal {
		d.Scope = r.scopeLabel(c, q.By, q.Key)
	}
	for _, w := range q.Where {
		// The cases reception sessions opened (plan III.1's figures).
		if w.By == report.ByOrigin && w.Key == report.OriginReception {
			d.Scope = strings.TrimPrefix(d.Scope+" · "+r.t(c)("report.reception.scope"), " · ")
		}
	}
	for _, row := range rows {
		recv := row.ReceivedAt
		cr := caseListRow{CaseRow: row, Received: at(&recv), Due: due(row.DueAt), Closed: at(row.ClosedAt), Answered: at(row.AnsweredAt),
			KindID: "report.kind." + row.Kind, Status: "report.status." + row.Status}
		if row.OnTime != nil {
			cr.OnTimeID = "report.on_time.yes"
			if !*row.OnTime {
				cr.OnTimeID = "report.on_time.no"
			}
		}
		// A denunciation's title may point at its author: lists show it
		// only on the case page, where the access rules apply.
		if row.Sealed || row.Kind == access.KindDenunciation {
			cr.Title = ""
		}
		d.Rows = append(d.Rows, cr)
	}
	base := c.QueryParams()
	ex := url.Values{}
	for k, v := range base {
		if k != "page" && k != "view" {
			ex[k] = v
		}
	}
	d.ExportQuery = template.URL(ex.Encode())
	if d.Views, err = r.Staff.views(c, access.ListReportCases, q.Values().Encode()); err != nil {
		return err
	}
	d.Pager = pagerFor(i18n.LangFrom(ctx), "inbox.showing", "/staff/reports/cases", base, "page", "", page, drillPage, len(rows), total)
	return r.Staff.render(c, http.StatusOK, "report_cases", "report.cases.title", d)
}

// scopeLabel names a slice key for the drill-down page.
func (r *Reports) scopeLabel(c echo.Context, by report.By, key string) string {
	rep := report.Row{Key: key}
	dir, err := r.Service.Directory(c.Request().Context())
	if err != nil {
		return key
	}
	report.LabelRow(dir, by, &rep)
	return r.t(c)("report.by."+string(by)) + ": " + rep.Name(i18n.LangFrom(c.Request().Context()), r.t(c))
}

type exportData struct {
	Info    report.ExportInfo
	Percent int
	Done    string
	Total   string
	Stalled bool
	Refresh bool
	Size    string
	Period  string
}

func (r *Reports) startExport(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := report.ParsePeriod(c.FormValue("from"), c.FormValue("to"))
	if err != nil {
		return r.badRequest(c, err)
	}
	id, err := r.Exporter.Start(ctx, accesshttp.Actor(c), report.ExportFormat(c.FormValue("format")), p)
	if err != nil {
		return r.badRequest(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/reports/exports/"+strconv.FormatInt(id, 10))
}

func (r *Reports) exportID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, report.ErrExportNotFound
	}
	return id, nil
}

// exportPage shows an export's progress; while it runs the page refreshes
// itself (a meta refresh: no JavaScript needed).
func (r *Reports) exportPage(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	id, err := r.exportID(c)
	if err != nil {
		return r.noExport(c)
	}
	info, err := r.Exporter.Info(ctx, accesshttp.Actor(c), id)
	if err != nil {
		return r.noExport(c)
	}
	d := exportData{Info: info, Percent: info.Percent(), Done: fmtInt(info.RowsDone, lang), Total: fmtInt(info.RowsTotal, lang),
		Stalled: info.Stalled(r.Service.NowTime()), Size: fmtInt((info.Size+1023)/1024, lang)}
	d.Refresh = info.State == "running" && !d.Stalled
	if f, err := calendar.ParseDate(info.Params.From); err == nil {
		if t, err := calendar.ParseDate(info.Params.To); err == nil {
			d.Period = present.Period(f, t, lang)
		}
	}
	if d.Refresh {
		c.Response().Header().Set("Refresh", "2")
	}
	return r.Staff.render(c, http.StatusOK, "report_export", "report.export.title", d)
}

// noExport answers for an export that does not exist or is someone
// else's: back to the dashboard, saying so (an export's existence is not
// confirmed to others).
func (r *Reports) noExport(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/staff/reports?export=missing")
}

func (r *Reports) exportFile(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := r.exportID(c)
	if err != nil {
		return r.noExport(c)
	}
	who := accesshttp.Actor(c)
	info, err := r.Exporter.Info(ctx, who, id)
	if err != nil {
		return r.noExport(c)
	}
	if info.State != "done" {
		return c.Redirect(http.StatusSeeOther, "/staff/reports/exports/"+strconv.FormatInt(id, 10))
	}
	noStore(c)
	ct := "text/csv; charset=utf-8"
	if info.Format == report.FormatXLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	download.Start(c.Response(), download.File{Name: info.FileName, MediaType: ct, Size: info.Size})
	return r.Exporter.Download(ctx, who, id, c.Response())
}

type answerRow struct {
	report.Publication
	When     string
	Marked   string
	TopicTxt string
	// The preview: the redacted texts with what redaction removed
	// highlighted (shown only to who may read the contact; others see the
	// redaction mark highlighted).
	PTitle, PContent, PAnswer template.HTML
	Removed                   int
}

// previewHTML renders segments, the removed ones in <mark>.
func previewHTML(segs []report.Segment, show bool) template.HTML {
	var b strings.Builder
	for _, s := range segs {
		if !s.Removed {
			b.WriteString(template.HTMLEscapeString(s.Text))
			continue
		}
		t := access.Redaction
		if show {
			t = s.Text
		}
		b.WriteString(`<mark class="redacted">` + template.HTMLEscapeString(t) + `</mark>`)
	}
	return template.HTML(b.String())
}

type answersData struct {
	Month, MonthLabel, Prev, Next string
	Rows                          []answerRow
	Total                         int64
	// Page is the page shown (its forms come back to it); Pager its place
	// in the month's answers.
	Page    int
	Pager   Pager
	CanMark bool
	Notice  string
	Errors  []string
}

// answersPageSize is a page of the month's published answers.
const answersPageSize = 200

func (r *Reports) answers(c echo.Context) error {
	return r.renderAnswers(c, "", nil, http.StatusOK)
}

func (r *Reports) renderAnswers(c echo.Context, notice string, errs []string, status int) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	month, key, err := r.monthParam(c)
	if err != nil {
		return r.badRequest(c, err)
	}
	who := accesshttp.Actor(c)
	page := pageParam(c, "page")
	list, total, err := pageOrLast(&page, answersPageSize, func(offset int) ([]report.Publication, int64, error) {
		return r.Service.Publications(ctx, r.Publications, who, month, answersPageSize, offset)
	})
	if err != nil {
		return err
	}
	today := r.Service.Today()
	d := answersData{Month: key, MonthLabel: present.Month(month.From, lang), Prev: monthKey(month.From.AddDays(-1)), Total: total,
		CanMark: access.Can(who, access.ActPublicationManage, nil), Notice: notice, Errors: errs, Page: page,
		Pager: pagerFor(lang, "report.answers.showing", "/staff/reports/answers", url.Values{"thang": {key}}, "page", "", page, answersPageSize, len(list), total)}
	if next := month.To.AddDays(1); !next.After(today) {
		d.Next = monthKey(next)
	}
	loc := r.Service.Location()
	for _, p := range list {
		row := answerRow{Publication: p, When: present.DateOf(p.PublishedAt, loc, lang), TopicTxt: p.TopicVI}
		if pv := p.Preview; pv != nil {
			show := access.Can(who, access.ActContactRead, &access.CaseScope{CaseID: p.CaseID, Kind: p.Kind})
			row.PTitle, row.PContent, row.PAnswer = previewHTML(pv.Title, show), previewHTML(pv.Content, show), previewHTML(pv.Answer, show)
			row.Removed = pv.Removed
		}
		if lang == i18n.EN && p.TopicEN != "" {
			row.TopicTxt = p.TopicEN
		}
		if p.MarkedAt != nil {
			row.Marked = present.DateOf(*p.MarkedAt, loc, lang)
		}
		d.Rows = append(d.Rows, row)
	}
	return r.Staff.render(c, status, "report_answers", "report.answers.title", d)
}

func (r *Reports) markAnswer(c echo.Context) error {
	// An id that is not a number names no answer: the store says so.
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	on := c.FormValue("publishable") == "1"
	err := r.Service.SetPublishable(c.Request().Context(), r.Publications, accesshttp.Actor(c), id, on)
	if err != nil {
		msgs, ierr := r.Staff.messages(c, err)
		if ierr != nil {
			return ierr
		}
		status := present.Status(err)
		if status == http.StatusNotFound {
			// The page itself exists: the form named no answer of it.
			status = http.StatusUnprocessableEntity
		}
		return r.renderAnswers(c, "", msgs, status)
	}
	to := "/staff/reports/answers?done=" + map[bool]string{true: "on", false: "off"}[on]
	if m := c.FormValue("thang"); m != "" {
		to += "&thang=" + url.QueryEscape(m)
	}
	if p, err := strconv.Atoi(c.FormValue("page")); err == nil && p > 1 {
		to += "&page=" + strconv.Itoa(p)
	}
	return c.Redirect(http.StatusSeeOther, to)
}
