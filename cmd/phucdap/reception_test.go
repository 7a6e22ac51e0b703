package main

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
)

// receptionSchedule is the office's form for a new schedule.
func receptionSchedule(kind, host, repeat, n string, capacity int) url.Values {
	f := url.Values{"kind": {kind}, "host": {host}, "repeat": {repeat}, "start": {"07:30"}, "end": {"11:00"},
		"place": {"Trụ sở tiếp công dân, số 2 đường Hùng Vương"}, "capacity": {strconv.Itoa(capacity)}, "from": {"2026-11-01"}, "active": {"on"}}
	switch repeat {
	case "monthly":
		f.Set("day_of_month", n)
	case "weekly":
		f.Set("weekday", n)
	}
	return f
}

// receptionIDs returns the stored schedules' ids by host.
func receptionIDs(t *testing.T, ta *testApp) map[string]int64 {
	t.Helper()
	var rows []struct {
		ID   int64
		Host string
	}
	if err := ta.db.Gorm.Raw("SELECT id, host FROM reception_schedules").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Host] = r.ID
	}
	return out
}

// TestReceptionSchedule: the office keeps the schedule on its page (bad
// input refused field by field, each save audited); the public page and
// the iCalendar feed, parsed back with a library, give the recurrence on
// the stored working-day calendar (1/1/2027 is a holiday: the director's
// day moves to Monday 4/1), and a cancelled and a moved day are published
// with their reasons. Nobody else edits.
func TestReceptionSchedule(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")

		// Refused, in Vietnamese, naming the fields; the typed values kept.
		bad := receptionSchedule("leadership", "G", "monthly", "32", 0)
		bad.Set("end", "07:00")
		bad.Set("online_url", "zoom")
		res, page := b.post("/staff/reception/schedules", bad)
		for _, want := range []string{"Người tiếp: Cần ghi người tiếp", "Ngày trong tháng (lịch hằng tháng): Ngày trong tháng phải từ 1 đến 31",
			"Giờ tiếp: Giờ kết thúc phải sau giờ bắt đầu", "Đường liên kết tiếp trực tuyến: Đường liên kết phải là", `value="zoom"`} {
			if res.StatusCode != 422 || !strings.Contains(page, want) {
				t.Errorf("refused form: %d lacks %q", res.StatusCode, want)
			}
		}

		for _, f := range []url.Values{
			receptionSchedule("leadership", "Giám đốc Sở", "monthly", "1", 0),
			receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 20),
			receptionSchedule("desk", "Văn phòng Sở", "working_days", "", 10),
		} {
			if f.Get("repeat") == "weekly" {
				f.Set("online_url", "https://tiepcongdan.langson.gov.vn/phong-1")
			}
			if res, _ := b.post("/staff/reception/schedules", f); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save %s: %d", f.Get("host"), res.StatusCode)
			}
		}
		ids := receptionIDs(t, ta)
		director, deputy := strconv.FormatInt(ids["Giám đốc Sở"], 10), strconv.FormatInt(ids["Phó Giám đốc Sở"], 10)

		// Cancel Thursday 10/12, move Thursday 17/12 to Friday 18/12, each
		// with a reason; a day that is not one of the schedule's is refused.
		for _, c := range []url.Values{
			{"day": {"2026-12-10"}, "action": {"cancel"}, "reason": {"Phó Giám đốc dự họp HĐND tỉnh"}},
			{"day": {"2026-12-17"}, "action": {"move"}, "moved_to": {"2026-12-18"}, "reason": {"Trùng lịch công tác"}},
		} {
			if res, page := b.post("/staff/reception/schedules/"+deputy+"/change", c); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("change %v: %d %s", c, res.StatusCode, page)
			}
		}
		res, page = b.post("/staff/reception/schedules/"+deputy+"/change", url.Values{"day": {"2026-12-11"}, "action": {"cancel"}, "reason": {"Không có"}})
		if res.StatusCode != 422 || !strings.Contains(page, "Ngày này không phải ngày tiếp công dân") {
			t.Errorf("a day not in the schedule: %d", res.StatusCode)
		}
		var audits int64
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM audit_log WHERE entity = 'reception_schedule'").Scan(&audits)
		if audits != 5 {
			t.Errorf("%d audit rows, want 3 schedules and 2 changes", audits)
		}

		// The public page, in both languages.
		_, pubBody := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan", nil)
		pub := string(pubBody)
		for _, want := range []string{"Ngày 1 hằng tháng", "Thứ Năm hằng tuần", "https://tiepcongdan.langson.gov.vn/phong-1",
			"Thứ Năm, 10/12/2026", "Phó Giám đốc dự họp HĐND tỉnh", "Thứ Sáu, 18/12/2026", "Dời từ Thứ Năm, 17/12/2026", "Trùng lịch công tác",
			"Thứ Hai, 04/01/2027"} {
			if !strings.Contains(pub, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		if strings.Contains(pub, "Thứ Sáu, 01/01/2027") {
			t.Error("the director's day is listed on the New Year holiday")
		}
		if _, en := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan?lang=en", nil); !strings.Contains(string(en), "Every Thursday") {
			t.Error("the English page lacks the recurrence")
		}

		// The feed, parsed back.
		res, body := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan.ics", nil)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Errorf("content type %q", res.Header.Get("Content-Type"))
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("parse feed: %v", err)
		}
		events := map[string]*ics.VEvent{}
		for _, ev := range cal.Events() {
			events[ev.Id()] = ev
		}
		prop := func(ev *ics.VEvent, p ics.ComponentProperty) string {
			if ev == nil || ev.GetProperty(p) == nil {
				return ""
			}
			return ev.GetProperty(p).Value
		}
		dir := events["reception-"+director+"-2027-01-04@phucdap"]
		if start, err := dir.GetStartAt(); err != nil || !start.Equal(time.Date(2027, 1, 4, 0, 30, 0, 0, time.UTC)) {
			t.Errorf("director's January day starts %v (%v)", start, err)
		}
		if prop(dir, ics.ComponentPropertySummary) != "Tiếp công dân: Giám đốc Sở" {
			t.Errorf("summary %q", prop(dir, ics.ComponentPropertySummary))
		}
		cancelled := events["reception-"+deputy+"-2026-12-10@phucdap"]
		if prop(cancelled, ics.ComponentPropertyStatus) != "CANCELLED" || !strings.Contains(prop(cancelled, ics.ComponentPropertyDescription), "Phó Giám đốc dự họp HĐND tỉnh") {
			t.Errorf("cancelled day: %q %q", prop(cancelled, ics.ComponentPropertyStatus), prop(cancelled, ics.ComponentPropertyDescription))
		}
		moved := events["reception-"+deputy+"-2026-12-17@phucdap"]
		if start, _ := moved.GetStartAt(); !start.Equal(time.Date(2026, 12, 18, 0, 30, 0, 0, time.UTC)) ||
			!strings.Contains(prop(moved, ics.ComponentPropertyDescription), "Trùng lịch công tác") {
			t.Errorf("moved day starts %v: %q", start, prop(moved, ics.ComponentPropertyDescription))
		}
		if d := prop(moved, ics.ComponentPropertyDescription); !strings.Contains(d, "Dời từ ngày 17/12/2026") {
			t.Errorf("moved day's description: %q", d)
		}
		// The English feed words the day it was moved from in English.
		{
			_, enBody := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan.ics?lang=en", nil)
			enCal, err := ics.ParseCalendar(strings.NewReader(string(enBody)))
			if err != nil {
				t.Fatalf("parse English feed: %v", err)
			}
			var d string
			for _, ev := range enCal.Events() {
				if ev.Id() == "reception-"+deputy+"-2026-12-17@phucdap" {
					d = prop(ev, ics.ComponentPropertyDescription)
				}
			}
			if !strings.Contains(d, "Moved from 17 December 2026") {
				t.Errorf("English moved day's description: %q", d)
			}
		}
		if prop(events["reception-"+deputy+"-2026-12-03@phucdap"], ics.ComponentPropertyUrl) != "https://tiepcongdan.langson.gov.vn/phong-1" {
			t.Error("the online link is not the event's URL")
		}
		desk := 0
		for id := range events {
			if strings.HasPrefix(id, "reception-"+strconv.FormatInt(ids["Văn phòng Sở"], 10)+"-") {
				desk++
			}
		}
		// From 01/11/2026 (the schedule's first day) to 25/02/2027: the
		// desk's working days, Tết 2027 excluded, counted on the stored
		// calendar.
		cal2 := ta.deadlines.Calendar(t.Context())
		if want := cal2.WorkingDaysBetween(calendar.MustDate("2026-10-31"), ta.reception.Today().AddDays(90)); desk != want {
			t.Errorf("%d desk days in the feed, want %d", desk, want)
		}

		// Nobody else keeps the schedule.
		ta.addStaff(t, "truongphong@sxd.test", "PQLXD", access.UnitHead)
		b2 := ta.browser(t)
		b2.mustLogin("truongphong@sxd.test")
		if res, _ := b2.get("/staff/reception"); res.StatusCode != 403 {
			t.Errorf("division head: %d", res.StatusCode)
		}
		if res, _ := b2.post("/staff/reception/schedules", receptionSchedule("desk", "Phòng", "working_days", "", 0)); res.StatusCode != 403 {
			t.Errorf("division head saves: %d", res.StatusCode)
		}
		if res, page := b.get("/staff/reception"); res.StatusCode != 200 || !strings.Contains(page, "Phó Giám đốc Sở") {
			t.Errorf("office page: %d %s", res.StatusCode, ta.Logs.String())
		}
	})
}

