package reception

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/report"
)

// HostFigures are one schedule's figures for a month: the reception days
// it was to hold (cancelled days not counted, coming days not yet), the
// days held (a session recorded under it, or the day recorded as held
// with no visitor), and the citizens received.
type HostFigures struct {
	ScheduleID int64
	Host       string
	Kind       Kind
	Scheduled  int
	Held       int
	Citizens   int
}

// PlanTaskKey is the task of plan 55 (Appendix III) these figures
// measure: "keep the citizen-reception schedule", measured by the
// citizens the leadership received and their satisfaction.
const PlanTaskKey = "III.1"

// MonthFigures are plan 55 III.1's figures of a month (or of any period):
// sessions held against scheduled per person, citizens received by the
// leadership and at the desk (a group counts its headcount), and the
// cases the sessions opened with their on-time figures.
type MonthFigures struct {
	From, To           calendar.Date
	Hosts              []HostFigures
	LeadershipCitizens int
	DeskCitizens       int
	Sessions           int
	// LeadershipDaysShort are the leadership's days with nothing
	// recorded once the missed alert asks of them (recordingMissed).
	LeadershipDaysShort int
	// Cases are the report's figures of the cases sessions opened
	// (report.ByOrigin): received in the period, and the on-time rate's
	// terms (Cases.OnTime()) as every other row of the report counts
	// them, so this rate and the dashboard's cannot disagree.
	Cases report.Counts
	// Satisfaction is the visitors' ratings of the period, nil while
	// there is none to show: the share who gave 4 or 5 stars.
	Satisfaction *report.Rate
	// LeadershipRatings and DeskRatings are the visitors' ratings of the
	// period's sessions (by the session's day) held by the leadership and
	// at the desk.
	LeadershipRatings, DeskRatings RatingFigures
	// Dialogues are the period's sessions held as dialogues, and
	// DialoguesPublished those whose result is published (plan 55 III.1:
	// publish the result after each dialogue).
	Dialogues, DialoguesPublished int
	// DialoguesListed are the published results the public list shows
	// (DialogueResults: not sealed). The public figure of results
	// published is this one: counting a sealed result beside the listed
	// ones would tell that the one missing was a denunciation.
	DialoguesListed int
}

// Month computes the figures of a month up to today.
func (s *Service) Month(ctx context.Context, by access.Actor, year int, month time.Month) (MonthFigures, error) {
	return s.Figures(ctx, by, calendar.NewDate(year, month, 1), calendar.NewDate(year, month+1, 1).AddDays(-1))
}

