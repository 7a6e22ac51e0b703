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
