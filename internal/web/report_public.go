package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/textfold"
)

// Contact is how citizens reach the department, as configured: the
// hotline (đường dây nóng, Plan 55 IV.3) with its note, the address, the
// e-mail and the office hours. Every page's footer, the receipt and the
// transparency page show it; an empty field prints nothing.
type Contact struct {
	Hotline, HotlineNote string
	Address, Email       string
	Hours, HoursEN       string
}

// HoursIn returns the office hours in lang, Vietnamese when there is no
// translation.
func (c Contact) HoursIn(lang string) string {
	if lang == "en" && c.HoursEN != "" {
		return c.HoursEN
	}
	return c.Hours
}

// Any says whether there is anything to show.
func (c Contact) Any() bool {
	return c.Hotline != "" || c.Address != "" || c.Email != "" || c.Hours != "" || c.HoursEN != ""
}

// PathTransparency is the public transparency page.
const PathTransparency = "/minh-bach"

type publicAnswerView struct {
	report.Publication
	When  string
	Topic string
	// For a search: the texts with the words found marked (nil: show the
	// text as is).
	HTitle, HContent, HAnswer []textfold.Segment
}

// dialogueView is a dialogue's published result as the public reads it.
type dialogueView struct {
	reception.DialogueResult
	Day, When string
}

type transparencyData struct {
	Month, MonthLabel, Prev, Next string
	ToDate                        bool
	Target                        string
	Rate                          string
	RateClass                     string
	Figures                       []tile
	Apart                         []tile
	Trend                         template.HTML
	TrendRows                     []trendRow
	Topics                        template.HTML
	TopicRows                     []figRow
	Plan                          []planDimView
	Answers                       []publicAnswerView
	// Dialogues are the published results of dialogues, redacted.
	Dialogues []dialogueView
	// Q searches the published answers; QError is why it was refused.
	Q, QError string
	JSON, CSV string
	Generated string
}

