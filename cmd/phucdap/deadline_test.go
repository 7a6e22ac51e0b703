package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

func hasDay(days []httpapi.CalendarDayOff, date string) (httpapi.CalendarDayOff, bool) {
	for _, d := range days {
		if d.Date == date {
			return d, true
		}
	}
	return httpapi.CalendarDayOff{}, false
}

func TestCalendarAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		var y httpapi.CalendarYear
		ta.getJSON(t, "/api/v1/calendar/2026", 200, &y)
		// 24/11 (Ngày Văn hóa Việt Nam) is unconfirmed: so is the year.
		if y.Confirmed || y.Proposed || y.Year != 2026 || len(y.UnconfirmedEntries) != 1 || y.UnconfirmedEntries[0] != "2026-11-24" {
			t.Errorf("2026: confirmed %v proposed %v unconfirmed %v", y.Confirmed, y.Proposed, y.UnconfirmedEntries)
		}
		for _, date := range []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-04-27", "2026-04-30", "2026-05-01",
			"2026-08-29", "2026-08-30", "2026-08-31", "2026-09-01", "2026-09-02", "2026-11-24"} {
			if _, ok := hasDay(y.DaysOff, date); !ok {
				t.Errorf("2026 lacks day off %s", date)
			}
		}
		if d, _ := hasDay(y.DaysOff, "2026-02-17"); d.Name != "Tết Nguyên đán" || d.Source == nil || *d.Source == "" {
			t.Errorf("Tết entry: %+v", d)
		}
		if d, _ := hasDay(y.DaysOff, "2026-08-31"); d.Source == nil || !strings.Contains(*d.Source, "9441/TB-BNV") || d.Unconfirmed == nil || *d.Unconfirmed {
			t.Errorf("31/08/2026 entry: %+v", d)
		}
		if len(y.WorkingSaturdays) != 2 || y.WorkingSaturdays[0].Date != "2026-01-10" || y.WorkingSaturdays[1].Date != "2026-08-22" {
			t.Errorf("2026 working Saturdays: %+v", y.WorkingSaturdays)
		}
		// Through the API, on the stored table: 5 working days from Thu
		// 20/08 count Fri 21 and Sat 22/08 and end on Wed 26/08; from Thu
		// 27/08 they count Fri 28/08, jump the break and end Tue 08/09; from
		// Fri 20/11 they skip the unconfirmed 24/11: provisional.
		for _, tt := range []struct {
			start, due  string
			provisional bool
		}{
			{"2026-08-20", "2026-08-26", false},
			{"2026-08-27", "2026-09-08", false},
			{"2026-11-20", "2026-11-30", true},
			{"2026-11-09", "2026-11-16", false},
		} {
			var ex httpapi.DeadlineExplanation
			ta.getJSON(t, "/api/v1/deadline/explain?rule=pakn.forward&start="+tt.start, 200, &ex)
			if ex.DueDate != tt.due || ex.Provisional != tt.provisional {
				t.Errorf("pakn.forward from %s: due %s provisional %v, want %s %v", tt.start, ex.DueDate, ex.Provisional, tt.due, tt.provisional)
			}
		}
		var draft httpapi.CalendarYear
		ta.getJSON(t, "/api/v1/calendar/2031", 200, &draft)
		if draft.Confirmed || !draft.Proposed || len(draft.DaysOff) < 8 {
			t.Errorf("2031 should be an unconfirmed draft: %+v", draft)
		}
		var e present.ErrorBody
		ta.getJSON(t, "/api/v1/calendar/1800", 422, &e)
		if len(e.Errors) != 1 || e.Errors[0].Field != "year" || strings.Contains(e.Message+e.Errors[0].Message, "deadline:") {
			t.Errorf("year out of range: %+v", e)
		}

		// Editing the calendar is the office's: a unit officer is refused,
		// and nothing changes.
		res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2031", strings.NewReader(`{"confirmed":true,"days_off":[],"working_saturdays":[]}`), "Content-Type", "application/json",
			"Authorization", ta.staffToken(t, "PQLXD", access.UnitOfficer))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("PUT by a unit officer: %d %s", res.StatusCode, b)
		}
		ta.getJSON(t, "/api/v1/calendar/2031", 200, &draft)
		if !draft.Proposed {
			t.Error("a refused PUT stored the year")
		}
	})
}

func TestCalendarEditSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db)
		// Changing the calendar is the office's (access.ActCalendarManage).
		office := ta.staffToken(t, "VP", access.Office)
		body := `{"confirmed": true,
			"days_off": [
				{"date": "2031-01-01", "name": "Tết Dương lịch", "source": "Thông báo thử"},
				{"date": "2031-01-02", "name": "Nghỉ thử", "source": "Thông báo thử"}
			],
			"working_saturdays": [{"date": "2031-01-04", "source": "Thông báo thử"}]}`
		res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2031", strings.NewReader(body), "Content-Type", "application/json", "Authorization", office)
		if res.StatusCode != 200 {
			t.Fatalf("PUT: %d %s", res.StatusCode, b)
		}
		bad := `{"confirmed": true, "days_off": [{"date": "2030-12-31", "name": "x"}], "working_saturdays": []}`
		res, b = ta.do(t, http.MethodPut, "/api/v1/calendar/2031?lang=en", strings.NewReader(bad), "Content-Type", "application/json", "Authorization", office)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "31 December 2030 is not in 2031.") {
			t.Errorf("invalid table: %d %s", res.StatusCode, b)
		}
		res, b = ta.do(t, http.MethodPut, "/api/v1/calendar/2031", strings.NewReader(`{"confirmed":true,"days_off":[{"date":"31/01/2031","name":"x"}],"working_saturdays":[]}`), "Content-Type", "application/json", "Authorization", office)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"field":"days_off[0].date"`) {
			t.Errorf("bad date: %d %s", res.StatusCode, b)
		}

		// The change is in the audit trail, with who made it.
		var trail struct{ Entries []httpapi.AuditEntry }
		ta.getJSON(t, "/api/v1/audit?action=calendar.save", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 1 || trail.Entries[0].EntityId != "2031" || trail.Entries[0].ActorId == nil || trail.Entries[0].After == nil || trail.Entries[0].Before != nil {
			t.Errorf("audit of the calendar save: %+v", trail.Entries)
		}

		// A second app over the same database (a restart, or another
		// replica) sees the stored year.
		again := newTestApp(t, db)
		var y httpapi.CalendarYear
		again.getJSON(t, "/api/v1/calendar/2031", 200, &y)
		if y.Proposed || !y.Confirmed || len(y.DaysOff) != 2 || len(y.WorkingSaturdays) != 1 || y.ConfirmedBy == nil {
			t.Errorf("after restart: %+v", y)
		}
		var ex httpapi.DeadlineExplanation
		// Received Tue 31/12/2030; 5 working days over the stored 2031:
		// 01 and 02 off, Fri 03 (1), Sat 04 worked (2), Mon 06 (3), Tue 07 (4),
		// Wed 08 (5).
		again.getJSON(t, "/api/v1/deadline/explain?rule=pakn.forward&start=2030-12-31", 200, &ex)
		if ex.DueDate != "2031-01-08" {
			t.Errorf("pakn.forward from 2030-12-31 over the edited 2031: due %s, want 2031-01-08", ex.DueDate)
		}
	})
}

func TestDeadlineExplainAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		var ex httpapi.DeadlineExplanation
		ta.getJSON(t, "/api/v1/deadline/explain?rule=denunciation.initial&start=2026-02-12", 200, &ex)
		if ex.DueDate != "2026-03-02" || ex.Unit != "working_days" || ex.Limit != 7 {
			t.Errorf("denunciation.initial: due %s unit %s limit %d", ex.DueDate, ex.Unit, ex.Limit)
		}
		tet := 0
		for _, s := range ex.Skipped {
			if strings.Contains(s.Reason, "Tết") {
				tet++
			}
		}
		if tet != 9 {
			t.Errorf("want the 9 Tết days 14–22/02 skipped, got %d: %+v", tet, ex.Skipped)
		}
		if ex.DueAt.Format("2006-01-02T15:04:05-07:00") != "2026-03-03T00:00:00+07:00" {
			t.Errorf("due_at %s", ex.DueAt)
		}
		if !strings.Contains(ex.TextVi, "Tết Nguyên đán") || !strings.Contains(ex.Rule.LegalBasis, "Tố cáo") {
			t.Errorf("explanation: %s / %s", ex.TextVi, ex.Rule.LegalBasis)
		}

		ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.resolve&start=2026-02-12", 200, &ex)
		if ex.DueDate != "2026-03-16" || ex.RolledForwardFrom == nil || *ex.RolledForwardFrom != "2026-03-14" || ex.Unit != "calendar_days" {
			t.Errorf("complaint.resolve: %+v", ex)
		}
		if !strings.Contains(ex.TextVi, "14/03/2026") || !strings.Contains(ex.TextVi, "Thứ Bảy") || !strings.Contains(ex.TextEn, "Saturday") {
			t.Errorf("roll-forward not explained: %s | %s", ex.TextVi, ex.TextEn)
		}

		// The law changed on 01/07/2026: 10 days before, 7 working days after.
		ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.accept&start=2026-06-20", 200, &ex)
		if ex.Unit != "calendar_days" || ex.Limit != 10 {
			t.Errorf("complaint.accept before 01/07/2026: %s %d", ex.Unit, ex.Limit)
		}
		ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.accept&start=2026-07-02", 200, &ex)
		if ex.Unit != "working_days" || ex.Limit != 7 || ex.Rule.EffectiveFrom != "2026-07-01" {
			t.Errorf("complaint.accept after 01/07/2026: %s %d from %s", ex.Unit, ex.Limit, ex.Rule.EffectiveFrom)
		}
		ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.resolve&start=2026-02-12&round=2&complex=complex&remote=true", 200, &ex)
		if ex.Limit != 70 {
			t.Errorf("second round, complex, remote: limit %d, want 70", ex.Limit)
		}

		var e present.ErrorBody
		ta.getJSON(t, "/api/v1/deadline/explain?rule=pakn.answer&start=12/02/2026", 422, &e)
		if len(e.Errors) != 1 || e.Errors[0].Field != "start" || !strings.Contains(e.Message+e.Errors[0].Message, "YYYY-MM-DD") {
			t.Errorf("bad start: %+v", e)
		}
		ta.getJSON(t, "/api/v1/deadline/explain?rule=no.such&start=2026-02-12&lang=en", 422, &e)
		if len(e.Errors) != 1 || e.Errors[0].Field != "rule" || e.Errors[0].Message != "There is no such time-limit rule." {
			t.Errorf("unknown rule: %+v", e)
		}
		ta.getJSON(t, "/api/v1/deadline/explain?rule=denunciation.resolve&start=2026-02-12&complex=especially&extensions=3", 409, &e)
		if e.Code != "conflict" || !strings.Contains(e.Message, "2") {
			t.Errorf("third extension of an especially complex denunciation: %+v", e)
		}

		var rules struct{ Rules []httpapi.DeadlineRule }
		ta.getJSON(t, "/api/v1/deadline/rules", 200, &rules)
		ids := map[string]int{}
		for _, r := range rules.Rules {
			ids[r.Id]++
		}
		for _, id := range []string{"letter.process", "pakn.forward", "pakn.answer", "complaint.accept", "complaint.resolve", "denunciation.initial", "denunciation.forward", "denunciation.resolve", "reception.answer"} {
			if ids[id] == 0 {
				t.Errorf("rule %s missing", id)
			}
		}
		if ids["complaint.accept"] != 2 {
			t.Errorf("complaint.accept should have two versions, has %d", ids["complaint.accept"])
		}
	})
}

func TestDeadlinePages(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.do(t, http.MethodGet, "/tinh-han?rule=complaint.resolve&start=2026-02-12", nil)
		if res.StatusCode != 200 || !strings.Contains(string(b), "16/03/2026") {
			t.Errorf("calculator page: %d", res.StatusCode)
		}
		// The due time reads as the law counts it: 24:00 of the last day,
		// never 00:00 of the next.
		if !strings.Contains(string(b), "Hết hạn lúc 24:00 ngày 16/03/2026") || strings.Contains(string(b), "17/03/2026") {
			t.Errorf("calculator page's due time: %s", b)
		}
		res, b = ta.do(t, http.MethodGet, "/admin/calendar/2026", nil)
		// 2026 is not confirmed while 24/11 is not: the page says so, and why.
		if res.StatusCode != 200 || !strings.Contains(string(b), "Tết Nguyên đán") || strings.Contains(string(b), "Đã xác nhận") ||
			!strings.Contains(string(b), "còn 1 mục chưa đối chiếu") {
			t.Errorf("calendar page: %d", res.StatusCode)
		}
		res, b = ta.do(t, http.MethodGet, "/admin/calendar/2026?lang=en", nil)
		if res.StatusCode != 200 || !strings.Contains(string(b), "1 entries are not yet checked") {
			t.Errorf("calendar page in English: %d", res.StatusCode)
		}
		res, b = ta.do(t, http.MethodGet, "/admin/calendar/2031?lang=en", nil)
		if res.StatusCode != 200 || !strings.Contains(string(b), "Draft") {
			t.Errorf("draft calendar page: %d", res.StatusCode)
		}
		if strings.Contains(string(b), "changed in this release") {
			t.Error("a year with no built-in correction is offered one")
		}
		// A database whose 2026 came from an older built-in: the page says
		// the built-in changed and what accepting it would change.
		if err := ta.db.Gorm.Exec("UPDATE builtin_defaults SET fingerprint = 'older' WHERE subject = 'calendar' AND item = '2026'").Error; err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Gorm.Exec("DELETE FROM calendar_entries WHERE year = 2026 AND date = '2026-09-02'").Error; err != nil {
			t.Fatal(err)
		}
		res, b = ta.do(t, http.MethodGet, "/admin/calendar/2026?lang=en", nil)
		if res.StatusCode != 200 || !strings.Contains(string(b), "The built-in 2026 calendar changed in this release: review.") ||
			!strings.Contains(string(b), "+ 2 September 2026") {
			t.Errorf("calendar page without the built-in's correction: %d\n%s", res.StatusCode, b)
		}
	})
}

func TestCalendarProposeCLI(t *testing.T) {
	out, _, err := runCLI(t, nil, "calendar", "propose", "2027")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2027-02-05", "2027-02-09", "Tết Nguyên đán", "2027-04-16", "Giỗ Tổ Hùng Vương", "working days"} {
		if !strings.Contains(out, want) {
			t.Errorf("propose 2027 lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, nil, "calendar", "propose", "2027", "--json")
	if err != nil || !strings.Contains(out, `"year": 2027`) || !strings.Contains(out, `"confirmed": false`) {
		t.Errorf("--json: %v %s", err, out)
	}
	if _, _, err := runCLI(t, nil, "calendar", "propose", "x"); err == nil {
		t.Error("bad year accepted")
	}
	_ = context.Background
}

// An admin shortens the answer time for petitions on one topic; new
// petitions on that topic get it, others keep the rule, statutory limits
// cannot be overridden, and removing the override restores the rule.
func TestDeadlineOverrides(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		topic := firstTopic(t, ta)
		admin := ta.staffToken(t, "VP", access.Admin)
		put := func(token, body string) (*http.Response, []byte) {
			return ta.do(t, http.MethodPut, "/api/v1/deadline/overrides", strings.NewReader(body), "Content-Type", "application/json", "Authorization", token)
		}
		body := `{"rule_id":"pakn.answer","scope":"topic:` + itoa(topic) + `","limit":5,"reason":"Chủ đề ưu tiên theo chỉ đạo của Giám đốc Sở"}`
		if res, b := put(ta.staffToken(t, "VP", access.Office), body); res.StatusCode != http.StatusForbidden {
			t.Errorf("office set an override: %d %s", res.StatusCode, b)
		}
		if res, b := put(admin, `{"rule_id":"complaint.resolve","scope":"","limit":10,"reason":"nhanh hơn"}`); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"field":"rule_id"`) {
			t.Errorf("override of a statutory limit: %d %s", res.StatusCode, b)
		}
		if res, b := put(admin, body); res.StatusCode != 200 {
			t.Fatalf("override: %d %s", res.StatusCode, b)
		}
		var list struct{ Overrides []httpapi.DeadlineOverride }
		ta.getJSON(t, "/api/v1/deadline/overrides", 200, &list)
		if len(list.Overrides) != 1 || list.Overrides[0].Limit != 5 {
			t.Errorf("overrides: %+v", list.Overrides)
		}

		// Received Friday 27/11/2026: 5 working days end Friday 04/12.
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		if res.StatusCode != 201 || rec.DueAt == nil || rec.DueAt.Format(time.RFC3339) != "2026-12-04T17:00:00Z" || !strings.Contains(rec.DueExplanation, "ưu tiên") {
			t.Errorf("petition on the overridden topic: %d due %v %q", res.StatusCode, rec.DueAt, rec.DueExplanation)
		}

		res, b = ta.do(t, http.MethodDelete, "/api/v1/deadline/overrides?rule_id=pakn.answer&scope=topic:"+itoa(topic), nil, "Authorization", admin)
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.StatusCode, b)
		}
		p := validPetition(ta, t)
		p["content"] = "Rác thải để lâu ngày trước cổng chợ Đông Kinh, đề nghị thu gom."
		p["phone"] = "0987 654 321"
		_, b = ta.postJSON(t, "/api/v1/petitions", p)
		rec = decode[httpapi.PetitionReceipt](t, b)
		if rec.DueAt == nil || rec.DueAt.Format(time.RFC3339) != "2026-12-11T17:00:00Z" {
			t.Errorf("after the override was removed: due %v", rec.DueAt)
		}
		var trail struct{ Entries []httpapi.AuditEntry }
		ta.getJSON(t, "/api/v1/audit?entity=deadline_override", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 2 {
			t.Errorf("audit rows for the override: %d", len(trail.Entries))
		}
	})
}

