package main

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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
)

// bookingCodeRe finds a booking's code on the receipt page.
var bookingCodeRe = regexp.MustCompile(`TCD-[A-Z2-9]{8}`)

// bookAs posts the public booking form in lang and returns the booking's
// code.
func bookAs(t *testing.T, ta *testApp, lang, id, day, name, phone, email, kind, desc string) string {
	t.Helper()
	f := url.Values{"lich": {id}, "ngay": {day}, "name": {name}, "phone": {phone}, "email": {email}, "kind": {kind}, "description": {desc}}
	res, body := ta.do(t, http.MethodPost, "/lich-tiep-cong-dan/dang-ky?lang="+lang, strings.NewReader(f.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	code := bookingCodeRe.FindString(string(body))
	if res.StatusCode != http.StatusOK || code == "" {
		t.Fatalf("booking of %s: %d", name, res.StatusCode)
	}
	return code
}

// TestReceptionBookingNotices: a booking is confirmed, and reminded the
// day before, by e-mail in the language it was booked in and by SMS and
// Zalo through the gateway, each once however often the jobs run (the
// gateway refuses each first attempt: the outbox retries). A booking made
// the day before is not reminded. A denunciation's booking is told like
// any other: no message, ledger row or gateway body carries its kind, its
// description or a name, and the contacts are read from the booking when
// sending, never stored in the ledger or the outbox.
func TestReceptionBookingNotices(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withSMTP(mp), withGateway(g))
		tok := token()
		_, id := deputyThursdays(t, ta)
		emailVI, emailEN, emailLate := "dan-vi-"+tok+"@example.test", "dan-en-"+tok+"@example.test", "dan-muon-"+tok+"@example.test"

		codeVI := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", emailVI, "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		codeEN := bookAs(t, ta, "en", id, "2026-12-03", "Hoàng Văn Kín", "0912 300 400", emailEN, "to_cao",
			"Tố cáo cán bộ Đinh Văn Khai nhận tiền cấp phép")
		codePhone := bookAs(t, ta, "vi", id, "2026-12-10", "Nông Văn Điện", "0912 500 600", "", "phan_anh", "Phản ánh về tiến độ cấp phép")
		ta.deliver(t)

		if got := mailsTo(t, mp, emailVI); len(got) != 1 || got[0] != "Xác nhận đăng ký tiếp công dân "+codeVI {
			t.Errorf("Vietnamese confirmation: %q", got)
		}
		if got := mailsTo(t, mp, emailEN); len(got) != 1 || got[0] != "Citizen reception booking "+codeEN+" confirmed" {
			t.Errorf("English confirmation: %q", got)
		}
		for _, code := range []string{codeVI, codeEN, codePhone} {
			if got := g.of(code); len(got["booking:sms"]) != 1 || len(got["booking:zalo"]) != 1 {
				t.Errorf("%s's gateway confirmations: %v", code, keysOf(got))
			}
		}
		_, list := mp.Search(t, `to:"`+emailEN+`"`)
		if len(list) == 1 {
			m := mp.Message(t, list[0].ID)
			for _, want := range []string{codeEN, "Thursday 3 December 2026, 07:30-11:00", "Phó Giám đốc Sở", "Trụ sở tiếp công dân"} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("the English confirmation lacks %q:\n%s", want, m.Text)
				}
			}
		}

		// The day before, at 08:00: one reminder per booking of the 3rd and
		// channel, however often the job runs. A citizen who books that
		// morning was just confirmed and is not reminded.
		dayBefore := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
		ta.Clock.Set(dayBefore)
		first := ta.runJob(t, "reception-reminder", dayBefore)
		ta.runJob(t, "reception-reminder", dayBefore.Add(time.Minute))
		ta.Clock.Set(dayBefore.Add(time.Hour))
		codeLate := bookAs(t, ta, "vi", id, "2026-12-03", "Vi Thị Muộn", "0912 700 800", emailLate, "kien_nghi", "Đề nghị hướng dẫn thủ tục")
		ta.runJob(t, "reception-reminder", dayBefore.Add(2*time.Hour))
		ta.deliver(t)
		if first.Counts["bookings"] != 2 {
			t.Errorf("the first run reminded %d bookings, want 2", first.Counts["bookings"])
		}
		if got := mailsTo(t, mp, emailVI); len(got) != 2 || got[0] != "Nhắc lịch tiếp công dân Thứ Năm, 03/12/2026, mã "+codeVI {
			t.Errorf("Vietnamese reminder: %q", got)
		}
		if got := mailsTo(t, mp, emailEN); len(got) != 2 || got[1] != "Reminder: citizen reception on Thursday 3 December 2026, code "+codeEN {
			t.Errorf("English reminder: %q", got)
		}
		if got := mailsTo(t, mp, emailLate); len(got) != 1 {
			t.Errorf("the booking of the day before: %q, want its confirmation only", got)
		}
		for code, want := range map[string]int{codeVI: 1, codeEN: 1, codePhone: 0, codeLate: 0} {
			if got := g.of(code); len(got["booking_reminder:sms"]) != want || len(got["booking_reminder:zalo"]) != want {
				t.Errorf("%s's gateway reminders: %v, want %d per channel", code, keysOf(got), want)
			}
		}

		// The denunciation's booking says nothing of a denunciation.
		leaks := []string{"Đinh Văn Khai", "Hoàng Văn Kín", "Tố cáo", "tố cáo", "Denunciation", "denunciation", "to_cao", "0912300400"}
		_, list = mp.Search(t, `to:"`+emailEN+`"`)
		for _, s := range list {
			m := mp.Message(t, s.ID)
			for _, leak := range leaks[:len(leaks)-1] {
				if strings.Contains(m.Text+m.HTML+m.Subject, leak) {
					t.Errorf("the sealed booking's e-mail %q carries %q", m.Subject, leak)
				}
			}
		}
		g.mu.Lock()
		for _, raw := range g.raw {
			if strings.Contains(raw, codeEN) {
				for _, leak := range leaks[:len(leaks)-1] {
					if strings.Contains(raw, leak) {
						t.Errorf("a gateway message carries %q: %s", leak, raw)
					}
				}
			}
		}
		g.mu.Unlock()
		var stored []string
		ta.db.Gorm.Raw("SELECT a.payload || ' ' || o.target FROM alerts a JOIN outbox o ON o.alert_id = a.id WHERE a.booking_id IS NOT NULL").Scan(&stored)
		if len(stored) != 17 {
			t.Errorf("%d ledger deliveries for the bookings, want 17 (11 confirmations: 3 e-mails, 8 gateway messages; 6 reminders)", len(stored))
		}
		for _, s := range stored {
			for _, leak := range append(leaks, "@example.test", "0912", "Lương", "Nông") {
				if carries(s, leak) {
					t.Errorf("the ledger or outbox carries %q: %s", leak, s)
				}
			}
		}
	})
}

