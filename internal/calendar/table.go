package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// ErrInvalidTable reports a YearTable that an admin must fix before it is
// saved; see YearTable.Validate.
var ErrInvalidTable = errors.New("calendar: invalid year table")

// YearTable is the working-day calendar of one year, as data.
//
// The Labour Code fixes which holidays exist, but the Prime Minister fixes
// each year the exact days off for Tết and Quốc khánh, and the Government
// swaps working days with Saturdays for civil servants (Bộ luật Lao động
// 2019, Art. 112(3)). No rule can predict that, so the calendar is a table
// an admin maintains; [Propose] only drafts it.
//
// Every day that is not in DaysOff and is Monday..Friday is a working day;
// a Saturday or Sunday is a working day only if listed in WorkingSaturdays.
// DaysOff lists every announced day off that falls on a weekday, and may
// also list weekend days inside a holiday break so that explanations name
// the holiday ("Tết Nguyên đán") rather than "Thứ Bảy". The built-in tables
// list every day of each announced break, weekends included.
type YearTable struct {
	Year int `json:"year"`
	// Confirmed means an admin (or this package, for built-in years) has
	// checked the table against the year's official announcements.
	// Deadlines that depend on an unconfirmed year, or on an entry marked
	// Unconfirmed, are provisional; the year as a whole is confirmed only
	// when it has no such entry (FullyConfirmed).
	Confirmed        bool              `json:"confirmed"`
	DaysOff          []DayOff          `json:"days_off"`
	WorkingSaturdays []WorkingSaturday `json:"working_saturdays"`
}

// DayOff is a day on which the agency does not work.
type DayOff struct {
	Date   Date   `json:"date"`
	Name   string `json:"name"`    // Vietnamese, shown to citizens: "Tết Nguyên đán"
	NameEN string `json:"name_en"` // "Lunar New Year (Tết)"
	// Source cites the document that announced the day, e.g.
	// "Công văn 12729/VPCP-KGVX ngày 25/12/2025".
	Source string `json:"source"`
	// Unconfirmed marks a day that we believe but have not checked against
	// the announcing document.
	Unconfirmed bool `json:"unconfirmed"`
}

// WorkingSaturday is a weekend day worked in exchange for a weekday off
// (làm bù / hoán đổi ngày làm việc).
type WorkingSaturday struct {
	Date        Date   `json:"date"`
	Source      string `json:"source"`
	Unconfirmed bool   `json:"unconfirmed"`
}

// Validate reports everything wrong with t, joined and wrapped in
// ErrInvalidTable, inside a *fault.Error whose catalogued message names the
// first problem (an admin fixes one entry at a time). A Calendar built from
// an invalid table still works (it ignores entries outside the year and lets
// a day off win over a working Saturday), but an admin screen should refuse
// to save one.
func (t YearTable) Validate() error {
	var errs []error
	var first *fault.Error
	bad := func(f *fault.Error, format string, a ...any) {
		if first == nil {
			first = f
		}
		errs = append(errs, fmt.Errorf(format, a...))
	}
	if t.Year < 1 || t.Year > 9999 {
		bad(fault.FieldError("year", "calendar.bad_year", nil), "year %d out of range 1..9999", t.Year)
	}
	off := make(map[Date]bool, len(t.DaysOff))
	for i, d := range t.DaysOff {
		field := "days_off[" + strconv.Itoa(i) + "]"
		switch {
		case !d.Date.Valid():
			bad(fault.FieldError(field+".date", "calendar.bad_date", map[string]any{"Value": d.Date.String()}), "day off %+v: invalid date", d.Date)
		case d.Date.Year != t.Year:
			bad(fault.FieldError(field+".date", "calendar.date_not_in_year", map[string]any{"Date": d.Date, "Year": t.Year}), "day off %s is not in %d", d.Date, t.Year)
		case off[d.Date]:
			bad(fault.FieldError(field+".date", "calendar.date_twice", map[string]any{"Date": d.Date}), "day off %s listed twice", d.Date)
		}
		if d.Name == "" {
			bad(fault.FieldError(field+".name", "calendar.name_required", nil), "day off %s has no name", d.Date)
		}
		off[d.Date] = true
	}
	seen := make(map[Date]bool, len(t.WorkingSaturdays))
	for i, w := range t.WorkingSaturdays {
		field := "working_saturdays[" + strconv.Itoa(i) + "].date"
		switch {
		case !w.Date.Valid():
			bad(fault.FieldError(field, "calendar.bad_date", map[string]any{"Value": w.Date.String()}), "working Saturday %+v: invalid date", w.Date)
		case w.Date.Year != t.Year:
			bad(fault.FieldError(field, "calendar.date_not_in_year", map[string]any{"Date": w.Date, "Year": t.Year}), "working Saturday %s is not in %d", w.Date, t.Year)
		case !isWeekend(w.Date.Weekday()):
			bad(fault.FieldError(field, "calendar.working_day_not_weekend", map[string]any{"Date": w.Date}), "working Saturday %s is a %s, already a working day", w.Date, w.Date.Weekday())
		case off[w.Date]:
			bad(fault.FieldError(field, "calendar.day_off_and_working", map[string]any{"Date": w.Date}), "%s is both a day off and a working Saturday", w.Date)
		case seen[w.Date]:
			bad(fault.FieldError(field, "calendar.date_twice", map[string]any{"Date": w.Date}), "working Saturday %s listed twice", w.Date)
		}
		seen[w.Date] = true
	}
	if len(errs) == 0 {
		return nil
	}
	return first.Wrap(fmt.Errorf("%w %d: %w", ErrInvalidTable, t.Year, errors.Join(errs...)))
}

