package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrInvalidDate reports a string or value that is not a valid civil date.
var ErrInvalidDate = errors.New("calendar: invalid date")

// Date is a civil (Gregorian) date with no time of day and no zone.
//
// Statutory periods are counted in whole days in Asia/Ho_Chi_Minh, so the
// domain reasons in dates and turns them into instants only at the edge.
// Date is comparable with ==, usable as a map key, and marshals to and from
// "YYYY-MM-DD" in JSON and text. The zero Date means "no date" and marshals
// to the empty string.
//
// The calendar is proleptic Gregorian: dates before 1582 are labelled as if
// the Gregorian reform had always been in force, like package time does.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised like time.Date (so 31 April
// becomes 1 May).
func NewDate(y int, m time.Month, d int) Date {
	dt := Date{Year: y, Month: m, Day: d}
	if dt.Valid() {
		return dt
	}
	dt.Year += floorDiv(int(m)-1, 12)
	dt.Month = time.Month(mod(int(m)-1, 12) + 1)
	return FromJDN(dt.JDN())
}

// DateOf returns the civil date of the instant t in loc. A nil loc means UTC.
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "YYYY-MM-DD" strictly: a four-digit year and two-digit
// month and day, and a day that exists in that month.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w: %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	dt := Date{Year: y, Month: time.Month(m), Day: d}
	if !dt.Valid() {
		return Date{}, fmt.Errorf("%w: %q does not exist", ErrInvalidDate, s)
	}
	return dt, nil
}

// MustDate is ParseDate for literals in tests and tables; it panics on a
// malformed literal, which is a programming error, never user input.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// JDN returns the Julian Day Number of d: the count of days since
// 1 January 4713 BC (Julian), which makes day arithmetic plain integer
// arithmetic. Out-of-range fields are normalised arithmetically, so the
// JDN of 30 February is that of 1 or 2 March (months must be 1..12).
func (d Date) JDN() int {
	// Fliegel & Van Flandern, as used by Hồ Ngọc Đức (Gregorian branch only).
	a := (14 - int(d.Month)) / 12
	y := d.Year + 4800 - a
	m := int(d.Month) + 12*a - 3
	return d.Day + (153*m+2)/5 + 365*y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) - 32045
}

// FromJDN returns the date of Julian Day Number jdn.
func FromJDN(jdn int) Date {
	a := jdn + 32044
	b := floorDiv(4*a+3, 146097)
	c := a - floorDiv(b*146097, 4)
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	return Date{
		Year:  b*100 + d - 4800 + m/10,
		Month: time.Month(m + 3 - 12*(m/10)),
		Day:   e - (153*m+2)/5 + 1,
	}
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// AddDays returns the date n days after d (before, if n is negative).
func (d Date) AddDays(n int) Date { return FromJDN(d.JDN() + n) }

// Sub returns the number of days from o to d (d - o).
func (d Date) Sub(o Date) int { return d.JDN() - o.JDN() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// JDN 0 was a Monday, so JDN+1 mod 7 counts from Sunday.
	return time.Weekday(mod(d.JDN()+1, 7))
}

func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// YearDay returns the day of the year of d, 1..366.
func (d Date) YearDay() int {
	return d.JDN() - Date{Year: d.Year, Month: time.January, Day: 1}.JDN() + 1
}

// Time returns 00:00 of d in loc. A nil loc means UTC.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Equal reports whether d and o are the same day (same as ==).
func (d Date) Equal(o Date) bool { return d == o }

// String formats d as "2006-01-02"; the zero Date formats as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	b, _ := d.MarshalText()
	return string(b)
}

// EN formats d for English texts shown to people: "2 January 2006".
func (d Date) EN() string {
	if d.IsZero() {
		return ""
	}
	return strconv.Itoa(d.Day) + " " + d.Month.String() + " " + strconv.Itoa(d.Year)
}

// RangeEN formats the days a..b for English texts without repeating what
// they share: "14–22 February 2026", "28 February – 1 March 2026",
// "31 December 2026 – 1 January 2027".
func RangeEN(a, b Date) string {
	switch {
	case a == b:
		return a.EN()
	case a.Year == b.Year && a.Month == b.Month:
		return strconv.Itoa(a.Day) + "–" + b.EN()
	case a.Year == b.Year:
		return strconv.Itoa(a.Day) + " " + a.Month.String() + " – " + b.EN()
	}
	return a.EN() + " – " + b.EN()
}

// In formats d for people reading lang: "2 January 2006" in English, else
// "02/01/2006". A message argument that is a Date is worded this way in
// the message's language (i18n.Worded); pages word days through
// present.Date, which is this.
func (d Date) In(lang string) string {
	if lang == "en" {
		return d.EN()
	}
	return d.VN()
}

// VN formats d the Vietnamese way, "02/01/2006", for texts shown to people.
func (d Date) VN() string {
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 10)
	b = append2(b, d.Day)
	b = append(b, '/')
	b = append2(b, int(d.Month))
	b = append(b, '/')
	b = appendYear(b, d.Year)
	return string(b)
}

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD", "" for zero).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	b := make([]byte, 0, 10)
	b = appendYear(b, d.Year)
	b = append(b, '-')
	b = append2(b, int(d.Month))
	b = append(b, '-')
	b = append2(b, d.Day)
	return b, nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func append2(b []byte, n int) []byte {
	if n < 0 || n > 99 {
		return fmt.Appendf(b, "%d", n)
	}
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func appendYear(b []byte, y int) []byte {
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%d", y)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}

// MinDate returns the earlier of a and b.
func MinDate(a, b Date) Date {
	if b.Before(a) {
		return b
	}
	return a
}
