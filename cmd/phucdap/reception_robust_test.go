package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"gorm.io/gorm"
)

// TestReceptionBookingRateLimit: the public booking form is bound per
// phone and per client address, in the counters intake uses: a phone
// tried too often and an address that posted too many bookings are told
// so in Vietnamese or English with 429 and Retry-After, never a 500, and
// nothing more is booked.
func TestReceptionBookingRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, func(c *config.Config) { c.Intake.PerIPHour, c.Intake.PerPhoneHour = 3, 2 })
		_, id := deputyThursdays(t, ta)
		form := func(phone string) url.Values {
			return url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Lò Văn Hỏi"}, "phone": {phone}, "kind": {"kien_nghi"},
				"description": {"Đề nghị hướng dẫn thủ tục cấp phép"}}
		}
		post := func(path string, f url.Values) (*http.Response, string) {
			res, body := ta.do(t, http.MethodPost, path, strings.NewReader(f.Encode()), "Content-Type", "application/x-www-form-urlencoded")
			return res, string(body)
		}
		// The same phone: booked, already booked, then over its limit.
		for i, want := range []int{http.StatusOK, http.StatusConflict, http.StatusTooManyRequests} {
			res, page := post("/lich-tiep-cong-dan/dang-ky", form("0912 111 222"))
			if res.StatusCode != want {
				t.Fatalf("post %d of one phone: %d, want %d", i+1, res.StatusCode, want)
			}
			// No channel reaches the citizen here: the office finds the
			// booking by its phone.
			if want == http.StatusConflict && (!strings.Contains(page, "Khi đến, xin đọc số điện thoại đã đăng ký") || !strings.Contains(page, "TCD-••••••")) {
				t.Errorf("the repeated booking's page lacks the masked code or the way to the office")
			}
			if want == http.StatusTooManyRequests && (!strings.Contains(page, "Đã có quá nhiều lượt đăng ký tiếp công dân") || res.Header.Get("Retry-After") == "") {
				t.Errorf("the phone's refusal lacks its message or Retry-After (%q)", res.Header.Get("Retry-After"))
			}
		}
		// The address: its third counted post books, the next is refused, in
		// English on the English form.
		if res, _ := post("/lich-tiep-cong-dan/dang-ky", form("0912 333 444")); res.StatusCode != http.StatusOK {
			t.Fatalf("another phone: %d", res.StatusCode)
		}
		res, page := post("/lich-tiep-cong-dan/dang-ky?lang=en", form("0912 555 666"))
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many reception bookings") || res.Header.Get("Retry-After") == "" {
			t.Errorf("the address over its limit: %d", res.StatusCode)
		}
		var rows int64
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings").Scan(&rows)
		if rows != 2 {
			t.Errorf("%d bookings, want 2", rows)
		}
		// No clear address or phone in the counters.
		var buckets []string
		ta.db.Gorm.Raw("SELECT bucket FROM rate_counters").Scan(&buckets)
		for _, b := range buckets {
			if strings.Contains(b, "127.0.0.1") || strings.Contains(b, "0912") {
				t.Errorf("a counter names %q", b)
			}
		}
	})
}

// TestReceptionChangeDayRace: a booking and the office's cancellation of
// the same day, at the same moment, never both succeed. The check of the
// day's bookings runs inside the change's transaction, and the booking
// finds the change inside its own, so a cancelled day never keeps a
// booking (and a booked day is never cancelled).
func TestReceptionChangeDayRace(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		_, idText := deputyThursdays(t, ta)
		id, _ := strconv.ParseInt(idText, 10, 64)
		office := ta.staffActor(t, "tiepdan@sxd.test", "VP", access.Office)
		ctx := context.Background()
		days := []calendar.Date{calendar.NewDate(2026, 12, 3), calendar.NewDate(2026, 12, 10), calendar.NewDate(2026, 12, 17),
			calendar.NewDate(2026, 12, 24), calendar.NewDate(2026, 12, 31), calendar.NewDate(2027, 1, 7)}
		var wg sync.WaitGroup
		for i, d := range days {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, _, err := ta.reception.Book(ctx, reception.BookingInput{ScheduleID: id, Day: d, Name: "Công dân " + strconv.Itoa(i),
					Phone: "09120002" + strconv.Itoa(10+i), Kind: petition.KindPetition, Description: "Đề nghị hướng dẫn thủ tục", ClientIP: "10.0.0." + strconv.Itoa(i)})
				if err != nil && !errors.Is(err, reception.ErrNotBookable) {
					t.Errorf("book %s: %v", d, err)
				}
			}()
			go func() {
				defer wg.Done()
				_, err := ta.reception.ChangeDay(ctx, office, id, d, calendar.Date{}, "Phó Giám đốc đi công tác")
				if err != nil && !strings.Contains(err.Error(), "reception.day_has_bookings") {
					t.Errorf("cancel %s: %v", d, err)
				}
			}()
		}
		wg.Wait()
		for _, d := range days {
			var booked, changes int64
			ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings WHERE schedule_id = ? AND day = ?", id, d.String()).Scan(&booked)
			ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_changes WHERE schedule_id = ? AND day = ?", id, d.String()).Scan(&changes)
			if booked+changes != 1 {
				t.Errorf("%s: %d bookings and %d changes, want exactly one of them", d, booked, changes)
			}
		}
	})
}