// UnconfirmedEntries returns the dates of t's entries marked Unconfirmed,
// in date order.
func (t YearTable) UnconfirmedEntries() []Date {
	var out []Date
	for _, d := range t.DaysOff {
		if d.Unconfirmed {
			out = append(out, d.Date)
		}
	}
	for _, w := range t.WorkingSaturdays {
		if w.Unconfirmed {
			out = append(out, w.Date)
		}
	}
	slices.SortFunc(out, Date.Compare)
	return out
}

// FullyConfirmed reports whether the year is confirmed: an admin confirmed
// the table and none of its entries is marked Unconfirmed. A year with any
// unconfirmed entry is not confirmed, whatever its Confirmed flag says.
func (t YearTable) FullyConfirmed() bool {
	return t.Confirmed && len(t.UnconfirmedEntries()) == 0
}

// Clone returns a deep copy of t, so a Calendar never shares slices with
// the caller.
func (t YearTable) Clone() YearTable {
	t.DaysOff = slices.Clone(t.DaysOff)
	t.WorkingSaturdays = slices.Clone(t.WorkingSaturdays)
	return t
}

func isWeekend(w time.Weekday) bool { return w == time.Saturday || w == time.Sunday }

// Holiday names, in Vietnamese and English.
const (
	NameNewYear     = "Tết Dương lịch"
	NameTet         = "Tết Nguyên đán"
	NameHungKings   = "Giỗ Tổ Hùng Vương"
	NameVictory     = "Ngày Chiến thắng"
	NameLabour      = "Quốc tế Lao động"
	NameNational    = "Quốc khánh"
	NameCulture     = "Ngày Văn hóa Việt Nam"
	NameNewYearEN   = "New Year's Day"
	NameTetEN       = "Lunar New Year (Tết)"
	NameHungKingsEN = "Hung Kings' Commemoration Day"
	NameVictoryEN   = "Reunification Day"
	NameLabourEN    = "International Labour Day"
	NameNationalEN  = "National Day"
	NameCultureEN   = "Vietnamese Culture Day"
	compensatoryVI  = "Nghỉ bù "
	compensatoryEN  = "Compensatory day off: "
	swappedVI       = "Nghỉ hoán đổi "
	swappedEN       = "Swapped day off: "
	workingSatVI    = "Thứ Bảy làm việc bù"
	workingSatEN    = "Make-up working Saturday"
	workingSunVI    = "Chủ nhật làm việc bù"
	workingSunEN    = "Make-up working Sunday"
	// ReasonSaturday and ReasonSunday are the reasons DayInfo gives for an
	// ordinary weekend day.
	ReasonSaturday   = "Thứ Bảy"
	ReasonSunday     = "Chủ nhật"
	SourceProposal   = "Đề xuất theo Bộ luật Lao động 2019 Điều 111, 112"
	SourceCultureDay = "Nghị quyết 28/2026/QH16 [C]"
)

// cultureDayFrom is when 24/11 becomes a paid holiday (reference §3.1, [C]).
func cultureDayFrom() Date { return Date{Year: 2026, Month: time.July, Day: 1} }