// TestReceptionBooking: citizens book places on a day of a schedule of
// capacity 3. Eight book at once with different phones: three have a
// place, five are told the day is full, and the counter says 3 on both
// databases. The same phone cannot book the day twice. A denunciation's
// booking is sealed: the office's day list shows no name or phone to
// staff without the identity grant, and the public page and the feed
// never carry a visitor.
func TestReceptionBooking(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, id := deputyThursdays(t, ta)
		book := func(name, phone, kind string) (int, string) {
			desc := "Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ"
			if kind == "to_cao" {
				desc = "Tố cáo cán bộ địa chính Đinh Văn Khai nhận tiền cấp phép"
			}
			f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {name}, "phone": {phone}, "kind": {kind},
				"description": {desc}}
			return postBooking(t, ta, f)
		}
		if _, page := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan/dang-ky?lich="+id+"&ngay=2026-12-03", nil); !strings.Contains(string(page), "Còn 3 chỗ.") {
			t.Error("the form does not say 3 places are left")
		}

		// The denouncer books first; then eight at once for the 2 left.
		if code, page := book("Hoàng Thị Tố", "0912 000 111", "to_cao"); code != 200 || !strings.Contains(page, "được giữ bí mật") {
			t.Fatalf("denunciation booking: %d", code)
		}
		if code, page := book("Hoàng Thị Tố", "+84912000111", "kien_nghi"); code != http.StatusConflict || !strings.Contains(page, "Số điện thoại này đã đăng ký ngày tiếp này") {
			t.Errorf("double booking: %d", code)
		}
		codes := make(chan int, 8)
		for i := range 8 {
			go func() {
				f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Công dân " + strconv.Itoa(i)}, "phone": {"09130001" + strconv.Itoa(10+i)},
					"kind": {"kien_nghi"}, "description": {"Đề nghị hướng dẫn thủ tục"}}
				req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/lich-tiep-cong-dan/dang-ky", strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := ta.Server.Client().Do(req)
				if err != nil {
					codes <- 0
					return
				}
				res.Body.Close()
				codes <- res.StatusCode
			}()
		}
		got := map[int]int{}
		for range 8 {
			got[<-codes]++
		}
		if got[200] != 2 || got[http.StatusConflict] != 6 {
			t.Errorf("concurrent bookings: %v, want 2 booked and 6 refused", got)
		}
		var booked, rows int64
		ta.db.Gorm.Raw("SELECT booked FROM reception_slots WHERE schedule_id = ?", id).Scan(&booked)
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings").Scan(&rows)
		if booked != 3 || rows != 3 {
			t.Errorf("counter %d, rows %d, want 3", booked, rows)
		}
		if code, page := book("Người Thứ Tư", "0987 654 321", "phan_anh"); code != http.StatusConflict || !strings.Contains(page, "đã đủ số lượt đăng ký") {
			t.Errorf("a booking past capacity: %d", code)
		}

		// The office's list of the day: the sealed identity withheld.
		_, day := b.get("/staff/reception/day?d=2026-12-03")
		if strings.Contains(day, "Hoàng Thị Tố") || strings.Contains(day, "0912000111") || !strings.Contains(day, "Danh tính được giữ bí mật") ||
			!strings.Contains(day, "Công dân ") {
			t.Errorf("the day's list shows the sealed identity or lacks the others")
		}
		if strings.Contains(day, "Đinh Văn Khai") || !strings.Contains(day, "Nội dung được giữ bí mật") ||
			!strings.Contains(day, "Đề nghị hướng dẫn thủ tục") {
			t.Errorf("the day's list shows the sealed booking's description or lacks the others")
		}
		// Published pages carry no visitor.
		for _, p := range []string{"/lich-tiep-cong-dan", "/lich-tiep-cong-dan.ics", "/lich-tiep-cong-dan?lang=en"} {
			if _, body := ta.do(t, http.MethodGet, p, nil); strings.Contains(string(body), "Hoàng Thị Tố") || strings.Contains(string(body), "0912000111") {
				t.Errorf("%s shows the denouncer", p)
			}
		}
		// An office member holding the grant does not see it either: the
		// list has no reason and no audit; the sealed case has both.
		head := ta.addStaff(t, "chanhvanphong@sxd.test", "VP", access.UnitHead)
		granted := ta.addStaff(t, "tiepdan@sxd.test", "VP", access.Office)
		hb := ta.browser(t)
		hb.mustLogin("chanhvanphong@sxd.test")
		_ = head
		if res, _ := hb.post("/staff/grants/"+strconv.FormatInt(granted.ID, 10), url.Values{"grant": {"1"}}); res.StatusCode >= 400 {
			t.Fatalf("grant: %d", res.StatusCode)
		}
		gb := ta.browser(t)
		gb.mustLogin("tiepdan@sxd.test")
		if _, day := gb.get("/staff/reception/day?d=2026-12-03"); strings.Contains(day, "Hoàng Thị Tố") || strings.Contains(day, "0912000111") ||
			strings.Contains(day, "Đinh Văn Khai") {
			t.Error("the grant holder sees the sealed booking without a reason or an audit")
		}
	})
}

// recordSession posts the session form and returns the status and page.
func recordSession(b *browser, f url.Values) (int, string) {
	if f.Get("day") == "" {
		f.Set("day", "2026-11-27")
	}
	res, page := b.post("/staff/reception/sessions", f)
	return res.StatusCode, page
}

// sessionCase returns the case a session opened, by the session's
// receiver.
func sessionCase(t *testing.T, ta *testApp, receiver string) int64 {
	t.Helper()
	var id *int64
	ta.db.Gorm.Raw("SELECT case_id FROM reception_sessions WHERE receiver = ?", receiver).Scan(&id)
	if id == nil {
		t.Fatalf("session of %s opened no case", receiver)
	}
	return *id
}

