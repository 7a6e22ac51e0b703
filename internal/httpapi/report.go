package httpapi

import (
	"bytes"
	"context"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/report"
)

// Reports serves the KPI operations: the staff report and the
// public open data.
type Reports struct {
	Service    *report.Service
	Catalog    *i18n.Catalog
	AgencyName string
}

func (r *Reports) t(lang string) report.Translator {
	return func(id string) string { return r.Catalog.T(lang, id, nil) }
}

// GetOnTimeReport implements GET /reports/on-time.
func (a *API) GetOnTimeReport(ctx context.Context, req GetOnTimeReportRequestObject) (GetOnTimeReportResponseObject, error) {
	r := a.Reports
	p, err := report.ParsePeriod(req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	by := report.ByTotal
	if req.Params.By != nil {
		if by, err = report.ParseBy(string(*req.Params.By)); err != nil {
			return nil, err
		}
	}
	svc := r.Service
	if req.Params.AsOf != nil {
		svc = svc.AsOf(*req.Params.AsOf)
	}
	rep, err := svc.Report(ctx, report.Query{Period: p, By: by})
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	t := r.t(lang)
	out := GetOnTimeReport200JSONResponse{From: p.From.String(), To: p.To.String(), By: string(by), SmallCount: rep.SmallN,
		GeneratedAt: rep.At.UTC(), Rows: make([]OnTimeReportRow, 0, len(rep.Rows)), Total: reportRowJSON(rep.Total, lang, t)}
	if by == report.ByTotal {
		// by=total is one row: the department's (also in total).
		out.By = "total"
		out.Rows = append(out.Rows, reportRowJSON(rep.Total, lang, t))
	}
	if rep.Headline != nil {
		out.Target = ptr(rep.Headline.Value)
	}
	for _, row := range rep.Rows {
		out.Rows = append(out.Rows, reportRowJSON(row, lang, t))
	}
	return out, nil
}

func reportRowJSON(r report.Row, lang string, t report.Translator) OnTimeReportRow {
	c := r.Counts
	f := ReportFigures{Received: c.Received, CarriedOver: c.CarriedOver, Eligible: c.Eligible, AnsweredOnTime: c.AnsweredOnTime,
		AnsweredLate: c.AnsweredLate, OpenLate: c.OpenLate, Late: c.Late(), OnTimeRate: report.RateValue(c.OnTime()),
		Extended: c.Extended, ExtendedOnTime: c.ExtendedOnTime, Extensions: c.Extensions, NotEligible: c.NotEligible,
		Forwarded: c.Forwarded, Guided: c.Guided, Withdrawn: c.Withdrawn, Rated: c.Rated, Satisfied: c.Satisfied,
		SatisfactionRate: report.RateValue(c.Satisfaction()), Reopened: c.Reopened, ReopenRate: report.RateValue(c.ReopenRate()),
		ContribOnTime: c.ContribOnTime, ContribLate: c.ContribLate, ContribOpenLate: c.ContribOpenLate,
		ContribOnTimeRate: report.RateValue(c.ContribOnTimeRate()),
		DutyOnTime:        c.DutyOnTime, DutyLate: c.DutyLate, DutyOpenLate: c.DutyOpenLate, DutyOnTimeRate: report.RateValue(c.DutyOnTimeRate()),
		Chased: c.Chased}
	if c.Rated > 0 {
		f.MeanRating = ptr(float64(int(c.MeanRating()*100)) / 100)
	}
	f.ResponseDays.Answers = r.Response.N
	if r.Response.Defined() {
		f.ResponseDays.Median, f.ResponseDays.P90 = ptr(r.Response.Median), ptr(r.Response.P90)
	}
	out := OnTimeReportRow{Key: r.Key, Label: r.Name(lang, t), Small: r.Small, Figures: f}
	if r.Code != "" {
		out.Code = ptr(r.Code)
	}
	if r.OnTimeTarget != nil {
		out.OnTimeTarget = ptr(r.OnTimeTarget.Value)
		if c.OnTime().Defined() {
			out.MeetsTarget = ptr(r.MeetsOnTimeTarget())
		}
	}
	return out
}

// publicMonth is the month of the open data: ?period=YYYY-MM, else this
// month.
func (r *Reports) publicMonth(period *string) (report.Period, error) {
	if period != nil && *period != "" {
		return report.MonthPeriod(*period)
	}
	return report.MonthOf(calendar.DateOf(r.Service.NowTime(), r.Service.Location())), nil
}

// GetPublicStats implements GET /public/stats: counts only, never a
// petitioner's data.
func (a *API) GetPublicStats(ctx context.Context, req GetPublicStatsRequestObject) (GetPublicStatsResponseObject, error) {
	r := a.Reports
	month, err := r.publicMonth(req.Params.Period)
	if err != nil {
		return nil, err
	}
	ps, err := r.Service.PublicStatsCached(ctx, month)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	t := r.t(lang)
	c := ps.Total.Counts
	out := GetPublicStats200JSONResponse{Period: ps.Month, From: month.From.String(), To: month.To.String(), Agency: r.AgencyName,
		Received: c.Received, AnsweredOnTime: c.AnsweredOnTime, AnsweredLate: c.AnsweredLate, OpenLate: c.OpenLate,
		OnTimeRate: report.RateValue(c.OnTime()), NotEligible: c.NotEligible, Forwarded: c.Forwarded, Guided: c.Guided, Withdrawn: c.Withdrawn,
		Rated: c.Rated, SatisfactionRate: report.RateValue(c.Satisfaction()), GeneratedAt: ps.Report.At.UTC(),
		ByTopic: make([]PublicStatsRow, 0, len(ps.ByTopic))}
	if ps.Headline != nil {
		out.Target = ptr(ps.Headline.Value)
	}
	rf, ended, err := a.Reception.PublicFigures(ctx, month)
	if err != nil {
		return nil, err
	}
	if ended {
		out.Reception = publicReception(rf)
	}
	for _, row := range ps.ByTopic {
		c := row.Counts
		out.ByTopic = append(out.ByTopic, PublicStatsRow{Topic: ptr(row.Name(lang, t)), Received: c.Received, AnsweredOnTime: c.AnsweredOnTime,
			AnsweredLate: c.AnsweredLate, OpenLate: c.OpenLate, OnTimeRate: report.RateValue(c.OnTime()), NotEligible: c.NotEligible,
			Forwarded: c.Forwarded, Guided: c.Guided, Withdrawn: c.Withdrawn, Rated: c.Rated, SatisfactionRate: report.RateValue(c.Satisfaction())})
	}
	return out, nil
}

// publicReception is plan III.1's reception of an ended month as the open
// data gives it: what /minh-bach shows, nothing more (f is
// reception.PublicFigures': no citizens by host, and a month of few visits
// withheld).
func publicReception(f report.ReceptionFigures) *PublicReception {
	out := &PublicReception{Withheld: f.Withheld, Hosts: make([]PublicReceptionHost, 0, len(f.Hosts))}
	for _, h := range f.Hosts {
		out.Hosts = append(out.Hosts, PublicReceptionHost{Host: h.Host, Leadership: h.Leadership, Scheduled: h.Scheduled, Held: h.Held})
	}
	if f.Withheld {
		return out
	}
	c := f.Cases
	out.LeadershipCitizens, out.DeskCitizens = ptr(f.LeadershipCitizens), ptr(f.DeskCitizens)
	out.Dialogues, out.DialoguesPublished = ptr(f.Dialogues), ptr(f.DialoguesPublished)
	out.CasesOpened, out.AnsweredOnTime, out.AnsweredLate, out.OpenLate = ptr(c.Received), ptr(c.AnsweredOnTime), ptr(c.AnsweredLate), ptr(c.OpenLate)
	out.OnTimeRate = report.RateValue(c.OnTime())
	if f.Satisfaction != nil {
		out.SatisfactionRate = report.RateValue(*f.Satisfaction)
	}
	return out
}

// GetPublicStatsCsv implements GET /public/stats.csv.
func (a *API) GetPublicStatsCsv(ctx context.Context, req GetPublicStatsCsvRequestObject) (GetPublicStatsCsvResponseObject, error) {
	r := a.Reports
	month, err := r.publicMonth(req.Params.Period)
	if err != nil {
		return nil, err
	}
	ps, err := r.Service.PublicStatsCached(ctx, month)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	var buf bytes.Buffer
	if err := report.WritePublicCSV(&buf, ps, lang, r.t(lang)); err != nil {
		return nil, err
	}
	return GetPublicStatsCsv200TextcsvResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}