// TestReceptionMissedAlert: once the first working day after a leadership
// reception day has come with no session recorded under it, the office is
// told, in-app and by e-mail, once per day however often the job runs;
// not for a day with a session, a day recorded as held with no visitor,
// a cancelled day, or the desk. A day before
// the New Year holiday is asked of only on the next working day.
func TestReceptionMissedAlert(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, withSMTP(mp))
		tok := token()
		email := "vp-" + tok + "@sxd.test"
		ta.addStaff(t, email, "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin(email)
		// The schedules are saved, and 12/11 cancelled, ahead of time.
		ta.setLocal(t, "2026-11-01 09:00")
		for _, f := range []url.Values{
			receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 3),
			receptionSchedule("leadership", "Giám đốc Sở", "monthly", "1", 0),
			receptionSchedule("desk", "Văn phòng Sở", "working_days", "", 10),
		} {
			if res, _ := b.post("/staff/reception/schedules", f); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save %s: %d", f.Get("host"), res.StatusCode)
			}
		}
		ids := receptionIDs(t, ta)
		deputy := strconv.FormatInt(ids["Phó Giám đốc Sở"], 10)
		// Thursday 12/11 was cancelled; Thursday 19/11 was held.
		if res, page := b.post("/staff/reception/schedules/"+deputy+"/change", url.Values{"day": {"2026-11-12"}, "action": {"cancel"},
			"reason": {"Phó Giám đốc dự họp HĐND tỉnh"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d %s", res.StatusCode, page)
		}
		ta.Clock.Set(testNow)
		// 5/11 went by with no session: it is not cancelled, nor moved,
		// after the fact (vi and en), and stays asked of.
		for _, f := range []url.Values{{"day": {"2026-11-05"}, "action": {"cancel"}, "reason": {"Phó Giám đốc đi công tác"}},
			{"day": {"2026-11-05"}, "action": {"move"}, "moved_to": {"2026-12-01"}, "reason": {"Phó Giám đốc đi công tác"}}} {
			if res, page := b.post("/staff/reception/schedules/"+deputy+"/change?lang=vi", f); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(page, "Ngày tiếp này đã qua: không hủy hoặc dời được một ngày đã qua.") {
				t.Errorf("%s a past day: %d", f.Get("action"), res.StatusCode)
			}
			if res, page := b.post("/staff/reception/schedules/"+deputy+"/change?lang=en", f); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(page, "This reception day has passed") {
				t.Errorf("%s a past day (en): %d", f.Get("action"), res.StatusCode)
			}
		}
		b.get("/staff/reception?lang=vi")
		if code, page := recordSession(b, url.Values{"schedule_id": {deputy}, "day": {"2026-11-19"}, "receiver": {"Phó Giám đốc Sở"},
			"kind": {"kien_nghi"}, "name": {"Trần Văn Đến"}, "content": {"Đề nghị hướng dẫn thủ tục cấp phép xây dựng nhà ở."},
			"outcome": {"guided"}}); code >= 400 {
			t.Fatalf("session: %d %s", code, page)
		}
		// Thursday 26/11: the deputy sat and nobody came, recorded so
		// from the day page; no alert for it.
		if _, page := b.get("/staff/reception/day?d=2026-11-26"); !strings.Contains(page, "Ghi nhận: Không có công dân đến") {
			t.Error("the day page offers no way to record a day with no visitor")
		}
		if res, page := b.post("/staff/reception/no-visitor", url.Values{"schedule_id": {deputy}, "day": {"2026-11-26"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("no visitor: %d %s", res.StatusCode, page)
		}
		if _, page := b.get("/staff/reception/day?d=2026-11-26"); !strings.Contains(page, `class="badge no-visitor">Không có công dân đến`) ||
			strings.Contains(page, "Ghi nhận: Không có công dân đến") {
			t.Error("the day page does not show the day held with no visitor")
		}
		if res, page := b.post("/staff/reception/no-visitor", url.Values{"schedule_id": {deputy}, "day": {"2026-11-12"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "Chỉ ghi nhận được một ngày tiếp của lãnh đạo theo lịch đã diễn ra") {
			t.Errorf("a cancelled day recorded with no visitor: %d", res.StatusCode)
		}
		if res, _ := b.post("/staff/reception/no-visitor", url.Values{"schedule_id": {strconv.FormatInt(ids["Văn phòng Sở"], 10)}, "day": {"2026-11-26"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("the desk's day recorded with no visitor: %d", res.StatusCode)
		}
		missed := func() []string {
			var subjects []string
			ta.db.Gorm.Raw("SELECT subject FROM alerts WHERE kind = 'reception_missed' ORDER BY subject").Scan(&subjects)
			return subjects
		}
		// Friday 27/11: the deputy's 5/11 and the director's 1/11 (a
		// Sunday, held Monday 2/11); twice, once each.
		first := ta.runJob(t, "reception-missed", testNow)
		ta.runJob(t, "reception-missed", testNow.Add(time.Hour))
		want := []string{"reception:" + strconv.FormatInt(ids["Giám đốc Sở"], 10) + ":2026-11-02", "reception:" + deputy + ":2026-11-05"}
		slices.Sort(want)
		if got := missed(); !slices.Equal(got, want) || first.Counts["alerts"] != 2 {
			t.Errorf("alerts %v (%d raised), want %v", got, first.Counts["alerts"], want)
		}
		ta.runJob(t, "outbox", testNow)
		if got := mailsTo(t, mp, email); !slices.Contains(got, "Chưa ghi nhận buổi tiếp công dân ngày 05/11/2026 (Phó Giám đốc Sở)") || len(got) != 2 {
			t.Errorf("e-mails %q", got)
		}
		if _, page := b.get("/staff/alerts"); !strings.Contains(page, "Chưa ghi nhận buổi tiếp công dân") ||
			!strings.Contains(page, `href="/staff/reception/day?d=2026-11-05"`) {
			t.Error("the bell's page lacks the reception alert")
		}
		// Thursday 31/12 is followed by the New Year holiday: its next
		// working day is Monday 4/1, the office's to record it; asked of
		// once that day has ended, on Tuesday 5/1.
		newYear := time.Date(2027, 1, 1, 2, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{newYear, newYear.Add(72 * time.Hour)} {
			ta.runJob(t, "reception-missed", at)
			if got := missed(); slices.Contains(got, "reception:"+deputy+":2026-12-31") {
				t.Errorf("31/12 was asked of on %s, before its next working day ended", at)
			}
		}
		ta.runJob(t, "reception-missed", newYear.Add(96*time.Hour))
		if got := missed(); !slices.Contains(got, "reception:"+deputy+":2026-12-31") {
			t.Errorf("31/12 not asked of on Tuesday 5/1: %v", got)
		}
		// A leadership schedule saved on Tuesday 5/1 with a start in
		// November raises nothing for the days before it was saved.
		ta.Clock.Set(newYear.Add(96 * time.Hour))
		late, err := ta.reception.SaveSchedule(t.Context(), ta.staffActor(t, "vp-late-"+tok+"@sxd.test", "VP", access.Office),
			reception.Schedule{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở phụ trách quy hoạch", Repeat: reception.RepeatWeekly,
				Weekday: time.Tuesday, StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân", From: calendar.NewDate(2026, 11, 1), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		lateID := strconv.FormatInt(late.ID, 10)
		ta.runJob(t, "reception-missed", newYear.Add(97*time.Hour))
		for _, s := range missed() {
			if strings.HasPrefix(s, "reception:"+lateID+":") {
				t.Errorf("a day before its schedule was saved asked of: %s", s)
			}
		}
		for _, s := range missed() {
			if strings.HasPrefix(s, "reception:"+strconv.FormatInt(ids["Văn phòng Sở"], 10)+":") || strings.HasSuffix(s, ":2026-11-12") ||
				strings.HasSuffix(s, ":2026-11-19") || strings.HasSuffix(s, ":2026-11-26") {
				t.Errorf("an alert for the desk, a cancelled or a held day: %s", s)
			}
		}
	})
}

// TestReceptionSessionAtomic: a refused visit's case, its refusal and the
// session are written in one transaction. A fault as the session is
// inserted (a trigger here) leaves no case, no clock and no session, and
// the same form submitted again records them once, refused, with its
// notice clock; a third submit is a repeat. A form whose process died
// after claiming it is taken by the next submit once the claim is stale.
func TestReceptionSessionAtomic(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		_, idText := deputyThursdays(t, ta)
		id, _ := strconv.ParseInt(idText, 10, 64)
		office := ta.staffActor(t, "tiepdan@sxd.test", "VP", access.Office)
		ctx := context.Background()
		count := func(q string) (n int64) {
			t.Helper()
			if err := ta.db.Gorm.Raw(q).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		cases := func() int64 { return count("SELECT COUNT(*) FROM cases WHERE channel = 'in_person'") }
		sessions := func() int64 { return count("SELECT COUNT(*) FROM reception_sessions") }
		in := reception.SessionInput{ScheduleID: id, Day: calendar.NewDate(2026, 11, 26), Receiver: "Phó Giám đốc Sở", Kind: petition.KindPetition,
			Name: "Trần Văn Đến", Phone: "0912 345 678", Content: "Đề nghị giải quyết việc cấp phép xây dựng đã nộp từ tháng Tám.",
			Outcome: reception.OutcomeRefused, RefusalReason: "Công dân say rượu, không làm chủ hành vi", Key: "form-atomic-1"}

		fail, unfail := "CREATE TRIGGER sessions_fail BEFORE INSERT ON reception_sessions BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
			[]string{"DROP TRIGGER sessions_fail"}
		if ta.db.Dialect == store.Postgres {
			if err := ta.db.Gorm.Exec("CREATE FUNCTION sessions_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$").Error; err != nil {
				t.Fatal(err)
			}
			fail = "CREATE TRIGGER sessions_fail BEFORE INSERT ON reception_sessions FOR EACH ROW EXECUTE FUNCTION sessions_fail()"
			unfail = []string{"DROP TRIGGER sessions_fail ON reception_sessions", "DROP FUNCTION sessions_fail()"}
		}
		if err := ta.db.Gorm.Exec(fail).Error; err != nil {
			t.Fatal(err)
		}
		beforeCases, beforeClocks := cases(), count("SELECT COUNT(*) FROM case_clocks")
		if _, err := ta.reception.Record(ctx, office, in); err == nil {
			t.Fatal("recorded despite the fault")
		}
		if cases() != beforeCases || sessions() != 0 || count("SELECT COUNT(*) FROM case_clocks") != beforeClocks {
			t.Fatalf("after the fault: %d cases (was %d), %d sessions", cases(), beforeCases, sessions())
		}
		for _, q := range unfail {
			if err := ta.db.Gorm.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}

		first, err := ta.reception.Record(ctx, office, in)
		if err != nil || first.Repeated || first.CaseID == 0 || first.ID == 0 {
			t.Fatalf("the form again: %+v, %v", first, err)
		}
		if cases() != beforeCases+1 || sessions() != 1 {
			t.Errorf("%d cases (was %d), %d sessions, want one more case and one session", cases(), beforeCases, sessions())
		}
		if n := count("SELECT COUNT(*) FROM reception_sessions WHERE case_id = " + strconv.FormatInt(first.CaseID, 10)); n != 1 {
			t.Error("the session does not name its case")
		}
		if n := count("SELECT COUNT(*) FROM case_events WHERE kind = 'reception_refused' AND case_id = " + strconv.FormatInt(first.CaseID, 10)); n != 1 {
			t.Error("the case was not refused")
		}
		if n := count("SELECT COUNT(*) FROM case_clocks WHERE kind = 'duty' AND state = 'open' AND case_id = " + strconv.FormatInt(first.CaseID, 10)); n != 1 {
			t.Error("the refusal notice's clock is not running")
		}
		again, err := ta.reception.Record(ctx, office, in)
		if err != nil || !again.Repeated || again.CaseID != first.CaseID || cases() != beforeCases+1 || sessions() != 1 {
			t.Errorf("a third submit: %+v, %v", again, err)
		}

		// A claim its process left behind: in flight at first, the next
		// submit's once stale.
		in.Key, in.Outcome, in.RefusalReason = "form-atomic-2", reception.OutcomeAccepted, ""
		if err := ta.db.Gorm.Exec("INSERT INTO reception_requests (request_key, created_at) VALUES (?, ?)", in.Key, ta.Clock.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := ta.reception.Record(ctx, office, in); !errors.Is(err, reception.ErrRequestInFlight) {
			t.Errorf("a fresh claim: %v, want in flight", err)
		}
		ta.Clock.Advance(reception.StaleRequest + time.Second)
		if s, err := ta.reception.Record(ctx, office, in); err != nil || s.Repeated || s.CaseID == 0 {
			t.Errorf("a stale claim: %+v, %v", s, err)
		}
	})
}

// TestReceptionDeactivateBookedSchedule: deactivating a schedule cancels
// every coming day at once, so it follows the rule of cancelling a booked
// day: refused while citizens hold bookings of its days from today on,
// the office told how many to contact (vi and en), the schedule still
// published and bookable. Another edit of the schedule is saved as
// before, and once the booked day has passed the schedule is deactivated.
func TestReceptionDeactivateBookedSchedule(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, id := deputyThursdays(t, ta)
		f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Trần Văn Đến"}, "phone": {"0912 345 678"}, "kind": {"kien_nghi"},
			"description": {"Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ"}}
		if code, _ := postBooking(t, ta, f); code != http.StatusOK {
			t.Fatalf("booking: %d", code)
		}
		off := receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 3)
		off.Del("active")
		if res, page := b.post("/staff/reception/schedules/"+id, off); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "Các ngày tiếp sắp tới của lịch này đã có 1 lượt đăng ký") {
			t.Errorf("deactivate a booked schedule: %d", res.StatusCode)
		}
		if res, page := b.post("/staff/reception/schedules/"+id+"?lang=en", off); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "1 citizens have booked coming days of this schedule") {
			t.Errorf("deactivate a booked schedule (en): %d", res.StatusCode)
		}
		if _, page := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan/dang-ky?lich="+id+"&ngay=2026-12-10", nil); !strings.Contains(string(page), "Còn 3 chỗ.") {
			t.Error("the refused deactivation closed the schedule")
		}
		moved := receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 3)
		moved.Set("place", "Phòng họp tầng 2, số 2 đường Hùng Vương")
		if res, page := b.post("/staff/reception/schedules/"+id, moved); res.StatusCode != http.StatusSeeOther {
			t.Errorf("edit a booked schedule: %d %s", res.StatusCode, page)
		}
		// Friday 4/12: the booked day has passed.
		ta.setLocal(t, "2026-12-04 09:00")
		idNum, _ := strconv.ParseInt(id, 10, 64)
		sc, err := ta.reception.Schedule(t.Context(), idNum)
		if err != nil {
			t.Fatal(err)
		}
		sc.Active = false
		if _, err := ta.reception.SaveSchedule(t.Context(), ta.staffActor(t, "vp-after@sxd.test", "VP", access.Office), sc); err != nil {
			t.Errorf("deactivate after the booked day: %v", err)
		}
	})
}