// TestReceptionSessions: the office records the day's visits (Fri
// 27/11/2026). An outcome that needs follow-up opens a case, received in
// person, whose clock is the answer to the visitor (reception.answer, 10
// working days: end of Fri 11/12), linked to the session; a refusal files
// its case and owes the written notice within 3 working days (end of Wed
// 02/12); an answer given at the session opens none; a group visit keeps
// its headcount and representatives. A denouncer's session keeps neither
// identity nor content: both are in the sealed case, shown to no one
// without the grant (day list, case page, audit), and never on the public
// page or the feed.
func TestReceptionSessions(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		if res, _ := b.post("/staff/reception/schedules", receptionSchedule("desk", "Văn phòng Sở", "working_days", "", 10)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		desk := strconv.FormatInt(receptionIDs(t, ta)["Văn phòng Sở"], 10)
		content := "Đề nghị xem xét việc cấp phép xây dựng công trình lấn chiếm hành lang đường bộ tại thôn Bản Cưởm."

		if code, page := recordSession(b, url.Values{"schedule_id": {desk}, "receiver": {"Chuyên viên Nguyễn Tiếp"}, "kind": {"kien_nghi"},
			"name": {"Trần Văn Đến"}, "phone": {"0912 345 678"}, "content": {content}, "documents": {"Đơn kiến nghị 02 trang"},
			"outcome": {"accepted"}}); code != http.StatusSeeOther {
			t.Fatalf("accepted: %d %s", code, page)
		}
		accepted := ta.caseState(t, sessionCase(t, ta, "Chuyên viên Nguyễn Tiếp"))
		if accepted.Channel != petition.ChannelInPerson || accepted.MainClock() == nil || accepted.MainClock().RuleID != deadline.ReceptionAnswer {
			t.Fatalf("case: channel %s clock %+v", accepted.Channel, accepted.MainClock())
		}
		dueIs(t, "answer to the visitor", accepted.MainClock().DueAt, ta.dateEnd(t, "2026-12-11"))

		if code, _ := recordSession(b, url.Values{"schedule_id": {desk}, "receiver": {"Chuyên viên Lê Từ Chối"}, "kind": {"khieu_nai"},
			"name": {"Người Say"}, "content": {content}, "outcome": {"refused"}, "refusal_reason": {""}}); code != 422 {
			t.Errorf("a refusal without a reason: %d", code)
		}
		if code, page := recordSession(b, url.Values{"schedule_id": {desk}, "receiver": {"Chuyên viên Lê Từ Chối"}, "kind": {"khieu_nai"},
			"name": {"Người Say"}, "content": {content}, "outcome": {"refused"},
			"refusal_reason": {"Người đến trong tình trạng say rượu, không làm chủ hành vi"}}); code != http.StatusSeeOther {
			t.Fatalf("refused: %d %s", code, page)
		}
		refused := ta.caseState(t, sessionCase(t, ta, "Chuyên viên Lê Từ Chối"))
		if refused.Status != petition.StatusFiled {
			t.Errorf("refused case is %s", refused.Status)
		}
		dueIs(t, "refusal notice", dutyClock(t, refused, deadline.ReceptionRefusal).DueAt, ta.dateEnd(t, "2026-12-02"))

		// A group answered at the session: no case.
		if code, page := recordSession(b, url.Values{"schedule_id": {desk}, "receiver": {"Chuyên viên Đoàn Đông"}, "kind": {"phan_anh"},
			"group": {"on"}, "headcount": {"15"}, "representatives": {"Ông Hoàng A, Bà Lương B"}, "content": {content}, "outcome": {"guided"}}); code != http.StatusSeeOther {
			t.Fatalf("group: %d %s", code, page)
		}
		var group struct {
			Headcount       int
			Representatives string
			CaseID          *int64
		}
		ta.db.Gorm.Raw("SELECT headcount, representatives, case_id FROM reception_sessions WHERE receiver = 'Chuyên viên Đoàn Đông'").Scan(&group)
		if group.Headcount != 15 || group.Representatives != "Ông Hoàng A, Bà Lương B" || group.CaseID != nil {
			t.Errorf("group session: %+v", group)
		}

		// A denunciation: guided alone is refused; verified opens a sealed case.
		den := url.Values{"schedule_id": {desk}, "receiver": {"Chuyên viên Kín Đáo"}, "kind": {"to_cao"}, "name": {"Lý Văn Mật"},
			"phone": {"0913 777 888"}, "content": {"Tố cáo cán bộ Lý Văn Mật đã thấy nhận tiền của nhà thầu tại công trình trường học xã."}, "outcome": {"guided"}}
		if code, page := recordSession(b, den); code != 422 || !strings.Contains(page, "Tố cáo nhận tại buổi tiếp được vào sổ") {
			t.Errorf("a denunciation answered at the session alone: %d", code)
		}
		den.Set("outcome", "verify")
		if code, page := recordSession(b, den); code != http.StatusSeeOther {
			t.Fatalf("denunciation: %d %s", code, page)
		}
		sealedID := sessionCase(t, ta, "Chuyên viên Kín Đáo")
		if st := ta.caseState(t, sealedID); !st.Sealed {
			t.Errorf("the denunciation's case is not sealed")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions WHERE name LIKE '%Mật%' OR phone LIKE '%777%' OR content LIKE '%Mật%'"); n != 0 {
			t.Errorf("the session keeps the sealed identity")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE CAST(after_json AS TEXT) LIKE '%Mật%' OR CAST(after_json AS TEXT) LIKE '%0913777888%'"); n != 0 {
			t.Errorf("the audit trail has the sealed identity")
		}
		_, day := b.get("/staff/reception/day?d=2026-11-27")
		for _, want := range []string{"Trần Văn Đến", "Đoàn 15 người", "Ông Hoàng A, Bà Lương B", accepted.Code, "Danh tính được giữ bí mật",
			"Nội dung và danh tính được giữ bí mật trong hồ sơ vụ việc"} {
			if !strings.Contains(day, want) {
				t.Errorf("the day's list lacks %q", want)
			}
		}
		if strings.Contains(day, "Lý Văn Mật") || strings.Contains(day, "0913777888") {
			t.Error("the day's list shows the denouncer")
		}
		if _, page := b.get("/staff/cases/" + strconv.FormatInt(sealedID, 10)); strings.Contains(page, "Lý Văn Mật") || strings.Contains(page, "0913777888") {
			t.Error("the case page shows the denouncer to the office without the grant")
		}
		for _, p := range []string{"/lich-tiep-cong-dan", "/lich-tiep-cong-dan.ics"} {
			if _, body := ta.do(t, http.MethodGet, p, nil); strings.Contains(string(body), "Mật") || strings.Contains(string(body), "Trần Văn Đến") {
				t.Errorf("%s shows a visitor", p)
			}
		}
	})
}

// TestReceptionMonthFigures: November 2026 computed by hand. The deputy
// receives on Thursdays (5, 12, 19, 26; the 12th cancelled): 3 days
// scheduled, sessions on the 5th (one visitor, a case; a group of 6
// answered there) and the 26th (one visitor, a case), none on the 19th,
// so 2 held and 8 citizens. The desk is open on the 19 working days to
// the 27th (24/11, Vietnamese Culture Day, is off) and held one session.
// The 19th then recorded as held with no visitor: 3 held, still 8
// citizens and 4 sessions, no leadership day short.
func TestReceptionMonthFigures(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-fig@sxd.test", "VP", access.Office)
		ctx := t.Context()
		deputy, desk := ta.receptionSchedules(t, office, "2026-11-01")
		ta.setLocal(t, "2026-11-10 09:00")
		if _, err := ta.reception.ChangeDay(ctx, office, deputy.ID, calendar.MustDate("2026-11-12"), calendar.Date{}, "Phó Giám đốc đi công tác"); err != nil {
			t.Fatal(err)
		}
		ta.setLocal(t, "2026-11-27 09:00")
		content := "Đề nghị xem xét việc cấp phép xây dựng công trình tại thôn Bản Cưởm, xã Mai Pha."
		for _, in := range []reception.SessionInput{
			{ScheduleID: deputy.ID, Day: calendar.MustDate("2026-11-05"), Receiver: "Phó Giám đốc Sở", Kind: petition.KindPetition, Name: "Công dân Một", Content: content, Outcome: reception.OutcomeAccepted},
			{ScheduleID: deputy.ID, Day: calendar.MustDate("2026-11-05"), Receiver: "Phó Giám đốc Sở", Kind: petition.KindFeedback, Group: true, Headcount: 6, Representatives: "Ông Đại Diện", Content: content, Outcome: reception.OutcomeGuided},
			{ScheduleID: deputy.ID, Day: calendar.MustDate("2026-11-26"), Receiver: "Phó Giám đốc Sở", Kind: petition.KindComplaint, Name: "Công dân Hai", Content: content, Outcome: reception.OutcomeVerify},
			{ScheduleID: desk.ID, Day: calendar.MustDate("2026-11-27"), Receiver: "Chuyên viên Văn phòng", Kind: petition.KindPetition, Name: "Công dân Ba", Content: content, Outcome: reception.OutcomeGuided},
		} {
			if _, err := ta.reception.Record(ctx, office, in); err != nil {
				t.Fatalf("record %s: %v", in.Day, err)
			}
		}
		f, err := ta.reception.Month(ctx, office, 2026, time.November)
		if err != nil {
			t.Fatal(err)
		}
		want := []reception.HostFigures{
			{ScheduleID: deputy.ID, Host: "Phó Giám đốc Sở", Kind: reception.KindLeadership, Scheduled: 3, Held: 2, Citizens: 8},
			{ScheduleID: desk.ID, Host: "Văn phòng Sở", Kind: reception.KindDesk, Scheduled: 19, Held: 1, Citizens: 1},
		}
		if diff := cmp.Diff(want, f.Hosts); diff != "" {
			t.Errorf("hosts (-want +got)\n%s", diff)
		}
		if f.LeadershipCitizens != 8 || f.DeskCitizens != 1 || f.Sessions != 4 || f.Cases.Received != 2 || f.LeadershipDaysShort != 1 {
			t.Errorf("figures: %+v", f)
		}
		// The deputy sat on the 19th and nobody came: recorded so (twice,
		// once), the day is held, with no visit and no citizen more. The
		// cancelled 12th and a day to come cannot be recorded so.
		for range 2 {
			if err := ta.reception.RecordNoVisitor(ctx, office, deputy.ID, calendar.MustDate("2026-11-19")); err != nil {
				t.Fatal(err)
			}
		}
		for _, day := range []string{"2026-11-12", "2026-12-03"} {
			if err := ta.reception.RecordNoVisitor(ctx, office, deputy.ID, calendar.MustDate(day)); err == nil {
				t.Errorf("%s recorded as held with no visitor", day)
			}
		}
		if f, err = ta.reception.Month(ctx, office, 2026, time.November); err != nil {
			t.Fatal(err)
		}
		want[0].Held = 3
		if diff := cmp.Diff(want, f.Hosts); diff != "" {
			t.Errorf("hosts with the 19th held with no visitor (-want +got)\n%s", diff)
		}
		if f.LeadershipCitizens != 8 || f.DeskCitizens != 1 || f.Sessions != 4 || f.Cases.Received != 2 || f.LeadershipDaysShort != 0 {
			t.Errorf("figures with the 19th held with no visitor: %+v", f)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'reception.no_visitor'"); n != 1 {
			t.Errorf("%d audit rows for the day with no visitor, want 1", n)
		}
	})
}

// TestReceptionSealedRefusal: a denouncer refused at reception, with a
// reason that names the denounced: the reason is the sealed case's, not
// the session's, so the day's list and the session row have none of it.
func TestReceptionSealedRefusal(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		reason := "Người tố cáo ông Phạm Bị Tố đang say rượu, không làm chủ hành vi"
		if code, page := recordSession(b, url.Values{"receiver": {"Chuyên viên Kín Đáo"}, "kind": {"to_cao"}, "name": {"Lý Văn Mật"},
			"content": {"Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."}, "outcome": {"refused"},
			"refusal_reason": {reason}}); code != http.StatusSeeOther {
			t.Fatalf("refused denunciation: %d %s", code, page)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions WHERE refusal_reason LIKE '%Bị Tố%'"); n != 0 {
			t.Error("the sealed session keeps the refusal's reason")
		}
		if _, day := b.get("/staff/reception/day?d=2026-11-27"); strings.Contains(day, "Bị Tố") || !strings.Contains(day, "Danh tính được giữ bí mật") {
			t.Error("the day's list shows a sealed session's refusal reason")
		}
	})
}