// TestReceptionBookingRetry: a citizen whose booking's answer was lost
// posts the form again. The page says the phone has booked the day and
// shows the code's last two characters only, since whoever knows a phone
// can post it; the full code goes to the booking's own contact, at most
// once a day however often the form is posted. Nothing the first post
// typed (name, description) is shown to the second.
func TestReceptionBookingRetry(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withSMTP(mp), withGateway(g))
		tok := token()
		email := "dan-lai-" + tok + "@example.test"
		_, id := deputyThursdays(t, ta)
		code := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", email, "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		ta.deliver(t)
		again := func(lang string) string {
			t.Helper()
			f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Người Khác"}, "phone": {"+84 912 100 200"}, "kind": {"phan_anh"},
				"description": {"Một người khác biết số điện thoại"}}
			res, body := ta.do(t, http.MethodPost, "/lich-tiep-cong-dan/dang-ky?lang="+lang, strings.NewReader(f.Encode()),
				"Content-Type", "application/x-www-form-urlencoded")
			if res.StatusCode != http.StatusConflict {
				t.Fatalf("a repeated booking: %d", res.StatusCode)
			}
			page := string(body)
			for _, leak := range []string{code, "Lương Thị Hỏi", "Đề nghị hướng dẫn cấp phép", email} {
				if strings.Contains(page, leak) {
					t.Errorf("the repeated booking's page shows %q", leak)
				}
			}
			return page
		}
		page := again("vi")
		masked := "TCD-••••••" + code[len(code)-2:]
		for _, want := range []string{"Số điện thoại này đã đăng ký ngày tiếp này", "Mã đăng ký của Ông/Bà là " + masked,
			"mã đăng ký đầy đủ được gửi lại đến đó"} {
			if !strings.Contains(page, want) {
				t.Errorf("the repeated booking's page lacks %q", want)
			}
		}
		if page := again("en"); !strings.Contains(page, "Your booking code is "+masked) || !strings.Contains(page, "the full booking code is sent there again") {
			t.Error("the English page lacks the masked code or the resend")
		}
		// The same day: the confirmation already sent is not sent again.
		ta.deliver(t)
		if got := mailsTo(t, mp, email); len(got) != 1 {
			t.Errorf("after repeats the same day: %d e-mails, want 1", len(got))
		}
		// The next day it is, once, to the booking's own contacts.
		ta.Clock.Set(testNow.Add(24 * time.Hour))
		again("vi")
		again("vi")
		ta.deliver(t)
		if got := mailsTo(t, mp, email); len(got) != 2 || got[1] != "Xác nhận đăng ký tiếp công dân "+code {
			t.Errorf("after repeats the next day: %q, want the confirmation twice", got)
		}
		if got := g.of(code); len(got["booking:sms"]) != 2 || len(got["booking:zalo"]) != 2 {
			t.Errorf("gateway confirmations: %d SMS, %d Zalo, want 2 each", len(got["booking:sms"]), len(got["booking:zalo"]))
		}
		var rows int64
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM reception_bookings").Scan(&rows)
		if rows != 1 {
			t.Errorf("%d bookings, want 1", rows)
		}
	})
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestReceptionBookingDead: a booking's message that gives up shows on
// the admins' dead list under the booking's code, with the channel and
// no phone.
func TestReceptionBookingDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.Alerts.MaxAttempts = 1 })
		_, id := deputyThursdays(t, ta)
		code := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", "", "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		ta.runJob(t, "outbox", testNow)
		dead, err := ta.alertStore.DeadMessages(t.Context(), 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(dead) != 2 {
			t.Fatalf("%d dead messages, want the SMS and the Zalo one", len(dead))
		}
		for _, d := range dead {
			if d.CaseCode != code || d.Kind != "citizen.booking" || strings.Contains(d.Target+d.LastError, "0912") {
				t.Errorf("dead message %+v, want the booking %s", d, code)
			}
		}
	})
}

