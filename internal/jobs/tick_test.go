package jobs

import (
	"testing"
	"time"
)

// prevTick names the tick a cron firing belongs to: the latest activation
// at or before the wall clock, in the schedule's zone.
func TestPrevTick(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, hanoi)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ spec, now, want string }{
		{"*/5 * * * *", "2026-11-27 09:07:30", "2026-11-27 09:05:00"},
		{"*/5 * * * *", "2026-11-27 09:05:00", "2026-11-27 09:05:00"},
		{"*/5 * * * *", "2026-11-27 09:05:00.300", "2026-11-27 09:05:00"},
		{"0 8 * * *", "2026-11-27 07:59:59", "2026-11-26 08:00:00"},
		{"30 7 * * *", "2026-11-27 07:30:01", "2026-11-27 07:30:00"},
		{"0 9 1 11 *", "2027-03-01 00:00:00", "2026-11-01 09:00:00"},
		{"* * * * * *", "2026-11-27 09:00:01.999", "2026-11-27 09:00:01"},
	} {
		s, err := ParseSchedule(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		now := at(tc.now[:19])
		if len(tc.now) > 19 {
			ms, _ := time.ParseDuration(tc.now[20:] + "ms")
			now = now.Add(ms)
		}
		if got := prevTick(s, now); !got.Equal(at(tc.want)) {
			t.Errorf("%s at %s: %s, want %s", tc.spec, tc.now, got, tc.want)
		}
	}
}