// Bad parameters are named in the user's language, never echoed as the
// parser's English.
func TestBadParametersAreNamed(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		cases := []struct {
			path, field, lang, msg string
			status                 int
		}{
			{"/api/v1/calendar/abc", "year", "vi", "Tham số year không hợp lệ.", 400},
			{"/api/v1/deadline/explain?start=2026-02-12", "rule", "en", "Parameter rule is not valid.", 400},
			{"/api/v1/deadline/explain?rule=pakn.answer&start=2026-02-12&round=7", "round", "vi", "Lần giải quyết phải là 1 hoặc 2.", 422},
			{"/api/v1/deadline/explain?rule=pakn.answer&start=2026-02-12&complex=weird", "complex", "en", `Complexity "weird" is not valid; use none, complex or especially.`, 422},
			{"/api/v1/deadline/explain?rule=pakn.answer&start=2026-02-12&extensions=-1", "extensions", "vi", "Số lần gia hạn không được âm.", 422},
		}
		for _, c := range cases {
			var e present.ErrorBody
			ta.getJSON(t, c.path, c.status, &e, "Accept-Language", c.lang)
			if len(e.Errors) != 1 || e.Errors[0].Field != c.field || e.Errors[0].Message != c.msg {
				t.Errorf("%s: %+v", c.path, e)
			}
			if strings.Contains(e.Message, "deadline.") || strings.Contains(e.Message, "Invalid format") {
				t.Errorf("%s leaks internals: %q", c.path, e.Message)
			}
		}
	})
}

