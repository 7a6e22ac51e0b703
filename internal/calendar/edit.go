package calendar

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// The edits an office makes to a year table, one entry at a time, and the
// files it imports. Each returns a new table; the caller validates and
// stores it (deadline.Service.SaveYear), which audits the change.

// ErrImport reports a file that cannot be imported; the message names the
// line. Every import error wraps it inside a *fault.Error whose catalogued
// message says the same to the office, in its language.
var ErrImport = errors.New("calendar: cannot import")

// importError refuses a file: shown is what the office reads, the rest is
// for the logs.
func importError(shown *fault.Error, format string, a ...any) error {
	return shown.Wrap(fmt.Errorf("%w: %s", ErrImport, fmt.Sprintf(format, a...)))
}

func atLine(messageID string, line int, args map[string]any) *fault.Error {
	if args == nil {
		args = map[string]any{}
	}
	args["Line"] = line
	return fault.Newf(fault.Invalid, messageID, args)
}

var errImportUnreadable = fault.New(fault.Invalid, "calendar.import_unreadable")

// Source joins a document's number and date the way the tables cite them:
// "Thông báo 9441/TB-BNV ngày 16/10/2025". Either part may be empty.
func Source(number string, date Date) string {
	number = strings.TrimSpace(number)
	switch {
	case date.IsZero():
		return number
	case number == "":
		return "ngày " + date.VN()
	}
	return number + " ngày " + date.VN()
}

// SplitSource is the inverse of Source, for editing a stored source: the
// document's number and its date, if the source ends in "ngày DD/MM/YYYY".
func SplitSource(s string) (number string, date Date) {
	i := strings.LastIndex(s, "ngày ")
	if i < 0 {
		return s, Date{}
	}
	d, err := parseImportDate(strings.TrimSpace(s[i+len("ngày "):]))
	if err != nil {
		return s, Date{}
	}
	return strings.TrimSpace(s[:i]), d
}

// PutDayOff adds d to t, or replaces the entry of that date (a day off or
// a working Saturday: a date has one entry).
func (t YearTable) PutDayOff(d DayOff) YearTable {
	t = t.Remove(d.Date)
	t.DaysOff = append(t.DaysOff, d)
	slices.SortFunc(t.DaysOff, func(a, b DayOff) int { return a.Date.Compare(b.Date) })
	return t
}

// PutWorkingSaturday adds w to t, or replaces the entry of that date.
func (t YearTable) PutWorkingSaturday(w WorkingSaturday) YearTable {
	t = t.Remove(w.Date)
	t.WorkingSaturdays = append(t.WorkingSaturdays, w)
	slices.SortFunc(t.WorkingSaturdays, func(a, b WorkingSaturday) int { return a.Date.Compare(b.Date) })
	return t
}

// Remove returns t without any entry on d.
func (t YearTable) Remove(d Date) YearTable {
	t = t.Clone()
	t.DaysOff = slices.DeleteFunc(t.DaysOff, func(o DayOff) bool { return o.Date == d })
	t.WorkingSaturdays = slices.DeleteFunc(t.WorkingSaturdays, func(w WorkingSaturday) bool { return w.Date == d })
	return t
}

// Merge returns t with every entry of in put over it (by date).
func (t YearTable) Merge(in YearTable) YearTable {
	t = t.Clone()
	for _, d := range in.DaysOff {
		t = t.PutDayOff(d)
	}
	for _, w := range in.WorkingSaturdays {
		t = t.PutWorkingSaturday(w)
	}
	return t
}

// Change is one difference between two tables of a year.
type Change struct {
	Date Date
	// Kind: "added" (in the new table only), "removed" (in the old only)
	// or "changed" (in both, with a different status, name or source).
	Kind     string
	Old, New Entry // what each table says about the day (zero: nothing)
}

// Entry is what a table says about a day, for display: the day off's
// names, or a worked weekend day's, the document that announced it, and
// whether it is confirmed. The pages word it in the reader's language.
type Entry struct {
	Name, NameEN string
	Source       string
	Unconfirmed  bool
}

// IsZero reports whether the table says nothing about the day.
func (e Entry) IsZero() bool { return e == Entry{} }

