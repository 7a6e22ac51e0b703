package plan

import (
	"fmt"
	"strconv"
)

// Plan is one imported plan appendix, e.g. Plan 55/KH-SXD, Appendix III.
type Plan struct {
	Number      string // "55/KH-SXD", as written
	IssuedOn    string // civil date "2025-06-11"; a string, because a date has no time zone
	IssuingBody string // "Sở Xây dựng"
	// Title is the appendix title, its heading lines joined with single
	// spaces. The original casing (upper case in the seed) is kept: turning
	// it into sentence case would need to know every proper noun.
	Title      string
	Appendix   string // "Phụ lục III"
	Year       int    // the year the plan is for: "năm 2025" in the title, else the issue year
	Dimensions []Dimension
}

// Dimension is a PAPI dimension (lĩnh vực) as listed in the plan.
type Dimension struct {
	Numeral string // "I".."VIII"
	Ordinal int    // 1..8, the value of Numeral
	Title   string // as written (upper case in the seed)
	Tasks   []PlanTask
}

// PlanTask is one row of the plan table.
type PlanTask struct {
	// Number is the STT cell: "1", "2", … or "" when the cell is empty (the
	// single task under VII in the seed).
	Number string
	// Key identifies the task within the plan and is what cases link to.
	// It is "<numeral>.<number>" ("II.1"); an unnumbered task gets the bare
	// numeral ("VII"), and further unnumbered tasks in the same dimension
	// "<numeral>.u2", "<numeral>.u3", … in order. See TaskKey.
	Key  string
	Text string
	// Units holds one reference per (unit, role): first the units of the
	// lead cell, then those of the coordinating cell. See ParseUnitCell.
	Units          []UnitRef
	Timeframe      Timeframe
	TimeframeText  string // the timeframe cell as written, normalised
	ExpectedResult string
	// Targets are derived from ExpectedResult and Text by ExtractTargets;
	// they are never typed in, so they cannot disagree with the text.
	Targets []Target
}

// TaskKey returns the key of a task in the dimension with the given
// numeral. unnumbered is the 1-based position of the task among the
// unnumbered tasks of its dimension and is ignored when number is set.
// Keys are positional only for unnumbered tasks, which are rare; a numbered
// task keeps its key when rows around it are added or removed.
func TaskKey(numeral, number string, unnumbered int) string {
	switch {
	case number != "":
		return numeral + "." + number
	case unnumbered <= 1:
		return numeral
	default:
		return numeral + ".u" + strconv.Itoa(unnumbered)
	}
}

// Tasks returns every task of the plan in order.
func (p *Plan) Tasks() []PlanTask {
	var out []PlanTask
	for _, d := range p.Dimensions {
		out = append(out, d.Tasks...)
	}
	return out
}

// TaskByKey finds a task and the numeral of its dimension.
func (p *Plan) TaskByKey(key string) (PlanTask, string, bool) {
	for _, d := range p.Dimensions {
		for _, t := range d.Tasks {
			if t.Key == key {
				return t, d.Numeral, true
			}
		}
	}
	return PlanTask{}, "", false
}

// UnknownUnits returns the unit references whose names were not in the
// unit directory, one per unit, so that an importer can ask the office to
// map them instead of failing the import.
func (p *Plan) UnknownUnits() []UnitRef {
	var out []UnitRef
	seen := map[string]bool{}
	for _, t := range p.Tasks() {
		for _, u := range t.Units {
			if u.Unknown && !seen[u.Unit] {
				seen[u.Unit] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// Validate checks the invariants the rest of the service relies on. Parse
// and ParseCSV only return plans that pass it; call it on plans built or
// edited in code before storing them.
func (p *Plan) Validate() error {
	if p == nil {
		return &ValidationError{Problems: []string{"no plan"}}
	}
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if p.Number == "" {
		add("plan number is empty")
	}
	if d, ok := parseDate(p.IssuedOn); !ok || d != p.IssuedOn {
		add("issued_on %q is not a date YYYY-MM-DD", p.IssuedOn)
	}
	if p.IssuingBody == "" {
		add("issuing body is empty")
	}
	if p.Title == "" {
		add("title is empty")
	}
	if p.Year < 1900 || p.Year > 9999 {
		add("year %d is out of range", p.Year)
	}
	if len(p.Dimensions) == 0 {
		add("plan has no dimensions")
	}
	keys := map[string]bool{}
	last := 0
	for _, d := range p.Dimensions {
		n, ok := parseRoman(d.Numeral)
		switch {
		case !ok:
			add("dimension numeral %q is not a roman numeral", d.Numeral)
		case n != d.Ordinal:
			add("dimension %s has ordinal %d, want %d", d.Numeral, d.Ordinal, n)
		case n <= last:
			add("dimension %s is out of order or repeated", d.Numeral)
		}
		if n > last {
			last = n
		}
		if d.Title == "" {
			add("dimension %s has no title", d.Numeral)
		}
		if len(d.Tasks) == 0 {
			add("dimension %s has no tasks", d.Numeral)
		}
		unnumbered := 0
		for _, t := range d.Tasks {
			if t.Number == "" {
				unnumbered++
			}
			probs = append(probs, validateTask(d.Numeral, t, unnumbered)...)
			if keys[t.Key] {
				add("task key %q is repeated", t.Key)
			}
			keys[t.Key] = true
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

func validateTask(numeral string, t PlanTask, unnumbered int) []string {
	var probs []string
	add := func(format string, args ...any) {
		probs = append(probs, fmt.Sprintf("task %s: ", t.Key)+fmt.Sprintf(format, args...))
	}
	if n, ok := taskNumber(t.Number); !ok || n != t.Number {
		add("number %q is not a positive number", t.Number)
	}
	if want := TaskKey(numeral, t.Number, unnumbered); t.Key != want {
		add("key should be %q", want)
	}
	if t.Text == "" {
		add("text is empty")
	}
	lead := false
	seen := map[UnitRef]bool{}
	for _, u := range t.Units {
		if u.Unit == "" || u.Name == "" {
			add("unit reference without code or name")
		}
		if !u.Role.Valid() {
			add("unit %s has unknown role %q", u.Unit, u.Role)
		}
		k := UnitRef{Unit: u.Unit, Role: u.Role}
		if seen[k] {
			add("unit %s has role %s twice", u.Unit, u.Role)
		}
		seen[k] = true
		lead = lead || u.Role == RoleLead
	}
	if !lead {
		add("no lead unit")
	}
	if !t.Timeframe.Valid() {
		add("unknown timeframe %q", t.Timeframe)
	}
	for _, g := range t.Targets {
		if g.Metric == "" || g.Unit == "" {
			add("target without metric or unit")
		}
	}
	return probs
}
