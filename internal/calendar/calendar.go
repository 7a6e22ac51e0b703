package calendar

import (
	"math/bits"
	"slices"
	"sync/atomic"
	"time"
)

// MinYear and MaxYear bound the years whose table an office may read or
// edit, by the API, the pages or the CLI: one range for every door, and
// the range the catalogue's calendar.bad_year message states.
const (
	MinYear = 1900
	MaxYear = 2200
)

// EditableYear reports whether year is within [MinYear, MaxYear].
func EditableYear(year int) bool { return year >= MinYear && year <= MaxYear }

// Years in [cacheFirst, cacheFirst+cacheYears) are computed once per
// Calendar and kept; others are recomputed on each call (correct, slower),
// which keeps a Calendar's memory bounded whatever dates it is asked about.
const (
	cacheFirst = 1800
	cacheYears = 600
)

// Calendar answers working-day questions over a set of year tables. Years
// with a table use it; other years use Propose(year) and report
// YearConfirmed false.
//
// A Calendar is immutable after New and safe for concurrent use. Per-year
// data (a 366-bit working-day set and prefix counts) is built on first use
// and published with an atomic compare-and-swap, so readers never block.
// To change the tables, build a new Calendar and swap it in.
type Calendar struct {
	tables map[int]YearTable
	years  [cacheYears]atomic.Pointer[yearData]
}

// yearData is the precomputed view of one year. Index i is day-of-year-1.
type yearData struct {
	year      int
	first     int // JDN of 1 January
	n         int // days in the year
	total     int // working days in the year
	work      [6]uint64
	unconf    [6]uint64 // days whose entry is marked Unconfirmed
	cum       [367]uint16
	reason    [366]uint8 // index into names; 0 means none
	names     []dayName
	table     YearTable
	proposed  bool
	checked   bool // an admin confirmed the table (entries may still be unconfirmed)
	confirmed bool // checked and no entry is unconfirmed
}

type dayName struct{ vi, en string }

// New builds a Calendar from tables. A later table for the same year
// replaces an earlier one. Tables are copied; the caller may reuse them.
// Entries outside their table's year are ignored (Validate reports them).
func New(tables []YearTable) *Calendar {
	c := &Calendar{tables: make(map[int]YearTable, len(tables))}
	for _, t := range tables {
		c.tables[t.Year] = t.Clone()
	}
	for y := range c.tables {
		c.year(y) // eager for the years an admin wrote: they are the ones used
	}
	return c
}

func (c *Calendar) year(y int) *yearData {
	i := y - cacheFirst
	if i < 0 || i >= cacheYears {
		return c.build(y)
	}
	if p := c.years[i].Load(); p != nil {
		return p
	}
	c.years[i].CompareAndSwap(nil, c.build(y))
	return c.years[i].Load()
}

func (c *Calendar) build(y int) *yearData {
	t, ok := c.tables[y]
	if !ok {
		t = Propose(y)
	}
	jan1 := Date{Year: y, Month: time.January, Day: 1}
	yd := &yearData{
		year:      y,
		first:     jan1.JDN(),
		n:         365,
		table:     t,
		proposed:  !ok,
		checked:   ok && t.Confirmed,
		confirmed: ok && t.FullyConfirmed(),
		names:     []dayName{{}},
	}
	if isLeap(y) {
		yd.n = 366
	}
	wd := int(jan1.Weekday())
	for i := range yd.n {
		if w := time.Weekday((wd + i) % 7); !isWeekend(w) {
			yd.work[i>>6] |= 1 << (i & 63)
		}
	}
	nameIndex := func(vi, en string) uint8 {
		for k, n := range yd.names {
			if n.vi == vi && n.en == en {
				return uint8(k)
			}
		}
		if len(yd.names) > 255 {
			return 0 // absurd table; the day keeps its weekday reason
		}
		yd.names = append(yd.names, dayName{vi, en})
		return uint8(len(yd.names) - 1)
	}
	index := func(d Date) (int, bool) {
		if d.Year != y || !d.Valid() {
			return 0, false
		}
		return d.JDN() - yd.first, true
	}
	// Working Saturdays first, so a day listed both ways ends up off: the
	// safe reading when an admin's table contradicts itself.
	for _, w := range t.WorkingSaturdays {
		i, ok := index(w.Date)
		if !ok {
			continue
		}
		yd.work[i>>6] |= 1 << (i & 63)
		if w.Date.Weekday() == time.Sunday {
			yd.reason[i] = nameIndex(workingSunVI, workingSunEN)
		} else if isWeekend(w.Date.Weekday()) {
			yd.reason[i] = nameIndex(workingSatVI, workingSatEN)
		}
		if w.Unconfirmed {
			yd.unconf[i>>6] |= 1 << (i & 63)
		}
	}
	for _, o := range t.DaysOff {
		i, ok := index(o.Date)
		if !ok {
			continue
		}
		yd.work[i>>6] &^= 1 << (i & 63)
		yd.reason[i] = nameIndex(o.Name, o.NameEN)
		if o.Unconfirmed {
			yd.unconf[i>>6] |= 1 << (i & 63)
		}
	}
	for i := range yd.n {
		yd.cum[i+1] = yd.cum[i] + uint16(yd.work[i>>6]>>(i&63)&1)
	}
	yd.total = int(yd.cum[yd.n])
	return yd
}

