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

// TestReceptionReleaseKeepsTakenOverClaim: a submit whose claim went
// stale and was taken over by a second submit then fails; its release
// frees its own claim only, so the second submit still records its
// session. A submit whose claim is gone (released) is not told the form
// was recorded, since no session holds it: it is told another submit is on
// its way.
func TestReceptionReleaseKeepsTakenOverClaim(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		rs := store.NewReceptionStore(ta.db)
		by := ta.staffActor(t, "office-release@sxd.test", "VP", access.Office)
		now := ta.Clock.Now()
		first, err := rs.ClaimRequest(t.Context(), "form-release-1", now)
		if err != nil || !first.Claimed {
			t.Fatalf("first claim: %+v, %v", first, err)
		}
		if r, err := rs.ClaimRequest(t.Context(), "form-release-1", now.Add(reception.StaleRequest+time.Second)); err != nil || !r.Claimed {
			t.Fatalf("takeover: %+v, %v", r, err)
		}
		// The first submit fails and releases what it claimed.
		if err := rs.ReleaseRequest(t.Context(), "form-release-1", first.Claim); err != nil {
			t.Fatal(err)
		}
		se := reception.Session{Day: calendar.MustDate("2026-11-27"), Receiver: "Chuyên viên Nguyễn Tiếp", Kind: petition.KindPetition,
			Name: "Trần Văn Đến", Content: "Đề nghị hướng dẫn thủ tục.", Outcome: reception.OutcomeGuided, RequestKey: "form-release-1",
			CreatedAt: now, CreatedBy: "VP"}
		if _, err := rs.AddSession(t.Context(), se, by); err != nil {
			t.Errorf("the submit that took over the claim: %v", err)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_sessions"); n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}

		second, err := rs.ClaimRequest(t.Context(), "form-release-2", now)
		if err != nil || !second.Claimed {
			t.Fatalf("claim: %+v, %v", second, err)
		}
		if err := rs.ReleaseRequest(t.Context(), "form-release-2", second.Claim); err != nil {
			t.Fatal(err)
		}
		se.RequestKey = "form-release-2"
		if _, err := rs.AddSession(t.Context(), se, by); !errors.Is(err, reception.ErrRequestInFlight) {
			t.Errorf("a submit whose claim was released: %v, want in flight, not already recorded", err)
		}
	})
}
