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
	// Unlinked are the period's figures of cases with no plan task, and
	// UnlinkedWhere their condition when it is not just that (nil): the
	// cases a task counts by their origin (Config.TaskWhere) are that
	// task's, so not among them.
	Unlinked      Row
	UnlinkedWhere []Cond
}

// PlanDimension is a dimension with its tasks.
type PlanDimension struct {
	DimensionInfo
	Row   Row
	Tasks []PlanTask
	// ByOrigin are the counts Row holds of the cases with no plan task
	// that a task of the dimension counts by their origin
	// (Config.TaskWhere): what a page that may not show them takes off.
	ByOrigin Counts
}

// PlanTask is a task with its figures, status and recurring topics.
type PlanTask struct {
	TaskInfo
	Row       Row
	Status    TaskStatus
	Recurring []TopicInfo
	// Where is the condition the task's row counts (Config.TaskWhere),
	// nil for a task counted by its topics: a drill-down from the row
	// asks for it instead of the task's key.
	Where []Cond
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
	// The tasks counted by origin (Config.TaskWhere): one report each,
	// by plan task, gives the task's row (its total) and the cases of that
	// origin with no plan task (its "" row), which are the task's
	// dimension's and not among the unlinked.
	byOrigin := map[int64]*Report{}
	for _, t := range dir.PlanTasks() {
		w, ok := s.cfg.TaskWhere[t.Key]
		if !ok {
			continue
		}
		rep, err := s.Report(ctx, Query{Period: p, By: ByPlanTask, Where: w})
		if err != nil {
			return nil, err
		}
		byOrigin[t.ID] = rep
		if none, ok := noTaskRow(rep); ok {
			v.Unlinked.Counts.Sub(none.Counts)
			// Response times do not subtract: none are given.
			v.Unlinked.Response = Response{}
			v.UnlinkedWhere = []Cond{{By: ByPlanTask, Key: ""}, {By: ByOrigin, Key: ""}}
		}
	}
	dimRows := map[string]Row{}
	for _, r := range dims.Rows {
		dimRows[r.Key] = r
	}
	for _, d := range dir.PlanDimensions() {
		pd := PlanDimension{DimensionInfo: d, Row: dimRows[idKey(d.ID)]}
		for _, t := range dir.PlanTasks() {
			if none, ok := noTaskRow(byOrigin[t.ID]); ok && t.DimensionID == d.ID {
				pd.Row.Key = idKey(d.ID)
				pd.Row.Counts.Add(none.Counts)
				pd.ByOrigin.Add(none.Counts)
				pd.Row.Response = Response{}
				s.targets(dir, &pd.Row, ByDimension, pd.Row.Key)
			}
		}
		for _, t := range dir.PlanTasks() {
			if t.DimensionID != d.ID {
				continue
			}
			pt := PlanTask{TaskInfo: t, Row: taskRows[idKey(t.ID)]}
			if rep := byOrigin[t.ID]; rep != nil {
				pt.Row = Row{Window: rep.Total.Window, Key: idKey(t.ID), Counts: rep.Total.Counts, Response: rep.Total.Response}
				label(dir, ByPlanTask, &pt.Row)
				s.targets(dir, &pt.Row, ByPlanTask, pt.Row.Key)
				pt.Where = s.cfg.TaskWhere[t.Key]
			}
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

// noTaskRow is a by-plan-task report's row of the cases with no plan
// task, if it has one.
func noTaskRow(rep *Report) (Row, bool) {
	if rep == nil {
		return Row{}, false
	}
	for _, r := range rep.Rows {
		if r.Key == "" {
			return r, true
		}
	}
	return Row{}, false
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
