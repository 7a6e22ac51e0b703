package web

import (
	"testing"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
)

// A day in the difference from the draft reads in the reader's language:
// its English name, and "unconfirmed", on an English page.
func TestCalendarEntryInBothLanguages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := &Pages{Catalog: cat}
	e := calendar.Entry{Name: "Quốc khánh", NameEN: "National Day", Source: "Thông báo 9441/TB-BNV", Unconfirmed: true}
	for lang, want := range map[string]string{
		i18n.VI: "Quốc khánh — Thông báo 9441/TB-BNV (chưa xác nhận)",
		i18n.EN: "National Day — Thông báo 9441/TB-BNV (unconfirmed)",
	} {
		if got := p.calendarEntry(lang, e); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := p.calendarEntry(i18n.EN, calendar.Entry{Name: "Nghỉ bù"}); got != "Nghỉ bù" {
		t.Errorf("no English name, no source: %q", got)
	}
	if got := p.calendarEntry(i18n.VI, calendar.Entry{}); got != "" {
		t.Errorf("nothing: %q", got)
	}
}

// A year imported without English names differs from the draft only in
// them: a Vietnamese page lists no day as changed ("Quốc khánh → Quốc
// khánh"), an English one lists each named day off, worded differently on
// its two sides; a day whose Vietnamese name changed is listed on both.
func TestCalendarChangesSkipWhatReadsTheSame(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := &Pages{Catalog: cat}
	draft := calendar.Propose(2026)
	imported := draft.Clone()
	named := 0
	for i := range imported.DaysOff {
		if imported.DaysOff[i].NameEN != "" {
			imported.DaysOff[i].NameEN = ""
			named++
		}
	}
	if named == 0 {
		t.Fatal("the draft names no day off in English: the test proves nothing")
	}
	if got := p.calendarChanges(i18n.VI, draft, imported); len(got) != 0 {
		t.Errorf("vi: %d days listed as changed with nothing changed in Vietnamese: %+v", len(got), got)
	}
	got := p.calendarChanges(i18n.EN, draft, imported)
	if len(got) != named {
		t.Errorf("en: %d days listed as changed, want %d", len(got), named)
	}
	for _, c := range got {
		if c.Kind != "changed" || c.Old == c.New {
			t.Errorf("en: %+v", c)
		}
	}
	d := imported.DaysOff[0]
	d.Name = "Tết Dương lịch (đổi)"
	renamed := imported.PutDayOff(d)
	for _, lang := range []string{i18n.VI, i18n.EN} {
		found := false
		for _, c := range p.calendarChanges(lang, draft, renamed) {
			found = found || c.Date == d.Date
		}
		if !found {
			t.Errorf("%s: the renamed %s is not listed", lang, d.Date)
		}
	}
}