// Changes lists, in date order, the entries on which next differs from
// prev: a day off or a working Saturday added, removed, or changed in name,
// source or confirmation. The office reads it before confirming a year
// (prev is the draft from Propose). A day that differs only in its English
// name is listed; a page drops the changed days that read the same in its
// reader's language. YearTable.Diff is the narrower question
// of which working days differ, for versioned built-in years.
func Changes(prev, next YearTable) []Change {
	describe := func(t YearTable) map[Date]Entry {
		m := map[Date]Entry{}
		for _, d := range t.DaysOff {
			m[d.Date] = Entry{Name: d.Name, NameEN: d.NameEN, Source: d.Source, Unconfirmed: d.Unconfirmed}
		}
		for _, w := range t.WorkingSaturdays {
			e := Entry{Name: workingSatVI, NameEN: workingSatEN, Source: w.Source, Unconfirmed: w.Unconfirmed}
			if w.Date.Weekday() == time.Sunday {
				e.Name, e.NameEN = workingSunVI, workingSunEN
			}
			m[w.Date] = e
		}
		return m
	}
	a, b := describe(prev), describe(next)
	var out []Change
	for d, s := range b {
		switch old, ok := a[d]; {
		case !ok:
			out = append(out, Change{Date: d, Kind: "added", New: s})
		case old != s:
			out = append(out, Change{Date: d, Kind: "changed", Old: old, New: s})
		}
	}
	for d, s := range a {
		if _, ok := b[d]; !ok {
			out = append(out, Change{Date: d, Kind: "removed", Old: s})
		}
	}
	slices.SortFunc(out, func(x, y Change) int { return x.Date.Compare(y.Date) })
	return out
}

