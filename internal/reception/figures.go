package reception

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// HostFigures are one schedule's figures for a month: the reception days
// it was to hold (cancelled days not counted, coming days not yet), the
// days a session was recorded under it, and the citizens received.
type HostFigures struct {
	ScheduleID int64
	Host       string
	Kind       Kind
	Scheduled  int
	Held       int
	Citizens   int
}

// MonthFigures are plan 55 III.1's figures of a month: sessions held
// against scheduled per person, citizens received by the leadership and
// at the desk (a group counts its headcount), and the cases the sessions
// opened.
type MonthFigures struct {
	From, To            calendar.Date
	Hosts               []HostFigures
	LeadershipCitizens  int
	DeskCitizens        int
	Sessions            int
	CasesOpened         int
	LeadershipDaysShort int
}

// Month computes the figures of a month up to today.
func (s *Service) Month(ctx context.Context, by access.Actor, year int, month time.Month) (MonthFigures, error) {
	if !access.Can(by, access.ActReceptionManage, nil) && !access.Can(by, access.ActReportRead, nil) {
		return MonthFigures{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	from := calendar.NewDate(year, month, 1)
	to := calendar.NewDate(year, month+1, 1).AddDays(-1)
	f := MonthFigures{From: from, To: to}
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
	type key struct {
		id  int64
		day calendar.Date
	}
	held := map[key]bool{}
	citizens := map[int64]int{}
	for _, se := range sessions {
		f.Sessions++
		if se.CaseID != 0 {
			f.CasesOpened++
		}
		if se.Leadership {
			f.LeadershipCitizens += se.Headcount
		} else {
			f.DeskCitizens += se.Headcount
		}
		if se.ScheduleID != 0 {
			held[key{se.ScheduleID, se.Day}] = true
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
		if held[key{o.Schedule.ID, o.Day}] {
			f.Hosts[i].Held++
		} else if o.Schedule.Kind == KindLeadership && o.Day.Before(s.Today()) {
			f.LeadershipDaysShort++
		}
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
