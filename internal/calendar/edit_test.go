package calendar

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSource(t *testing.T) {
	s := Source("Thông báo 9441/TB-BNV của Bộ Nội vụ", MustDate("2025-10-16"))
	if s != SourceHolidays2026 {
		t.Errorf("Source = %q", s)
	}
	if n, d := SplitSource(s); n != "Thông báo 9441/TB-BNV của Bộ Nội vụ" || d != MustDate("2025-10-16") {
		t.Errorf("SplitSource = %q %s", n, d)
	}
	if n, d := SplitSource("Bộ luật Lao động 2019 Điều 112(1)"); n != "Bộ luật Lao động 2019 Điều 112(1)" || !d.IsZero() {
		t.Errorf("SplitSource without a date = %q %s", n, d)
	}
}

// The 2026 correction as the office would make it by hand, and its
// difference from the draft the office reviews before confirming.
func TestEditAndDiff(t *testing.T) {
	src := SourceHolidays2026
	tbl := Propose(2026)
	tbl = tbl.Remove(MustDate("2026-09-01"))
	for _, d := range []string{"2026-08-29", "2026-08-30", "2026-09-01"} {
		tbl = tbl.PutDayOff(DayOff{Date: MustDate(d), Name: NameNational, NameEN: NameNationalEN, Source: src})
	}
	tbl = tbl.PutDayOff(DayOff{Date: MustDate("2026-08-31"), Name: "Nghỉ hoán đổi Quốc khánh", Source: src})
	tbl = tbl.PutWorkingSaturday(WorkingSaturday{Date: MustDate("2026-08-22"), Source: src})
	if err := tbl.Validate(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Changes(Propose(2026), tbl) {
		if c.Date.Month >= 8 && c.Date.Month <= 9 {
			got = append(got, c.Date.String()+" "+c.Kind)
		}
	}
	want := []string{"2026-08-22 added", "2026-08-29 added", "2026-08-30 added", "2026-08-31 added", "2026-09-01 changed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diff from the draft (-want +got):\n%s", diff)
	}
	// A date holds one entry: a day off put over a working Saturday
	// replaces it.
	tbl = tbl.PutDayOff(DayOff{Date: MustDate("2026-08-22"), Name: "x"})
	if len(tbl.WorkingSaturdays) != 0 {
		t.Errorf("working Saturday kept beside a day off: %+v", tbl.WorkingSaturdays)
	}
	if d := Changes(tbl, tbl); len(d) != 0 {
		t.Errorf("a table differs from itself: %+v", d)
	}
}

func TestImportCSV(t *testing.T) {
	in := "\ufeffdate,kind,name,name_en,source,confirmed\n" +
		"2026-08-29,day_off,Quốc khánh,National Day,Thông báo 9441/TB-BNV ngày 16/10/2025,yes\n" +
		"31/08/2026,,Nghỉ hoán đổi Quốc khánh,,Thông báo 9441/TB-BNV ngày 16/10/2025,\n" +
		"2026-08-22,working_saturday,,,Thông báo 9441/TB-BNV ngày 16/10/2025,no\n\n"
	tbl, err := ImportCSV(strings.NewReader(in), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.DaysOff) != 2 || tbl.DaysOff[1].Date != MustDate("2026-08-31") || tbl.DaysOff[0].NameEN != "National Day" || tbl.DaysOff[1].Unconfirmed {
		t.Errorf("days off %+v", tbl.DaysOff)
	}
	if len(tbl.WorkingSaturdays) != 1 || !tbl.WorkingSaturdays[0].Unconfirmed {
		t.Errorf("working Saturdays %+v", tbl.WorkingSaturdays)
	}
	for _, bad := range []struct{ in, want string }{
		{"name\nx\n", "no \"date\" column"},
		{"date,name\n2027-01-01,x\n", "line 2: 2027-01-01 is not in 2026"},
		{"date,name\n2026-13-01,x\n", "line 2: date"},
		{"date,name\n2026-01-01,\n", "line 2: a day off needs a name"},
		{"date,kind\n2026-01-10,holiday\n", "line 2: kind \"holiday\""},
		{"", "empty"},
	} {
		_, err := ImportCSV(strings.NewReader(bad.in), 2026)
		if !errors.Is(err, ErrImport) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ImportCSV(%q) = %v, want %q", bad.in, err, bad.want)
		}
	}
}

func TestImportICal(t *testing.T) {
	in := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260829\r\nDTEND;VALUE=DATE:20260903\r\nSUMMARY:Quốc khánh\r\n" +
		"DESCRIPTION:Thông báo 9441/TB-BNV của Bộ Nội vụ ngày 16/10/2025\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260822\r\nSUMMARY:Làm bù\r\n CHO 31/08\r\nCATEGORIES:WORKING-DAY\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Tết Dương lịch\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	tbl, err := ImportICal(strings.NewReader(in), 2026)
	if err != nil {
		t.Fatal(err)
	}
	var off []string
	for _, d := range tbl.DaysOff {
		off = append(off, d.Date.String())
		if d.Name != "Quốc khánh" || d.Unconfirmed || d.Source != SourceHolidays2026 {
			t.Errorf("entry %+v", d)
		}
	}
	if diff := cmp.Diff([]string{"2026-08-29", "2026-08-30", "2026-08-31", "2026-09-01", "2026-09-02"}, off); diff != "" {
		t.Errorf("days off (-want +got):\n%s", diff)
	}
	if len(tbl.WorkingSaturdays) != 1 || tbl.WorkingSaturdays[0].Date != MustDate("2026-08-22") || !tbl.WorkingSaturdays[0].Unconfirmed {
		t.Errorf("working Saturdays %+v", tbl.WorkingSaturdays)
	}
	if _, err := ImportICal(strings.NewReader("BEGIN:VCALENDAR\nEND:VCALENDAR\n"), 2026); !errors.Is(err, ErrImport) {
		t.Errorf("no events: %v", err)
	}
	if _, err := ImportICal(strings.NewReader("BEGIN:VEVENT\nDTSTART:2026x\nEND:VEVENT\n"), 2026); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad date: %v", err)
	}
}