// TestReceptionRefusalRecordedLate: a refusal on Wed 25/11 recorded on
// Fri 27/11 owes its notice 3 working days after the refusal (end of Mon
// 30/11), not after the day it was typed in (Wed 02/12).
func TestReceptionRefusalRecordedLate(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		if code, page := recordSession(b, url.Values{"day": {"2026-11-25"}, "receiver": {"Chuyên viên Lê Từ Chối"}, "kind": {"khieu_nai"},
			"name": {"Người Say"}, "content": {"Khiếu nại quyết định xử phạt vi phạm hành chính trong xây dựng tại thôn Bản Cưởm."},
			"outcome": {"refused"}, "refusal_reason": {"Người đến trong tình trạng say rượu, không làm chủ hành vi"}}); code != http.StatusSeeOther {
			t.Fatalf("refused: %d %s", code, page)
		}
		refused := ta.caseState(t, sessionCase(t, ta, "Chuyên viên Lê Từ Chối"))
		dueIs(t, "refusal notice", dutyClock(t, refused, deadline.ReceptionRefusal).DueAt, ta.dateEnd(t, "2026-11-30"))
	})
}

// TestReceptionSealedDocuments: a denouncer's session keeps no documents
// of its own; the documents handed over are in the sealed case's content,
// not lost.
func TestReceptionSealedDocuments(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		if code, page := recordSession(b, url.Values{"receiver": {"Chuyên viên Kín Đáo"}, "kind": {"to_cao"}, "name": {"Lý Văn Mật"},
			"content":   {"Tố cáo cán bộ địa chính nhận tiền của nhà thầu tại công trình trường học xã."},
			"documents": {"Biên lai chuyển khoản 02 trang"}, "outcome": {"verify"}}); code != http.StatusSeeOther {
			t.Fatalf("denunciation: %d %s", code, page)
		}
		var content string
		ta.db.Gorm.Raw("SELECT content FROM cases WHERE id = ?", sessionCase(t, ta, "Chuyên viên Kín Đáo")).Scan(&content)
		if !strings.Contains(content, "Tài liệu công dân cung cấp: Biên lai chuyển khoản 02 trang") {
			t.Errorf("the sealed case lost the documents handed over: %q", content)
		}
	})
}

// TestReceptionSealedGroup: a group denouncing together names its two
// representatives in its content; the office without the grant sees
// neither name on the sealed case's page or in the inbox.
func TestReceptionSealedGroup(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		if code, page := recordSession(b, url.Values{"receiver": {"Chuyên viên Kín Đáo"}, "kind": {"to_cao"}, "group": {"on"}, "headcount": {"6"},
			"representatives": {"Nguyễn Văn An, Trần Thị Bình"},
			"content":         {"Nguyễn Văn An và Trần Thị Bình thay mặt các hộ tố cáo cán bộ địa chính nhận tiền của nhà thầu."},
			"outcome":         {"verify"}}); code != http.StatusSeeOther {
			t.Fatalf("group denunciation: %d %s", code, page)
		}
		id := sessionCase(t, ta, "Chuyên viên Kín Đáo")
		_, casePage := b.get("/staff/cases/" + strconv.FormatInt(id, 10))
		_, inbox := b.get("/staff/inbox?all=1")
		if !strings.Contains(casePage, "cán bộ địa chính") {
			t.Fatal("the case page lacks the content")
		}
		for what, page := range map[string]string{"case page": casePage, "inbox": inbox} {
			if strings.Contains(page, "Văn An") || strings.Contains(page, "Thị Bình") {
				t.Errorf("the %s shows a representative of the sealed group", what)
			}
		}
	})
}

// TestReceptionBookingBadTopic: a booking naming a topic that does not
// exist is refused on that field (422), not a 500, and books nothing.
func TestReceptionBookingBadTopic(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		_, id := deputyThursdays(t, ta)
		for _, topic := range []string{"999999", "abc"} {
			f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Trần Văn Đến"}, "phone": {"0912 345 678"}, "kind": {"kien_nghi"},
				"topic_id": {topic}, "description": {"Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ"}}
			if code, body := postBooking(t, ta, f); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Lĩnh vực không có trong danh sách") {
				t.Errorf("topic %s: %d", topic, code)
			}
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_bookings"); n != 0 {
			t.Errorf("%d bookings with a bad topic", n)
		}
	})
}

// TestReceptionSessionTwice: the session form submitted twice with its
// one-time key (a double click) records one session and opens one case
// with one clock, and the repeat shows the day as the first did; a retry
// after a failure between the case and the session reuses the case.
func TestReceptionSessionTwice(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		_, page := b.get("/staff/reception/day?d=2026-11-27")
		if !strings.Contains(page, `name="key"`) {
			t.Fatal("the session form has no one-time key")
		}
		f := url.Values{"receiver": {"Chuyên viên Nguyễn Tiếp"}, "kind": {"kien_nghi"}, "name": {"Trần Văn Đến"},
			"content": {"Đề nghị xem xét việc cấp phép xây dựng công trình lấn chiếm hành lang đường bộ."}, "outcome": {"accepted"},
			"key": {"k-twice-1"}}
		for i := range 2 {
			if code, page := recordSession(b, f); code != http.StatusSeeOther {
				t.Fatalf("submit %d: %d %s", i+1, code, page)
			}
		}
		if s, c := ta.count(t, "SELECT COUNT(*) FROM reception_sessions"), ta.count(t, "SELECT COUNT(*) FROM cases"); s != 1 || c != 1 {
			t.Fatalf("%d sessions and %d cases after a double submit, want 1 and 1", s, c)
		}
		// The session lost after its case was opened: the retry reuses it.
		first := sessionCase(t, ta, "Chuyên viên Nguyễn Tiếp")
		if err := ta.db.Gorm.Exec("UPDATE reception_requests SET session_id = NULL").Error; err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Gorm.Exec("DELETE FROM reception_sessions").Error; err != nil {
			t.Fatal(err)
		}
		if code, page := recordSession(b, f); code != http.StatusSeeOther {
			t.Fatalf("retry: %d %s", code, page)
		}
		if c := ta.count(t, "SELECT COUNT(*) FROM cases"); c != 1 || sessionCase(t, ta, "Chuyên viên Nguyễn Tiếp") != first {
			t.Errorf("the retry opened another case (%d cases)", c)
		}
	})
}

// TestReceptionChangeBookedDay: a reception day citizens booked cannot be
// cancelled or moved (its bookings would stay on it, and the new day take
// a full capacity again): the office is told how many to contact first.
func TestReceptionChangeBookedDay(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		b, id := deputyThursdays(t, ta)
		f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Trần Văn Đến"}, "phone": {"0912 345 678"}, "kind": {"kien_nghi"},
			"description": {"Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ"}}
		if code, _ := postBooking(t, ta, f); code != http.StatusOK {
			t.Fatalf("booking: %d", code)
		}
		for _, c := range []url.Values{
			{"day": {"2026-12-03"}, "action": {"cancel"}, "reason": {"Phó Giám đốc dự họp HĐND tỉnh"}},
			{"day": {"2026-12-03"}, "action": {"move"}, "moved_to": {"2026-12-04"}, "reason": {"Trùng lịch công tác"}},
		} {
			if res, page := b.post("/staff/reception/schedules/"+id+"/change", c); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(page, "Ngày tiếp này đã có 1 lượt đăng ký") {
				t.Errorf("%s a booked day: %d", c.Get("action"), res.StatusCode)
			}
		}
		if _, page := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan/dang-ky?lich="+id+"&ngay=2026-12-03", nil); !strings.Contains(string(page), "Còn 2 chỗ.") {
			t.Error("the booked day is no longer open")
		}
		// A day nobody booked is cancelled as before.
		if res, page := b.post("/staff/reception/schedules/"+id+"/change", url.Values{"day": {"2026-12-10"}, "action": {"cancel"},
			"reason": {"Phó Giám đốc dự họp HĐND tỉnh"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("cancel an unbooked day: %d %s", res.StatusCode, page)
		}
	})
}

