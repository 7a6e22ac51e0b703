package calendar

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Vectors from reference/legal-deadlines.md §3.2, which were checked against
// published Vietnamese and Chinese calendars.
func TestTet(t *testing.T) {
	tests := []struct {
		year    int
		vietnam string
		china   string
	}{
		{1985, "1985-01-21", "1985-02-20"},
		{2007, "2007-02-17", "2007-02-18"},
		{2024, "2024-02-10", "2024-02-10"},
		{2025, "2025-01-29", "2025-01-29"},
		{2026, "2026-02-17", "2026-02-17"},
		{2027, "2027-02-06", "2027-02-06"},
		{2028, "2028-01-26", "2028-01-26"},
		{2030, "2030-02-02", "2030-02-03"},
		{2053, "2053-02-18", "2053-02-19"},
	}
	for _, tt := range tests {
		for _, zone := range []struct {
			tz   float64
			want string
		}{{VietnamTZ, tt.vietnam}, {8.0, tt.china}} {
			got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1}, zone.tz)
			if err != nil {
				t.Fatalf("Tết %d tz %v: %v", tt.year, zone.tz, err)
			}
			if got.String() != zone.want {
				t.Errorf("Tết %d tz %v = %s, want %s", tt.year, zone.tz, got, zone.want)
			}
			back := SolarToLunar(MustDate(zone.want), zone.tz)
			if diff := cmp.Diff(LunarDate{Year: tt.year, Month: 1, Day: 1}, back); diff != "" {
				t.Errorf("SolarToLunar(%s, %v) (-want +got):\n%s", zone.want, zone.tz, diff)
			}
		}
	}
}

func TestGioTo(t *testing.T) {
	tests := []struct {
		year    int
		want    string
		weekday time.Weekday
	}{
		{2025, "2025-04-07", time.Monday},
		{2026, "2026-04-26", time.Sunday},
		{2027, "2027-04-16", time.Friday},
		{2028, "2028-04-04", time.Tuesday},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 3, Day: 10}, VietnamTZ)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != tt.want || got.Weekday() != tt.weekday {
			t.Errorf("Giỗ Tổ %d = %s %s, want %s %s", tt.year, got, got.Weekday(), tt.want, tt.weekday)
		}
	}
}

func TestLeapMonth(t *testing.T) {
	// Leap months of the Vietnamese calendar as printed in almanacs.
	tests := []struct{ year, month int }{
		{2017, 6}, {2020, 4}, {2023, 2}, {2024, 0}, {2025, 6}, {2026, 0}, {2028, 5}, {2033, 11},
	}
	for _, tt := range tests {
		if got := LeapMonth(tt.year, VietnamTZ); got != tt.month {
			t.Errorf("LeapMonth(%d) = %d, want %d", tt.year, got, tt.month)
		}
	}
	// 2025 has a leap 6th month: 15/6 and 15/6 nhuận both exist.
	a, err := LunarToSolar(LunarDate{Year: 2025, Month: 6, Day: 1}, VietnamTZ)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LunarToSolar(LunarDate{Year: 2025, Month: 6, Day: 1, Leap: true}, VietnamTZ)
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != "2025-06-25" || b.String() != "2025-07-25" {
		t.Errorf("1/6/2025 = %s, 1/6n/2025 = %s; want 2025-06-25, 2025-07-25", a, b)
	}
}

func TestLunarToSolarRejects(t *testing.T) {
	bad := []LunarDate{
		{Year: 2026, Month: 0, Day: 1},
		{Year: 2026, Month: 13, Day: 1},
		{Year: 2026, Month: 1, Day: 0},
		{Year: 2026, Month: 1, Day: 31},
		{Year: 2026, Month: 3, Day: 1, Leap: true}, // 2026 has no leap month
		{Year: 2025, Month: 5, Day: 1, Leap: true}, // 2025's leap month is 6
	}
	for _, l := range bad {
		if _, err := LunarToSolar(l, VietnamTZ); !errors.Is(err, ErrInvalidLunarDate) {
			t.Errorf("LunarToSolar(%+v) error = %v, want ErrInvalidLunarDate", l, err)
		}
	}
	// A 29-day month has no day 30: find one in 2026 and check.
	for m := 1; m <= 12; m++ {
		start, _ := LunarToSolar(LunarDate{Year: 2026, Month: m, Day: 1}, VietnamTZ)
		next := SolarToLunar(start.AddDays(29), VietnamTZ)
		if next.Day == 1 { // month m has 29 days
			if _, err := LunarToSolar(LunarDate{Year: 2026, Month: m, Day: 30}, VietnamTZ); !errors.Is(err, ErrInvalidLunarDate) {
				t.Errorf("30/%d/2026 accepted in a 29-day month", m)
			}
			return
		}
	}
	t.Error("no 29-day month found in 2026")
}

// Every day of 1900..2100 must convert to a lunar date and back to itself,
// and consecutive days must step the lunar day by one or start a month.
func TestLunarRoundTrip(t *testing.T) {
	first := MustDate("1900-01-01").JDN()
	last := MustDate("2100-12-31").JDN()
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo := first + (last-first+1)*w/workers
			hi := first + (last-first+1)*(w+1)/workers
			prev := SolarToLunar(FromJDN(lo-1), VietnamTZ)
			for j := lo; j < hi; j++ {
				d := FromJDN(j)
				l := SolarToLunar(d, VietnamTZ)
				back, err := LunarToSolar(l, VietnamTZ)
				ok := err == nil && back == d
				ok = ok && (l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap ||
					l.Day == 1 && (prev.Day == 29 || prev.Day == 30))
				if !ok {
					mu.Lock()
					if len(failures) < 10 {
						failures = append(failures, d.String()+" -> "+l.String()+" -> "+back.String())
					}
					mu.Unlock()
				}
				prev = l
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}