// ImportCSV reads entries of year from CSV with a header row naming the
// columns (any order; date is required):
//
//	date,kind,name,name_en,source,confirmed
//	2026-08-29,day_off,Quốc khánh,National Day,Thông báo 9441/TB-BNV ngày 16/10/2025,yes
//	2026-08-22,working_saturday,,,Thông báo 9441/TB-BNV ngày 16/10/2025,yes
//
// kind is day_off (the default) or working_saturday; dates are YYYY-MM-DD
// or DD/MM/YYYY; confirmed is yes/no/true/false/1/0 (default yes). Every
// entry must lie in year.
func ImportCSV(r io.Reader, year int) (YearTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	rows, err := cr.ReadAll()
	if err != nil {
		return YearTable{}, errImportUnreadable.Wrap(fmt.Errorf("%w: %w", ErrImport, err))
	}
	if len(rows) == 0 {
		return YearTable{}, importError(fault.New(fault.Invalid, "calendar.import_empty"), "the file is empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["date"]; !ok {
		return YearTable{}, importError(atLine("calendar.import_no_date_column", 1, nil), "line 1: no \"date\" column")
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	t := YearTable{Year: year}
	for n, row := range rows[1:] {
		line := n + 2
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		d, err := parseImportDate(get(row, "date"))
		if err != nil {
			return YearTable{}, importError(atLine("calendar.import_bad_date", line, map[string]any{"Value": get(row, "date")}), "line %d: %v", line, err)
		}
		if d.Year != year {
			return YearTable{}, importError(atLine("calendar.import_not_in_year", line, map[string]any{"Date": d, "Year": year}), "line %d: %s is not in %d", line, d, year)
		}
		confirmed := true
		switch strings.ToLower(get(row, "confirmed")) {
		case "", "yes", "true", "1", "có":
		case "no", "false", "0", "không":
			confirmed = false
		default:
			return YearTable{}, importError(atLine("calendar.import_bad_confirmed", line, map[string]any{"Value": get(row, "confirmed")}), "line %d: confirmed %q, want yes or no", line, get(row, "confirmed"))
		}
		switch kind := get(row, "kind"); kind {
		case "", "day_off":
			name := get(row, "name")
			if name == "" {
				return YearTable{}, importError(atLine("calendar.import_name_required", line, nil), "line %d: a day off needs a name", line)
			}
			t = t.PutDayOff(DayOff{Date: d, Name: name, NameEN: get(row, "name_en"), Source: get(row, "source"), Unconfirmed: !confirmed})
		case "working_saturday":
			t = t.PutWorkingSaturday(WorkingSaturday{Date: d, Source: get(row, "source"), Unconfirmed: !confirmed})
		default:
			return YearTable{}, importError(atLine("calendar.import_bad_kind", line, map[string]any{"Value": kind}), "line %d: kind %q, want day_off or working_saturday", line, kind)
		}
	}
	return t, nil
}

// ImportICal reads entries of year from an iCalendar file (RFC 5545), as
// published calendars of Vietnamese holidays are: each all-day VEVENT
// (DTSTART;VALUE=DATE, DTEND exclusive) is a day off named by its SUMMARY
// for every day it spans, with its DESCRIPTION as the source. An event
// with CATEGORIES containing WORKING-DAY (or "làm bù") is a working
// weekend day instead. Days outside year are skipped, so a multi-year feed
// can be imported year by year. Imported entries are unconfirmed unless
// the event has STATUS:CONFIRMED.
func ImportICal(r io.Reader, year int) (YearTable, error) {
	lines, err := unfoldICal(r)
	if err != nil {
		return YearTable{}, errImportUnreadable.Wrap(fmt.Errorf("%w: %w", ErrImport, err))
	}
	t := YearTable{Year: year}
	var (
		in                   bool
		start, end           Date
		summary, descr, cats string
		status               string
		begin                int
		events               int
	)
	for i, l := range lines {
		name, value := icalProp(l)
		switch {
		case l == "BEGIN:VEVENT":
			in, begin = true, i+1
			start, end, summary, descr, cats, status = Date{}, Date{}, "", "", "", ""
		case l == "END:VEVENT":
			in = false
			events++
			if start.IsZero() {
				return YearTable{}, importError(atLine("calendar.import_no_start", begin, nil), "event at line %d has no DTSTART", begin)
			}
			if end.IsZero() || !end.After(start) {
				end = start.AddDays(1)
			}
			working := strings.Contains(strings.ToUpper(cats), "WORKING-DAY") || strings.Contains(strings.ToLower(summary+" "+cats), "làm bù")
			for d := start; d.Before(end); d = d.AddDays(1) {
				if d.Year != year {
					continue
				}
				if working {
					t = t.PutWorkingSaturday(WorkingSaturday{Date: d, Source: descr, Unconfirmed: status != "CONFIRMED"})
				} else {
					t = t.PutDayOff(DayOff{Date: d, Name: summary, Source: descr, Unconfirmed: status != "CONFIRMED"})
				}
			}
		case !in:
		case name == "DTSTART" || name == "DTEND":
			v := value
			if len(v) >= 8 {
				v = v[:8]
			}
			d, err := time.Parse("20060102", v)
			if err != nil {
				return YearTable{}, importError(atLine("calendar.import_bad_date", i+1, map[string]any{"Value": value}), "line %d: %s %q is not a date", i+1, name, value)
			}
			if name == "DTSTART" {
				start = DateOf(d, time.UTC)
			} else {
				end = DateOf(d, time.UTC)
			}
		case name == "SUMMARY":
			summary = icalText(value)
		case name == "DESCRIPTION":
			descr = icalText(value)
		case name == "CATEGORIES":
			cats = icalText(value)
		case name == "STATUS":
			status = strings.ToUpper(value)
		}
	}
	if events == 0 {
		return YearTable{}, importError(fault.New(fault.Invalid, "calendar.import_no_event"), "no VEVENT in the file")
	}
	return t, nil
}

// unfoldICal joins folded lines (a line starting with a space or tab
// continues the previous one).
func unfoldICal(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var out []string
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, strings.TrimPrefix(l, "\ufeff"))
	}
	return out, sc.Err()
}

// icalProp splits "DTSTART;VALUE=DATE:20260829" into its name and value.
func icalProp(l string) (name, value string) {
	i := strings.IndexByte(l, ':')
	if i < 0 {
		return "", ""
	}
	name = l[:i]
	if j := strings.IndexByte(name, ';'); j >= 0 {
		name = name[:j]
	}
	return strings.ToUpper(name), l[i+1:]
}

// icalText undoes RFC 5545 text escaping.
func icalText(s string) string {
	return strings.NewReplacer(`\n`, " ", `\N`, " ", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}

func parseImportDate(s string) (Date, error) {
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q, want YYYY-MM-DD or DD/MM/YYYY", s)
	}
	return DateOf(t, time.UTC), nil
}