// TestReceptionDeactivateRace: a citizen books a coming day while the
// office deactivates the schedule; either the deactivation is refused with
// the booking counted, or it is saved and the booking is refused, never a
// booking left on a schedule no longer published. Each interleaving is
// forced by a hook on the store's statements, not left to the scheduler:
//
//   - the service has read the schedule active, then the deactivation
//     commits, then the booking's transaction runs: its own read of the
//     schedule refuses the booking;
//   - the booking's transaction has read (and locked) the schedule
//     active, then the deactivation runs: it waits for the
//     booking (the read's lock on PostgreSQL, the one writer on SQLite)
//     and counts it.
func TestReceptionDeactivateRace(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, idText := deputyThursdays(t, ta)
		if res, _ := b.post("/staff/reception/schedules", receptionSchedule("leadership", "Giám đốc Sở", "weekly", "2", 3)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		deputy, _ := strconv.ParseInt(idText, 10, 64)
		director := receptionIDs(t, ta)["Giám đốc Sở"]
		office := ta.staffActor(t, "tiepdan@sxd.test", "VP", access.Office)
		deactivate := func(id int64) error {
			sc, err := ta.reception.Schedule(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			sc.Active = false
			_, err = ta.reception.SaveSchedule(context.Background(), office, sc)
			return err
		}
		book := func(ctx context.Context, id int64, day calendar.Date, i int) error {
			_, _, err := ta.reception.Book(ctx, reception.BookingInput{ScheduleID: id, Day: day, Name: "Công dân " + strconv.Itoa(i),
				Phone: "09120003" + strconv.Itoa(10+i), Kind: petition.KindPetition, Description: "Đề nghị hướng dẫn thủ tục", ClientIP: "10.0.1." + strconv.Itoa(i)})
			return err
		}
		state := func(id int64) (active bool, booked int64) {
			sc, err := ta.reception.Schedule(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings WHERE schedule_id = ?", id).Scan(&booked)
			return sc.Active, booked
		}

		// The service read the deputy's schedule active; the deactivation
		// commits before the booking's transaction begins.
		p := pauseAfter(t, ta.db, "reception_schedules")
		booked := make(chan error, 1)
		go func() { booked <- book(p.ctx(), deputy, calendar.NewDate(2026, 12, 3), 1) }()
		p.wait(t)
		if err := deactivate(deputy); err != nil {
			t.Errorf("deactivating a schedule with no booking: %v", err)
		}
		p.resume()
		if err := <-booked; !errors.Is(err, reception.ErrNotBookable) {
			t.Errorf("a booking after the deactivation committed: %v, want not bookable", err)
		}
		if active, n := state(deputy); active || n != 0 {
			t.Errorf("deputy: active %v with %d bookings, want inactive with none", active, n)
		}

		// The booking's transaction read the director's schedule active;
		// the deactivation runs before it commits.
		p = pauseAfter(t, ta.db, "SELECT * FROM reception_schedules WHERE id")
		go func() { booked <- book(p.ctx(), director, calendar.NewDate(2026, 12, 1), 2) }()
		p.wait(t)
		saved := make(chan error, 1)
		waits := ta.db.SQL.Stats().WaitCount
		go func() { saved <- deactivate(director) }()
		var saveErr error
		stop, done := make(chan struct{}), false
		select {
		case saveErr = <-saved:
			// Not held up by the booking: it ran between its read and its
			// commit.
			done = true
		case <-blocked(ta.db, waits, stop):
		}
		close(stop)
		p.resume()
		if err := <-booked; err != nil {
			t.Errorf("the booking that read the schedule first: %v", err)
		}
		if !done {
			saveErr = <-saved
		}
		if active, n := state(director); !active || n != 1 || saveErr == nil || !strings.Contains(saveErr.Error(), "reception.schedule_has_bookings") {
			t.Errorf("director: active %v with %d bookings, deactivation %v; want refused with the booking counted", active, n, saveErr)
		}
	})
}

type pauseKey struct{}

// storePause holds, once, the first statement of its context whose SQL
// contains match, right after the statement ran: wait returns when it is
// held, resume lets it go on.
type storePause struct {
	match            string
	reached, resume_ chan struct{}
	once             sync.Once
}

func (p *storePause) ctx() context.Context {
	return context.WithValue(context.Background(), pauseKey{}, p)
}

func (p *storePause) wait(t *testing.T) {
	t.Helper()
	select {
	case <-p.reached:
	case <-time.After(30 * time.Second):
		t.Fatalf("no statement matching %q ran", p.match)
	}
}

func (p *storePause) resume() { close(p.resume_) }

// pauseAfter hooks db's statements (gorm's query and row callbacks) with
// a new pause on match.
func pauseAfter(t *testing.T, db *store.DB, match string) *storePause {
	t.Helper()
	p := &storePause{match: match, reached: make(chan struct{}), resume_: make(chan struct{})}
	hook := func(tx *gorm.DB) {
		if tx.Statement.Context == nil || tx.Statement.Context.Value(pauseKey{}) != p || !strings.Contains(tx.Statement.SQL.String(), match) {
			return
		}
		p.once.Do(func() {
			close(p.reached)
			<-p.resume_
		})
	}
	name := fmt.Sprintf("test:pause:%p", p)
	if err := db.Gorm.Callback().Query().After("gorm:query").Register(name, hook); err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Callback().Row().After("gorm:row").Register(name, hook); err != nil {
		t.Fatal(err)
	}
	return p
}

// blocked is closed once another statement waits on the database: for a
// row lock on PostgreSQL, for the one connection on SQLite (more waits
// than waits). It stops looking when stop is closed.
func blocked(db *store.DB, waits int64, stop <-chan struct{}) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		tk := time.NewTicker(2 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
			}
			if db.Dialect == store.SQLite {
				if db.SQL.Stats().WaitCount > waits {
					close(out)
					return
				}
				continue
			}
			var n int64
			// A failed look is looked at again on the next tick.
			if db.Gorm.Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").
				Scan(&n).Error == nil && n > 0 {
				close(out)
				return
			}
		}
	}()
	return out
}

