package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/store"
)

// TestReceptionClaimTakenOverLoses: a form's claim is taken over once it
// looks stale, while the first submit may still commit. Whichever of the
// two writes its session second finds the claim recorded inside its own
// transaction and writes nothing, answered "already recorded" (vi/en):
// one session, never two cases with two clocks.
func TestReceptionClaimTakenOverLoses(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		rs := store.NewReceptionStore(ta.db)
		by := ta.staffActor(t, "office-claim@sxd.test", "VP", access.Office)
		now := ta.Clock.Now()
		if r, err := rs.ClaimRequest(t.Context(), "form-claim-1", now); err != nil || !r.Claimed {
			t.Fatalf("first claim: %+v, %v", r, err)
		}
		if r, err := rs.ClaimRequest(t.Context(), "form-claim-1", now.Add(reception.StaleRequest+time.Second)); err != nil || !r.Claimed {
			t.Fatalf("takeover: %+v, %v", r, err)
		}
		se := reception.Session{Day: calendar.MustDate("2026-11-27"), Receiver: "Chuyên viên Nguyễn Tiếp", Kind: petition.KindPetition,
			Name: "Trần Văn Đến", Content: "Đề nghị hướng dẫn thủ tục.", Outcome: reception.OutcomeGuided, RequestKey: "form-claim-1",
			CreatedAt: now, CreatedBy: "VP"}
		if _, err := rs.AddSession(t.Context(), se, by); err != nil {
			t.Fatalf("the first submit: %v", err)
		}
		if _, err := rs.AddSession(t.Context(), se, by); !errors.Is(err, reception.ErrRequestRecorded) {
			t.Errorf("the submit that took over: %v, want already recorded", err)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions"); n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}
		cat, err := messageCatalog()
		if err != nil {
			t.Fatal(err)
		}
		for lang, want := range map[string]string{"vi": "đã được ghi nhận từ một lần gửi trước", "en": "already recorded by an earlier submit"} {
			if got := cat.T(lang, "reception.session_recorded", nil); !strings.Contains(got, want) {
				t.Errorf("%s: %q", lang, got)
			}
		}
	})
}
