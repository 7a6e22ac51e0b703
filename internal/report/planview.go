package report

import (
	"context"

	"github.com/phucdap/phucdap/internal/calendar"
)

// RecurMonths is how many months in a row a topic must have received cases
// to be flagged as recurring: the same problem coming back month after
// month is what the plan's tasks are meant to fix.
const RecurMonths = 3

// TaskStatus is where a plan task stands in a period.
type TaskStatus string

const (
	StatusMet      TaskStatus = "met"      // has a target and reaches it
	StatusBelow    TaskStatus = "below"    // has a target and misses it
	StatusNoData   TaskStatus = "no_data"  // has a target, nothing to measure yet
	StatusTracking TaskStatus = "tracking" // no measurable target; its cases are counted
	StatusIdle     TaskStatus = "idle"     // no target and no case in the period
)

// PlanView is the plan with each dimension's and task's figures in a
// period: the dashboard's plan view and the public page's plan.
type PlanView struct {
	Plan       *PlanInfo
	Period     Period
	Dimensions []PlanDimension
	// Unlinked are the period's figures of cases with no plan task.
	Unlinked Row
}

// PlanDimension is a dimension with its tasks.
type PlanDimension struct {
	DimensionInfo
	Row   Row
	Tasks []PlanTask
}

// PlanTask is a task with its figures, status and recurring topics.
type PlanTask struct {
	TaskInfo
	Row       Row
	Status    TaskStatus
	Recurring []TopicInfo
}

// WithReception is a task's status once its citizen-reception figures
// are known: a task whose cases are none is still at work in a period
// when sessions were held, or a reception day was held with no visitor.
func (st TaskStatus) WithReception(f ReceptionFigures) TaskStatus {
	if st != StatusIdle {
		return st
	}
	held := f.Sessions > 0
	for _, h := range f.Hosts {
		held = held || h.Held > 0
	}
	if held {
		return StatusTracking
	}
	return st
}

// Status judges a task's row.
func taskStatus(r Row) TaskStatus {
	switch {
	case r.OnTimeTarget != nil && !r.OnTime().Defined():
		return StatusNoData
	case r.OnTimeTarget != nil && r.MeetsOnTimeTarget():
		return StatusMet
	case r.OnTimeTarget != nil:
		return StatusBelow
	case r.Received+r.Answered()+r.OpenLate > 0:
		return StatusTracking
	}
	return StatusIdle
}

// Plan computes the plan view of a period.
func (s *Service) Plan(ctx context.Context, p Period) (*PlanView, error) {
	tasks, err := s.Report(ctx, Query{Period: p, By: ByPlanTask})
	if err != nil {
		return nil, err
	}
	dims, err := s.Report(ctx, Query{Period: p, By: ByDimension})
	if err != nil {
		return nil, err
	}
	dir, err := s.cfg.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	v := &PlanView{Plan: dir.Plan(), Period: p}
	if v.Plan == nil {
		return v, nil
	}
	recurring, err := s.recurring(ctx, dir, p.To)
	if err != nil {
		return nil, err
	}
	taskRows := map[string]Row{}
	for _, r := range tasks.Rows {
		taskRows[r.Key] = r
		if r.Key == "" {
			v.Unlinked = r
		}
	}
	dimRows := map[string]Row{}
	for _, r := range dims.Rows {
		dimRows[r.Key] = r
	}
	for _, d := range dir.PlanDimensions() {
		pd := PlanDimension{DimensionInfo: d, Row: dimRows[idKey(d.ID)]}
		for _, t := range dir.PlanTasks() {
			if t.DimensionID != d.ID {
				continue
			}
			pt := PlanTask{TaskInfo: t, Row: taskRows[idKey(t.ID)]}
			pt.Status = taskStatus(pt.Row)
			for _, tp := range dir.Topics {
				if tp.PlanTaskID == t.ID && recurring[tp.ID] {
					pt.Recurring = append(pt.Recurring, tp)
				}
			}
			pd.Tasks = append(pd.Tasks, pt)
		}
		v.Dimensions = append(v.Dimensions, pd)
	}
	return v, nil
}

// recurring says which topics received cases in each of the RecurMonths
// months ending with the month of end.
func (s *Service) recurring(ctx context.Context, dir *Directory, end calendar.Date) (map[int64]bool, error) {
	span := LastMonths(end, RecurMonths)
	loc := s.cfg.Location
	rows, err := s.cfg.Store.TopicMonths(ctx, span.From.Time(loc).UTC(), span.To.AddDays(1).Time(loc).UTC(), s.Offset())
	if err != nil {
		return nil, err
	}
	months := map[int64]map[string]bool{}
	for _, r := range rows {
		if r.N == 0 {
			continue
		}
		if months[r.TopicID] == nil {
			months[r.TopicID] = map[string]bool{}
		}
		months[r.TopicID][r.Month] = true
	}
	out := map[int64]bool{}
	for id, m := range months {
		if len(m) >= RecurMonths {
			out[id] = true
		}
	}
	return out, nil
}