// TestReceptionEditStrandsBookings: an edit of a schedule that would leave
// citizens booked on a coming day it no longer gives (another weekday, a
// later start, an earlier end) or on a day with more bookings than its new
// capacity is refused with how many to contact (vi and en), as
// deactivating it is; an edit that keeps every booked day is saved. A
// booking already stranded by an edit made before this rule is not
// reminded: the reminder reads the schedule's days again.
func TestReceptionEditStrandsBookings(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, id := deputyThursdays(t, ta)
		for _, bk := range []struct{ day, name, phone string }{{"2026-12-03", "Trần Văn Đến", "0912 345 678"},
			{"2026-12-03", "Lê Thị Hai", "0912 345 679"}, {"2026-12-10", "Hà Văn Ba", "0912 345 670"}} {
			f := url.Values{"lich": {id}, "ngay": {bk.day}, "name": {bk.name}, "phone": {bk.phone}, "kind": {"kien_nghi"},
				"description": {"Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ"}}
			if code, _ := postBooking(t, ta, f); code != http.StatusOK {
				t.Fatalf("booking of %s: %d", bk.name, code)
			}
		}
		edit := func(change func(url.Values)) url.Values {
			f := receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 3)
			change(f)
			return f
		}
		for _, c := range []struct {
			name string
			f    url.Values
			n    int
		}{
			{"another weekday", edit(func(f url.Values) { f.Set("weekday", "5") }), 3},
			{"monthly", edit(func(f url.Values) { f.Set("repeat", "monthly"); f.Set("day_of_month", "3") }), 1},
			{"a later start", edit(func(f url.Values) { f.Set("from", "2026-12-04") }), 2},
			{"an earlier end", edit(func(f url.Values) { f.Set("until", "2026-12-05") }), 1},
			{"fewer places", edit(func(f url.Values) { f.Set("capacity", "1") }), 2},
			{"no booking", edit(func(f url.Values) { f.Set("capacity", "0") }), 3},
		} {
			if res, page := b.post("/staff/reception/schedules/"+id+"?lang=vi", c.f); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(page, fmt.Sprintf("các ngày tiếp sắp tới đã có %d lượt đăng ký", c.n)) {
				t.Errorf("%s: %d", c.name, res.StatusCode)
			}
			if res, page := b.post("/staff/reception/schedules/"+id+"?lang=en", c.f); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(page, fmt.Sprintf("coming reception days that %d citizens have booked", c.n)) {
				t.Errorf("%s (en): %d", c.name, res.StatusCode)
			}
		}
		if _, page := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan/dang-ky?lich="+id+"&ngay=2026-12-03", nil); !strings.Contains(string(page), "Còn 1 chỗ.") {
			t.Error("a refused edit changed the schedule")
		}
		kept := edit(func(f url.Values) { f.Set("capacity", "2"); f.Set("until", "2026-12-10") })
		if res, page := b.post("/staff/reception/schedules/"+id, kept); res.StatusCode != http.StatusSeeOther {
			t.Errorf("an edit keeping every booked day: %d %s", res.StatusCode, page)
		}

		// An edit saved before the rule moved the schedule to Fridays: the
		// bookings of Thursday 3/12 are not reminded.
		if err := ta.db.Gorm.Exec("UPDATE reception_schedules SET weekday = 5 WHERE id = ?", mustID(t, id)).Error; err != nil {
			t.Fatal(err)
		}
		dayBefore := ta.setLocal(t, "2026-12-02 08:00")
		if run := ta.runJob(t, "reception-reminder", dayBefore); run.Counts["alerts"] != 0 {
			t.Errorf("%d reminders of a day the schedule no longer gives", run.Counts["alerts"])
		}
		var reminded int64
		if err := ta.db.Gorm.Raw("SELECT COUNT(*) FROM alerts WHERE kind = 'booking_reminder'").Scan(&reminded).Error; err != nil {
			t.Fatal(err)
		}
		if reminded != 0 {
			t.Errorf("%d reminder alerts stored", reminded)
		}
	})
}