// Propose drafts the table of year from the Labour Code 2019, Art. 112(1)
// (the holidays) and Art. 111(3) (a holiday on a weekend gives a
// compensatory day on the next working day). The draft is never Confirmed;
// an admin edits it into the year's real table once the Government
// announces the schedule.
//
// Choices where the Code leaves the day to the Prime Minister (those
// entries are marked Unconfirmed):
//
//   - Tết: the last day of the old lunar year ("30 Tết", which is the 29th
//     in a short month) and the first four days of the new year, the pattern
//     the announcements usually follow. Weekends inside the break give
//     compensatory days after it.
//   - Quốc khánh: 2/9 plus the adjacent day that is a weekday; if both are
//     (2/9 on Tue, Wed or Thu), the one that joins a weekend; on a
//     Wednesday, 1/9. That is 3/9 for Mon and Sun, 1/9 for Tue, Wed, Fri and
//     Sat, 3/9 for Thu, matching 2022–2025.
//   - From 2026 (in force 01/07/2026), 24/11 Ngày Văn hóa Việt Nam, whose
//     legal basis is only weakly sourced.
//
// Two holidays on the same date count once: the Code grants no extra day.
func Propose(year int) YearTable {
	type holiday struct {
		date        Date
		name, en    string
		source      string
		unconfirmed bool
	}
	law := SourceProposal
	hs := []holiday{
		{Date{year, time.January, 1}, NameNewYear, NameNewYearEN, law, false},
		{Date{year, time.April, 30}, NameVictory, NameVictoryEN, law, false},
		{Date{year, time.May, 1}, NameLabour, NameLabourEN, law, false},
		{Date{year, time.September, 2}, NameNational, NameNationalEN, law, false},
	}
	if tet, err := LunarToSolar(LunarDate{Year: year, Month: 1, Day: 1}, VietnamTZ); err == nil {
		for i := -1; i <= 3; i++ {
			hs = append(hs, holiday{tet.AddDays(i), NameTet, NameTetEN, law, true})
		}
	}
	if gioTo, err := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10}, VietnamTZ); err == nil {
		hs = append(hs, holiday{gioTo, NameHungKings, NameHungKingsEN, law, false})
	}
	nd := Date{year, time.September, 2}
	adjacent := nd.AddDays(-1)
	switch nd.Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		adjacent = nd.AddDays(1)
	}
	hs = append(hs, holiday{adjacent, NameNational, NameNationalEN, law, true})
	if culture := (Date{year, time.November, 24}); !culture.Before(cultureDayFrom()) {
		hs = append(hs, holiday{culture, NameCulture, NameCultureEN, SourceCultureDay, true})
	}
	slices.SortStableFunc(hs, func(a, b holiday) int { return a.date.Compare(b.date) })
	hs = slices.CompactFunc(hs, func(a, b holiday) bool { return a.date == b.date })

	off := make(map[Date]bool, len(hs)+8)
	for _, h := range hs {
		off[h.date] = true
	}
	t := YearTable{Year: year}
	for _, h := range hs {
		t.DaysOff = append(t.DaysOff, DayOff{Date: h.date, Name: h.name, NameEN: h.en, Source: h.source, Unconfirmed: h.unconfirmed})
	}
	for _, h := range hs {
		if !isWeekend(h.date.Weekday()) {
			continue
		}
		c := h.date.AddDays(1)
		for isWeekend(c.Weekday()) || off[c] {
			c = c.AddDays(1)
		}
		off[c] = true
		t.DaysOff = append(t.DaysOff, DayOff{
			Date: c, Name: compensatoryVI + h.name, NameEN: compensatoryEN + h.en,
			Source: h.source, Unconfirmed: h.unconfirmed,
		})
	}
	slices.SortStableFunc(t.DaysOff, func(a, b DayOff) int { return a.Date.Compare(b.Date) })
	return t
}