// locate returns the year data and day index of d. A non-normalised d
// (30 February) is resolved through its JDN rather than rejected.
func (c *Calendar) locate(d Date) (*yearData, int) {
	// Absurd years would overflow the JDN arithmetic; clamp them to a range
	// far beyond any real case rather than fail.
	const maxAbsYear = 1_000_000
	switch {
	case d.Year > maxAbsYear:
		d = Date{Year: maxAbsYear, Month: time.December, Day: 31}
	case d.Year < -maxAbsYear:
		d = Date{Year: -maxAbsYear, Month: time.January, Day: 1}
	}
	jdn := d.JDN()
	yd := c.year(d.Year)
	i := jdn - yd.first
	if i < 0 || i >= yd.n {
		yd = c.year(FromJDN(jdn).Year)
		i = jdn - yd.first
	}
	return yd, i
}

func (yd *yearData) working(i int) bool { return yd.work[i>>6]>>(i&63)&1 != 0 }

// date returns the date of day index i of the year, without the divisions
// of FromJDN: it sits in the loops that list days off.
func (yd *yearData) date(i int) Date {
	cum := [13]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
	leap := 0
	if yd.n == 366 {
		leap = 1
	}
	m := 1
	for m < 12 {
		end := cum[m]
		if m >= 2 {
			end += leap
		}
		if i < end {
			break
		}
		m++
	}
	start := cum[m-1]
	if m > 2 {
		start += leap
	}
	return Date{Year: yd.year, Month: time.Month(m), Day: i - start + 1}
}

// IsWorkingDay reports whether the agency works on d.
func (c *Calendar) IsWorkingDay(d Date) bool {
	yd, i := c.locate(d)
	return yd.working(i)
}

// AddWorkingDays returns the n-th working day strictly after d, so
// AddWorkingDays(d, 1) is the next working day whether or not d is one.
// A negative n counts backwards (the |n|-th working day strictly before d);
// n == 0 returns d. The cost is O(log 366) plus one step per year crossed,
// so callers bound n (the deadline engine caps limits at a few thousand).
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	if n == 0 {
		return d
	}
	yd, i := c.locate(d)
	if n > 0 {
		// target counts working days from the start of yd's year.
		target := int(yd.cum[i+1]) + n
		for target > yd.total {
			target -= yd.total
			yd = c.year(yd.year + 1)
		}
		return yd.date(yd.search(target))
	}
	target := int(yd.cum[i]) + n + 1 // working days before d, minus |n|, plus one
	for target < 1 {
		yd = c.year(yd.year - 1)
		target += yd.total
	}
	return yd.date(yd.search(target))
}

// search returns the index of the target-th working day of the year
// (1 <= target <= total): the smallest i with cum[i+1] >= target.
func (yd *yearData) search(target int) int {
	lo, hi := 0, yd.n-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(yd.cum[mid+1]) < target {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d Date) Date { return c.AddWorkingDays(d, 1) }

// OnOrAfterWorkingDay returns d if it is a working day, else the next one.
// This is Civil Code Art. 148(5): a period whose last day is a day off ends
// on the next working day.
func (c *Calendar) OnOrAfterWorkingDay(d Date) Date {
	if c.IsWorkingDay(d) {
		return d
	}
	return c.AddWorkingDays(d, 1)
}

// OnOrBeforeWorkingDay returns d if it is a working day, else the working
// day before it. A period counted backwards from an event (a notice owed
// at least n days before a dialogue) whose last day is a day off ends on
// the working day before: moving it forward, as Civil Code Art. 148(5)
// does for a period counted forwards, would shorten the notice below the
// minimum the law requires.
func (c *Calendar) OnOrBeforeWorkingDay(d Date) Date {
	if c.IsWorkingDay(d) {
		return d
	}
	return c.AddWorkingDays(d, -1)
}

// WorkingDaysBetween returns the number of working days in (a, b]: after a,
// up to and including b. It is negative when b is before a, so that
// WorkingDaysBetween(a, b) == -WorkingDaysBetween(b, a) (handy for "days
// late").
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	if b.Before(a) {
		return -c.WorkingDaysBetween(b, a)
	}
	ya, ia := c.locate(a)
	yb, ib := c.locate(b)
	if ya.year == yb.year {
		return int(yb.cum[ib+1]) - int(ya.cum[ia+1])
	}
	n := ya.total - int(ya.cum[ia+1]) + int(yb.cum[ib+1])
	for y := ya.year + 1; y < yb.year; y++ {
		n += c.year(y).total
	}
	return n
}

