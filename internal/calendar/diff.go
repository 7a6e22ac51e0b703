package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Fingerprint identifies what a table says about working days: its days
// off and working Saturdays (dates only; names, sources and the confirmed
// flag do not move a due time). Versioned built-in defaults
// record the fingerprint of the built-in table a stored year was last
// reviewed against, so a release that corrects a built-in year is noticed
// and offered, never applied over the office's own edits.
func (t YearTable) Fingerprint() string {
	var b strings.Builder
	for _, d := range sortedDates(t.offDates()) {
		b.WriteString("off " + d.String() + "\n")
	}
	for _, d := range sortedDates(t.workDates()) {
		b.WriteString("work " + d.String() + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func (t YearTable) offDates() []Date {
	out := make([]Date, 0, len(t.DaysOff))
	for _, d := range t.DaysOff {
		out = append(out, d.Date)
	}
	return out
}

func (t YearTable) workDates() []Date {
	out := make([]Date, 0, len(t.WorkingSaturdays))
	for _, d := range t.WorkingSaturdays {
		out = append(out, d.Date)
	}
	return out
}

func sortedDates(ds []Date) []Date {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b Date) int { return a.Compare(b) })
	return slices.Compact(ds)
}

// TableDiff is how one table differs from another: what the other adds and
// removes.
type TableDiff struct {
	Year                         int
	DaysOffAdded, DaysOffRemoved []DayOff
	WorkingAdded, WorkingRemoved []WorkingSaturday
}

// Empty says whether the two tables agree on every working day.
func (d TableDiff) Empty() bool {
	return len(d.DaysOffAdded)+len(d.DaysOffRemoved)+len(d.WorkingAdded)+len(d.WorkingRemoved) == 0
}

// Diff is what to change in t to get to other.
func (t YearTable) Diff(other YearTable) TableDiff {
	d := TableDiff{Year: other.Year}
	has := func(ds []Date, x Date) bool { return slices.Contains(ds, x) }
	for _, o := range other.DaysOff {
		if !has(t.offDates(), o.Date) {
			d.DaysOffAdded = append(d.DaysOffAdded, o)
		}
	}
	for _, o := range t.DaysOff {
		if !has(other.offDates(), o.Date) {
			d.DaysOffRemoved = append(d.DaysOffRemoved, o)
		}
	}
	for _, w := range other.WorkingSaturdays {
		if !has(t.workDates(), w.Date) {
			d.WorkingAdded = append(d.WorkingAdded, w)
		}
	}
	for _, w := range t.WorkingSaturdays {
		if !has(other.workDates(), w.Date) {
			d.WorkingRemoved = append(d.WorkingRemoved, w)
		}
	}
	return d
}

// BuiltinYear returns the built-in table of year, if there is one.
func BuiltinYear(year int) (YearTable, bool) {
	for _, t := range Builtin() {
		if t.Year == year {
			return t, true
		}
	}
	return YearTable{}, false
}