// deputyThursdays signs the office in and saves the deputy director's
// reception every Thursday (3 places a day): the schedule the booking
// tests book on 03/12/2026. It returns the office's browser and the
// schedule's id.
func deputyThursdays(t *testing.T, ta *testApp) (*browser, string) {
	t.Helper()
	ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
	b := ta.browser(t)
	b.mustLogin("vanphong@sxd.test")
	if res, _ := b.post("/staff/reception/schedules", receptionSchedule("leadership", "Phó Giám đốc Sở", "weekly", "4", 3)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	return b, strconv.FormatInt(receptionIDs(t, ta)["Phó Giám đốc Sở"], 10)
}

// postBooking posts the public booking form as a citizen's browser does.
func postBooking(t *testing.T, ta *testApp, f url.Values) (int, string) {
	t.Helper()
	res, body := ta.do(t, http.MethodPost, "/lich-tiep-cong-dan/dang-ky", strings.NewReader(f.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	return res.StatusCode, string(body)
}

// receptionNovember is a hand-computed November 2026 of citizen reception,
// left at Tuesday 1 December, 10:00. The deputy receives on Thursdays (5,
// 12, 19, 26; the 12th cancelled): 3 days scheduled, sessions on the 5th
// (Công dân Một, a case; a group of 6 answered there) and the 26th (Công
// dân Hai, a case), none on the 19th: 2 held, 8 citizens. The desk is open
// on the 20 working days of the month (24/11, Vietnamese Culture Day, is
// off) and held sessions on the 5th (Công dân Bốn, a case), the 27th (a
// refusal, which files its case) and the 30th (a denouncer, whose case is
// sealed and due on 14/12): 3 held, 3 citizens.
//
// The cases sessions opened: 5 received. Công dân Một's, due at the end of
// Thu 19/11 (10 working days from the 5th), is answered on the 12th: on
// time. Công dân Bốn's, due the same day, is answered on the 23rd: late.
// Công dân Hai's is due on 10/12: open, not late. The refusal's answer
// clock is cancelled: out of the rate. So 1 on time of 2, 50%. A case
// received at the counter the same day (in person, but from no session),
// also answered late, is not theirs.
type receptionNovember struct {
	deputy, desk reception.Schedule
	onTime, late int64
	counter      int64
	// sealed: a denouncer's case (Lý Văn Mật, 0913 777 888).
	sealed int64
	// sessions are the recorded sessions, in order.
	sessions []int64
}

// receptionSchedules saves the office's two reception schedules, in force
// from the day from: the deputy director's on Thursdays, 7:30 to 11:00,
// and the desk's on every working day, 7:30 to 17:00.
func (ta *testApp) receptionSchedules(t *testing.T, office access.Actor, from string) (deputy, desk reception.Schedule) {
	t.Helper()
	deputy, err := ta.reception.SaveSchedule(t.Context(), office, reception.Schedule{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở",
		Repeat: reception.RepeatWeekly, Weekday: time.Thursday, StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân",
		From: calendar.MustDate(from), Active: true})
	if err != nil {
		t.Fatal(err)
	}
	desk, err = ta.reception.SaveSchedule(t.Context(), office, reception.Schedule{Kind: reception.KindDesk, Host: "Văn phòng Sở",
		Repeat: reception.RepeatWorkingDays, StartMin: 450, EndMin: 1020, Place: "Phòng tiếp công dân", From: calendar.MustDate(from), Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return deputy, desk
}

func newReceptionNovember(t *testing.T, ta *testApp) receptionNovember {
	t.Helper()
	ctx := t.Context()
	office := ta.staffActor(t, "office-nov@sxd.test", "VP", access.Office)
	officer := ta.staffActor(t, "cv.qlxd-nov@sxd.test", "PQLXD", access.UnitOfficer)
	head := ta.staffActor(t, "tp.qlxd-nov@sxd.test", "PQLXD", access.UnitHead)
	var m receptionNovember
	ta.setLocal(t, "2026-11-02 08:00")
	m.deputy, m.desk = ta.receptionSchedules(t, office, "2026-11-01")
	if _, err := ta.reception.ChangeDay(ctx, office, m.deputy.ID, calendar.MustDate("2026-11-12"), calendar.Date{}, "Phó Giám đốc đi công tác"); err != nil {
		t.Fatal(err)
	}
	content := "Đề nghị xem xét việc cấp phép xây dựng công trình tại thôn Bản Cưởm, xã Mai Pha."
	record := func(at string, in reception.SessionInput) int64 {
		t.Helper()
		ta.setLocal(t, at)
		in.Day = calendar.DateOf(ta.Clock.Now(), hanoi)
		if in.Content == "" {
			in.Content = content
		}
		s, err := ta.reception.Record(ctx, office, in)
		if err != nil {
			t.Fatalf("record %s: %v", at, err)
		}
		m.sessions = append(m.sessions, s.ID)
		return s.CaseID
	}
	m.onTime = record("2026-11-05 09:00", reception.SessionInput{ScheduleID: m.deputy.ID, Receiver: "Phó Giám đốc Sở", Kind: petition.KindPetition,
		Name: "Công dân Một", Outcome: reception.OutcomeAccepted})
	record("2026-11-05 10:00", reception.SessionInput{ScheduleID: m.deputy.ID, Receiver: "Phó Giám đốc Sở", Kind: petition.KindFeedback,
		Group: true, Headcount: 6, Representatives: "Ông Đại Diện", Outcome: reception.OutcomeGuided})
	m.late = record("2026-11-05 14:00", reception.SessionInput{ScheduleID: m.desk.ID, Receiver: "Chuyên viên Văn phòng", Kind: petition.KindFeedback,
		Name: "Công dân Bốn", Outcome: reception.OutcomeVerify})
	ta.setLocal(t, "2026-11-05 15:00")
	counter := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelInPerson,
		ReceivedAt: ta.Clock.Now(), Title: "Đề nghị tại quầy", Content: content, Name: "Người Tại Quầy", Phone: "0205 3812 345"})
	m.counter = counter.CaseID
	for _, id := range []int64{m.onTime, m.late, m.counter} {
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, id, petition.AcceptInput{})
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD"})
	}
	answer := func(at string, id int64) {
		t.Helper()
		ta.setLocal(t, at)
		ta.act(t, officer, id, petition.AnswerInput{Body: "Sở Xây dựng trả lời như sau: đơn vị đã kiểm tra hiện trường và xử lý theo quy định.",
			LetterNo: "21/SXD-QLXD", LetterDate: calendar.DateOf(ta.Clock.Now(), hanoi), Signer: "Trưởng phòng Quản lý xây dựng"})
		ta.act(t, head, id, petition.ApproveInput{})
	}
	answer("2026-11-12 15:00", m.onTime)
	answer("2026-11-23 15:00", m.late)
	answer("2026-11-23 16:00", m.counter)
	record("2026-11-26 09:00", reception.SessionInput{ScheduleID: m.deputy.ID, Receiver: "Phó Giám đốc Sở", Kind: petition.KindComplaint,
		Name: "Công dân Hai", Outcome: reception.OutcomeVerify})
	record("2026-11-27 09:00", reception.SessionInput{ScheduleID: m.desk.ID, Receiver: "Chuyên viên Văn phòng", Kind: petition.KindComplaint,
		Name: "Người Say", Outcome: reception.OutcomeRefused, RefusalReason: "Người đến trong tình trạng say rượu, không làm chủ hành vi"})
	m.sealed = record("2026-11-30 09:00", reception.SessionInput{ScheduleID: m.desk.ID, Receiver: "Chuyên viên Văn phòng", Kind: petition.KindDenunciation,
		Name: "Lý Văn Mật", Phone: "0913 777 888", Content: "Tố cáo cán bộ địa chính xã nhận tiền của nhà thầu; người tố cáo Lý Văn Mật đã chứng kiến.",
		Outcome: reception.OutcomeVerify})
	ta.setLocal(t, "2026-12-01 10:00")
	return m
}

// TestReceptionMonthCasesOnTime: the cases reception sessions opened in
// November and their on-time rate, counted by the report's figures
// (receptionNovember): 5 opened, 1 answered on time, 1 late, none open
// and late: 50%, the counter's late case not among them; the drill-down
// behind the late figure lists that one case.
func TestReceptionMonthCasesOnTime(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		m := newReceptionNovember(t, ta)
		for _, id := range []int64{m.onTime, m.late} {
			if mc := ta.caseState(t, id).Clocks; len(mc) == 0 || mc[0].RuleID != deadline.ReceptionAnswer {
				t.Fatalf("case %d: clocks %+v", id, mc)
			}
		}
		office := ta.staffActor(t, "office-rate@sxd.test", "VP", access.Office)
		f, err := ta.reception.Month(t.Context(), office, 2026, time.November)
		if err != nil {
			t.Fatal(err)
		}
		want := []reception.HostFigures{
			{ScheduleID: m.deputy.ID, Host: "Phó Giám đốc Sở", Kind: reception.KindLeadership, Scheduled: 3, Held: 2, Citizens: 8},
			{ScheduleID: m.desk.ID, Host: "Văn phòng Sở", Kind: reception.KindDesk, Scheduled: 20, Held: 3, Citizens: 3},
		}
		if diff := cmp.Diff(want, f.Hosts); diff != "" {
			t.Errorf("hosts (-want +got)\n%s", diff)
		}
		if f.LeadershipCitizens != 8 || f.DeskCitizens != 3 || f.Sessions != 6 || f.Cases.Received != 5 {
			t.Errorf("figures: %+v", f)
		}
		c := f.Cases
		if c.Received != 5 || c.AnsweredOnTime != 1 || c.AnsweredLate != 1 || c.OpenLate != 0 || c.OnTime().VN() != "50%" {
			t.Errorf("cases opened: received %d, on time %d, late %d, open late %d (%s)", c.Received, c.AnsweredOnTime, c.AnsweredLate,
				c.OpenLate, c.OnTime().VN())
		}
		rows, n, err := ta.reports.Cases(t.Context(), report.DrillQuery{Figure: report.FigLate, Period: report.Period{From: f.From, To: f.To},
			Where: []report.Cond{{By: report.ByOrigin, Key: report.OriginReception}}}, 10, 0)
		if err != nil || n != 1 || len(rows) != 1 || rows[0].ID != m.late {
			t.Errorf("late cases opened at reception: %d %+v %v", n, rows, err)
		}
	})
}

