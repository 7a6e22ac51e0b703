package calendar

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func builtinCalendar(tb testing.TB) *Calendar {
	tb.Helper()
	for _, t := range Builtin() {
		if err := t.Validate(); err != nil {
			tb.Fatalf("Builtin %d: %v", t.Year, err)
		}
	}
	return New(Builtin())
}

// dayWant is what the calendar says of a date: the reason it is not an
// ordinary working day, or "" for one. A named day is off, except a
// Saturday worked to make up for a day swapped off (swapSat).
type dayWant struct {
	date   string
	reason string
}

func (w dayWant) working() bool { return w.reason == "" || w.reason == swapSat }

func checkDays(t *testing.T, c *Calendar, days []dayWant) {
	t.Helper()
	for _, w := range days {
		d := MustDate(w.date)
		working, reason, reasonEN := c.DayInfo(d)
		if working != w.working() || reason != w.reason {
			t.Errorf("%s (%s): DayInfo = %v %q, want %v %q", w.date, d.Weekday(), working, reason, w.working(), w.reason)
		}
		if working != c.IsWorkingDay(d) {
			t.Errorf("%s: IsWorkingDay disagrees with DayInfo", w.date)
		}
		if (reason == "") != (reasonEN == "") {
			t.Errorf("%s: reason %q but English %q", w.date, reason, reasonEN)
		}
	}
}

const (
	swapSat = "Thứ Bảy làm việc bù"
	sat     = "Thứ Bảy"
	sun     = "Chủ nhật"
	tet     = "Tết Nguyên đán"
)

func TestBuiltin2025(t *testing.T) {
	c := builtinCalendar(t)
	checkDays(t, c, []dayWant{
		{"2024-12-31", ""}, // 2024 has no table: proposal
		{"2025-01-01", "Tết Dương lịch"},
		{"2025-01-02", ""},
		// Tết 29/01; off Sat 25/01 .. Sun 02/02.
		{"2025-01-24", ""},
		{"2025-01-25", tet},
		{"2025-01-26", tet},
		{"2025-01-27", tet},
		{"2025-01-29", tet},
		{"2025-01-31", tet},
		{"2025-02-01", tet},
		{"2025-02-02", tet},
		{"2025-02-03", ""},
		// Giỗ Tổ Mon 07/04.
		{"2025-04-06", sun},
		{"2025-04-07", "Giỗ Tổ Hùng Vương"},
		{"2025-04-08", ""},
		// 30/4–1/5 with Fri 02/05 swapped for Sat 26/04.
		{"2025-04-25", ""},
		{"2025-04-26", swapSat},
		{"2025-04-27", sun},
		{"2025-04-29", ""},
		{"2025-04-30", "Ngày Chiến thắng"},
		{"2025-05-01", "Quốc tế Lao động"},
		{"2025-05-02", "Nghỉ hoán đổi Quốc tế Lao động"},
		{"2025-05-03", sat},
		{"2025-05-05", ""},
		// Quốc khánh: Sat 30/8 .. Tue 2/9.
		{"2025-08-29", ""},
		{"2025-08-30", sat},
		{"2025-09-01", "Quốc khánh"},
		{"2025-09-02", "Quốc khánh"},
		{"2025-09-03", ""},
	})
	// The 2025 table is confirmed as a whole but three of its entries are
	// not: the year is therefore not confirmed.
	if c.YearConfirmed(2025) {
		t.Error("2025 has unconfirmed entries but is confirmed")
	}
}

