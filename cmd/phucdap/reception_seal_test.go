package main

import (
	"encoding/json"
	"net/http"
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