// TestReceptionPlanAndWorkbook: November's reception (receptionNovember)
// under task III.1 of the dashboard's plan view, in Vietnamese and in
// English, each case figure linked to its list, and on the workbook's
// reception sheet, read back with excelize: the deputy 3 scheduled, 2
// held, 8 citizens; the desk 20, 3, 3; 8 citizens by the leadership, 3 at
// the desk, 6 visits, 5 cases, 1 on time, 1 late, none open and late,
// 50%; three visitors rated their visit 5, 4 and 2 stars: 66.6% satisfied.
// The denouncer's name and phone appear on neither, nor on the list behind
// the cases figure.
func TestReceptionPlanAndWorkbook(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		m := newReceptionNovember(t, ta)
		// Three visitors rate their visit within November: 5, 4 and 2
		// stars, 2 of 3 satisfied (66.6%, floored).
		ta.setLocal(t, "2026-11-30 16:00")
		for i, stars := range map[int]int{0: 5, 1: 4, 2: 2} {
			if err := ta.reception.Rate(t.Context(), m.sessions[i], ta.reception.RatingSig(m.sessions[i]), stars, ""); err != nil {
				t.Fatal(err)
			}
		}
		ta.setLocal(t, "2026-12-01 10:00")
		addNovemberDialogues(t, ta, m)
		// A case under III.1's topic, telephoned, opened at no session:
		// III.1's row counts it, the reception block does not.
		ta.setLocal(t, "2026-11-16 09:00")
		ta.registerUnder(t, ta.staffActor(t, "office-iii@sxd.test", "VP", access.Office), "tiep-cong-dan-doi-thoai")
		ta.setLocal(t, "2026-12-01 10:00")
		ta.addStaff(t, "vanphong.plan@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.plan@sxd.test")
		secret := func(where, text string) {
			t.Helper()
			for _, s := range []string{"Lý Văn Mật", "0913777888", "0913 777 888"} {
				if strings.Contains(text, s) {
					t.Errorf("%s shows the denouncer (%s)", where, s)
				}
			}
		}
		res, page := b.get("/staff/reports?thang=2026-11")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", res.StatusCode)
		}
		i := strings.Index(page, `id="plan-reception"`)
		if i < 0 || !strings.Contains(page[:i], "<b>III.1</b>") {
			t.Fatal("no reception figures under III.1 in the plan view")
		}
		block := page[i:]
		block = block[:strings.Index(block, "</ul>")]
		for _, want := range []string{"<th scope=\"row\">Phó Giám đốc Sở <span class=\"badge\">Lãnh đạo Sở tiếp</span></th><td>3</td><td>3</td><td>10</td>",
			"<th scope=\"row\">Văn phòng Sở <span class=\"badge\">Tiếp thường xuyên</span></th><td>20</td><td>3</td><td>3</td>",
			`<span class="apart-value">10</span> Lượt công dân được Lãnh đạo Sở tiếp`, `<span class="apart-value">3</span> Lượt công dân được tiếp thường xuyên`,
			`<span class="apart-value">8</span> Lượt tiếp được ghi nhận`, `<span class="apart-value">5</span> Vụ việc vào sổ từ buổi tiếp`,
			`<li id="reception-dialogues"><span class="apart-value">2</span> Buổi đối thoại, 1 đã công khai kết quả</li>`,
			`<span class="apart-value">50%</span> Đúng hạn`, `>1 Trả lời đúng hạn</a>`, `>1 Trả lời quá hạn</a>`, `>0 Đang giải quyết, đã quá hạn</a>`} {
			if !strings.Contains(block, want) {
				t.Errorf("the plan view's reception lacks %q", want)
			}
		}
		if !strings.Contains(block, `<li id="reception-satisfaction"><span class="apart-value">66,6%</span> Hài lòng: 2/3 lượt đánh giá 4–5 sao</li>`) {
			t.Error("the plan view's reception lacks the visitors' satisfaction")
		}
		secret("the plan view", page)
		// III.1's row is the report's by=plan_task row of III.1 (its
		// topic's case, not the cases opened at reception), linked to the
		// task's cases; at work, not idle. Dimension III and the cases
		// with no plan task read as by=dimension and by=plan_task.
		nov := report.Period{From: calendar.MustDate("2026-11-01"), To: calendar.MustDate("2026-11-30")}
		iii := planAgreesWithReport(t, ta, page, nov, "III.1", "III")
		if iii.Figures.Received != 1 {
			t.Errorf("III.1's by=plan_task row: %+v, want its topic's one case", iii.Figures)
		}
		if row := taskRow(t, page, "III.1"); !strings.Contains(row, `class="task-row status-tracking"`) || !strings.Contains(row, "Đang theo dõi") ||
			strings.Contains(row, "origin%3Areception") {
			t.Errorf("III.1's row:\n%s", row)
		}
		_, en := b.get("/staff/reports?thang=2026-11&lang=en")
		for _, want := range []string{"Citizen reception in the period", "Citizens received by the leadership", `<span class="apart-value">50%</span> On time`,
			`<span class="apart-value">66.6%</span> Satisfied: 2 of 3 ratings`, `<span class="apart-value">2</span> Dialogues held, 1 with their result published`} {
			if !strings.Contains(en, want) {
				t.Errorf("the English plan view lacks %q", want)
			}
		}
		// The list behind "5 cases opened".
		href := html.UnescapeString(regexp.MustCompile(`<a href="([^"]+)"><span class="apart-value">5</span>`).FindStringSubmatch(block)[1])
		if !strings.Contains(href, "where=origin%3Areception") {
			t.Errorf("cases link %s", href)
		}
		_, list := b.get(href + "&lang=vi")
		if !strings.Contains(list, "Vụ việc vào sổ từ buổi tiếp công dân") {
			t.Error("the list does not say its cases are those opened at reception")
		}
		if n := strings.Count(list, "/staff/cases/"); n < 5 {
			t.Errorf("the cases opened at reception list %d links", n)
		}
		secret("the list of cases opened at reception", list)

		x := downloadXLSX(t, b, "2026-11-01", "2026-11-30")
		defer x.Close()
		if sheets := x.GetSheetList(); !slices.Equal(sheets, []string{"Báo cáo", "Tiếp công dân", "Danh sách vụ việc"}) {
			t.Errorf("sheets %v", sheets)
		}
		rows, err := x.GetRows("Tiếp công dân")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		var hosts [][]string
		for _, r := range rows {
			secret("the reception sheet", strings.Join(r, "|"))
			switch {
			case len(r) == 6 && r[0] != "STT":
				hosts = append(hosts, r)
			case len(r) >= 3 && r[0] != "":
				got[r[0]] = r[2]
			}
		}
		wantHosts := [][]string{{"1", "Phó Giám đốc Sở", "Lãnh đạo Sở tiếp", "3", "3", "10"}, {"2", "Văn phòng Sở", "Tiếp thường xuyên", "20", "3", "3"}}
		if diff := cmp.Diff(wantHosts, hosts); diff != "" {
			t.Errorf("sheet hosts (-want +got)\n%s", diff)
		}
		for label, want := range map[string]string{"Lượt công dân được Lãnh đạo Sở tiếp": "10", "Lượt công dân được tiếp thường xuyên": "3",
			"Lượt tiếp được ghi nhận": "8", "Buổi đối thoại": "2", "Buổi đối thoại đã công khai kết quả": "1", "Vụ việc vào sổ từ buổi tiếp công dân": "5",
			"Trả lời đúng hạn": "1", "Trả lời quá hạn": "1", "Đang giải quyết, đã quá hạn": "0", "Tỷ lệ đúng hạn (%)": "50.0", "Tỷ lệ hài lòng (%)": "66.6"} {
			if got[label] != want {
				t.Errorf("sheet %q = %q, want %q", label, got[label], want)
			}
		}

		// An English reader gets the workbook and the report's CSV in
		// English, with the same figures.
		b.get("/staff/reports?thang=2026-11&lang=en")
		xe := downloadXLSX(t, b, "2026-11-01", "2026-11-30")
		defer xe.Close()
		if sheets := xe.GetSheetList(); !slices.Equal(sheets, []string{"Report", "Citizen reception", "Cases"}) {
			t.Errorf("English sheets %v", sheets)
		}
		erows, err := xe.GetRows("Citizen reception")
		if err != nil {
			t.Fatal(err)
		}
		gotEN := map[string]string{}
		for _, r := range erows {
			secret("the English reception sheet", strings.Join(r, "|"))
			if len(r) == 6 && r[0] == "1" && (r[2] != "Leadership reception" || r[5] != "10") {
				t.Errorf("English host row %v", r)
			}
			if len(r) >= 3 && r[0] != "" {
				gotEN[r[0]] = r[2]
			}
		}
		for label, want := range map[string]string{"Citizens received by the leadership": "10", "Citizens received at the desk": "3",
			"Visits recorded": "8", "Dialogues held": "2", "Dialogues with their result published": "1", "Cases opened at citizen reception": "5",
			"Answered on time": "1", "Answered late": "1", "Open and late": "0", "On-time rate (%)": "50.0", "Satisfaction (%)": "66.6"} {
			if gotEN[label] != want {
				t.Errorf("English sheet %q = %q, want %q", label, gotEN[label], want)
			}
		}
		if v, _ := xe.GetCellValue("Report", "F1"); v != "SOCIALIST REPUBLIC OF VIET NAM" {
			t.Errorf("English report sheet F1 %q", v)
		}
		_, csvEN := b.get("/staff/reports/table.csv?from=2026-11-01&to=2026-11-30&by=unit")
		if !strings.HasPrefix(strings.TrimPrefix(csvEN, "\uFEFF"), "Code,Name,Received in the period,") || !strings.Contains(csvEN, "\n,Total,") {
			t.Errorf("English report CSV:\n%s", csvEN)
		}
		_, csvVI := b.get("/staff/reports/table.csv?from=2026-11-01&to=2026-11-30&by=unit&lang=vi")
		if !strings.HasPrefix(strings.TrimPrefix(csvVI, "\uFEFF"), "Mã,Tên,Tiếp nhận trong kỳ,") || !strings.Contains(csvVI, "\n,Tổng cộng,") {
			t.Errorf("Vietnamese report CSV:\n%s", csvVI)
		}

		// The office's reception page, on November's last evening: the
		// cases opened and their on-time rate, the plan view's figures.
		ta.setLocal(t, "2026-11-30 18:00")
		for lang, want := range map[string]string{
			"vi": "Vụ việc vào sổ từ buổi tiếp: 5; tỷ lệ đúng hạn 50% (1 trả lời đúng hạn, 1 trả lời quá hạn, 0 đang giải quyết, đã quá hạn).",
			"en": "Cases opened from sessions: 5; on-time rate 50% (1 answered on time, 1 answered late, 0 open and late).",
		} {
			_, office := b.get("/staff/reception?lang=" + lang)
			if !strings.Contains(office, `<p id="reception-cases">`+want+`</p>`) {
				t.Errorf("/staff/reception (%s) lacks %q", lang, want)
			}
		}
		ta.setLocal(t, "2026-12-01 10:00")

		// The public's plan: November's aggregates under III.1, no link,
		// no citizens by host, nothing of the denouncer's session (its
		// day, its kind, its name); III.1's row the by=plan_task row.
		anon := ta.browser(t)
		for lang, wants := range map[string][]string{
			"vi": {"Phó Giám đốc Sở <span class=\"badge\">Lãnh đạo Sở tiếp</span>: tiếp 3/3 ngày theo lịch",
				"Văn phòng Sở <span class=\"badge\">Tiếp thường xuyên</span>: tiếp 3/20 ngày theo lịch",
				`<span class="apart-value">10</span> Lượt công dân được Lãnh đạo Sở tiếp`, `<span class="apart-value">3</span> Lượt công dân được tiếp thường xuyên`,
				`<span class="apart-value">2</span> Buổi đối thoại, 1 đã công khai kết quả`, `<span class="apart-value">5</span> Vụ việc vào sổ từ buổi tiếp`,
				`<span class="apart-value">50%</span> Đúng hạn: 1 Trả lời đúng hạn, 1 Trả lời quá hạn, 0 Đang giải quyết, đã quá hạn`},
			"en": {"Phó Giám đốc Sở <span class=\"badge\">Leadership reception</span>: 3 of 3 scheduled days held",
				`<span class="apart-value">10</span> Citizens received by the leadership`, `<span class="apart-value">2</span> Dialogues held, 1 with their result published`,
				`<span class="apart-value">5</span> Cases opened at citizen reception`, `<span class="apart-value">50%</span> On time: 1 Answered on time, 1 Answered late, 0 Open and late`},
		} {
			res, pub := anon.get("/minh-bach?thang=2026-11&lang=" + lang)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/minh-bach: %d", res.StatusCode)
			}
			secret("the public page", pub)
			i := strings.Index(pub, `id="public-reception"`)
			if i < 0 || !strings.Contains(pub[:i], "<b>III.1.</b>") {
				t.Fatalf("no reception figures under III.1 on the public page (%s)", lang)
			}
			block := pub[i:]
			block = block[:strings.Index(block, "</div>")]
			for _, want := range wants {
				if !strings.Contains(block, want) {
					t.Errorf("the public reception (%s) lacks %q:\n%s", lang, want, block)
				}
			}
			// 8 visits but 3 ratings: the stars of three visitors are not
			// published.
			for _, never := range []string{"href", "30/11", "Tố cáo", "tố cáo", "Denunciation", "denunciation", "Lý Văn Mật", "Công dân",
				"reception-satisfaction", "Hài lòng", "Satisfied"} {
				if carries(block, never) {
					t.Errorf("the public reception (%s) shows %q", lang, never)
				}
			}
			li := pub[strings.LastIndex(pub[:i], `<li class="task`):i]
			if want := publicTaskFigures(iii.Figures, lang); !strings.Contains(li, "status-tracking") || !strings.Contains(li, want) {
				t.Errorf("the public III.1 row (%s) is not the report's by=plan_task row (%s):\n%s", lang, want, li)
			}
		}
		// The open data gives November's reception as the page does, and
		// none for December, still running.
		for month, want := range map[string]string{
			"2026-11": `{"withheld":false,"hosts":[{"host":"Phó Giám đốc Sở","leadership":true,"scheduled":3,"held":3},` +
				`{"host":"Văn phòng Sở","leadership":false,"scheduled":20,"held":3}],"leadership_citizens":10,"desk_citizens":3,` +
				`"dialogues":2,"dialogues_published":1,"cases_opened":5,"answered_on_time":1,"answered_late":1,"open_late":0,"on_time_rate":50}`,
			"2026-12": "null"} {
			res, body := anon.get("/api/v1/public/stats?period=" + month)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("open data %s: %d", month, res.StatusCode)
			}
			secret("the open data", body)
			var got struct{ Reception json.RawMessage }
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if string(got.Reception) == "" {
				got.Reception = json.RawMessage("null")
			}
			if canon := compactJSON(t, got.Reception); canon != compactJSON(t, []byte(want)) {
				t.Errorf("open data %s: reception %s, want %s", month, canon, want)
			}
		}
		// The month still running publishes no reception figures.
		_, dec := anon.get("/minh-bach?thang=2026-12&lang=vi")
		if !strings.Contains(dec, "Kết quả tiếp công dân của tháng được công khai sau khi tháng kết thúc.") {
			t.Errorf("December's reception figures are public before the month ends: %s", dec[strings.Index(dec, `id="pplan-h"`):])
		}
	})
}

