package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/progress"
)

type clockRow struct {
	ID            int64
	DueAt         time.Time
	State         string
	OnTime        *bool
	LateFlaggedAt *time.Time
}

func (ta *testApp) firstClock(t *testing.T, caseID int64) clockRow {
	t.Helper()
	var rows []clockRow
	if err := ta.db.Gorm.Raw("SELECT id, due_at, state, on_time, late_flagged_at FROM case_clocks WHERE case_id = ? ORDER BY id LIMIT 1", caseID).
		Scan(&rows).Error; err != nil || len(rows) != 1 {
		t.Fatalf("clock of case %d: %v %v", caseID, rows, err)
	}
	rows[0].DueAt = rows[0].DueAt.UTC()
	return rows[0]
}

// Correcting the calendar (a new day off
// before an open case's due date) moves that case's due time by a working
// day, leaves an answered case's due time and on-time fact as they were,
// records the move (internal, and public since the citizen's due date
// changed), and re-arms the alert ladder: the case the sweep had flagged
// late under the wrong calendar is no longer late, and goes late again,
// with a new alert, at its new due time.
func TestCalendarEditRecomputesOpenClocks(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		ta.addStaff(t, "vp-recompute-"+token()+"@sxd.test", "VP", access.Office)
		open, code, secret := ta.submitWithSecret(t)
		answered, _ := ta.submitCase(t, "phan_anh", "Lý Văn Hai", "0912000002", "Phản ánh công trình lấn chiếm vỉa hè số 9 Lê Lợi.", false)
		if err := ta.db.Gorm.Exec("UPDATE case_clocks SET state = 'met', closed_at = ?, on_time = TRUE WHERE case_id = ?", testNow.UTC(), answered).Error; err != nil {
			t.Fatal(err)
		}
		before, ans := ta.firstClock(t, open), ta.firstClock(t, answered)

		// The sweep, an hour after the (wrong) due time, flags the case.
		lateAt := before.DueAt.Add(time.Hour)
		ta.runJob(t, "overdue-sweep", lateAt)
		if c := ta.firstClock(t, open); c.LateFlaggedAt == nil {
			t.Fatalf("not flagged late at %v (due %v)", lateAt, before.DueAt)
		}

		// The office corrects 2026: the last working day before the due
		// date becomes a day off.
		cal := ta.deadlines.Engine(ctx).Calendar()
		last := caseclock.LastDay(before.DueAt, hanoi)
		var y httpapi.CalendarYear
		ta.getJSON(t, "/api/v1/calendar/2026", 200, &y)
		in := httpapi.CalendarYearInput{Confirmed: true, DaysOff: y.DaysOff, WorkingSaturdays: y.WorkingSaturdays}
		if !cal.IsWorkingDay(last) {
			t.Fatalf("due day %s is not a working day", last)
		}
		in.DaysOff = append(in.DaysOff, httpapi.CalendarDayOff{Date: last.String(), Name: "Nghỉ bù (đính chính)"})
		body, _ := json.Marshal(in)
		res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2026", bytes.NewReader(body), "Content-Type", "application/json",
			"Authorization", ta.staffToken(t, "VP", access.Office))
		if res.StatusCode != 200 {
			t.Fatalf("PUT 2026: %d %s", res.StatusCode, b)
		}
		// The recompute says how far it has gone (plain lines: the
		// writer is not a terminal).
		var prog bytes.Buffer
		run := ta.runJobCtx(t, progress.With(ctx, progress.Lines(&prog)), "recompute-clocks", lateAt)
		if run.Counts["moved"] < 1 {
			t.Fatalf("recompute moved nothing: %v", run.Counts)
		}
		if want := fmt.Sprintf("recompute clocks: started\nrecompute clocks: %d done\n", run.Counts["checked"]); !strings.HasPrefix(prog.String(), want) ||
			!strings.HasSuffix(prog.String(), fmt.Sprintf("recompute clocks: done (%d)\n", run.Counts["checked"])) {
			t.Errorf("recompute progress:\n%s", prog.String())
		}

		after := ta.firstClock(t, open)
		newCal := ta.deadlines.Engine(ctx).Calendar()
		wantLast := newCal.AddWorkingDays(last, 1)
		if got := caseclock.LastDay(after.DueAt, hanoi); got != wantLast {
			t.Errorf("due moved to %s, want %s (old %s)", got, wantLast, last)
		}
		if after.LateFlaggedAt != nil {
			t.Error("the late flag of the moved clock was not cleared")
		}
		if a := ta.firstClock(t, answered); !a.DueAt.Equal(ans.DueAt) || a.OnTime == nil || !*a.OnTime || a.State != "met" {
			t.Errorf("the answered case changed: %+v, was %+v", a, ans)
		}
		var caseDue time.Time
		ta.db.Gorm.Raw("SELECT due_at FROM cases WHERE id = ?", open).Scan(&caseDue)
		if !caseDue.Equal(after.DueAt) {
			t.Errorf("the case's due date %v, its clock's %v", caseDue, after.DueAt)
		}
		var notes []struct {
			Public bool
			Note   string
		}
		ta.db.Gorm.Raw("SELECT public, note FROM case_events WHERE case_id = ? AND kind = 'due_moved' ORDER BY id", open).Scan(&notes)
		if len(notes) != 1 || !notes[0].Public || !strings.Contains(notes[0].Note, caseclock.DueText(before.DueAt, hanoi)+" → "+caseclock.DueText(after.DueAt, hanoi)) ||
			petition.ParseNote(petition.EventDueMoved, notes[0].Note).Cause != "calendar" || petition.ParseNote(petition.EventDueMoved, notes[0].Note).Subject != "2026" {
			t.Errorf("due_moved events: %+v", notes)
		}
		if n := ta.count(t, "SELECT count(*) FROM case_events WHERE case_id = ? AND kind = 'due_moved'", answered); n != 0 {
			t.Errorf("%d due_moved events on the answered case", n)
		}
		// The citizen's timeline says so, in words.
		v, _ := ta.publicTimeline(t, code, secret)
		found := false
		for _, e := range v.Timeline {
			if e.Kind == "due_moved" {
				found = strings.Contains(e.Text, "được tính lại") && strings.Contains(e.Text, wantLast.VN())
			}
		}
		if !found {
			t.Errorf("public timeline lacks the moved due date: %+v", v.Timeline)
		}

		// Re-armed: not late any more at lateAt; late again, with a new
		// alert keyed by the new due time, after it.
		ta.runJob(t, "overdue-sweep", lateAt.Add(time.Minute))
		if c := ta.firstClock(t, open); c.LateFlaggedAt != nil {
			t.Error("flagged again before the new due time")
		}
		ta.runJob(t, "overdue-sweep", after.DueAt.Add(time.Hour))
		if c := ta.firstClock(t, open); c.LateFlaggedAt == nil {
			t.Error("not flagged at the new due time")
		}
		if n := ta.count(t, "SELECT count(DISTINCT due_at) FROM alerts WHERE kind = 'late' AND clock_id = ?", before.ID); n != 2 {
			t.Errorf("late alerts for %d due times, want 2 (the old and the new)", n)
		}
		// A second run finds nothing pending.
		if again := ta.runJob(t, "recompute-clocks", lateAt); again.Counts["moved"] != 0 {
			t.Errorf("second recompute: %v", again.Counts)
		}
	})
}