// mustID parses a schedule's id as the pages print it.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReceptionDoubleTapLastPlace: a citizen taps 'book' twice on the last
// place of a day: one post books it and the other is told that phone
// already holds a place that day, never that the day is full. Each round
// is a day of its own with one place.
func TestReceptionDoubleTapLastPlace(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-12-01 10:00")
		office := ta.staffActor(t, "tiepdan-tap@sxd.test", "VP", access.Office)
		ctx := context.Background()
		sc, err := ta.reception.SaveSchedule(ctx, office, reception.Schedule{Kind: reception.KindLeadership, Host: "Giám đốc Sở",
			Repeat: reception.RepeatWeekly, Weekday: time.Thursday, StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân",
			Capacity: 1, From: calendar.NewDate(2026, 12, 1), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		for week := range 8 {
			day := calendar.NewDate(2026, 12, 3).AddDays(7 * week)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, errs[i] = ta.reception.Book(ctx, reception.BookingInput{ScheduleID: sc.ID, Day: day, Name: "Công dân Chạm",
						Phone: "0912 000 4" + strconv.Itoa(10+week), Kind: petition.KindPetition, Description: "Đề nghị hướng dẫn thủ tục",
						ClientIP: "10.0.2." + strconv.Itoa(week)})
				}()
			}
			wg.Wait()
			ok, again := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, reception.ErrAlreadyBooked):
					again++
				default:
					t.Errorf("%s: %v", day, err)
				}
			}
			if ok != 1 || again != 1 {
				t.Errorf("%s: %d booked, %d told already booked", day, ok, again)
			}
		}
	})
}