func TestBuiltin2026(t *testing.T) {
	c := builtinCalendar(t)
	checkDays(t, c, []dayWant{
		{"2025-12-31", ""},
		{"2026-01-01", "Tết Dương lịch"},
		{"2026-01-02", "Nghỉ hoán đổi Tết Dương lịch"},
		{"2026-01-03", "Tết Dương lịch"},
		{"2026-01-04", "Tết Dương lịch"},
		{"2026-01-05", ""},
		{"2026-01-09", ""},
		{"2026-01-10", swapSat},
		{"2026-01-11", sun},
		{"2026-01-17", sat},
		// Tết 17/02; off Sat 14/02 .. Sun 22/02.
		{"2026-02-12", ""},
		{"2026-02-13", ""},
		{"2026-02-14", tet},
		{"2026-02-15", tet},
		{"2026-02-16", tet},
		{"2026-02-17", tet},
		{"2026-02-20", tet},
		{"2026-02-21", tet},
		{"2026-02-22", tet},
		{"2026-02-23", ""},
		// Giỗ Tổ Sun 26/04, compensatory Mon 27/04.
		{"2026-04-24", ""},
		{"2026-04-25", sat},
		{"2026-04-26", "Giỗ Tổ Hùng Vương"},
		{"2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{"2026-04-28", ""},
		{"2026-04-29", ""},
		{"2026-04-30", "Ngày Chiến thắng"},
		{"2026-05-01", "Quốc tế Lao động"},
		{"2026-05-02", sat},
		{"2026-05-04", ""},
		// Quốc khánh, Wednesday 2/9 (Thông báo 9441/TB-BNV): off Sat 29/08
		// .. Wed 02/09; Mon 31/08 swapped with Sat 22/08, a working day.
		// Every day from the week before to the week after, one by one.
		{"2026-08-20", ""},
		{"2026-08-21", ""},
		{"2026-08-22", swapSat},
		{"2026-08-23", sun},
		{"2026-08-24", ""},
		{"2026-08-25", ""},
		{"2026-08-26", ""},
		{"2026-08-27", ""},
		{"2026-08-28", ""},
		{"2026-08-29", "Quốc khánh"},
		{"2026-08-30", "Quốc khánh"},
		{"2026-08-31", "Nghỉ hoán đổi Quốc khánh"},
		{"2026-09-01", "Quốc khánh"},
		{"2026-09-02", "Quốc khánh"},
		{"2026-09-03", ""},
		{"2026-09-04", ""},
		{"2026-09-05", sat},
		{"2026-09-06", sun},
		{"2026-09-07", ""},
		// Ngày Văn hóa Việt Nam, Tuesday 24/11: off, but unconfirmed.
		{"2026-11-21", sat},
		{"2026-11-22", sun},
		{"2026-11-23", ""},
		{"2026-11-24", "Ngày Văn hóa Việt Nam"},
		{"2026-11-25", ""},
		{"2026-11-28", sat},
	})
	// Working days: the week of 24/08 has 6 (Sat 22/08 counted), the break
	// none, and August 2026 as a whole 21 weekdays + 1 - 1 = 21.
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2026-08-21", "2026-08-28", 6},
		{"2026-08-28", "2026-09-02", 0},
		{"2026-08-28", "2026-09-03", 1},
		{"2026-07-31", "2026-08-31", 21},
		{"2026-11-23", "2026-11-25", 1},
	} {
		if got := c.WorkingDaysBetween(MustDate(tt.a), MustDate(tt.b)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := c.AddWorkingDays(MustDate("2026-08-21"), 1); got.String() != "2026-08-22" {
		t.Errorf("first working day after Fri 21/08 = %s, want Sat 22/08", got)
	}
	if got := c.AddWorkingDays(MustDate("2026-08-28"), 1); got.String() != "2026-09-03" {
		t.Errorf("first working day after Fri 28/08 = %s, want Thu 03/09", got)
	}
	// The break is confirmed; 24/11 is not, so neither is the year.
	if c.YearConfirmed(2026) {
		t.Error("2026 has an unconfirmed entry (24/11) but is confirmed")
	}
	for _, d := range []string{"2026-08-22", "2026-08-29", "2026-08-31", "2026-09-01", "2026-09-02"} {
		if c.DayUnconfirmed(MustDate(d)) {
			t.Errorf("%s flagged unconfirmed", d)
		}
	}
	if !c.DayUnconfirmed(MustDate("2026-11-24")) {
		t.Error("2026-11-24 should be flagged unconfirmed")
	}
	if c.DayUnconfirmed(MustDate("2026-02-17")) || c.DayUnconfirmed(MustDate("2026-01-10")) {
		t.Error("confirmed days flagged unconfirmed")
	}
	for _, tbl := range Builtin() {
		if tbl.Year == 2026 {
			if diff := cmp.Diff([]Date{MustDate("2026-11-24")}, tbl.UnconfirmedEntries()); diff != "" {
				t.Errorf("2026 unconfirmed entries (-want +got):\n%s", diff)
			}
			if tbl.FullyConfirmed() {
				t.Error("2026 FullyConfirmed")
			}
		}
	}
}

func TestFallbackToProposal(t *testing.T) {
	c := builtinCalendar(t)
	if c.YearConfirmed(2031) {
		t.Error("2031 has no table but is confirmed")
	}
	if _, proposed := c.Table(2031); !proposed {
		t.Error("2031 table not flagged as proposed")
	}
	if _, proposed := c.Table(2026); proposed {
		t.Error("2026 table flagged as proposed")
	}
	if !c.DayUnconfirmed(MustDate("2031-03-03")) {
		t.Error("a day of an unconfirmed year is not flagged")
	}
	// Tết 2031 is Thursday 23/01: eve Wed 22/01 .. mùng 4 Sun 26/01, and
	// the weekend holidays give Mon 27 and Tue 28 off.
	checkDays(t, c, []dayWant{
		{"2031-01-01", "Tết Dương lịch"},
		{"2031-01-21", ""},
		{"2031-01-22", tet},
		{"2031-01-23", tet},
		{"2031-01-25", tet},
		{"2031-01-26", tet},
		{"2031-01-27", "Nghỉ bù Tết Nguyên đán"},
		{"2031-01-28", "Nghỉ bù Tết Nguyên đán"},
		{"2031-01-29", ""},
		{"2031-04-30", "Ngày Chiến thắng"},
		{"2031-09-01", "Quốc khánh"},
		{"2031-09-02", "Quốc khánh"},
		{"2031-11-24", "Ngày Văn hóa Việt Nam"},
	})
	gioTo, err := LunarToSolar(LunarDate{Year: 2031, Month: 3, Day: 10}, VietnamTZ)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(gioTo) {
		t.Errorf("Giỗ Tổ 2031 (%s) is a working day", gioTo)
	}
}

func TestProposeMatchesPastYears(t *testing.T) {
	// 2023 is the hard case: Giỗ Tổ on Sat 29/4, 30/4 on Sunday, 1/5 on
	// Monday; the real schedule was 29/4–3/5, which the compensation rule
	// reproduces. 2/9 was a Saturday: off Fri 1/9 .. Mon 4/9.
	c := New(nil)
	checkDays(t, c, []dayWant{
		{"2023-01-02", "Nghỉ bù Tết Dương lịch"},
		{"2023-04-28", ""},
		{"2023-04-29", "Giỗ Tổ Hùng Vương"},
		{"2023-04-30", "Ngày Chiến thắng"},
		{"2023-05-01", "Quốc tế Lao động"},
		{"2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{"2023-05-03", "Nghỉ bù Ngày Chiến thắng"},
		{"2023-05-04", ""},
		{"2023-09-01", "Quốc khánh"},
		{"2023-09-04", "Nghỉ bù Quốc khánh"},
		{"2023-09-05", ""},
		{"2023-11-24", ""}, // Ngày Văn hóa only from 2026
	})
}

// The proposal differs from the real 2025 and 2026 schedules exactly where a
// yearly decision moved days, which is why tables are data.
func TestProposeVersusBuiltin(t *testing.T) {
	real := builtinCalendar(t)
	draft := New(nil)
	want := map[int][]string{
		2025: {"2025-01-27", "2025-02-03", "2025-04-26", "2025-05-02"},
		2026: {"2026-01-02", "2026-01-10", "2026-08-22", "2026-08-31"},
	}
	for year, days := range want {
		var got []string
		for d := (Date{year, 1, 1}); d.Year == year; d = d.AddDays(1) {
			if real.IsWorkingDay(d) != draft.IsWorkingDay(d) {
				got = append(got, d.String())
			}
		}
		if diff := cmp.Diff(days, got); diff != "" {
			t.Errorf("%d: days where draft and real differ (-want +got):\n%s", year, diff)
		}
	}
	for _, tbl := range []YearTable{Propose(2025), Propose(2031)} {
		if tbl.Confirmed {
			t.Errorf("Propose(%d) is Confirmed", tbl.Year)
		}
		if err := tbl.Validate(); err != nil {
			t.Errorf("Propose(%d): %v", tbl.Year, err)
		}
		for _, o := range tbl.DaysOff {
			if o.Source != SourceProposal && o.Source != SourceCultureDay {
				t.Errorf("Propose(%d) %s source %q", tbl.Year, o.Date, o.Source)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	bad := YearTable{
		Year: 2027,
		DaysOff: []DayOff{
			{Date: MustDate("2026-12-31"), Name: "x"},
			{Date: MustDate("2027-01-01"), Name: "a"},
			{Date: MustDate("2027-01-01"), Name: "b"},
			{Date: Date{2027, 2, 30}, Name: "c"},
			{Date: MustDate("2027-01-04")},
		},
		WorkingSaturdays: []WorkingSaturday{
			{Date: MustDate("2027-01-05")}, // a Tuesday
			{Date: MustDate("2027-01-01")}, // a day off (and a Friday)
			{Date: MustDate("2027-01-09")},
			{Date: MustDate("2027-01-09")},
		},
	}
	err := bad.Validate()
	if !errors.Is(err, ErrInvalidTable) {
		t.Fatalf("Validate = %v, want ErrInvalidTable", err)
	}
	t.Log(err)
	// The Calendar still builds and answers sensibly.
	c := New([]YearTable{bad})
	if c.IsWorkingDay(MustDate("2027-01-01")) {
		t.Error("a day off listed as working Saturday too must stay off")
	}
	if !c.IsWorkingDay(MustDate("2027-01-09")) {
		t.Error("Sat 2027-01-09 should be working")
	}
	if !c.IsWorkingDay(MustDate("2026-12-31")) {
		t.Error("entry outside the table's year must be ignored")
	}
}

func TestNewCopiesTables(t *testing.T) {
	tables := Builtin()
	c := New(tables)
	tables[1].DaysOff[0].Date = MustDate("2026-03-03")
	tables[1].WorkingSaturdays = nil
	if c.IsWorkingDay(MustDate("2026-01-01")) || !c.IsWorkingDay(MustDate("2026-01-10")) {
		t.Error("Calendar shares memory with its input tables")
	}
	got, _ := c.Table(2026)
	got.DaysOff = nil
	if c.IsWorkingDay(MustDate("2026-01-01")) {
		t.Error("Table returned shared memory")
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := builtinCalendar(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-12", 1, "2026-02-13"},
		{"2026-02-12", 2, "2026-02-23"}, // across Tết
		{"2026-02-12", 7, "2026-03-02"},
		{"2026-02-13", 1, "2026-02-23"}, // Friday before Tết
		{"2026-02-14", 1, "2026-02-23"}, // from a day off
		{"2026-01-09", 1, "2026-01-10"}, // the swapped Saturday counts
		{"2026-04-24", 1, "2026-04-28"},
		{"2025-12-30", 2, "2026-01-05"}, // across the year and 1–4/01
		{"2026-01-05", -2, "2025-12-30"},
		{"2026-02-23", -1, "2026-02-13"},
		{"2026-02-23", -2, "2026-02-12"},
		{"2026-02-17", -1, "2026-02-13"},
		{"2026-02-17", 0, "2026-02-17"},
		{"2026-12-31", 300, c.AddWorkingDays(MustDate("2027-12-31"), 300-c.WorkingDaysInYear(2027)).String()},
	}
	for _, tt := range tests {
		if got := c.AddWorkingDays(MustDate(tt.from), tt.n); got.String() != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if got := c.NextWorkingDay(MustDate("2026-02-13")); got.String() != "2026-02-23" {
		t.Errorf("NextWorkingDay = %s", got)
	}
	if got := c.OnOrAfterWorkingDay(MustDate("2026-02-13")); got.String() != "2026-02-13" {
		t.Errorf("OnOrAfterWorkingDay(working) = %s", got)
	}
	if got := c.OnOrAfterWorkingDay(MustDate("2026-03-14")); got.String() != "2026-03-16" {
		t.Errorf("OnOrAfterWorkingDay(Sat) = %s", got)
	}
	if got := c.WorkingDaysBetween(MustDate("2026-02-12"), MustDate("2026-03-02")); got != 7 {
		t.Errorf("WorkingDaysBetween = %d, want 7", got)
	}
	if got := c.WorkingDaysBetween(MustDate("2026-03-02"), MustDate("2026-02-12")); got != -7 {
		t.Errorf("WorkingDaysBetween reversed = %d, want -7", got)
	}
	// A non-normalised date is read through its JDN instead of panicking.
	if got := c.IsWorkingDay(Date{2026, 2, 31}); got != c.IsWorkingDay(MustDate("2026-03-03")) {
		t.Error("30 February not normalised")
	}
	_ = c.IsWorkingDay(Date{})
	_ = c.IsWorkingDay(Date{1, 1, 1})
	_ = c.AddWorkingDays(Date{9999, 12, 31}, 5)
}

func TestRangeConfirmed(t *testing.T) {
	c := builtinCalendar(t)
	tests := []struct {
		a, b string
		want bool
	}{
		{"2026-02-12", "2026-03-16", true},
		{"2026-08-20", "2026-09-10", true},  // the Quốc khánh break is confirmed
		{"2026-11-20", "2026-11-30", false}, // 24/11 unconfirmed
		{"2026-11-24", "2026-11-30", true},  // (a, b] excludes 24/11
		{"2025-12-20", "2026-01-20", true},
		{"2026-12-20", "2027-01-20", false}, // 2027 has no table
		{"2024-12-20", "2025-01-20", false},
		{"2025-04-20", "2025-05-10", false}, // the unconfirmed 2025 swap
		{"2026-03-01", "2026-03-01", true},
	}
	for _, tt := range tests {
		if got := c.RangeConfirmed(MustDate(tt.a), MustDate(tt.b)); got != tt.want {
			t.Errorf("RangeConfirmed(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// naiveAdd steps day by day: the reference the fast path must match.
func naiveAdd(c *Calendar, d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

func TestWorkingDayProperties(t *testing.T) {
	c := builtinCalendar(t)
	r := rand.New(rand.NewPCG(2026, 7))
	lo, hi := MustDate("2000-01-01").JDN(), MustDate("2090-12-31").JDN()
	for range 20000 {
		d := FromJDN(lo + r.IntN(hi-lo))
		n := 1 + r.IntN(200)
		got := c.AddWorkingDays(d, n)
		if !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s is not a working day", d, n, got)
		}
		if !got.After(d) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s is not after", d, n, got)
		}
		if w := c.WorkingDaysBetween(d, got); w != n {
			t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(%s, %d)=%s) = %d", d, d, n, got, w)
		}
		if want := naiveAdd(c, d, n); got != want {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, naive %s", d, n, got, want)
		}
		back := c.AddWorkingDays(got, -n)
		if !c.IsWorkingDay(back) || c.WorkingDaysBetween(back, got) != n || back.After(d) {
			t.Fatalf("AddWorkingDays(%s, -%d) = %s", got, n, back)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New(Builtin())
	var wg sync.WaitGroup
	results := make([]int, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2030; y < 2060; y++ {
				results[g] += c.WorkingDaysInYear(y)
			}
		}()
	}
	wg.Wait()
	for g := range results {
		if results[g] != results[0] {
			t.Fatalf("goroutines disagree: %v", results)
		}
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := New(Builtin())
	d := MustDate("2026-02-12")
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if c.IsWorkingDay(d.AddDays(i & 511)) {
			n++
		}
	}
	_ = n
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := New(Builtin())
	d := MustDate("2026-02-12")
	c.AddWorkingDays(d, 400) // build the years once, like a long-lived Calendar
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = c.AddWorkingDays(d.AddDays(i&255), 1+i&31)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := New(Builtin())
	d := MustDate("2026-02-12")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = c.WorkingDaysBetween(d, d.AddDays(i&511))
	}
}

func TestEachDayOffMatchesDayInfo(t *testing.T) {
	c := builtinCalendar(t)
	r := rand.New(rand.NewPCG(1, 2))
	lo := MustDate("2024-06-01").JDN()
	for range 300 {
		a := FromJDN(lo + r.IntN(1500))
		b := a.AddDays(r.IntN(500))
		type off struct {
			D       Date
			Why, EN string
		}
		var got, want []off
		c.EachDayOff(a, b, func(d Date, why, en string) { got = append(got, off{d, why, en}) })
		for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
			if w, why, en := c.DayInfo(d); !w {
				want = append(want, off{d, why, en})
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("EachDayOff(%s, %s) (-want +got):\n%s", a, b, diff)
		}
	}
}

func TestDayIndexToDate(t *testing.T) {
	c := New(nil)
	for _, y := range []int{1900, 1999, 2000, 2024, 2025, 2100} {
		yd := c.year(y)
		for i := range yd.n {
			if got, want := yd.date(i), FromJDN(yd.first+i); got != want {
				t.Fatalf("year %d index %d: %v, want %v", y, i, got, want)
			}
		}
	}
}

// Absurd dates must not panic; the answers only need to be defined.
func TestExtremeDatesDoNotPanic(t *testing.T) {
	c := New(Builtin())
	for _, d := range []Date{{}, {Year: -5000, Month: 1, Day: 1}, {Year: 1 << 62, Month: 13, Day: 40},
		{Year: -1 << 62, Month: -3, Day: -9}, {Year: 9999, Month: 12, Day: 31}, {Year: 2026, Month: 2, Day: 0}} {
		c.IsWorkingDay(d)
		c.DayInfo(d)
		c.DayUnconfirmed(d)
		c.AddWorkingDays(d, 3)
		c.AddWorkingDays(d, -3)
		c.WorkingDaysBetween(d, d.AddDays(10))
		c.RangeConfirmed(d, d.AddDays(10))
		c.EachDayOff(d, d.AddDays(10), func(Date, string, string) {})
		SolarToLunar(d, VietnamTZ)
		_ = d.String()
	}
}
