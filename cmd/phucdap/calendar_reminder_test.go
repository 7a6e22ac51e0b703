package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
)

// The calendar reminder, on the test clock and both databases: nothing
// before 1 November; a start after the service was down on 1 November
// catches up; one reminder per person per week, repeated each week until
// next year is confirmed. Office and admin pages carry the banner while
// next year (from 1 November) or the current year is not confirmed.
func TestCalendarReminderWeeklyAndBanner(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		ta.addStaff(t, "vp-remind@sxd.test", "VP", access.Office)
		ta.addStaff(t, "admin-remind@sxd.test", "VP", access.Admin)
		ta.addStaff(t, "cv-remind@sxd.test", "PQLXD", access.UnitOfficer)
		var found bool
		for _, j := range ta.scheduler.Jobs() {
			if j.Name == "calendar-reminder" {
				found = true
				if !j.RunAtStart || j.Schedule != "0 9 * * *" {
					t.Errorf("calendar-reminder: schedule %q, run at start %v", j.Schedule, j.RunAtStart)
				}
			}
		}
		if !found {
			t.Fatal("no calendar-reminder job")
		}
		tick := func(local string) map[string]int {
			t.Helper()
			at := ta.setLocal(t, local)
			res, err := ta.scheduler.RunTick(ctx, "calendar-reminder", at)
			if err != nil || !res.Claimed {
				t.Fatalf("tick %s: %v claimed %v", local, err, res.Claimed)
			}
			return res.Run.Counts
		}
		reminders := func() int64 {
			var n int64
			ta.db.Gorm.Raw("SELECT count(*) FROM alerts WHERE kind = 'calendar' AND subject = 'calendar:2027'").Scan(&n)
			return n
		}
		if c := tick("2026-10-31 09:00"); c["not_yet"] != 1 || reminders() != 0 {
			t.Errorf("31/10: %v, %d reminders", c, reminders())
		}
		// Down from 31/10 to 04/11: the first tick after the restart (what
		// run-at-start runs) catches up.
		c := tick("2026-11-04 09:00")
		per := reminders()
		if c["alerts"] < 2 || per != int64(c["alerts"]) {
			t.Fatalf("catch-up on 04/11: %v, %d reminders", c, per)
		}
		if c := tick("2026-11-07 09:00"); c["alerts"] != 0 || reminders() != per {
			t.Errorf("same week: %v", c)
		}
		if c := tick("2026-11-08 09:00"); c["alerts"] != int(per) || reminders() != 2*per {
			t.Errorf("next week: %v, %d reminders", c, reminders())
		}

		banner := func(email, path string) string {
			t.Helper()
			b := ta.browser(t)
			b.mustLogin(email)
			res, body := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d", email, path, res.StatusCode)
			}
			var out []string
			for _, part := range strings.Split(body, `class="notice-box calendar-notice"`)[1:] {
				out = append(out, part[:strings.Index(part, "</p>")])
			}
			return strings.Join(out, "\n")
		}
		// 08/11/2026: 2027 is a draft, and 2026 still has 24/11 unconfirmed.
		for _, who := range []struct{ email, path string }{{"vp-remind@sxd.test", "/staff/inbox"}, {"admin-remind@sxd.test", "/staff/admin/users"}} {
			got := banner(who.email, who.path)
			if !strings.Contains(got, "Lịch làm việc năm 2027 chưa được xác nhận") || !strings.Contains(got, "năm 2026 còn 1 mục chưa đối chiếu") {
				t.Errorf("%s on %s: banner %q", who.email, who.path, got)
			}
		}
		if got := banner("cv-remind@sxd.test", "/staff/inbox"); got != "" {
			t.Errorf("a unit officer sees the banner: %q", got)
		}
		ta.setLocal(t, "2026-10-20 09:00")
		if got := banner("vp-remind@sxd.test", "/staff/inbox"); strings.Contains(got, "2027") || !strings.Contains(got, "2026") {
			t.Errorf("before 1 November: banner %q", got)
		}

		// The office confirms 2027 (every entry checked) and 24/11/2026:
		// reminders stop, banners go.
		office := ta.staffToken(t, "VP", access.Office)
		ta.setLocal(t, "2026-11-10 09:00")
		body := `{"confirmed": true, "days_off": [{"date": "2027-01-01", "name": "Tết Dương lịch", "source": "Bộ luật Lao động 2019 Điều 112(1)"}], "working_saturdays": []}`
		if res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2027", strings.NewReader(body), "Content-Type", "application/json", "Authorization", office); res.StatusCode != 200 {
			t.Fatalf("PUT 2027: %d %s", res.StatusCode, b)
		}
		if c := tick("2026-11-15 09:00"); c["confirmed"] != 1 || reminders() != 2*per {
			t.Errorf("after confirming 2027: %v", c)
		}
		if got := banner("vp-remind@sxd.test", "/staff/inbox"); strings.Contains(got, "2027") || !strings.Contains(got, "2026") {
			t.Errorf("2027 confirmed: banner %q", got)
		}
		var y struct {
			DaysOff          []map[string]any `json:"days_off"`
			WorkingSaturdays []map[string]any `json:"working_saturdays"`
		}
		ta.getJSON(t, "/api/v1/calendar/2026", 200, &y)
		for _, d := range y.DaysOff {
			d["unconfirmed"] = false
		}
		put := map[string]any{"confirmed": true, "days_off": y.DaysOff, "working_saturdays": y.WorkingSaturdays}
		ta.callJSON(t, http.MethodPut, "/api/v1/calendar/2026", office, put, 200, nil)
		if got := banner("vp-remind@sxd.test", "/staff/inbox"); got != "" {
			t.Errorf("both years confirmed: banner %q", got)
		}
	})
}
