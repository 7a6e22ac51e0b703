package report

import (
	"strconv"
)

// Directory names the keys a Store returns and carries the plan's
// targets. Keys are decimal ids as text (units, plan tasks, dimensions,
// topics) or codes (kinds, channels).
type Directory struct {
	Units      []UnitInfo
	Plans      []PlanInfo // newest first
	Tasks      []TaskInfo // every plan's, in plan order
	Dimensions []DimensionInfo
	Topics     []TopicInfo
}

// UnitInfo is a unit of the directory.
type UnitInfo struct {
	ID     int64
	Code   string
	Name   string
	NameEN string
	Kind   string
	Active bool
}

// PlanInfo is a stored plan.
type PlanInfo struct {
	ID     int64
	Number string
	Year   int
	Title  string
}

// DimensionInfo is a PAPI dimension of a plan.
type DimensionInfo struct {
	ID      int64
	PlanID  int64
	Numeral string
	Ordinal int
	Title   string
}

// TaskInfo is a plan task with its targets.
type TaskInfo struct {
	ID          int64
	PlanID      int64
	DimensionID int64
	Key         string
	Number      string
	Text        string
	Position    int
	Targets     []Target
}

// TopicInfo is a citizen-facing topic.
type TopicInfo struct {
	ID         int64
	Slug       string
	NameVI     string
	NameEN     string
	PlanTaskID int64
	Position   int
}

// Target is a measurable target of a plan task (plan_task_targets).
type Target struct {
	TaskKey string
	Metric  string // plan.MetricOnTimeRate, plan.MetricSatisfactionRate…
	Value   float64
}

// Metrics the KPIs compare against (the names plan.ExtractTargets gives).
const (
	MetricOnTimeRate       = "on_time_rate"
	MetricSatisfactionRate = "satisfaction_rate"
)

// Plan is the newest plan, or nil.
func (d *Directory) Plan() *PlanInfo {
	if len(d.Plans) == 0 {
		return nil
	}
	return &d.Plans[0]
}

// Unit finds a unit by id.
func (d *Directory) Unit(id int64) (UnitInfo, bool) {
	for _, u := range d.Units {
		if u.ID == id {
			return u, true
		}
	}
	return UnitInfo{}, false
}

// Task finds a plan task by id.
func (d *Directory) Task(id int64) (TaskInfo, bool) {
	for _, t := range d.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return TaskInfo{}, false
}

// Dimension finds a dimension by id.
func (d *Directory) Dimension(id int64) (DimensionInfo, bool) {
	for _, x := range d.Dimensions {
		if x.ID == id {
			return x, true
		}
	}
	return DimensionInfo{}, false
}

// Topic finds a topic by id.
func (d *Directory) Topic(id int64) (TopicInfo, bool) {
	for _, t := range d.Topics {
		if t.ID == id {
			return t, true
		}
	}
	return TopicInfo{}, false
}

// PlanTasks are the newest plan's tasks in order.
func (d *Directory) PlanTasks() []TaskInfo {
	p := d.Plan()
	if p == nil {
		return nil
	}
	var out []TaskInfo
	for _, t := range d.Tasks {
		if t.PlanID == p.ID {
			out = append(out, t)
		}
	}
	return out
}

// PlanDimensions are the newest plan's dimensions in order.
func (d *Directory) PlanDimensions() []DimensionInfo {
	p := d.Plan()
	if p == nil {
		return nil
	}
	var out []DimensionInfo
	for _, x := range d.Dimensions {
		if x.PlanID == p.ID {
			out = append(out, x)
		}
	}
	return out
}

// TaskTarget is a task's target for a metric, if it has one.
func (t TaskInfo) TaskTarget(metric string) (Target, bool) {
	for _, g := range t.Targets {
		if g.Metric == metric {
			return g, true
		}
	}
	return Target{}, false
}

// HeadlineTarget is the department-wide on-time target: the newest plan's
// on_time_rate target (Plan 55 VII: 100%). It applies to every slice that
// is not a plan task; a plan task is held to its own target.
func (d *Directory) HeadlineTarget() (Target, bool) {
	for _, t := range d.PlanTasks() {
		if g, ok := t.TaskTarget(MetricOnTimeRate); ok {
			return g, true
		}
	}
	return Target{}, false
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

func keyID(key string) int64 {
	n, _ := strconv.ParseInt(key, 10, 64)
	return n
}