// compactJSON is raw as canonical JSON (keys sorted), to compare.
func compactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// periodReport is the staff API's report of p by by.
func periodReport(t *testing.T, ta *testApp, p report.Period, by string) httpapi.OnTimeReport {
	t.Helper()
	var rep httpapi.OnTimeReport
	ta.getJSON(t, "/api/v1/reports/on-time?from="+p.From.String()+"&to="+p.To.String()+"&by="+by, 200, &rep,
		"Authorization", ta.staffToken(t, "", access.Office))
	return rep
}

// reportRowOf is rep's row whose code is code ("" for the row of none),
// zero when the report has none.
func reportRowOf(rep httpapi.OnTimeReport, code string) httpapi.OnTimeReportRow {
	for _, r := range rep.Rows {
		if (r.Code == nil && code == "" && r.Key == "") || (r.Code != nil && *r.Code == code) {
			return r
		}
	}
	return httpapi.OnTimeReportRow{}
}

// rateVN is an API rate as the pages write it in Vietnamese.
func rateVN(r *float64) string {
	if r == nil {
		return "—"
	}
	return strings.ReplaceAll(strconv.FormatFloat(*r, 'f', -1, 64), ".", ",") + "%"
}

// publicTaskFigures is a public plan task row's figures.
func publicTaskFigures(f httpapi.ReportFigures, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("Received %d, on time %d, late %d, open and late %d", f.Received, f.AnsweredOnTime, f.AnsweredLate, f.OpenLate)
	}
	return fmt.Sprintf("Tiếp nhận %d, đúng hạn %d, quá hạn %d, đang quá hạn %d", f.Received, f.AnsweredOnTime, f.AnsweredLate, f.OpenLate)
}

// planAgreesWithReport checks the staff plan view (page, in Vietnamese)
// against the report of p over the API: task key's row is the by=plan_task
// row of key, each figure linked to the task's cases, its dimension's rate
// that of the by=dimension row numeral, and the cases with no plan task
// the by=plan_task row of none. It returns the task's API row.
func planAgreesWithReport(t *testing.T, ta *testApp, page string, p report.Period, key, numeral string) httpapi.OnTimeReportRow {
	t.Helper()
	byTask, byDim := periodReport(t, ta, p, "plan_task"), periodReport(t, ta, p, "dimension")
	want := reportRowOf(byTask, key)
	row := taskRow(t, page, key)
	for fig, n := range map[string]int{"received": int(want.Figures.Received), "on_time": int(want.Figures.AnsweredOnTime),
		"late": int(want.Figures.AnsweredLate), "open_late": int(want.Figures.OpenLate)} {
		if !regexp.MustCompile(`<a href="[^"]*by=plan_task&amp;figure=` + fig + `&amp;[^"]*">` + strconv.Itoa(n) + `</a>`).MatchString(row) {
			t.Errorf("%s's row: %s is not the report's by=plan_task %d:\n%s", key, fig, n, row)
		}
	}
	if r := rateVN(want.Figures.OnTimeRate); !strings.Contains(row, "<td>"+r) {
		t.Errorf("%s's row: its rate is not the report's by=plan_task %s:\n%s", key, r, row)
	}
	// The heading gives the rate when there is one.
	dim, heading := rateVN(reportRowOf(byDim, numeral).Figures.OnTimeRate), `[^<·]*</th>`
	if dim != "—" {
		heading = `[^<]* · ` + regexp.QuoteMeta(dim) + `</th>`
	}
	if !regexp.MustCompile(`<span class="numeral">` + numeral + `</span> ` + heading).MatchString(page) {
		t.Errorf("dimension %s's heading does not read the report's by=dimension %s", numeral, dim)
	}
	if n := reportRowOf(byTask, "").Figures.Received; !strings.Contains(page, fmt.Sprintf("Vụ việc chưa gắn nhiệm vụ: %d.", n)) {
		t.Errorf("the plan view's cases with no plan task are not the report's by=plan_task %d", n)
	}
	return want
}