// A refusal from the deadline engine reaches the user as a catalogued
// message in their language, on the JSON API and on the pages; the engine's
// own English (the cause) goes to the log only.
func TestDeadlineRefusalsSpeakTheUsersLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		const (
			cause = "a complaint has no especially complex case"
			vi    = "Khiếu nại không có mức"
			en    = "A complaint has no"
		)
		for _, tt := range []struct {
			lang, want, not string
		}{
			{"", vi, en},
			{"vi", vi, en},
			{"en", en, vi},
		} {
			var header []string
			if tt.lang != "" {
				header = []string{"Accept-Language", tt.lang}
			}
			var e present.ErrorBody
			b := ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.resolve&start=2026-02-12&complex=especially", http.StatusUnprocessableEntity, &e, header...)
			if len(e.Errors) != 1 || e.Errors[0].Field != "complex" || !strings.Contains(e.Errors[0].Message, tt.want) {
				t.Errorf("API, Accept-Language %q: %s", tt.lang, b)
			}
			if s := string(b); strings.Contains(s, tt.not) || strings.Contains(s, cause) || strings.Contains(s, "deadline:") {
				t.Errorf("API, Accept-Language %q shows another language or the engine's text: %s", tt.lang, b)
			}

			// The pages take the language the visitor chose (?lang=), not
			// the browser's (TestPagesAreVietnameseUnlessChosen).
			res, page := ta.do(t, http.MethodGet, "/tinh-han?rule=complaint.resolve&start=2026-02-12&complex=especially&lang="+tt.lang, nil, header...)
			if res.StatusCode != http.StatusOK || !strings.Contains(string(page), tt.want) ||
				strings.Contains(string(page), cause) || strings.Contains(string(page), "deadline:") {
				t.Errorf("calculator page, Accept-Language %q: %d, want %q and not the engine's text", tt.lang, res.StatusCode, tt.want)
			}
		}
		if logs := ta.Logs.String(); !strings.Contains(logs, "request refused") || !strings.Contains(logs, cause) {
			t.Error("the engine's cause of the refusal is not in the log")
		}

		// A rule version the engine refuses (it starts before the version
		// in force until 01/07/2026 ends): the admin reads which versions,
		// in Vietnamese or English.
		admin := ta.staffToken(t, "VP", access.Admin)
		overlap := map[string]any{
			"id": "complaint.accept", "limit": 5, "unit": "working_days", "effective_from": "2026-06-01", "effective_to": "2026-08-01",
			"legal_basis": "Nghị định thử 1/2026/NĐ-CP, Điều 1", "confidence": "A", "reason": "Thử chồng hiệu lực",
		}
		for lang, want := range map[string]string{
			"vi": "Các phiên bản của quy định complaint.accept từ ngày 01/01/1900 và từ ngày 01/06/2026 chồng lên nhau.",
			"en": "The versions of rule complaint.accept from 1 January 1900 and from 1 June 2026 overlap.",
		} {
			var e present.ErrorBody
			ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules?lang="+lang, admin, overlap, http.StatusUnprocessableEntity, &e)
			if e.Message != want {
				t.Errorf("overlap, %s: %q, want %q", lang, e.Message, want)
			}
		}
	})
}
