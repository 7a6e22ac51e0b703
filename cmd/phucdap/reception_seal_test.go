package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

// TestReceptionSealedDialoguePublicCount: the public figure of dialogue
// results published counts only the results the public list shows. In a
// November of five visits with three dialogues whose results are saved,
// one of them a denunciation's (sealed, never listed), /minh-bach and the
// open data say 2 published beside the two listed results, while the
// staff's figures count all 3.
func TestReceptionSealedDialoguePublicCount(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-11-27 10:00")
		office := ta.staffActor(t, "office-seal@sxd.test", "VP", access.Office)
		content := "Khiếu nại quyết định thu hồi giấy phép xây dựng nhà ở tại thôn Bản Cưởm, xã Mai Pha."
		record := func(day, receiver string, kind petition.Kind, outcome reception.Outcome, dialogue bool) reception.Session {
			t.Helper()
			se, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate(day), Receiver: receiver,
				Kind: kind, Name: "Trần Văn Đến", Content: content, Outcome: outcome, Dialogue: dialogue})
			if err != nil {
				t.Fatalf("record %s: %v", receiver, err)
			}
			return se
		}
		var dialogues []reception.Session
		dialogues = append(dialogues, record("2026-11-16", "Giám đốc Sở Thứ Nhất", petition.KindPetition, reception.OutcomeGuided, true))
		dialogues = append(dialogues, record("2026-11-18", "Giám đốc Sở Thứ Hai", petition.KindPetition, reception.OutcomeGuided, true))
		dialogues = append(dialogues, record("2026-11-20", "Phó Giám đốc Sở Kín Đáo", petition.KindDenunciation, reception.OutcomeVerify, true))
		record("2026-11-23", "Chuyên viên Thứ Ba", petition.KindPetition, reception.OutcomeGuided, false)
		record("2026-11-25", "Chuyên viên Thứ Tư", petition.KindPetition, reception.OutcomeGuided, false)
		for _, se := range dialogues {
			if _, err := ta.reception.PublishResult(t.Context(), office, se.ID, "Sở đã giải thích căn cứ và giao phòng chuyên môn trả lời bằng văn bản."); err != nil {
				t.Fatalf("publish %d: %v", se.ID, err)
			}
		}
		staff, err := ta.reception.Month(t.Context(), office, 2026, time.November)
		if err != nil || staff.Dialogues != 3 || staff.DialoguesPublished != 3 {
			t.Errorf("staff figures: %d dialogues, %d published (%v), want 3 and 3", staff.Dialogues, staff.DialoguesPublished, err)
		}

		ta.setLocal(t, "2026-12-02 09:00")
		_, body := ta.do(t, http.MethodGet, "/minh-bach?thang=2026-11", nil)
		page := string(body)
		if n := strings.Count(section(page, "pdialogues-h"), `class="publication dialogue-result"`); n != 2 {
			t.Errorf("the transparency page lists %d results, want 2", n)
		}
		li := section(page, "public-reception-dialogues")
		if i := strings.Index(li, "</li>"); i >= 0 {
			li = li[:i]
		}
		if !strings.Contains(li, ">3</span>") || !strings.Contains(li, "2 đã công khai kết quả") {
			t.Errorf("the transparency page's dialogues are not 3 held, 2 published: %s", li)
		}
		var stats struct {
			Reception struct {
				Dialogues          *int `json:"dialogues"`
				DialoguesPublished *int `json:"dialogues_published"`
			}
		}
		res, raw := ta.do(t, http.MethodGet, "/api/v1/public/stats?period=2026-11", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("open data: %d %s", res.StatusCode, raw)
		}
		if err := json.Unmarshal(raw, &stats); err != nil {
			t.Fatal(err)
		}
		if r := stats.Reception; r.Dialogues == nil || r.DialoguesPublished == nil || *r.Dialogues != 3 || *r.DialoguesPublished != 2 {
			t.Errorf("the open data's dialogues are not 3 held, 2 published: %s", raw)
		}
		staff, err = ta.reception.Month(t.Context(), office, 2026, time.November)
		if err != nil || staff.DialoguesPublished != 3 {
			t.Errorf("staff figures after the month: %d published (%v), want 3", staff.DialoguesPublished, err)
		}
	})
}