// TestReceptionNoVisitorWithSessions: a reception day on which a visit was
// recorded cannot be recorded as one on which no citizen came: the service
// refuses it with the catalogue's words (vi and en, on the day page), and
// so does the store inside its transaction, for a session that committed
// after the service looked. The schedule's other days still can be.
func TestReceptionNoVisitorWithSessions(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, idText := deputyThursdays(t, ta)
		id, _ := strconv.ParseInt(idText, 10, 64)
		office := ta.staffActor(t, "tiepdan-trong@sxd.test", "VP", access.Office)
		ctx := t.Context()
		day := calendar.MustDate("2026-11-26")
		if _, err := ta.reception.Record(ctx, office, reception.SessionInput{ScheduleID: id, Day: day, Receiver: "Phó Giám đốc Sở",
			Kind: petition.KindPetition, Name: "Công dân Đến", Outcome: reception.OutcomeGuided,
			Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."}); err != nil {
			t.Fatal(err)
		}
		err := ta.reception.RecordNoVisitor(ctx, office, id, day)
		if err == nil || !strings.Contains(err.Error(), "reception.no_visitor_sessions") {
			t.Errorf("no visitor on a day with a session: %v", err)
		}
		for lang, want := range map[string]string{"vi": "Ngày tiếp này đã có buổi tiếp công dân được ghi nhận",
			"en": "A visit has been recorded on this reception day"} {
			res, page := b.post("/staff/reception/no-visitor?lang="+lang, url.Values{"schedule_id": {idText}, "day": {day.String()}})
			if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(page, want) {
				t.Errorf("%s: the day page answers %d without %q", lang, res.StatusCode, want)
			}
		}
		// The store checks again, in the transaction that writes the day.
		st := store.NewReceptionStore(ta.db)
		added, err := st.AddNoVisitorDay(ctx, reception.NoVisitorDay{ScheduleID: id, Day: day, At: ta.Clock.Now(), By: "VP"}, office)
		if added || err == nil || !strings.Contains(err.Error(), "reception.no_visitor_sessions") {
			t.Errorf("the store recorded no visitor on a day with a session: %v %v", added, err)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_no_visitor_days"); n != 0 {
			t.Errorf("%d days recorded with no visitor, want 0", n)
		}
		if err := ta.reception.RecordNoVisitor(ctx, office, id, calendar.MustDate("2026-11-19")); err != nil {
			t.Errorf("a day with no session: %v", err)
		}
	})
}