// transparency is the public page (no login): this month's figures, the
// trend, figures by topic, the hotline, the plan with each task's status,
// and the answers the office marked publishable, redacted. Nothing on it
// comes from a case row but counts and the redacted publications.
func (r *Reports) transparency(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	t := r.t(c)
	month, key, err := r.monthParam(c)
	if err != nil {
		return r.Staff.Pages.RenderError(c, http.StatusBadRequest, "invalid", t("report.bad_month"))
	}
	today := r.Service.Today()
	d := transparencyData{Month: key, MonthLabel: present.Month(month.From, lang), Prev: monthKey(month.From.AddDays(-1)), ToDate: !month.To.Before(today),
		JSON: "/api/v1/public/stats?period=" + key, CSV: "/api/v1/public/stats.csv?period=" + key}
	if next := month.To.AddDays(1); !next.After(today) {
		d.Next = monthKey(next)
	}
	// Reused for a minute: the page needs no login (see report.PublicTTL).
	ps, trend, plan, err := r.Service.Public(ctx, month)
	if err != nil {
		return err
	}
	target := 0.0
	if ps.Headline != nil {
		target = ps.Headline.Value
		d.Target = strconv.FormatFloat(target, 'f', -1, 64)
	}
	tot := ps.Total
	rate := tot.OnTime()
	d.Rate = rate.In(lang)
	d.RateClass = "late"
	if rate.Defined() && rate.MeetsTarget(target) {
		d.RateClass = "ok"
	}
	if !rate.Defined() {
		d.RateClass = ""
	}
	d.Figures = []tile{
		{Label: t("report.fig.received"), Value: fmtInt(tot.Received, lang)},
		{Label: t("report.fig.on_time"), Value: fmtInt(tot.AnsweredOnTime, lang), Class: "ok"},
		{Label: t("report.fig.late"), Value: fmtInt(tot.AnsweredLate, lang), Class: "late"},
		{Label: t("report.fig.open_late"), Value: fmtInt(tot.OpenLate, lang), Class: "late"},
		{Label: t("report.tile.satisfaction"), Value: tot.Satisfaction().In(lang), Sub: r.tf(c, "report.public.rated", "N", fmtInt(tot.Rated, lang))},
	}
	d.Apart = []tile{
		{Label: t("report.fig.not_eligible"), Value: fmtInt(tot.NotEligible, lang)},
		{Label: t("report.fig.forwarded"), Value: fmtInt(tot.Forwarded, lang)},
		{Label: t("report.fig.guided"), Value: fmtInt(tot.Guided, lang)},
		{Label: t("report.fig.withdrawn"), Value: fmtInt(tot.Withdrawn, lang)},
	}
	var pts []rateDatum
	for _, row := range trend.Rows {
		rt := row.OnTime()
		pts = append(pts, rateDatumOf(row.Label, rt, row.Small, target, lang, "", PathTransparency+"?thang="+row.Key))
		d.TrendRows = append(d.TrendRows, trendRow{Label: row.Label, Rate: rt.In(lang), Small: row.Small,
			OnTime: fig{Text: fmtInt(row.AnsweredOnTime, lang)}, Late: fig{Text: fmtInt(row.AnsweredLate, lang)},
			OpenLate: fig{Text: fmtInt(row.OpenLate, lang)}, Received: fig{Text: fmtInt(row.Received, lang)}})
	}
	targetLabel := r.tf(c, "report.chart.target", "Target", d.Target)
	d.Trend = rateTrend("chart-public-trend", t("report.chart.trend_title"), r.tf(c, "report.chart.trend_desc", "From", present.Month(trend.Windows[0].From, lang), "To", d.MonthLabel),
		pts, target, targetLabel, t("report.chart.no_data"))
	var bars []rateDatum
	for _, row := range ps.ByTopic {
		if row.Received+row.Answered()+row.OpenLate == 0 {
			continue // a topic with nothing this month is noise on the page (the open data lists it)
		}
		fr := figRow{Label: row.Name(lang, t), Rate: row.OnTime().In(lang), Small: row.Small, Satisf: row.Satisfaction().In(lang),
			Received: fig{Text: fmtInt(row.Received, lang)}, OnTime: fig{Text: fmtInt(row.AnsweredOnTime, lang)},
			Late: fig{Text: fmtInt(row.AnsweredLate, lang)}, OpenLate: fig{Text: fmtInt(row.OpenLate, lang)}}
		d.TopicRows = append(d.TopicRows, fr)
		rt := row.OnTime()
		if !rt.Defined() {
			continue
		}
		bars = append(bars, rateDatumOf(row.Name(lang, t), rt, row.Small, target, lang, r.casesNote(c, rt, row.Small), ""))
	}
	d.Topics = rateBars("chart-topics", r.tf(c, "report.chart.topics_title", "Month", d.MonthLabel), t("report.chart.topics_desc"), bars, target,
		targetLabel, t("report.chart.no_data"))
	d.Plan = r.planView(c, plan, false)
	rv, err := r.publicReceptionView(c, month)
	if err != nil {
		return err
	}
	attachReception(d.Plan, rv)
	var hits []report.PublicHit
	d.Q = strings.TrimSpace(c.QueryParam("q"))
	if d.Q != "" {
		sq, why := textfold.Parse(d.Q)
		d.QError = why
		if why == "" {
			if hits, err = r.Service.SearchPublicAnswers(ctx, r.Publications, sq, 20); err != nil {
				return err
			}
		}
	} else {
		pubs, err := r.Service.PublicAnswers(ctx, r.Publications, 20)
		if err != nil {
			return err
		}
		for _, p := range pubs {
			hits = append(hits, report.PublicHit{Publication: p})
		}
	}
	loc := r.Service.Location()
	for _, h := range hits {
		p := h.Publication
		v := publicAnswerView{Publication: p, When: present.DateOf(p.PublishedAt, loc, lang), Topic: p.TopicVI,
			HTitle: h.Title, HContent: h.Content, HAnswer: h.Answer}
		if lang == i18n.EN && p.TopicEN != "" {
			v.Topic = p.TopicEN
		}
		d.Answers = append(d.Answers, v)
	}
	dialogues, err := r.Reception.DialogueResults(ctx, 20)
	if err != nil {
		return err
	}
	for _, dr := range dialogues {
		d.Dialogues = append(d.Dialogues, dialogueView{DialogueResult: dr, Day: present.Date(dr.Day, lang), When: present.DateOf(dr.PublishedAt, loc, lang)})
	}
	d.Generated = present.Moment(ps.Report.At, loc, lang)
	if accesshttp.Actor(c).Authenticated() {
		// The staff bar (a name, a CSRF token) is on the page: not for
		// shared caches.
		noStore(c)
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=300")
	}
	return r.Staff.Pages.render(c, http.StatusOK, "transparency", "report.public.title", d)
}
