package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// Status is what happened to a task between two versions of a plan.
type Status string

const (
	StatusCreated   Status = "created"
	StatusChanged   Status = "changed"
	StatusUnchanged Status = "unchanged"
	StatusRemoved   Status = "removed"
)

// FieldChange is one field that differs, with both values in a readable
// form.
type FieldChange struct {
	Field string
	Old   string
	New   string
}

// String shows both values in full: an import report that cut them short
// could hide the very words that changed.
func (f FieldChange) String() string {
	return fmt.Sprintf("%s: %q → %q", f.Field, f.Old, f.New)
}

// TaskChange is the fate of one task key.
type TaskChange struct {
	Key    string
	Status Status
	Fields []FieldChange // for StatusChanged
}

// Changes is what an import would change: plan-level fields (including
// dimension titles and the order of tasks) and every task of either plan.
type Changes struct {
	Plan  []FieldChange
	Tasks []TaskChange // the new plan's tasks in order, then removed ones
}

// Changed reports whether anything differs.
func (c Changes) Changed() bool {
	if len(c.Plan) > 0 {
		return true
	}
	for _, t := range c.Tasks {
		if t.Status != StatusUnchanged {
			return true
		}
	}
	return false
}

// Count returns how many tasks have the given status.
func (c Changes) Count(s Status) int {
	n := 0
	for _, t := range c.Tasks {
		if t.Status == s {
			n++
		}
	}
	return n
}

// Lines renders the changes for an import report, one line per change;
// unchanged tasks are left out.
func (c Changes) Lines() []string {
	var out []string
	for _, f := range c.Plan {
		out = append(out, "plan "+f.String())
	}
	for _, t := range c.Tasks {
		switch t.Status {
		case StatusUnchanged:
		case StatusChanged:
			for _, f := range t.Fields {
				out = append(out, fmt.Sprintf("task %s changed %s", t.Key, f))
			}
		default:
			out = append(out, fmt.Sprintf("task %s %s", t.Key, t.Status))
		}
	}
	return out
}

// Equal reports whether two plans hold the same data, including the order
// of dimensions and tasks. Nil slices equal empty ones, because a plan read
// back from storage may not tell them apart. Two nil plans are equal.
func (p *Plan) Equal(o *Plan) bool {
	if p == nil || o == nil {
		return p == o
	}
	return !Diff(p, o).Changed()
}

// Diff compares two versions of a plan (old may be nil for a first import,
// new nil for a removal), matching tasks by key.
func Diff(old, new *Plan) Changes {
	var c Changes
	if old == nil {
		old = &Plan{}
	}
	if new == nil {
		new = &Plan{}
	}
	plan := func(field, o, n string) {
		if o != n {
			c.Plan = append(c.Plan, FieldChange{field, o, n})
		}
	}
	plan("number", old.Number, new.Number)
	plan("issued_on", old.IssuedOn, new.IssuedOn)
	plan("issuing_body", old.IssuingBody, new.IssuingBody)
	plan("title", old.Title, new.Title)
	plan("appendix", old.Appendix, new.Appendix)
	plan("year", yearString(old.Year), yearString(new.Year))

	oldDims := dimTitles(old)
	newDims := dimTitles(new)
	plan("dimensions", strings.Join(oldDims.order, ", "), strings.Join(newDims.order, ", "))
	for _, n := range newDims.order {
		if o, ok := oldDims.title[n]; ok {
			plan("dimension "+n+" title", o, newDims.title[n])
		}
	}

	oldTasks := map[string]PlanTask{}
	var oldKeys, newKeys []string
	for _, t := range old.Tasks() {
		oldTasks[t.Key] = t
		oldKeys = append(oldKeys, t.Key)
	}
	newSeen := map[string]bool{}
	for _, t := range new.Tasks() {
		newKeys = append(newKeys, t.Key)
		newSeen[t.Key] = true
		o, ok := oldTasks[t.Key]
		if !ok {
			c.Tasks = append(c.Tasks, TaskChange{Key: t.Key, Status: StatusCreated})
			continue
		}
		if fields := taskFields(o, t); len(fields) > 0 {
			c.Tasks = append(c.Tasks, TaskChange{Key: t.Key, Status: StatusChanged, Fields: fields})
		} else {
			c.Tasks = append(c.Tasks, TaskChange{Key: t.Key, Status: StatusUnchanged})
		}
	}
	for _, k := range oldKeys {
		if !newSeen[k] {
			c.Tasks = append(c.Tasks, TaskChange{Key: k, Status: StatusRemoved})
		}
	}
	// Order matters for display; report it only when the tasks both plans
	// share come in a different order, not when tasks are merely added.
	if o, n := sharedOrder(oldKeys, newSeen), sharedOrder(newKeys, oldTasksSet(oldTasks)); o != n {
		plan("task order", o, n)
	}
	return c
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

type dims struct {
	order []string
	title map[string]string
}

func dimTitles(p *Plan) dims {
	d := dims{title: map[string]string{}}
	for _, x := range p.Dimensions {
		d.order = append(d.order, x.Numeral)
		d.title[x.Numeral] = x.Title
	}
	return d
}

func oldTasksSet(m map[string]PlanTask) map[string]bool {
	s := make(map[string]bool, len(m))
	for k := range m {
		s[k] = true
	}
	return s
}

func sharedOrder(keys []string, in map[string]bool) string {
	var out []string
	for _, k := range keys {
		if in[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

func taskFields(o, n PlanTask) []FieldChange {
	var out []FieldChange
	add := func(field, a, b string) {
		if a != b {
			out = append(out, FieldChange{field, a, b})
		}
	}
	add("number", o.Number, n.Number)
	add("text", o.Text, n.Text)
	add("units", formatUnits(o.Units), formatUnits(n.Units))
	add("timeframe", string(o.Timeframe), string(n.Timeframe))
	add("timeframe_text", o.TimeframeText, n.TimeframeText)
	add("expected_result", o.ExpectedResult, n.ExpectedResult)
	add("targets", formatTargets(o.Targets), formatTargets(n.Targets))
	return out
}

// formatUnits shows every field of the references, so that a unit whose
// code changed (a name newly added to the directory) counts as a change.
func formatUnits(refs []UnitRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		flags := ""
		if r.Group {
			flags += " group"
		}
		if r.Unknown {
			flags += " unknown"
		}
		parts[i] = fmt.Sprintf("%s [%s%s] %s", r.Name, r.Unit, flags, r.Role)
	}
	return strings.Join(parts, "; ")
}

func formatTargets(ts []Target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s=%s %s (%s)", t.Metric, strconv.FormatFloat(t.Value, 'g', -1, 64), t.Unit, t.Text)
	}
	return strings.Join(parts, "; ")
}
