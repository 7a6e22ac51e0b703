package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
)

// fieldCodes are an error body's fields with their message ids.
func fieldCodes(e present.ErrorBody) map[string]string {
	out := map[string]string{}
	for _, f := range e.Errors {
		out[f.Field] = f.Code
	}
	return out
}

// TestReceptionScheduleAPI: the office keeps the reception schedule over
// the JSON API on Monday 2 November 2026: adds the deputy's
// Thursdays, edits the place, cancels Thursday 12/11 and moves Thursday
// 19/11 to Friday 20/11, each with its reason; bad input is refused field
// by field, in Vietnamese and in English; a day that is not the
// schedule's, an unknown schedule and a unit officer are refused. Anyone
// reads November's reception days: 5, 12 (cancelled, with its reason), 20
// (moved from 19) and 26, the same days the public page shows; a bad or
// too long range is refused. A denouncer received that week is on none of
// it.
func TestReceptionScheduleAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-11-02 08:00")
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		base := "/api/v1/admin/reception/schedules"
		in := map[string]any{"kind": "leadership", "host": "Phó Giám đốc Sở", "repeat": "weekly", "weekday": 4, "start": "07:30", "end": "11:00",
			"place": "Trụ sở tiếp công dân", "online_url": "https://tiepcongdan.langson.gov.vn/p1", "capacity": 10, "from": "2026-11-01", "active": true}
		var s httpapi.ReceptionSchedule
		ta.callJSON(t, "POST", base, office, in, http.StatusCreated, &s)
		id := strconv.FormatInt(s.Id, 10)
		if s.Id == 0 || s.Weekday == nil || *s.Weekday != 4 || s.Start != "07:30" || s.Until != nil || s.DayOfMonth != nil {
			t.Errorf("created: %+v", s)
		}
		in["place"] = "Trụ sở tiếp công dân tỉnh, số 2 Hùng Vương"
		ta.callJSON(t, "PUT", base+"/"+id, office, in, http.StatusOK, &s)
		var got httpapi.ReceptionSchedule
		ta.callJSON(t, "GET", base+"/"+id, office, nil, http.StatusOK, &got)
		if got.Place != "Trụ sở tiếp công dân tỉnh, số 2 Hùng Vương" {
			t.Errorf("edited place: %q", got.Place)
		}
		var list struct{ Schedules []httpapi.ReceptionSchedule }
		ta.callJSON(t, "GET", base, office, nil, http.StatusOK, &list)
		if len(list.Schedules) != 1 || list.Schedules[0].Id != s.Id {
			t.Errorf("list: %+v", list)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action IN ('reception.schedule.create', 'reception.schedule.update')"); n != 2 {
			t.Errorf("%d audit rows for two saves", n)
		}

		// Bad input, field by field, in the caller's language.
		bad := map[string]any{"kind": "leadership", "host": "", "repeat": "weekly", "weekday": 4, "start": "25:00", "end": "11:00",
			"place": "Trụ sở", "capacity": 10, "from": "2026-13-01", "active": true}
		var e present.ErrorBody
		ta.callJSON(t, "POST", base, office, bad, http.StatusUnprocessableEntity, &e)
		if diff := cmp.Diff(map[string]string{"host": "reception.host_required", "end": "reception.hours", "from": "reception.from"}, fieldCodes(e)); diff != "" {
			t.Errorf("bad schedule (-want +got)\n%s", diff)
		}
		if !strings.Contains(string(ta.callJSON(t, "POST", base, office, bad, http.StatusUnprocessableEntity, nil)), "Giờ") {
			t.Error("no Vietnamese message for the hours")
		}
		if b := ta.callJSON(t, "POST", base+"?lang=en", office, bad, http.StatusUnprocessableEntity, nil); !strings.Contains(string(b), "hours") {
			t.Errorf("English: %s", b)
		}
		ta.callJSON(t, "PUT", base+"/9999", office, in, http.StatusNotFound, nil)
		ta.callJSON(t, "GET", base+"/9999", office, nil, http.StatusNotFound, nil)
		ta.callJSON(t, "POST", base, officer, in, http.StatusForbidden, nil)
		ta.callJSON(t, "GET", base, "", nil, http.StatusUnauthorized, nil)

		// Changes, each with its published reason.
		var c httpapi.ReceptionDayChange
		ta.callJSON(t, "POST", base+"/"+id+"/changes", office, map[string]any{"day": "2026-11-12", "reason": "Phó Giám đốc đi công tác"}, http.StatusCreated, &c)
		if !c.Cancelled || c.MovedTo != nil || c.Day != "2026-11-12" {
			t.Errorf("cancel: %+v", c)
		}
		ta.callJSON(t, "POST", base+"/"+id+"/changes", office, map[string]any{"day": "2026-11-19", "moved_to": "2026-11-20", "reason": "Trùng lịch họp UBND tỉnh"},
			http.StatusCreated, &c)
		if c.Cancelled || c.MovedTo == nil || *c.MovedTo != "2026-11-20" {
			t.Errorf("move: %+v", c)
		}
		e = present.ErrorBody{}
		ta.callJSON(t, "POST", base+"/"+id+"/changes", office, map[string]any{"day": "2026-11-13", "moved_to": "2026-11-01", "reason": "x"},
			http.StatusUnprocessableEntity, &e)
		if diff := cmp.Diff(map[string]string{"day": "reception.not_a_day", "moved_to": "reception.moved_to", "reason": "reception.reason_required"},
			fieldCodes(e)); diff != "" {
			t.Errorf("bad change (-want +got)\n%s", diff)
		}
		ta.callJSON(t, "POST", base+"/9999/changes", office, map[string]any{"day": "2026-11-12", "reason": "Đi công tác"}, http.StatusNotFound, nil)
		ta.callJSON(t, "POST", base+"/"+id+"/changes", officer, map[string]any{"day": "2026-11-26", "reason": "Đi công tác"}, http.StatusForbidden, nil)

		// A denouncer received at the desk on Thursday 5/11.
		ta.setLocal(t, "2026-11-05 10:00")
		if _, err := ta.reception.Record(t.Context(), ta.staffActor(t, "office-api@sxd.test", "VP", access.Office), reception.SessionInput{
			ScheduleID: s.Id, Day: calendar.MustDate("2026-11-05"), Receiver: "Phó Giám đốc Sở", Kind: petition.KindDenunciation,
			Name: "Lý Văn Mật", Phone: "0913 777 888", Content: "Tố cáo cán bộ địa chính xã nhận tiền của nhà thầu công trình trường học.",
			Outcome: reception.OutcomeVerify}); err != nil {
			t.Fatal(err)
		}

		// The published days, to anyone.
		var days struct {
			From, To string
			Days     []httpapi.ReceptionDay
		}
		body := ta.callJSON(t, "GET", "/api/v1/reception/days?from=2026-11-01&to=2026-11-30", "", nil, http.StatusOK, &days)
		type day struct {
			Day, Regular     string
			Cancelled, Moved bool
			Reason           string
			Start            string
		}
		var seen []day
		for _, d := range days.Days {
			seen = append(seen, day{d.Day, d.RegularDay, d.Cancelled, d.Moved, strOr(d.Reason), d.Start.In(hanoi).Format("2006-01-02 15:04")})
		}
		want := []day{{"2026-11-05", "2026-11-05", false, false, "", "2026-11-05 07:30"},
			{"2026-11-12", "2026-11-12", true, false, "Phó Giám đốc đi công tác", "2026-11-12 07:30"},
			{"2026-11-20", "2026-11-19", false, true, "Trùng lịch họp UBND tỉnh", "2026-11-20 07:30"},
			{"2026-11-26", "2026-11-26", false, false, "", "2026-11-26 07:30"}}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Errorf("November's days (-want +got)\n%s", diff)
		}
		for _, secret := range []string{"Mật", "0913777888", "0913 777 888", "nhà thầu"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("the published days carry %q", secret)
			}
		}
		_, page := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan", nil)
		for _, d := range []string{"20/11/2026", "Trùng lịch họp UBND tỉnh"} {
			if !strings.Contains(string(page), d) {
				t.Errorf("the public page lacks %q, which the API gives", d)
			}
		}
		for q, field := range map[string]string{"from=2026-11-30&to=2026-11-01": "to", "from=2026-01-01&to=2027-01-02": "to",
			"from=hôm-qua": "from", "from=2026-11-01&to=2026-02-30": "to"} {
			e = present.ErrorBody{}
			ta.callJSON(t, "GET", "/api/v1/reception/days?"+q, "", nil, http.StatusUnprocessableEntity, &e)
			if len(e.Errors) != 1 || e.Errors[0].Field != field || e.Message == "" {
				t.Errorf("%s: %+v", q, e)
			}
		}
		days.Days = nil
		ta.callJSON(t, "GET", "/api/v1/reception/days?lang=en", "", nil, http.StatusOK, &days)
		if days.From != "2026-11-05" || days.To != "2026-12-20" || len(days.Days) != 7 {
			t.Errorf("the default range: %s to %s, %d days", days.From, days.To, len(days.Days))
		}
	})
}

func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
