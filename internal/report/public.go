package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// PublicStats are a month's figures for the open data and the public
// page: the department's, and by topic. They are counts only: nothing in
// them can name a petitioner.
type PublicStats struct {
	Month    string // YYYY-MM
	Period   Period
	Headline *Target
	Total    Row
	ByTopic  []Row
	Report   *Report
}

// PublicStats counts a month for the public.
func (s *Service) PublicStats(ctx context.Context, month Period) (*PublicStats, error) {
	rep, err := s.Report(ctx, Query{Period: month, By: ByTopic})
	if err != nil {
		return nil, err
	}
	ps := &PublicStats{Month: fmt.Sprintf("%04d-%02d", month.From.Year, int(month.From.Month)), Period: month, Headline: rep.Headline,
		Total: rep.Total, Report: rep}
	for _, r := range rep.Rows {
		if r.Key == "" && r.Received+r.Answered()+r.OpenLate == 0 {
			continue
		}
		ps.ByTopic = append(ps.ByTopic, r)
	}
	return ps, nil
}

// PublicCSVHeader is the open data's columns: the JSON's field names.
var PublicCSVHeader = []string{"period", "topic", "received", "answered_on_time", "answered_late", "open_late", "on_time_rate",
	"not_eligible", "forwarded", "guided", "withdrawn", "rated", "satisfaction_rate"}

// WritePublicCSV writes the open data (UTF-8 with a BOM): the department's
// row (topic empty), then one per topic, named in lang.
func WritePublicCSV(w io.Writer, ps *PublicStats, lang string, t Translator) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(PublicCSVHeader); err != nil {
		return err
	}
	rec := func(topic string, r Row) []string {
		return []string{ps.Month, topic, i64(r.Received), i64(r.AnsweredOnTime), i64(r.AnsweredLate), i64(r.OpenLate), rateCell(r.OnTime()),
			i64(r.NotEligible), i64(r.Forwarded), i64(r.Guided), i64(r.Withdrawn), i64(r.Rated), rateCell(r.Satisfaction())}
	}
	if err := cw.Write(rec("", ps.Total)); err != nil {
		return err
	}
	for _, r := range ps.ByTopic {
		if err := cw.Write(rec(r.Name(lang, t), r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// RateValue is a rate as a JSON number (floored to one decimal), nil when
// undefined.
func RateValue(r Rate) *float64 {
	if !r.Defined() {
		return nil
	}
	v, _ := strconv.ParseFloat(formatTenths(r.Tenths(), "."), 64)
	return &v
}
