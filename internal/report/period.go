package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// By is how a report slices its figures.
type By string

const (
	ByTotal     By = ""          // one row: the whole department
	ByUnit      By = "unit"      // the acting unit (lead for the answer, the coordinating unit for its contribution)
	ByPlanTask  By = "plan_task" // the case's plan task
	ByDimension By = "dimension" // the plan task's PAPI dimension
	ByKind      By = "kind"      // kiến nghị, phản ánh, khiếu nại, tố cáo
	ByChannel   By = "channel"   // web, phone, post…: Plan 55 VII is about electronic channels
	ByTopic     By = "topic"     // the citizen-facing topic (public page)
	ByMonth     By = "month"     // one row per calendar month (Asia/Ho_Chi_Minh)
	ByQuarter   By = "quarter"
	ByYear      By = "year"
	// ByOrigin narrows a report to where its cases came from beyond their
	// channel (OriginReception); it is a condition (Cond), never a
	// slicing: ParseBy refuses it, ParseWhere reads it.
	ByOrigin By = "origin"
)

// OriginReception is ByOrigin's key of the cases opened from a
// citizen-reception session: a counter's in-person case shares their
// channel, not their origin.
const OriginReception = "reception"

// Bys lists the slicings the API accepts, in menu order.
var Bys = []By{ByUnit, ByPlanTask, ByDimension, ByKind, ByChannel, ByTopic, ByMonth, ByQuarter, ByYear}

// ParseBy checks a slicing name; "" and "total" are the whole department.
func ParseBy(s string) (By, error) {
	if s == "" || s == "total" {
		return ByTotal, nil
	}
	for _, b := range Bys {
		if string(b) == s {
			return b, nil
		}
	}
	return "", fault.FieldError("by", "report.bad_by", map[string]any{"Value": s})
}

// Temporal says whether the slicing cuts time rather than cases.
func (b By) Temporal() bool { return b == ByMonth || b == ByQuarter || b == ByYear }

// Window is a period of time a figure is counted over: [Start, End) in
// instants, which are the local midnights of From and of the day after To.
// AsOf is when "still open and late" is judged: the window's end, or now
// for a window that has not ended yet.
type Window struct {
	Key        string // "2026-11", "2026-Q4", "2026"; "" for a single window
	From, To   calendar.Date
	Start, End time.Time
	AsOf       time.Time
}

// MaxWindows bounds a temporal report (ten years by month).
const MaxWindows = 120

// MaxSpanDays bounds any report period.
const MaxSpanDays = 3700

// Period is an inclusive range of civil dates.
type Period struct {
	From, To calendar.Date
}

// ParsePeriod reads from and to (YYYY-MM-DD, inclusive) and checks them.
func ParsePeriod(from, to string) (Period, error) {
	f, err := calendar.ParseDate(from)
	if err != nil {
		return Period{}, fault.FieldError("from", "report.bad_date", map[string]any{"Value": from})
	}
	t, err := calendar.ParseDate(to)
	if err != nil {
		return Period{}, fault.FieldError("to", "report.bad_date", map[string]any{"Value": to})
	}
	p := Period{From: f, To: t}
	return p, p.Validate()
}

// Validate checks the period's order and span.
func (p Period) Validate() error {
	if p.To.Before(p.From) {
		return fault.FieldError("to", "report.bad_period", nil)
	}
	if p.To.Sub(p.From) > MaxSpanDays {
		return fault.FieldError("to", "report.period_too_long", map[string]any{"Days": MaxSpanDays})
	}
	return nil
}

// MonthPeriod is the calendar month of "YYYY-MM".
func MonthPeriod(ym string) (Period, error) {
	t, err := time.Parse("2006-01", ym)
	if err != nil || len(ym) != 7 {
		return Period{}, fault.FieldError("period", "report.bad_month", map[string]any{"Value": ym})
	}
	first := calendar.NewDate(t.Year(), t.Month(), 1)
	return Period{From: first, To: calendar.NewDate(t.Year(), t.Month()+1, 1).AddDays(-1)}, nil
}

// MonthOf is the calendar month that contains d.
func MonthOf(d calendar.Date) Period {
	first := calendar.NewDate(d.Year, d.Month, 1)
	return Period{From: first, To: calendar.NewDate(d.Year, d.Month+1, 1).AddDays(-1)}
}

// LastMonths is the n calendar months ending with the month of d.
func LastMonths(d calendar.Date, n int) Period {
	end := MonthOf(d)
	return Period{From: calendar.NewDate(d.Year, d.Month-time.Month(n-1), 1), To: end.To}
}

// Windows cuts the period for a slicing: one window, or one per month,
// quarter or year (clipped to the period) for a temporal slicing.
func (p Period) Windows(by By, loc *time.Location, now time.Time) ([]Window, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !by.Temporal() {
		return []Window{window("", p.From, p.To, loc, now)}, nil
	}
	var out []Window
	for d := p.From; !d.After(p.To); {
		var key string
		var next calendar.Date
		switch by {
		case ByMonth:
			key = fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
			next = calendar.NewDate(d.Year, d.Month+1, 1)
		case ByQuarter:
			q := (int(d.Month)-1)/3 + 1
			key = fmt.Sprintf("%04d-Q%d", d.Year, q)
			next = calendar.NewDate(d.Year, time.Month(q*3+1), 1)
		default:
			key = strconv.Itoa(d.Year)
			next = calendar.NewDate(d.Year+1, time.January, 1)
		}
		to := next.AddDays(-1)
		if to.After(p.To) {
			to = p.To
		}
		out = append(out, window(key, d, to, loc, now))
		if len(out) > MaxWindows {
			return nil, fault.FieldError("to", "report.period_too_long", map[string]any{"Days": MaxSpanDays})
		}
		d = next
	}
	return out, nil
}

func window(key string, from, to calendar.Date, loc *time.Location, now time.Time) Window {
	w := Window{Key: key, From: from, To: to, Start: from.Time(loc).UTC(), End: to.AddDays(1).Time(loc).UTC()}
	w.AsOf = w.End
	if now.Before(w.End) {
		w.AsOf = now.UTC()
	}
	if w.AsOf.Before(w.Start) {
		w.AsOf = w.Start
	}
	return w
}

// Label is the window in Vietnamese office style: "11/2026", "Quý IV/2026",
// "2026", or "01/11/2026 – 30/11/2026".
func (w Window) Label() string {
	switch {
	case len(w.Key) == 7 && w.Key[5] == 'Q':
		return "Quý " + [...]string{"I", "II", "III", "IV"}[w.Key[6]-'1'] + "/" + w.Key[:4]
	case len(w.Key) == 7 && w.Key[4] == '-':
		return w.Key[5:] + "/" + w.Key[:4]
	case w.Key != "":
		return w.Key
	}
	return w.From.VN() + " – " + w.To.VN()
}