// TestReceptionSessionSealedWithItsCase: a dialogue recorded as a
// complaint, with the visitor's name and phone, opens a case that the
// office then reclassifies as a denunciation. The case is sealed, and the
// session with it: the day's page and the office's page no longer show
// the visitor's name or phone, the stored session keeps neither, and its
// result, once recorded, is never listed on /minh-bach (an unsealed
// dialogue of the same month is).
func TestReceptionSessionSealedWithItsCase(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-11-27 10:00")
		ta.addStaff(t, "vanphong-seal@sxd.test", "VP", access.Office)
		office := ta.staffActor(t, "office-seal@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong-seal@sxd.test")
		content := "Khiếu nại quyết định thu hồi giấy phép xây dựng nhà ở tại thôn Bản Cưởm, xã Mai Pha."
		other := "Kiến nghị công khai quy hoạch chi tiết khu dân cư mới tại phường Chi Lăng."
		se, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-20"), Receiver: "Phó Giám đốc Sở Đổi Loại",
			Kind: petition.KindComplaint, Name: "Hoàng Văn Khải", Phone: "0915 222 333", Content: content, Outcome: reception.OutcomeAccepted, Dialogue: true})
		if err != nil {
			t.Fatal(err)
		}
		if se.CaseID == 0 {
			t.Fatal("the session opened no case")
		}
		open, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-18"), Receiver: "Giám đốc Sở Công Khai",
			Kind: petition.KindPetition, Name: "Trần Văn Đến", Content: other, Outcome: reception.OutcomeGuided, Dialogue: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"Chuyên viên Một", "Chuyên viên Hai", "Chuyên viên Ba"} {
			if _, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-23"), Receiver: who,
				Kind: petition.KindPetition, Name: "Trần Văn Đến", Content: other, Outcome: reception.OutcomeGuided}); err != nil {
				t.Fatal(err)
			}
		}
		if _, day := b.get("/staff/reception/day?d=2026-11-20"); !strings.Contains(day, "Hoàng Văn Khải") {
			t.Fatal("the day's page does not show the complainant before the reclassification")
		}

		ta.act(t, office, se.CaseID, petition.ClassifyInput{Kind: petition.KindDenunciation, Eligible: true, WithinCompetence: true})
		if n := ta.count(t, "SELECT COUNT(*) FROM cases WHERE id = "+strconv.FormatInt(se.CaseID, 10)+" AND identity_sealed = TRUE"); n != 1 {
			t.Fatal("the reclassified case is not sealed")
		}
		secret := func(where, page string) {
			t.Helper()
			for _, not := range []string{"Khải", "0915", "222 333", "thôn Bản Cưởm"} {
				if carries(page, not) {
					t.Errorf("%s shows %q", where, not)
				}
			}
		}
		_, day := b.get("/staff/reception/day?d=2026-11-20")
		secret("the day's page", day)
		_, page := b.get("/staff/reception")
		secret("the office's page", page)
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions WHERE id = "+strconv.FormatInt(se.ID, 10)+
			" AND sealed = TRUE AND name = '' AND phone = '' AND content = ''"); n != 1 {
			t.Error("the stored session keeps the identity or is not sealed")
		}

		for _, id := range []int64{se.ID, open.ID} {
			if _, err := ta.reception.PublishResult(t.Context(), office, id, "Sở đã giải thích căn cứ và giao phòng chuyên môn trả lời bằng văn bản."); err != nil &&
				id == open.ID {
				t.Fatal(err)
			}
		}
		ta.setLocal(t, "2026-12-02 09:00")
		_, body := ta.do(t, http.MethodGet, "/minh-bach?thang=2026-11", nil)
		pub := section(string(body), "pdialogues-h")
		if !strings.Contains(pub, "Công Khai") {
			t.Error("the transparency page does not list the unsealed dialogue")
		}
		if strings.Contains(string(body), "Đổi Loại") || strings.Contains(pub, "20/11/2026") {
			t.Error("the transparency page lists the dialogue whose case is now a denunciation")
		}
		if n := strings.Count(pub, `class="publication dialogue-result"`); n != 1 {
			t.Errorf("the transparency page lists %d results, want 1", n)
		}
		list, err := ta.reception.DialogueResults(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.SessionID == se.ID {
				t.Error("the public list of results has the sealed case's dialogue")
			}
		}
		secret("the transparency page", string(body))
	})
}

// TestReceptionDaysShortWhenAlerted: a leadership reception day with
// nothing recorded counts short in the month's figures when the missed
// alert asks of it, not before: on the morning after Thursday 5/11 the
// office still has Friday 6/11 to record it, so neither counts it; on
// Saturday 7/11 both do.
func TestReceptionDaysShortWhenAlerted(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-11-01 08:00")
		office := ta.staffActor(t, "vp-short@sxd.test", "VP", access.Office)
		sc, err := ta.reception.SaveSchedule(t.Context(), office, reception.Schedule{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở",
			Repeat: reception.RepeatWeekly, Weekday: time.Thursday, StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân",
			From: calendar.NewDate(2026, 11, 1), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		check := func(at string, want int) {
			t.Helper()
			now := ta.setLocal(t, at)
			f, err := ta.reception.Month(t.Context(), office, 2026, time.November)
			if err != nil {
				t.Fatal(err)
			}
			un, err := ta.reception.Unrecorded(t.Context(), now)
			if err != nil {
				t.Fatal(err)
			}
			alerted := 0
			for _, o := range un {
				if o.Schedule.ID == sc.ID {
					alerted++
				}
			}
			if f.LeadershipDaysShort != want || alerted != want {
				t.Errorf("at %s: %d days short, %d alerted, want %d", at, f.LeadershipDaysShort, alerted, want)
			}
		}
		check("2026-11-06 08:00", 0)
		check("2026-11-06 23:00", 0)
		check("2026-11-07 08:00", 1)
	})
}