// TestReceptionSessionOnNoVisitorDay: the other order. A reception day
// recorded as one on which no citizen came takes no session under its
// schedule afterwards: the store refuses it in the transaction that would
// write it (after the lock on the schedule), with the catalogue's words
// (vi and en, on the day page, never a 500), whether the session stands
// alone or opens a case, and nothing of it is written. A session on
// another day, or at the desk that day, is still recorded; and a day with
// a session still cannot then be recorded as one with no visitor.
func TestReceptionSessionOnNoVisitorDay(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, idText := deputyThursdays(t, ta)
		id, _ := strconv.ParseInt(idText, 10, 64)
		office := ta.staffActor(t, "tiepdan-vang@sxd.test", "VP", access.Office)
		ctx := t.Context()
		empty := calendar.MustDate("2026-11-19")
		if err := ta.reception.RecordNoVisitor(ctx, office, id, empty); err != nil {
			t.Fatal(err)
		}
		in := reception.SessionInput{ScheduleID: id, Day: empty, Receiver: "Phó Giám đốc Sở", Kind: petition.KindPetition,
			Name: "Công dân Muộn", Outcome: reception.OutcomeGuided, Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."}
		for _, outcome := range []reception.Outcome{reception.OutcomeGuided, reception.OutcomeAccepted} {
			in.Outcome = outcome
			if _, err := ta.reception.Record(ctx, office, in); err == nil || !strings.Contains(err.Error(), "reception.session_no_visitor_day") {
				t.Errorf("%s: a session on a day recorded with no visitor: %v", outcome, err)
			}
		}
		for lang, want := range map[string]string{"vi": "Ngày tiếp này đã được ghi nhận là không có công dân đến",
			"en": "This reception day was recorded as one on which no citizen came"} {
			res, page := b.post("/staff/reception/sessions?lang="+lang, url.Values{"schedule_id": {idText}, "day": {empty.String()},
				"receiver": {"Phó Giám đốc Sở"}, "kind": {"kien_nghi"}, "name": {"Công dân Muộn"}, "outcome": {"guided"},
				"content": {"Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."}})
			if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(page, want) {
				t.Errorf("%s: the session form answers %d without %q", lang, res.StatusCode, want)
			}
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions"); n != 0 {
			t.Errorf("%d sessions written on a day recorded with no visitor", n)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM cases"); n != 0 {
			t.Errorf("%d cases opened by a refused session", n)
		}
		// The desk that day, and the schedule's next day, are recorded.
		desk := in
		desk.ScheduleID, desk.Receiver, desk.Outcome = 0, "Chuyên viên Nguyễn Tiếp", reception.OutcomeGuided
		if _, err := ta.reception.Record(ctx, office, desk); err != nil {
			t.Errorf("the desk's session that day: %v", err)
		}
		next := in
		next.Day, next.Outcome = calendar.MustDate("2026-11-26"), reception.OutcomeGuided
		if _, err := ta.reception.Record(ctx, office, next); err != nil {
			t.Fatalf("the schedule's next day: %v", err)
		}
		if err := ta.reception.RecordNoVisitor(ctx, office, id, next.Day); err == nil || !strings.Contains(err.Error(), "reception.no_visitor_sessions") {
			t.Errorf("no visitor on a day with a session: %v", err)
		}
	})
}