// Builtin returns the tables this package ships: 2025 and 2026. Entries
// that could not be checked against the announcing document (or the
// project's reference file) are marked Unconfirmed, and a year with any
// such entry is not confirmed (YearTable.FullyConfirmed): results that
// depend on one of its entries are provisional. A fresh copy is returned
// each call.
//
// The tables are versioned data: a database records the
// Fingerprint of the built-in year it stored or reviewed, so a release that
// corrects a year (2026: the Quốc khánh break 29/08–02/09 and the working
// Saturday 22/08) is offered to databases holding the earlier table, never
// imposed over the office's own edits.
func Builtin() []YearTable {
	const (
		law     = "Bộ luật Lao động 2019 Điều 112(1)"
		lawComp = "Bộ luật Lao động 2019 Điều 111(3)"
		vpcp25  = "Công văn 8726/VPCP-KGVX ngày 26/11/2024"
		vpcp26  = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
		bnv26   = SourceHolidays2026
	)
	d := func(y int, m time.Month, day int) Date { return Date{y, m, day} }
	off := func(dt Date, name, en, src string, unconfirmed bool) DayOff {
		return DayOff{Date: dt, Name: name, NameEN: en, Source: src, Unconfirmed: unconfirmed}
	}
	span := func(from Date, days int, name, en, src string, unconfirmed bool) []DayOff {
		out := make([]DayOff, 0, days)
		for i := range days {
			out = append(out, off(from.AddDays(i), name, en, src, unconfirmed))
		}
		return out
	}

	y25 := YearTable{Year: 2025, Confirmed: true}
	y25.DaysOff = append(y25.DaysOff, off(d(2025, 1, 1), NameNewYear, NameNewYearEN, law, false))
	// Sat 25/01 .. Sun 02/02/2025 (26 tháng Chạp .. mùng 5); Tết is Wed 29/01.
	y25.DaysOff = append(y25.DaysOff, span(d(2025, 1, 25), 9, NameTet, NameTetEN, vpcp25, false)...)
	y25.DaysOff = append(y25.DaysOff,
		off(d(2025, 4, 7), NameHungKings, NameHungKingsEN, law, false),
		off(d(2025, 4, 30), NameVictory, NameVictoryEN, law, false),
		off(d(2025, 5, 1), NameLabour, NameLabourEN, law, false),
		// Civil servants: Fri 02/05 off in exchange for Sat 26/04 worked.
		// Widely reported; the document's text was not checked.
		off(d(2025, 5, 2), swappedVI+NameLabour, swappedEN+NameLabourEN, vpcp25, true),
		// 2/9 is a Tuesday; the adjacent day was Monday 1/9 (Sat 30/8 .. Tue 2/9).
		off(d(2025, 9, 1), NameNational, NameNationalEN, vpcp25, true),
		off(d(2025, 9, 2), NameNational, NameNationalEN, law, false),
	)
	y25.WorkingSaturdays = []WorkingSaturday{{Date: d(2025, 4, 26), Source: vpcp25, Unconfirmed: true}}

	y26 := YearTable{Year: 2026, Confirmed: true}
	y26.DaysOff = append(y26.DaysOff,
		off(d(2026, 1, 1), NameNewYear, NameNewYearEN, law, false),
		off(d(2026, 1, 2), swappedVI+NameNewYear, swappedEN+NameNewYearEN, vpcp26, false),
		off(d(2026, 1, 3), NameNewYear, NameNewYearEN, vpcp26, false),
		off(d(2026, 1, 4), NameNewYear, NameNewYearEN, vpcp26, false),
	)
	// Sat 14/02 .. Sun 22/02/2026 (27 tháng Chạp .. mùng 6); Tết is Tue 17/02.
	y26.DaysOff = append(y26.DaysOff, span(d(2026, 2, 14), 9, NameTet, NameTetEN, bnv26, false)...)
	y26.DaysOff = append(y26.DaysOff,
		// Giỗ Tổ falls on Sunday 26/04: the compensatory day follows from
		// the Code itself, not from a yearly decision.
		off(d(2026, 4, 26), NameHungKings, NameHungKingsEN, law, false),
		off(d(2026, 4, 27), compensatoryVI+NameHungKings, compensatoryEN+NameHungKingsEN, lawComp, false),
		off(d(2026, 4, 30), NameVictory, NameVictoryEN, law, false),
		off(d(2026, 5, 1), NameLabour, NameLabourEN, law, false),
		// Quốc khánh, 2/9 a Wednesday: civil servants are off Sat 29/08 ..
		// Wed 02/09; Mon 31/08 is swapped with Sat 22/08, worked instead.
		// Revision 1 of this table had only 01/09 (as a guess) and 02/09.
		off(d(2026, 8, 29), NameNational, NameNationalEN, bnv26, false),
		off(d(2026, 8, 30), NameNational, NameNationalEN, bnv26, false),
		off(d(2026, 8, 31), swappedVI+NameNational, swappedEN+NameNationalEN, bnv26, false),
		off(d(2026, 9, 1), NameNational, NameNationalEN, bnv26, false),
		off(d(2026, 9, 2), NameNational, NameNationalEN, law, false),
		// The swap around Tuesday 24/11 was still under consultation when
		// this table was written, and the holiday itself rests on a weakly
		// sourced resolution: the entry, and so the year, stay unconfirmed.
		off(d(2026, 11, 24), NameCulture, NameCultureEN, SourceCultureDay, true),
	)
	y26.WorkingSaturdays = []WorkingSaturday{
		{Date: d(2026, 1, 10), Source: vpcp26},
		{Date: d(2026, 8, 22), Source: bnv26},
	}

	return []YearTable{y25, y26}
}

// SourceHolidays2026 is the announcement of the 2026 Tết and Quốc khánh
// breaks for civil servants (reference §3.1, [B]: reported by vietnamnews.vn
// on 17/10/2025).
const SourceHolidays2026 = "Thông báo 9441/TB-BNV của Bộ Nội vụ ngày 16/10/2025"
