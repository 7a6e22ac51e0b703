package report

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/phucdap/phucdap/internal/fault"
)

// DrillQuery names the cases behind one figure of a report: the figure,
// the report's period and slicing, and the row (a window key for a temporal
// report, a slice key otherwise).
type DrillQuery struct {
	Figure Figure
	Period Period
	By     By
	Key    string
	Where  []Cond
	// Bucket is the age bucket of FigAge.
	Bucket int
}

// Values encodes the query for a link ("figure=open_late&from=…").
func (q DrillQuery) Values() url.Values {
	v := url.Values{}
	v.Set("figure", string(q.Figure))
	if !q.Figure.Current() {
		v.Set("from", q.Period.From.String())
		v.Set("to", q.Period.To.String())
	}
	if q.By != ByTotal {
		v.Set("by", string(q.By))
		v.Set("key", q.Key)
	}
	for _, c := range q.Where {
		v.Add("where", string(c.By)+":"+c.Key)
	}
	if q.Figure == FigAge {
		v.Set("bucket", strconv.Itoa(q.Bucket))
	}
	return v
}

// ParseDrill reads a drill query from a link; now gives the default
// period (this month).
func ParseDrill(v url.Values, def Period) (DrillQuery, error) {
	f, ok := ParseFigure(v.Get("figure"))
	if !ok {
		return DrillQuery{}, fault.FieldError("figure", "report.bad_figure", map[string]any{"Value": v.Get("figure")})
	}
	q := DrillQuery{Figure: f, Period: def, Key: v.Get("key")}
	if v.Get("from") != "" || v.Get("to") != "" {
		p, err := ParsePeriod(v.Get("from"), v.Get("to"))
		if err != nil {
			return DrillQuery{}, err
		}
		q.Period = p
	}
	by, err := ParseBy(v.Get("by"))
	if err != nil {
		return DrillQuery{}, err
	}
	q.By = by
	where, err := ParseWhere(v["where"])
	if err != nil {
		return DrillQuery{}, err
	}
	q.Where = where
	if s := v.Get("bucket"); s != "" {
		if q.Bucket, err = strconv.Atoi(s); err != nil || q.Bucket < 0 || q.Bucket > 20 {
			return DrillQuery{}, fault.FieldError("bucket", "report.bad_bucket", nil)
		}
	}
	return q, nil
}

// ParseWhere reads "by:key" conditions.
func ParseWhere(list []string) ([]Cond, error) {
	var out []Cond
	for _, w := range list {
		b, k, ok := strings.Cut(w, ":")
		by, err := ParseBy(b)
		if b == string(ByOrigin) && (k == OriginReception || k == "") {
			by, err = ByOrigin, nil
		}
		if !ok || err != nil || by == ByTotal || by.Temporal() {
			return nil, fault.FieldError("where", "report.bad_by", map[string]any{"Value": w})
		}
		out = append(out, Cond{By: by, Key: k})
	}
	return out, nil
}

// drill turns a query into the store's question.
func (s *Service) drill(ctx context.Context, q DrillQuery) (Drill, error) {
	d := Drill{Figure: q.Figure, By: q.By, Key: q.Key, Where: q.Where, Bucket: q.Bucket}
	if q.Figure.Current() {
		if q.By.Temporal() {
			return Drill{}, fault.FieldError("by", "report.bad_by", map[string]any{"Value": string(q.By)})
		}
		d.Now = s.NowSpec(ctx)
		if q.Figure == FigAge && q.Bucket > len(d.Now.AgeBounds) {
			return Drill{}, fault.FieldError("bucket", "report.bad_bucket", nil)
		}
		return d, nil
	}
	windows, err := q.Period.Windows(q.By, s.cfg.Location, s.cfg.Now())
	if err != nil {
		return Drill{}, err
	}
	d.Window = windows[0]
	if q.By.Temporal() {
		found := false
		for _, w := range windows {
			if w.Key == q.Key {
				d.Window, found = w, true
			}
		}
		if !found {
			return Drill{}, fault.FieldError("key", "report.bad_key", map[string]any{"Value": q.Key})
		}
		d.By, d.Key = ByTotal, ""
	}
	return d, nil
}

// Cases lists the cases behind a figure, with their total.
func (s *Service) Cases(ctx context.Context, q DrillQuery, limit, offset int) ([]CaseRow, int64, error) {
	d, err := s.drill(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if offset < 0 {
		offset = 0
	}
	return s.cfg.Store.Cases(ctx, d, limit, offset)
}

// EachCase streams the cases behind a figure for an export.
func (s *Service) EachCase(ctx context.Context, q DrillQuery, fn func(CaseRow) error) error {
	d, err := s.drill(ctx, q)
	if err != nil {
		return err
	}
	return s.cfg.Store.EachCase(ctx, d, fn)
}

// CountCases counts what EachCase would stream.
func (s *Service) CountCases(ctx context.Context, q DrillQuery) (int64, error) {
	d, err := s.drill(ctx, q)
	if err != nil {
		return 0, err
	}
	return s.cfg.Store.CountCases(ctx, d)
}