// DayInfo tells whether d is a working day and why. The reason is the
// holiday's name for a day off in the year's table, "Thứ Bảy"/"Chủ nhật"
// for an ordinary weekend, "Thứ Bảy làm việc bù" for a swapped Saturday,
// and empty for an ordinary working day.
func (c *Calendar) DayInfo(d Date) (working bool, reason, reasonEN string) {
	yd, i := c.locate(d)
	working = yd.working(i)
	if r := yd.reason[i]; r != 0 {
		n := yd.names[r]
		return working, n.vi, n.en
	}
	if !working {
		reason, reasonEN = yd.offReason(i)
		return false, reason, reasonEN
	}
	return true, "", ""
}

// EachDayOff calls fn, in date order, for every non-working day in (a, b]
// with the same reasons as DayInfo. It scans the year bitsets a word at a
// time, so a deadline's "days not counted" list costs little more than the
// days it lists. fn must not retain anything beyond its arguments.
func (c *Calendar) EachDayOff(a, b Date, fn func(d Date, reason, reasonEN string)) {
	if !a.Before(b) {
		return
	}
	ya, ia := c.locate(a)
	yb, ib := c.locate(b)
	lo := ia + 1
	for yd := ya; ; yd = c.year(yd.year + 1) {
		hi := yd.n - 1
		if yd.year == yb.year {
			hi = ib
		}
		for i := lo; i <= hi; {
			w := ^yd.work[i>>6] >> (i & 63)
			if w == 0 {
				i = (i | 63) + 1
				continue
			}
			i += bits.TrailingZeros64(w)
			if i > hi {
				break
			}
			reason, reasonEN := yd.offReason(i)
			fn(yd.date(i), reason, reasonEN)
			i++
		}
		if yd.year >= yb.year {
			return
		}
		lo = 0
	}
}

// offReason names why day i, a non-working day, is off.
func (yd *yearData) offReason(i int) (string, string) {
	if r := yd.reason[i]; r != 0 {
		return yd.names[r].vi, yd.names[r].en
	}
	if time.Weekday(mod(yd.first+i+1, 7)) == time.Sunday {
		return ReasonSunday, "Sunday"
	}
	return ReasonSaturday, "Saturday"
}

// DayUnconfirmed reports whether d's status rests on an unchecked entry or
// on a year whose table no admin confirmed.
func (c *Calendar) DayUnconfirmed(d Date) bool {
	yd, i := c.locate(d)
	return !yd.checked || yd.unconf[i>>6]>>(i&63)&1 != 0
}

// YearConfirmed reports whether year is confirmed: its table is stored, an
// admin confirmed it, and none of its entries is unconfirmed
// (YearTable.FullyConfirmed). False means the reminders and banners keep
// asking for it; which deadlines are provisional is RangeConfirmed's
// finer question.
func (c *Calendar) YearConfirmed(year int) bool { return c.year(year).confirmed }

// RangeConfirmed reports whether every day in (a, b] lies in a year whose
// table an admin confirmed and none of them rests on an Unconfirmed entry.
// The deadline engine uses it to mark due dates as provisional: a result is
// provisional when a day it depends on is unconfirmed, not merely because
// some other day of its year is.
func (c *Calendar) RangeConfirmed(a, b Date) bool {
	if !a.Before(b) {
		return true
	}
	ya, ia := c.locate(a)
	yb, ib := c.locate(b)
	lo := ia + 1
	for yd := ya; ; yd = c.year(yd.year + 1) {
		if !yd.checked {
			return false
		}
		hi := yd.n - 1
		if yd.year == yb.year {
			hi = ib
		}
		if lo <= hi && anyBit(&yd.unconf, lo, hi) {
			return false
		}
		if yd.year >= yb.year {
			return true
		}
		lo = 0
	}
}

// anyBit reports whether any bit in [lo, hi] is set.
func anyBit(w *[6]uint64, lo, hi int) bool {
	for k := lo >> 6; k <= hi>>6; k++ {
		m := ^uint64(0)
		if k == lo>>6 {
			m &= ^uint64(0) << (lo & 63)
		}
		if k == hi>>6 {
			m &= ^uint64(0) >> (63 - hi&63)
		}
		if w[k]&m != 0 {
			return true
		}
	}
	return false
}

// Table returns the table in force for year: the admin's or, failing that,
// the draft from Propose (proposed is then true). The result is a copy.
func (c *Calendar) Table(year int) (t YearTable, proposed bool) {
	yd := c.year(year)
	return yd.table.Clone(), yd.proposed
}

// Tables returns copies of the tables the Calendar was built with, by year.
func (c *Calendar) Tables() []YearTable {
	out := make([]YearTable, 0, len(c.tables))
	for _, t := range c.tables {
		out = append(out, t.Clone())
	}
	slices.SortFunc(out, func(a, b YearTable) int { return a.Year - b.Year })
	return out
}

// WorkingDaysInYear returns the number of working days in year.
func (c *Calendar) WorkingDaysInYear(year int) int { return c.year(year).total }
