package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

// The complaint filing window (thời hiệu: Luật Khiếu nại Art. 9, 90 days;
// second complaint Art. 33, 30 days or 45 in remote areas; against a
// disciplinary decision Art. 48, 15 days, second 10, or 30 for a
// dismissal) is checked at
// classification from the date the complainant learned of the decision:
// out of time, the complaint is not eligible, reason out_of_time, and the
// note says why. Through the workflow and the API, on both databases.
func TestComplaintFilingWindow(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-filing@sxd.test", "VP", access.Office)
		register := func(kind petition.Kind, received string) int64 {
			t.Helper()
			ta.setLocal(t, received)
			reg := ta.register(t, office, petition.RegisterInput{Kind: kind, Channel: petition.ChannelPost,
				ReceivedAt: ta.Clock.Now(), Title: "Khiếu nại", Content: "Khiếu nại quyết định thu hồi giấy phép xây dựng số 3/GPXD.", Name: "Người Khiếu Nại"})
			return reg.CaseID
		}
		for _, tt := range []struct {
			name, received, known string
			round                 int
			remote, eligible      bool
			note                  []string
			subtype               string
			dismissal             bool
		}{
			// 01/08 + 90 days = Fri 30/10/2026.
			{"first, out of time", "2026-11-20 09:00", "2026-08-01", 1, false, false,
				[]string{"Hết thời hiệu khiếu nại: đơn nhận ngày 20/11/2026", "Luật Khiếu nại 2011, Điều 9", "Hạn: 24:00 ngày 30/10/2026"}, "", false},
			{"first, in time on the last day", "2026-10-30 16:00", "2026-08-01", 1, false, true, nil, "", false},
			// 01/10 + 30 days = Sat 31/10, rolled to Mon 02/11; 45 days (remote)
			// = Sun 15/11, rolled to Mon 16/11.
			{"second, out of time", "2026-11-03 09:00", "2026-10-01", 2, false, false,
				[]string{"Luật Khiếu nại 2011, Điều 33", "02/11/2026"}, "", false},
			{"second, remote, in time", "2026-11-16 09:00", "2026-10-01", 2, true, true, nil, "", false},
			// A disciplinary decision (Art. 48), received Mon 02/11: 15 days,
			// to Tue 17/11, where Art. 9 would give 90; no remote period.
			{"disciplinary, out of time", "2026-11-18 09:00", "2026-11-02", 1, true, false,
				[]string{"Luật Khiếu nại 2011, Điều 48", "Hạn: 24:00 ngày 17/11/2026"}, petition.SubtypeDisciplinary, false},
			{"disciplinary, in time on the last day", "2026-11-17 16:00", "2026-11-02", 1, false, true, nil, petition.SubtypeDisciplinary, false},
			// Second round: 10 days from the first-round decision, to Thu 12/11;
			// 30 for a dismissal, to Wed 02/12.
			{"disciplinary second, out of time", "2026-11-13 09:00", "2026-11-02", 2, false, false,
				[]string{"Luật Khiếu nại 2011, Điều 48", "Hạn: 24:00 ngày 12/11/2026"}, petition.SubtypeDisciplinary, false},
			{"dismissal second, in time", "2026-11-20 09:00", "2026-11-02", 2, false, true, nil, petition.SubtypeDisciplinary, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				id := register(petition.KindComplaint, tt.received)
				ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: tt.round, Remote: tt.remote,
					DecisionKnownOn: calendar.MustDate(tt.known), Subtype: tt.subtype, Dismissal: tt.dismissal})
				cl := ta.caseState(t, id).Class
				if cl.Eligible == nil || *cl.Eligible != tt.eligible {
					t.Fatalf("eligible %v, want %v (note %q)", cl.Eligible, tt.eligible, cl.IneligibleNote)
				}
				if !tt.eligible && cl.IneligibleReason != "out_of_time" {
					t.Errorf("reason %q", cl.IneligibleReason)
				}
				for _, w := range tt.note {
					if !strings.Contains(cl.IneligibleNote, w) {
						t.Errorf("note lacks %q: %s", w, cl.IneligibleNote)
					}
				}
				if !tt.eligible {
					// The office answers "not eligible" with the computed reason:
					// the citizen reads why.
					ta.act(t, office, id, petition.RejectInput{Note: cl.IneligibleNote})
					var note string
					ta.db.Gorm.Raw("SELECT note FROM case_events WHERE case_id = ? AND kind = 'not_eligible'", id).Scan(&note)
					if !strings.Contains(note, "thời hiệu") {
						t.Errorf("public reason: %q", note)
					}
				}
			})
		}

		// A case written in English reads its dates in English, the day it
		// was received as much as the computation's.
		t.Run("first, out of time, in English", func(t *testing.T) {
			ta.setLocal(t, "2026-11-20 09:00")
			id := ta.register(t, office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost, Lang: "en",
				ReceivedAt: ta.Clock.Now(), Title: "Complaint", Content: "A complaint against the withdrawal of building permit 3/GPXD.", Name: "A Complainant"}).CaseID
			ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, DecisionKnownOn: calendar.MustDate("2026-08-01")})
			note := ta.caseState(t, id).Class.IneligibleNote
			for _, w := range []string{"The time limit to complain has passed: the complaint was received on 20 November 2026, after it ended.", "30 October 2026"} {
				if !strings.Contains(note, w) {
					t.Errorf("note lacks %q: %s", w, note)
				}
			}
			if strings.Contains(note, "20/11/2026") {
				t.Errorf("English note has a Vietnamese date: %s", note)
			}
		})

		// Refusals: a date after the receipt, or on a denunciation.
		id := register(petition.KindComplaint, "2026-11-20 09:00")
		ta.refuse(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, DecisionKnownOn: calendar.MustDate("2026-11-21")},
			fault.Invalid, "workflow.decision_known_after_receipt")
		den := register(petition.KindDenunciation, "2026-11-20 09:00")
		ta.refuse(t, office, den, petition.ClassifyInput{Eligible: true, WithinCompetence: true, DecisionKnownOn: calendar.MustDate("2026-08-01")},
			fault.Invalid, "workflow.decision_known_complaint_only")
		ta.refuse(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Dismissal: true},
			fault.Invalid, "workflow.dismissal_disciplinary_only")

		// Through the API: the classification answers not eligible.
		token := ta.staffToken(t, "VP", access.Office)
		code := ta.caseState(t, id).Code
		var out map[string]any
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/classify", token,
			map[string]any{"eligible": true, "within_competence": true, "decision_known_on": "2026-08-01"}, http.StatusOK, &out)
		if cl := ta.caseState(t, id).Class; cl.Eligible == nil || *cl.Eligible || cl.IneligibleReason != "out_of_time" {
			t.Errorf("API classification: %+v", cl)
		}
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/classify", token,
			map[string]any{"eligible": true, "within_competence": true, "decision_known_on": "01/08/2026"}, http.StatusUnprocessableEntity, nil)
	})
}