func (ta *testApp) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// submitWithSecret files a kiến nghị and returns its id, code and tracking
// secret.
func (ta *testApp) submitWithSecret(t *testing.T) (int64, string, string) {
	t.Helper()
	var topics struct{ Topics []struct{ Id int64 } }
	ta.getJSON(t, "/api/v1/topics", 200, &topics)
	body, _ := json.Marshal(map[string]any{"kind": "kien_nghi", "topic_id": topics.Topics[0].Id, "title": "Đèn chiếu sáng hỏng",
		"content": "Đề nghị sửa đèn chiếu sáng ngõ 4 phố Bà Triệu.", "name": "Lý Văn Một", "phone": "0912000001",
		"address": "Số 7 đường Bà Triệu, Lạng Sơn", "consent": true})
	res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", bytes.NewReader(body), "Content-Type", "application/json")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	var rec httpapi.PetitionReceipt
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return ta.mustCaseIDInt(t, rec.Code), rec.Code, rec.Secret
}

// TestLateToldOnceWhenDueMovesPast: a case late for days; the office adds
// a day off before its due date, and the moved due time has passed too.
// It is the same lateness: the sweep must not mark it late again, which
// would tell the citizen a second time (the late notice, by every channel).
// A due time moved into the future re-arms the mark, as before.
func TestLateToldOnceWhenDueMovesPast(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		open, _, _ := ta.submitWithSecret(t)
		before := ta.firstClock(t, open)
		lateAt := before.DueAt.Add(10 * 24 * time.Hour)
		ta.runJob(t, "overdue-sweep", lateAt)
		cal := ta.deadlines.Engine(ctx).Calendar()
		last := caseclock.LastDay(before.DueAt, hanoi)
		if !cal.IsWorkingDay(last) {
			t.Fatalf("due day %s is not a working day", last)
		}
		var y httpapi.CalendarYear
		ta.getJSON(t, fmt.Sprintf("/api/v1/calendar/%d", last.Year), 200, &y)
		in := httpapi.CalendarYearInput{Confirmed: true, DaysOff: y.DaysOff, WorkingSaturdays: y.WorkingSaturdays}
		in.DaysOff = append(in.DaysOff, httpapi.CalendarDayOff{Date: last.String(), Name: "Nghỉ bù (đính chính)"})
		body, _ := json.Marshal(in)
		if res, b := ta.do(t, http.MethodPut, fmt.Sprintf("/api/v1/calendar/%d", last.Year), bytes.NewReader(body), "Content-Type", "application/json",
			"Authorization", ta.staffToken(t, "VP", access.Office)); res.StatusCode != 200 {
			t.Fatalf("PUT calendar: %d %s", res.StatusCode, b)
		}
		ta.runJob(t, "recompute-clocks", lateAt)
		after := ta.firstClock(t, open)
		if !after.DueAt.After(before.DueAt) || !after.DueAt.Before(lateAt) {
			t.Fatalf("due moved %v -> %v; the test wants it moved and still past at %v", before.DueAt, after.DueAt, lateAt)
		}
		ta.runJob(t, "overdue-sweep", lateAt)
		if n := ta.count(t, "SELECT count(*) FROM case_events WHERE case_id = ? AND kind = 'late'", open); n != 1 {
			t.Errorf("%d 'late' events for one lateness (due moved %v -> %v, still past at %v)", n, before.DueAt, after.DueAt, lateAt)
		}
	})
}