// Figures computes the figures of the days [from, to] up to today.
func (s *Service) Figures(ctx context.Context, by access.Actor, from, to calendar.Date) (MonthFigures, error) {
	if !access.Can(by, access.ActReceptionManage, nil) && !access.Can(by, access.ActReportRead, nil) {
		return MonthFigures{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	return s.figures(ctx, from, to)
}

// PublicFigures are a month's figures as the public reads them (plan 55
// III.1 is a public commitment), false while the month has not ended.
// They are the month's aggregates only: the figures of the whole
// reception, never by kind or by day, and by host only the days held
// against those scheduled (the schedule is public), not the citizens
// each received. A denouncer's session is counted in them as any other,
// and nothing smaller than the month's sums is published; a month still
// running is not, so that watching the page change cannot date a visit,
// and a month of fewer visits than the report's small count shows no
// citizens, dialogues, satisfaction or cases opened (Withheld): with two
// visits, the cases and their answers on time or late are each visitor's.
// The result is reused for report.PublicTTL, as the page's figures are.
func (s *Service) PublicFigures(ctx context.Context, month report.Period) (report.ReceptionFigures, bool, error) {
	if !month.To.Before(s.Today()) {
		return report.ReceptionFigures{}, false, nil
	}
	v, err := s.cfg.Reports.PublicCached("reception:"+month.From.String()+":"+month.To.String(), func() (any, error) {
		f, err := s.figures(ctx, month.From, month.To)
		if err != nil {
			return nil, err
		}
		out := f.Report()
		out.DialoguesPublished = f.DialoguesListed
		for i := range out.Hosts {
			out.Hosts[i].Citizens = 0
		}
		// A month of a few visits would publish each visitor's rating,
		// dialogue and case: below the report's small count they are
		// withheld, whatever the visits were, so that withholding says
		// nothing of a denouncer among them.
		if out.Sessions < s.cfg.Reports.SmallCount() {
			out.Withheld = true
			out.LeadershipCitizens, out.DeskCitizens, out.Satisfaction, out.Dialogues, out.DialoguesPublished = 0, 0, nil, 0, 0
			out.Cases = report.Counts{}
		}
		// Many visits and few ratings would publish the stars of the few
		// who rated (one rating is one visitor's): the satisfaction needs
		// the small count of ratings too.
		if f.LeadershipRatings.Rated+f.DeskRatings.Rated < s.cfg.Reports.SmallCount() {
			out.Satisfaction = nil
		}
		return out, nil
	})
	if err != nil {
		return report.ReceptionFigures{}, false, err
	}
	return v.(report.ReceptionFigures), true, nil
}

func (s *Service) figures(ctx context.Context, from, to calendar.Date) (MonthFigures, error) {
	f := MonthFigures{From: from, To: to}
	rep, err := s.cfg.Reports.Report(ctx, report.Query{Period: report.Period{From: from, To: to}, Where: report.ReceptionCond()})
	if err != nil {
		return f, err
	}
	f.Cases = rep.Total.Counts
	if today := s.Today(); today.Before(to) {
		to = today
	}
	if to.Before(from) {
		return f, nil
	}
	occ, err := s.Published(ctx, from, to)
	if err != nil {
		return f, err
	}
	sessions, err := s.cfg.Sessions.Sessions(ctx, from, to)
	if err != nil {
		return f, err
	}
	held, err := s.heldDays(ctx, from, to, sessions)
	if err != nil {
		return f, err
	}
	cal, today := s.cfg.Calendar(ctx), s.Today()
	citizens := map[int64]int{}
	for _, se := range sessions {
		f.Sessions++
		if se.Leadership {
			f.LeadershipCitizens += se.Headcount
		} else {
			f.DeskCitizens += se.Headcount
		}
		if se.Dialogue {
			f.Dialogues++
			if se.ResultPublished {
				f.DialoguesPublished++
				if !se.Sealed {
					f.DialoguesListed++
				}
			}
		}
		// A rating counts in the visit's month when given before the month
		// ended: a late one would move a published month's satisfaction
		// and so reveal that visitor's stars.
		if se.Rating != nil && se.Rating.At.Before(calendar.NewDate(se.Day.Year, se.Day.Month+1, 1).Time(s.cfg.Location)) {
			if se.Leadership {
				f.LeadershipRatings.add(se.Rating.Stars)
			} else {
				f.DeskRatings.add(se.Rating.Stars)
			}
		}
		if se.ScheduleID != 0 {
			citizens[se.ScheduleID] += se.Headcount
		}
	}
	index := map[int64]int{}
	for _, o := range occ {
		if o.Cancelled {
			continue
		}
		i, ok := index[o.Schedule.ID]
		if !ok {
			i = len(f.Hosts)
			index[o.Schedule.ID] = i
			f.Hosts = append(f.Hosts, HostFigures{ScheduleID: o.Schedule.ID, Host: o.Schedule.Host, Kind: o.Schedule.Kind, Citizens: citizens[o.Schedule.ID]})
		}
		f.Hosts[i].Scheduled++
		if held[dayKey{o.Schedule.ID, o.Day}] {
			f.Hosts[i].Held++
		} else if o.Schedule.Kind == KindLeadership && recordingMissed(cal, o.Day, today) {
			f.LeadershipDaysShort++
		}
	}
	if all := (RatingFigures{Rated: f.LeadershipRatings.Rated + f.DeskRatings.Rated, Satisfied: f.LeadershipRatings.Satisfied + f.DeskRatings.Satisfied}); all.Rated > 0 {
		rate := all.Satisfaction()
		f.Satisfaction = &rate
	}
	// The leadership first, as plan III.1 counts it.
	slices.SortStableFunc(f.Hosts, func(a, b HostFigures) int {
		if a.Kind != b.Kind {
			if a.Kind == KindLeadership {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ScheduleID, b.ScheduleID)
	})
	return f, nil
}

// Report is the figures as the report's workbook and plan view take them.
func (f MonthFigures) Report() report.ReceptionFigures {
	out := report.ReceptionFigures{LeadershipCitizens: f.LeadershipCitizens, DeskCitizens: f.DeskCitizens, Sessions: f.Sessions,
		Cases: f.Cases, Satisfaction: f.Satisfaction, Dialogues: f.Dialogues, DialoguesPublished: f.DialoguesPublished}
	for _, h := range f.Hosts {
		out.Hosts = append(out.Hosts, report.ReceptionHost{Host: h.Host, Leadership: h.Kind == KindLeadership, Scheduled: h.Scheduled,
			Held: h.Held, Citizens: h.Citizens})
	}
	return out
}
