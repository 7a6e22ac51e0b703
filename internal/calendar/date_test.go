package calendar

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDateAgreesWithPackageTime(t *testing.T) {
	// Every day from 1600 to 2400 against package time, which is also
	// proleptic Gregorian.
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	jdn := MustDate("1600-01-01").JDN()
	for tm := start; tm.Year() < 2400; tm = tm.AddDate(0, 0, 1) {
		d := DateOf(tm, time.UTC)
		if got := d.JDN(); got != jdn {
			t.Fatalf("%s.JDN() = %d, want %d", d, got, jdn)
		}
		if got := FromJDN(jdn); got != d {
			t.Fatalf("FromJDN(%d) = %v, want %v", jdn, got, d)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s.Weekday() = %s, want %s", d, d.Weekday(), tm.Weekday())
		}
		if d.YearDay() != tm.YearDay() {
			t.Fatalf("%s.YearDay() = %d, want %d", d, d.YearDay(), tm.YearDay())
		}
		jdn++
	}
	if got := MustDate("2000-01-01").JDN(); got != 2451545 {
		t.Errorf("JDN(2000-01-01) = %d, want 2451545", got)
	}
}

func TestDateOfUsesZone(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 18:30 UTC on 11/02 is 01:30 on 12/02 in Vietnam.
	instant := time.Date(2026, 2, 11, 18, 30, 0, 0, time.UTC)
	if got := DateOf(instant, hcm); got != MustDate("2026-02-12") {
		t.Errorf("DateOf in HCM = %s, want 2026-02-12", got)
	}
	if got := DateOf(instant, nil); got != MustDate("2026-02-11") {
		t.Errorf("DateOf in UTC = %s, want 2026-02-11", got)
	}
	if got := MustDate("2026-02-12").Time(hcm); !got.Equal(time.Date(2026, 2, 11, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(hcm) = %s", got)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"", "2026-2-12", "2026/02/12", "2026-02-30", "2026-13-01", "2025-02-29", "abcd-ef-gh", "+026-02-12"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) err = %v, want ErrInvalidDate", s, err)
		}
	}
	d, err := ParseDate("2024-02-29")
	if err != nil || d != (Date{2024, time.February, 29}) {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustDate("2026-02-12")
	tests := []struct {
		got, want any
	}{
		{d.AddDays(30).String(), "2026-03-14"},
		{d.AddDays(-43).String(), "2025-12-31"},
		{MustDate("2026-03-14").Sub(d), 30},
		{d.Weekday(), time.Thursday},
		{d.Before(d.AddDays(1)), true},
		{d.After(d.AddDays(1)), false},
		{d.Equal(MustDate("2026-02-12")), true},
		{d.Compare(MustDate("2025-12-31")), 1},
		{d.VN(), "12/02/2026"},
		{NewDate(2026, 2, 30).String(), "2026-03-02"},
		{NewDate(2026, 13, 1).String(), "2027-01-01"},
		{NewDate(2026, 0, 1).String(), "2025-12-01"},
		{Date{}.String(), ""},
		{Date{}.IsZero(), true},
	}
	for i, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("case %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Due  Date `json:"due"`
		None Date `json:"none"`
	}
	b, err := json.Marshal(doc{Due: MustDate("2026-03-16")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"due":"2026-03-16","none":""}` {
		t.Errorf("Marshal = %s", b)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc{Due: MustDate("2026-03-16")}, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-02-30"}`), &back); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("Unmarshal bad date err = %v", err)
	}
	// Comparable: usable as a map key.
	m := map[Date]int{MustDate("2026-01-01"): 1}
	if m[Date{2026, time.January, 1}] != 1 {
		t.Error("Date is not usable as a map key")
	}
}