// TestReceptionBookEditRace: the service has read the deputy's schedule
// (Thursdays, 3 places), then the office edits it before the booking's
// transaction runs; the booking is judged by the schedule as stored:
//
//   - moved to Fridays (allowed, nobody booked): a Thursday booking is
//     refused, never left on a day the schedule no longer holds;
//   - capacity cut to 1 with one place taken (allowed): the booking is
//     refused as full, never a second booking over the new capacity.
func TestReceptionBookEditRace(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		_, idText := deputyThursdays(t, ta)
		deputy, _ := strconv.ParseInt(idText, 10, 64)
		office := ta.staffActor(t, "tiepdan@sxd.test", "VP", access.Office)
		edit := func(fn func(sc *reception.Schedule)) {
			sc, err := ta.reception.Schedule(context.Background(), deputy)
			if err != nil {
				t.Fatal(err)
			}
			fn(&sc)
			if _, err := ta.reception.SaveSchedule(context.Background(), office, sc); err != nil {
				t.Fatalf("edit with nobody stranded: %v", err)
			}
		}
		book := func(ctx context.Context, day calendar.Date, i int) error {
			_, _, err := ta.reception.Book(ctx, reception.BookingInput{ScheduleID: deputy, Day: day, Name: "Công dân " + strconv.Itoa(i),
				Phone: "09120004" + strconv.Itoa(10+i), Kind: petition.KindPetition, Description: "Đề nghị hướng dẫn thủ tục", ClientIP: "10.0.2." + strconv.Itoa(i)})
			return err
		}
		count := func() (n int64) {
			ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings WHERE schedule_id = ?", deputy).Scan(&n)
			return n
		}

		p := pauseAfter(t, ta.db, "reception_schedules")
		booked := make(chan error, 1)
		go func() { booked <- book(p.ctx(), calendar.NewDate(2026, 12, 3), 1) }()
		p.wait(t)
		edit(func(sc *reception.Schedule) { sc.Weekday = time.Friday })
		p.resume()
		if err := <-booked; !errors.Is(err, reception.ErrNotBookable) {
			t.Errorf("a Thursday booking after the move to Fridays: %v, want not bookable", err)
		}
		if n := count(); n != 0 {
			t.Errorf("%d bookings on a day the schedule no longer holds", n)
		}

		if err := book(context.Background(), calendar.NewDate(2026, 12, 4), 2); err != nil {
			t.Fatalf("first Friday booking: %v", err)
		}
		p = pauseAfter(t, ta.db, "reception_schedules")
		go func() { booked <- book(p.ctx(), calendar.NewDate(2026, 12, 4), 3) }()
		p.wait(t)
		edit(func(sc *reception.Schedule) { sc.Capacity = 1 })
		p.resume()
		if err := <-booked; !errors.Is(err, reception.ErrSlotFull) {
			t.Errorf("a booking after the capacity cut to 1: %v, want full", err)
		}
		if n := count(); n != 1 {
			t.Errorf("%d bookings on a day of 1 place", n)
		}
	})
}