// addNovemberDialogues adds two dialogues with the deputy on Thursday
// 19/11 to receptionNovember, guided on the spot (no case), one of them
// with its result published: the deputy then held 3 of 3 days and
// received 10 citizens, in 8 sessions.
func addNovemberDialogues(t *testing.T, ta *testApp, m receptionNovember) {
	t.Helper()
	office := ta.staffActor(t, "office-dialogue@sxd.test", "VP", access.Office)
	ta.setLocal(t, "2026-11-19 09:00")
	for i, name := range []string{"Công dân Đối Thoại", "Công dân Chờ Kết Quả"} {
		se, err := ta.reception.Record(t.Context(), office, reception.SessionInput{ScheduleID: m.deputy.ID, Day: calendar.MustDate("2026-11-19"),
			Receiver: "Phó Giám đốc Sở", Kind: petition.KindPetition, Name: name, Content: "Đối thoại về quy hoạch khu dân cư Bản Cưởm.",
			Outcome: reception.OutcomeGuided, Dialogue: true})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := ta.reception.PublishResult(t.Context(), office, se.ID, "Sở đã giải thích quy hoạch và hẹn kiểm tra hiện trường."); err != nil {
				t.Fatal(err)
			}
		}
	}
	ta.setLocal(t, "2026-12-01 10:00")
}

// taskRow is the plan view's row of the task key.
func taskRow(t *testing.T, page, key string) string {
	t.Helper()
	i := strings.Index(page, "<b>"+key+"</b>")
	if i < 0 {
		t.Fatalf("no row of task %s", key)
	}
	start := strings.LastIndex(page[:i], "<tr")
	end := i + strings.Index(page[i:], "</tr>")
	return page[start:end]
}

// TestReceptionPublicFewVisits: a month of fewer visits than the report's
// small count (5) publishes no citizens, dialogues or satisfaction on
// /minh-bach, only the days held and the cases, and says why. November
// has a denouncer's session and a petitioner's, the denouncer rating the
// visit; December two petitioners'. Both months read the same but for
// their numbers, so the withholding says nothing of the seal, and
// nothing of the denouncer (name, phone, day, kind, stars) is on the page.
func TestReceptionPublicFewVisits(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := t.Context()
		office := ta.staffActor(t, "office-few@sxd.test", "VP", access.Office)
		ta.setLocal(t, "2026-11-02 08:00")
		desk, err := ta.reception.SaveSchedule(ctx, office, reception.Schedule{Kind: reception.KindDesk, Host: "Văn phòng Sở",
			Repeat: reception.RepeatWorkingDays, StartMin: 450, EndMin: 1020, Place: "Phòng tiếp công dân", From: calendar.MustDate("2026-11-01"), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		record := func(at string, in reception.SessionInput) int64 {
			t.Helper()
			ta.setLocal(t, at)
			in.Day, in.ScheduleID, in.Receiver = calendar.DateOf(ta.Clock.Now(), hanoi), desk.ID, "Chuyên viên Văn phòng"
			s, err := ta.reception.Record(ctx, office, in)
			if err != nil {
				t.Fatalf("record %s: %v", at, err)
			}
			return s.ID
		}
		sealed := record("2026-11-17 09:00", reception.SessionInput{Kind: petition.KindDenunciation, Name: "Lý Văn Mật", Phone: "0913 777 888",
			Content: "Tố cáo cán bộ địa chính xã nhận tiền của nhà thầu.", Outcome: reception.OutcomeVerify})
		if err := ta.reception.Rate(ctx, sealed, ta.reception.RatingSig(sealed), 1, ""); err != nil {
			t.Fatal(err)
		}
		record("2026-11-18 09:00", reception.SessionInput{Kind: petition.KindPetition, Name: "Công dân Một",
			Content: "Đề nghị xem xét việc cấp phép xây dựng tại xã Mai Pha.", Outcome: reception.OutcomeVerify})
		record("2026-12-15 09:00", reception.SessionInput{Kind: petition.KindPetition, Name: "Công dân Hai",
			Content: "Đề nghị xem xét việc cấp phép xây dựng tại xã Mai Pha.", Outcome: reception.OutcomeVerify})
		anon := ta.browser(t)
		// While December runs, watching /minh-bach across a visit shows
		// nothing of it under III.1: its row, the task's topic's cases,
		// reads the same before and after.
		var before string
		for _, at := range []string{"2026-12-16 08:30", "2026-12-16 09:30"} {
			if at == "2026-12-16 09:30" {
				record("2026-12-16 09:00", reception.SessionInput{Kind: petition.KindPetition, Name: "Công dân Ba",
					Content: "Đề nghị xem xét việc cấp phép xây dựng tại xã Mai Pha.", Outcome: reception.OutcomeVerify})
			}
			ta.setLocal(t, at)
			_, page := anon.get("/minh-bach?lang=vi&thang=2026-12")
			i := strings.Index(page, `id="public-reception"`)
			if i < 0 {
				t.Fatalf("%s: no reception block under III.1", at)
			}
			li := page[strings.LastIndex(page[:i], `<li class="task`):i]
			li = li[:strings.Index(li, `<div class="reception-plan"`)]
			if want := publicTaskFigures(httpapi.ReportFigures{}, "vi"); !strings.Contains(li, want) {
				t.Errorf("%s: the public III.1 row counts the running month's reception cases:\n%s", at, li)
			}
			if before != "" && li != before {
				t.Errorf("%s: the public III.1 row changed across a visit:\n%s\n---\n%s", at, before, li)
			}
			before = li
		}
		ta.setLocal(t, "2027-01-04 10:00")
		digits := regexp.MustCompile(`[0-9]+`)
		var shapes []string
		for _, month := range []string{"2026-11", "2026-12"} {
			res, page := anon.get("/minh-bach?lang=vi&thang=" + month)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/minh-bach %s: %d", month, res.StatusCode)
			}
			i := strings.Index(page, `id="public-reception"`)
			if i < 0 {
				t.Fatalf("%s: no reception figures under III.1", month)
			}
			block := page[i:]
			block = block[:strings.Index(block, "</div>")]
			for _, want := range []string{"tiếp 2/",
				"Tháng có ít lượt tiếp: số lượt công dân, đối thoại, vụ việc vào sổ và mức độ hài lòng không được công khai"} {
				if !strings.Contains(block, want) {
					t.Errorf("%s: the public reception lacks %q:\n%s", month, want, block)
				}
			}
			for _, never := range []string{"Lượt công dân được", "Buổi đối thoại", "Hài lòng", "sao", "17/11", "Tố cáo", "tố cáo", "Lý Văn Mật", "0913",
				"Vụ việc vào sổ", "Đúng hạn", "quá hạn"} {
				if carries(block, never) {
					t.Errorf("%s: the public reception shows %q", month, never)
				}
			}
			// III.1's row is the report's by=plan_task row (no case under
			// its topic), at work since reception days were held.
			p := report.Period{From: calendar.MustDate(month + "-01"), To: calendar.MustDate(map[string]string{"2026-11": "2026-11-30", "2026-12": "2026-12-31"}[month])}
			want := publicTaskFigures(reportRowOf(periodReport(t, ta, p, "plan_task"), "III.1").Figures, "vi")
			if li := page[strings.LastIndex(page[:i], `<li class="task`):i]; !strings.Contains(li, want) || !strings.Contains(li, "status-tracking") {
				t.Errorf("%s: the public III.1 row is not the report's by=plan_task row (%s):\n%s", month, want, li)
			}
			for _, s := range []string{"Lý Văn Mật", "0913777888", "0913 777 888"} {
				if strings.Contains(page, s) {
					t.Errorf("%s: the public page shows the denouncer (%s)", month, s)
				}
			}
			// The open data withholds as the page does.
			_, body := anon.get("/api/v1/public/stats?period=" + month)
			var od struct{ Reception map[string]any }
			if err := json.Unmarshal([]byte(body), &od); err != nil {
				t.Fatal(err)
			}
			if od.Reception["withheld"] != true || len(od.Reception) != 2 {
				t.Errorf("%s: the open data's reception of a month of few visits: %v", month, od.Reception)
			}
			for _, s := range []string{"Lý Văn Mật", "0913"} {
				if carries(body, s) {
					t.Errorf("%s: the open data shows the denouncer (%s)", month, s)
				}
			}
			// The numbers aside (a rate is a number or "—" with nothing
			// due yet), the two months read alike.
			shapes = append(shapes, strings.ReplaceAll(strings.ReplaceAll(digits.ReplaceAllString(block, "#"), "#%", "N"), "—", "N"))
		}
		if shapes[0] != shapes[1] {
			t.Errorf("a month with a sealed session reads differently from one without:\n%s\n---\n%s", shapes[0], shapes[1])
		}
	})
}
