package calendar

import (
	"errors"
	"fmt"
	"math"
)

// VietnamTZ is the time zone, in hours east of UTC, of the meridian (105°E)
// on which the Vietnamese lunar calendar has been computed since 1967.
// Passing 8.0 gives the Chinese calendar, which differs in some years (Tết
// 1985 fell a whole month apart).
const VietnamTZ = 7.0

// ErrInvalidLunarDate reports a lunar date that does not exist, such as a
// leap month in a year without one or day 30 of a 29-day month.
var ErrInvalidLunarDate = errors.New("calendar: invalid lunar date")

// LunarDate is a date of the lunisolar calendar. Year is the Gregorian year
// in which the lunar year begins (Tết 2026 is LunarDate{2026, 1, 1, false}).
// Leap marks the intercalary month that repeats Month.
type LunarDate struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String formats l as "10/3/2026 ÂL", with "n" after a leap month
// ("15/6n/2025 ÂL"), the way Vietnamese calendars print it.
func (l LunarDate) String() string {
	leap := ""
	if l.Leap {
		leap = "n"
	}
	return fmt.Sprintf("%d/%d%s/%d ÂL", l.Day, l.Month, leap, l.Year)
}

// The functions below follow Hồ Ngọc Đức, "Computing the Vietnamese lunar
// calendar" (informatik.uni-leipzig.de/~duc/amlich/), which implements the
// Chinese rules with low-precision formulas from Jean Meeus, "Astronomical
// Algorithms" (1998). The published Vietnamese calendars come from this
// exact code, so it is reproduced faithfully rather than "improved": a more
// precise ephemeris could disagree with the printed calendars on a new moon
// that falls within minutes of midnight.

// synodicMonth is the mean length of a lunation in days.
const synodicMonth = 29.530588853

// jdnNewMoonEpoch is the JD of the mean new moon of 1900-01-01, the k=0 of
// Meeus' lunation numbering as used by Hồ Ngọc Đức.
const jdnNewMoonEpoch = 2415021.076998695

// newMoon returns the Julian Date (UT, fractional) of the k-th new moon after
// the one of January 1900.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900 January 0.5
	t2 := t * t
	t3 := t2 * t
	const dr = math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)      // mean new moon
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude in radians, [0, 2π), at
// Julian Date jd (UT).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	const dr = math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// sunSector returns which of the 12 thirty-degree sectors (0..11) the sun is
// in at local midnight beginning day jdn. Sector changes are the major solar
// terms (trung khí) that decide month numbers and leap months.
func sunSector(jdn int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(jdn)-0.5-tz/24) / math.Pi * 6))
}

// newMoonDay returns the JDN of the local day containing the k-th new moon.
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// month11 returns the JDN of the first day of lunar month 11 (the month
// containing the winter solstice) that begins in Gregorian year y.
func month11(y int, tz float64) int {
	off := Date{Year: y, Month: 12, Day: 31}.JDN() - 2415021
	k := int(math.Floor(float64(off) / synodicMonth))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 { // past 270°: the solstice is already behind
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset returns the offset, counted in months from month 11 at
// a11, of the leap month of a 13-month lunar year: the first month in which
// the sun enters no new sector (a month without a major solar term).
func leapMonthOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-jdnNewMoonEpoch)/synodicMonth + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// SolarToLunar converts a Gregorian date to the lunar calendar of the zone
// tz (hours east of UTC; use VietnamTZ).
func SolarToLunar(d Date, tz float64) LunarDate {
	dayNumber := d.JDN()
	k := int(math.Floor((float64(dayNumber) - jdnNewMoonEpoch) / synodicMonth))
	monthStart := newMoonDay(k+1, tz)
	if monthStart > dayNumber {
		monthStart = newMoonDay(k, tz)
	}
	// The mean-lunation estimate of k can be one too high when the true new
	// moon runs late (2054-05-07 and 2062-04-09 at UTC+7); the original code
	// then yields day 0. Stepping back one lunation fixes it and changes no
	// other date.
	if monthStart > dayNumber {
		monthStart = newMoonDay(k-1, tz)
	}
	a11 := month11(d.Year, tz)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = d.Year
		a11 = month11(d.Year-1, tz)
	} else {
		lunarYear = d.Year + 1
		b11 = month11(d.Year+1, tz)
	}
	day := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	month := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11, tz)
		if diff >= leapDiff {
			month = diff + 10
			leap = diff == leapDiff
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Year: lunarYear, Month: month, Day: day, Leap: leap}
}

// LunarToSolar converts a lunar date of the zone tz (use VietnamTZ) to the
// Gregorian calendar. It returns ErrInvalidLunarDate for a month outside
// 1..12, a leap month the year does not have, or a day past the month's end.
func LunarToSolar(l LunarDate, tz float64) (Date, error) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, fmt.Errorf("%w: %s", ErrInvalidLunarDate, l)
	}
	var a11, b11 int
	if l.Month < 11 {
		a11 = month11(l.Year-1, tz)
		b11 = month11(l.Year, tz)
	} else {
		a11 = month11(l.Year, tz)
		b11 = month11(l.Year+1, tz)
	}
	k := int(math.Floor(0.5 + (float64(a11)-jdnNewMoonEpoch)/synodicMonth))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return Date{}, fmt.Errorf("%w: %s: the leap month of that year is %d", ErrInvalidLunarDate, l, leapMonth)
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return Date{}, fmt.Errorf("%w: %s: that year has no leap month", ErrInvalidLunarDate, l)
	}
	monthStart := newMoonDay(k+off, tz)
	if length := newMoonDay(k+off+1, tz) - monthStart; l.Day > length {
		return Date{}, fmt.Errorf("%w: %s: that month has %d days", ErrInvalidLunarDate, l, length)
	}
	return FromJDN(monthStart + l.Day - 1), nil
}

// LeapMonth returns the number of the leap month of lunar year y in zone
// tz, or 0 if that year has none.
func LeapMonth(y int, tz float64) int {
	// A leap month sits either between month 11 of y-1 and month 11 of y
	// (months 11, 12 of y-1 or 1..10 of y) or after month 11 of y. Only the
	// ones that belong to lunar year y are reported.
	for _, span := range [2][2]int{{y - 1, y}, {y, y + 1}} {
		a11, b11 := month11(span[0], tz), month11(span[1], tz)
		if b11-a11 <= 365 {
			continue
		}
		off := leapMonthOffset(a11, tz)
		m := off + 10 // months at offsets 0, 1 are 11, 12 of the first year
		if m > 12 {
			m -= 12
		}
		belongsToY := (span[0] == y-1 && off >= 3) || (span[0] == y && off < 3)
		if belongsToY {
			return m
		}
	}
	return 0
}