// TestReceptionRatingLinkDead: a visit's rating link that gives up shows
// on the admins' dead list under the case its session opened, or else the
// session's day and who received: never the visitor's name or phone.
func TestReceptionRatingLinkDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.Alerts.MaxAttempts = 1; c.BaseURL = "https://phucdap.sxd.test" })
		office := ta.staffActor(t, "office-dead@sxd.test", "VP", access.Office)
		record := func(in reception.SessionInput) reception.Session {
			t.Helper()
			in.Day, in.Receiver = calendar.MustDate("2026-11-27"), "Chuyên viên Nguyễn Tiếp"
			se, err := ta.reception.Record(t.Context(), office, in)
			if err != nil {
				t.Fatal(err)
			}
			return se
		}
		record(reception.SessionInput{Kind: petition.KindPetition, Name: "Trần Văn Đến", Phone: "0912 345 678", Outcome: reception.OutcomeGuided,
			Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."})
		sealed := record(reception.SessionInput{Kind: petition.KindDenunciation, Name: "Lý Văn Mật", Phone: "0913 777 888",
			Outcome: reception.OutcomeVerify, Content: "Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."})
		var caseCode string
		if err := ta.db.Gorm.Raw("SELECT code FROM cases WHERE id = ?", sealed.CaseID).Scan(&caseCode).Error; err != nil || caseCode == "" {
			t.Fatalf("the sealed session's case: %q %v", caseCode, err)
		}
		ta.deliver(t)
		dead, err := ta.alertStore.DeadMessages(t.Context(), 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		refs := map[string]int{}
		for _, d := range dead {
			if d.Kind != "citizen.visit_rating" {
				continue
			}
			refs[d.CaseCode]++
			if strings.Contains(d.Target+d.LastError+d.CaseCode, "0912") || strings.Contains(d.Target+d.LastError+d.CaseCode, "0913") ||
				strings.Contains(d.CaseCode, "Văn") {
				t.Errorf("dead message %+v names the visitor", d)
			}
		}
		if want := map[string]int{"2026-11-27 · Chuyên viên Nguyễn Tiếp": 2, caseCode: 2}; !maps.Equal(refs, want) {
			t.Errorf("dead rating links under %v, want %v", refs, want)
		}
	})
}
