package report

import (
	"context"
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// Present is the state of the cases right now: late, due soon, open, and
// the backlog by age.
type Present struct {
	At       time.Time
	Today    calendar.Date
	SoonDays int
	// Buckets label the age buckets: "0–5", "6–10", …, "> 30" working days.
	Buckets []string
	Rows    []PresentRow
	Total   PresentRow
}

// PresentRow is the present state of one key.
type PresentRow struct {
	Key     string
	Label   string
	LabelEN string
	LabelID string
	Code    string
	LateNow int64
	DueSoon int64
	OpenNow int64
	Age     []int64
	// Uncomputed counts running clocks with no computable due time.
	Uncomputed int64
}

// Name is the row's label in lang.
func (r PresentRow) Name(lang string, t func(string) string) string {
	return Row{Label: r.Label, LabelEN: r.LabelEN, LabelID: r.LabelID}.Name(lang, t)
}

// NowSpec is the store's view of now: the due-soon horizon and the age
// bucket bounds, computed on the working-day calendar.
func (s *Service) NowSpec(ctx context.Context) Now {
	now := s.cfg.Now()
	cal := s.cfg.Calendar(ctx)
	loc := s.cfg.Location
	today := calendar.DateOf(now, loc)
	n := Now{At: now.UTC(), SoonUntil: SoonUntil(cal, today, s.cfg.DueSoonDays, loc)}
	for _, b := range s.cfg.AgeBuckets {
		n.AgeBounds = append(n.AgeBounds, AgeBound(cal, today, b, loc))
	}
	return n
}

// SoonUntil is the end of the due-soon horizon now: the latest due time
// that is due soon, DueSoonDays working days from today. The dashboard,
// the inbox, the case pages and the case API all use it.
func (s *Service) SoonUntil(ctx context.Context) time.Time {
	now := s.cfg.Now()
	return SoonUntil(s.cfg.Calendar(ctx), calendar.DateOf(now, s.cfg.Location), s.cfg.DueSoonDays, s.cfg.Location)
}

// ChaseUntil is the end of the chase horizon now: the "due soon" horizon
// (SoonUntil) over ChaseDays working days. The inbox proposes chasing the
// units of cases due soon by it with no draft answer.
func (s *Service) ChaseUntil(ctx context.Context) time.Time {
	now := s.cfg.Now()
	return SoonUntil(s.cfg.Calendar(ctx), calendar.DateOf(now, s.cfg.Location), s.cfg.ChaseDays, s.cfg.Location)
}

// SoonUntil is the latest due time whose deadline date is at most n working
// days after today (a due time is 24:00 of its last day).
func SoonUntil(cal *calendar.Calendar, today calendar.Date, n int, loc *time.Location) time.Time {
	return cal.AddWorkingDays(today, n).AddDays(1).Time(loc).UTC()
}

// AgeBound is the earliest receipt instant of a case at most n working days
// old today: the start of the earliest day d with WorkingDaysBetween(d,
// today) <= n, which is the (n+1)-th working day counted back from today
// inclusive.
func AgeBound(cal *calendar.Calendar, today calendar.Date, n int, loc *time.Location) time.Time {
	return cal.AddWorkingDays(today.AddDays(1), -(n + 1)).Time(loc).UTC()
}

// BucketLabels names the age buckets of bounds: "0–5", "6–10", "> 30".
func BucketLabels(bounds []int) []string {
	var out []string
	lo := 0
	for _, b := range bounds {
		out = append(out, strconv.Itoa(lo)+"–"+strconv.Itoa(b))
		lo = b + 1
	}
	if len(bounds) > 0 {
		out = append(out, "> "+strconv.Itoa(bounds[len(bounds)-1]))
	}
	return out
}

// Present counts the present state per key of by.
func (s *Service) Present(ctx context.Context, by By, where []Cond) (*Present, error) {
	if by.Temporal() {
		return nil, fault.FieldError("by", "report.bad_by", map[string]any{"Value": string(by)})
	}
	n := s.NowSpec(ctx)
	cells, err := s.cfg.Store.Current(ctx, n, by, where)
	if err != nil {
		return nil, err
	}
	dir, err := s.cfg.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	p := &Present{At: n.At, Today: s.Today(), SoonDays: s.cfg.DueSoonDays, Buckets: BucketLabels(s.cfg.AgeBuckets)}
	nb := len(s.cfg.AgeBuckets) + 1
	p.Total = PresentRow{LabelID: "report.total", Age: make([]int64, nb)}
	byKey := map[cellKey]Counts{}
	cur := map[string]CurrentCell{}
	for _, c := range cells {
		cur[c.Key] = c
		byKey[cellKey{"", c.Key}] = Counts{}
		p.Total.LateNow += c.LateNow
		p.Total.DueSoon += c.DueSoon
		p.Total.OpenNow += c.OpenNow
		p.Total.Uncomputed += c.Uncomputed
		for i := 0; i < nb && i < len(c.Age); i++ {
			p.Total.Age[i] += c.Age[i]
		}
	}
	if by == ByTotal {
		return p, nil
	}
	for _, key := range s.keys(dir, by, byKey) {
		c := cur[key]
		r := Row{Key: key}
		label(dir, by, &r)
		age := make([]int64, nb)
		copy(age, c.Age)
		p.Rows = append(p.Rows, PresentRow{Key: key, Label: r.Label, LabelEN: r.LabelEN, LabelID: r.LabelID, Code: r.Code,
			LateNow: c.LateNow, DueSoon: c.DueSoon, OpenNow: c.OpenNow, Age: age, Uncomputed: c.Uncomputed})
	}
	return p, nil
}
