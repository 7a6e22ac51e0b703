package main

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// cancelLinkRe finds a booking's cancel link in a message or a page.
var cancelLinkRe = regexp.MustCompile(`(?:https://phucdap\.sxd\.test)?(/lich-tiep-cong-dan/huy-dang-ky/[0-9]+/[a-z2-7]+)\?lang=(vi|en)`)

// TestReceptionBookingCancel: the booking's confirmation (e-mail, SMS and
// Zalo) and the page after booking carry a signed link that cancels it.
// The link's page names the code, day, hours, host and place and nothing
// of what the citizen booked about: a denunciation's reads like any
// other. A button cancels (no JavaScript): the place is given back, the
// cancel is audited without the citizen, and a second post changes
// nothing. The cancelled booking is not reminded, the office's day list
// shows it cancelled, and the same phone may book the day again. A wrong
// signature is no booking's.
func TestReceptionBookingCancel(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withSMTP(mp), withGateway(g))
		tok := token()
		b, id := deputyThursdays(t, ta)
		emailSealed, emailOther := "to-cao-"+tok+"@example.test", "khac-"+tok+"@example.test"

		// The page after booking has the link too.
		f := url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Hoàng Văn Kín"}, "phone": {"0912 300 400"}, "email": {emailSealed},
			"kind": {"to_cao"}, "description": {"Tố cáo cán bộ Đinh Văn Khai nhận tiền cấp phép"}}
		code, page := postBooking(t, ta, f)
		sealedCode := bookingCodeRe.FindString(page)
		pageLink := cancelLinkRe.FindStringSubmatch(page)
		if code != http.StatusOK || sealedCode == "" || pageLink == nil || !strings.Contains(page, `id="booking-cancel"`) {
			t.Fatalf("the page after booking has no cancel link: %d", code)
		}
		otherCode := bookAs(t, ta, "en", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", emailOther, "kien_nghi", "Đề nghị hướng dẫn cấp phép")
		ta.deliver(t)

		_, list := mp.Search(t, `to:"`+emailSealed+`"`)
		if len(list) != 1 {
			t.Fatalf("%d confirmations of the sealed booking", len(list))
		}
		m := mp.Message(t, list[0].ID)
		mailLink := cancelLinkRe.FindStringSubmatch(m.Text)
		if mailLink == nil || mailLink[1] != pageLink[1] || !strings.Contains(m.HTML, "huy-dang-ky") {
			t.Fatalf("the confirmation's cancel link %v, the page's %v", mailLink, pageLink)
		}
		for _, ch := range []string{"booking:sms", "booking:zalo"} {
			if got := g.of(sealedCode)[ch]; len(got) != 1 || !strings.Contains(got[0].Params["cancel"], pageLink[1]) ||
				!strings.Contains(got[0].Text, pageLink[1]) {
				t.Errorf("the %s confirmation lacks the cancel link: %+v", ch, got)
			}
		}
		link := mailLink[1]

		// The page shows the booking, nothing of the denunciation.
		res, body := ta.do(t, http.MethodGet, link, nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), sealedCode) || !strings.Contains(string(body), "Hủy đăng ký này") ||
			!strings.Contains(string(body), "Thứ Năm, 03/12/2026, 07:30–11:00") || !strings.Contains(string(body), "Phó Giám đốc Sở") {
			t.Errorf("the cancel page: %d", res.StatusCode)
		}
		for _, leak := range []string{"Đinh Văn Khai", "Hoàng Văn Kín", "Tố cáo", "tố cáo", "0912", "to_cao", "bí mật"} {
			if carries(string(body), leak) {
				t.Errorf("the cancel page of a denunciation's booking shows %q", leak)
			}
		}
		if _, en := ta.do(t, http.MethodGet, link+"?lang=en", nil); !strings.Contains(string(en), "Cancel this booking") {
			t.Error("the English cancel page")
		}
		bad := link[:len(link)-1] + string("abcdefghijklmnopqrstuvwxyz234567"[(strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", link[len(link)-1])+1)%32])
		if res, _ := ta.do(t, http.MethodGet, bad, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong signature: %d", res.StatusCode)
		}
		if res, _ := ta.do(t, http.MethodPost, bad, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong signature posted: %d", res.StatusCode)
		}
		places := func() string {
			_, p := ta.do(t, http.MethodGet, "/lich-tiep-cong-dan/dang-ky?lich="+id+"&ngay=2026-12-03", nil)
			return regexp.MustCompile(`Còn \d+ chỗ\.`).FindString(string(p))
		}
		if got := places(); got != "Còn 1 chỗ." {
			t.Errorf("before the cancel: %q", got)
		}

		// Cancelled by the button, twice: once.
		for range 2 {
			// The client follows the redirect to the link's page.
			res, page := ta.do(t, http.MethodPost, link+"?lang=vi", nil)
			if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "Đăng ký này đã được hủy") {
				t.Fatalf("cancel: %d", res.StatusCode)
			}
		}
		if _, body := ta.do(t, http.MethodGet, link, nil); !strings.Contains(string(body), "Đăng ký này đã được hủy") ||
			strings.Contains(string(body), "Hủy đăng ký này") {
			t.Error("the page after cancelling")
		}
		if got := places(); got != "Còn 2 chỗ." {
			t.Errorf("after the cancel: %q", got)
		}
		var audits []string
		ta.db.Gorm.Raw("SELECT COALESCE(actor_label, '') || ' ' || COALESCE(CAST(after_json AS TEXT), '') FROM audit_log WHERE action = 'reception.booking.cancel'").Scan(&audits)
		if len(audits) != 1 {
			t.Errorf("%d audit rows for the cancel, want 1", len(audits))
		}
		for _, a := range audits {
			for _, leak := range []string{"Kín", "0912", "Khai", "example.test"} {
				if carries(a, leak) {
					t.Errorf("the cancel's audit row carries %q: %s", leak, a)
				}
			}
		}

		// The office's day list shows it cancelled.
		if _, day := b.get("/staff/reception/day?d=2026-12-03"); !strings.Contains(day, "<s>"+sealedCode+"</s>") ||
			!strings.Contains(day, `booking-cancelled">Đã hủy`) || strings.Contains(day, "<s>"+otherCode+"</s>") {
			t.Error("the day list does not show the cancelled booking")
		}

		// The day before: the other booking is reminded, the cancelled one
		// not.
		dayBefore := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
		ta.Clock.Set(dayBefore)
		if r := ta.runJob(t, "reception-reminder", dayBefore); r.Counts["bookings"] != 1 {
			t.Errorf("%d bookings reminded, want 1", r.Counts["bookings"])
		}
		ta.deliver(t)
		if got := mailsTo(t, mp, emailSealed); len(got) != 1 {
			t.Errorf("the cancelled booking's e-mails: %q", got)
		}
		if got := mailsTo(t, mp, emailOther); len(got) != 2 {
			t.Errorf("the other booking's e-mails: %q", got)
		} else if _, l := mp.Search(t, `to:"`+emailOther+`" subject:"Reminder"`); len(l) == 1 &&
			!cancelLinkRe.MatchString(mp.Message(t, l[0].ID).Text) {
			t.Error("the reminder has no cancel link")
		}
		if got := g.of(sealedCode); len(got["booking_reminder:sms"]) != 0 {
			t.Errorf("the cancelled booking was reminded: %v", keysOf(got))
		}
		if got := g.of(otherCode); len(got["booking_reminder:sms"]) != 1 || got["booking_reminder:sms"][0].Params["cancel"] == "" {
			t.Errorf("the other booking's SMS reminder: %v", got["booking_reminder:sms"])
		}

		// The same phone books the day again.
		if code, page := postBooking(t, ta, f); code != http.StatusOK || bookingCodeRe.FindString(page) == "" {
			t.Errorf("booking again after cancelling: %d", code)
		}
	})
}

// TestReceptionBookingCancelWithdraws: a booking's messages already in the
// outbox when the citizen cancels are withdrawn in the cancel's
// transaction. A confirmation waiting for its retry (the gateway refused
// the first attempt) and a reminder queued the day before are never sent
// after the cancel; the other booking's are. The withdrawn deliveries are
// not left to fail onto the admins' dead list: the cancel's audit row
// counts them as withdrawn.
func TestReceptionBookingCancelWithdraws(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g))
		_, id := deputyThursdays(t, ta)
		bookingID := func(code string) int64 {
			t.Helper()
			var ids []int64
			if err := ta.db.Gorm.Raw("SELECT id FROM reception_bookings WHERE code = ?", code).Scan(&ids).Error; err != nil || len(ids) != 1 {
				t.Fatalf("booking %s: %v %v", code, ids, err)
			}
			return ids[0]
		}
		cancel := func(code string) {
			t.Helper()
			bid := bookingID(code)
			if err := ta.reception.CancelBooking(t.Context(), bid, ta.reception.BookingSig(bid)); err != nil {
				t.Fatalf("cancel %s: %v", code, err)
			}
		}
		pending := func(code string) int {
			t.Helper()
			var n int
			ta.db.Gorm.Raw("SELECT COUNT(*) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.booking_id = ? AND o.state <> 'sent'",
				bookingID(code)).Scan(&n)
			return n
		}

		// A confirmation waiting for its retry.
		early := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", "", "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		other := bookAs(t, ta, "vi", id, "2026-12-03", "Nông Văn Điện", "0912 500 600", "", "phan_anh", "Phản ánh về tiến độ cấp phép")
		ta.runJob(t, "outbox", testNow)
		if n := pending(early); n != 2 {
			t.Fatalf("%d confirmations of %s wait for a retry, want 2", n, early)
		}
		cancel(early)
		if n := pending(early); n != 0 {
			t.Errorf("%d deliveries of the cancelled booking still in the outbox", n)
		}
		ta.deliver(t)
		if got := g.of(early); len(got) != 0 {
			t.Errorf("the cancelled booking's confirmation was sent: %v", keysOf(got))
		}
		if got := g.of(other); len(got["booking:sms"]) != 1 || len(got["booking:zalo"]) != 1 {
			t.Errorf("the other booking's confirmations: %v", keysOf(got))
		}

		// A reminder queued the day before, not yet sent.
		late := bookAs(t, ta, "vi", id, "2026-12-03", "Vi Thị Muộn", "0912 700 800", "", "kien_nghi", "Đề nghị hướng dẫn thủ tục")
		ta.deliver(t)
		dayBefore := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
		ta.Clock.Set(dayBefore)
		if r := ta.runJob(t, "reception-reminder", dayBefore); r.Counts["bookings"] != 2 {
			t.Fatalf("%d bookings reminded, want 2", r.Counts["bookings"])
		}
		if n := pending(late); n != 2 {
			t.Fatalf("%d reminders of %s queued, want 2", n, late)
		}
		cancel(late)
		for range 3 {
			ta.deliver(t)
			ta.Clock.Set(ta.Clock.Now().Add(time.Hour))
		}
		if got := g.of(late); len(got["booking_reminder:sms"])+len(got["booking_reminder:zalo"]) != 0 {
			t.Errorf("the cancelled booking was reminded: %v", keysOf(got))
		}
		if got := g.of(other); len(got["booking_reminder:sms"]) != 1 || len(got["booking_reminder:zalo"]) != 1 {
			t.Errorf("the other booking's reminders: %v", keysOf(got))
		}

		// Withdrawn, not failed.
		dead, err := ta.alertStore.DeadMessages(t.Context(), 10, 0)
		if err != nil || len(dead) != 0 {
			t.Errorf("dead messages after the cancels: %+v %v", dead, err)
		}
		var audits []string
		ta.db.Gorm.Raw("SELECT CAST(after_json AS TEXT) FROM audit_log WHERE action = 'reception.booking.cancel' ORDER BY id").Scan(&audits)
		if len(audits) != 2 {
			t.Fatalf("%d cancel audit rows, want 2", len(audits))
		}
		for _, a := range audits {
			if !strings.Contains(strings.ReplaceAll(a, " ", ""), `"deliveries_withdrawn":2`) {
				t.Errorf("the cancel's audit row does not count the 2 withdrawn deliveries: %s", a)
			}
		}
	})
}

// TestReceptionBookingCancelKeepsDead: a cancel withdraws only the
// booking's messages still waiting to be delivered. A confirmation that
// already gave up stays on the admins' dead list after the cancel (the
// failure happened), and the cancel's audit row counts only the pending
// reminders it withdrew.
func TestReceptionBookingCancelKeepsDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.Alerts.MaxAttempts = 1 })
		_, id := deputyThursdays(t, ta)
		code := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", "", "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		ta.runJob(t, "outbox", testNow)
		dayBefore := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
		ta.Clock.Set(dayBefore)
		if r := ta.runJob(t, "reception-reminder", dayBefore); r.Counts["bookings"] != 1 {
			t.Fatalf("%d bookings reminded, want 1", r.Counts["bookings"])
		}
		var bid int64
		if err := ta.db.Gorm.Raw("SELECT id FROM reception_bookings WHERE code = ?", code).Scan(&bid).Error; err != nil || bid == 0 {
			t.Fatalf("booking %s: %v", code, err)
		}
		states := func() map[string]int {
			t.Helper()
			var rows []struct {
				State string
				N     int
			}
			if err := ta.db.Gorm.Raw("SELECT o.state, COUNT(*) AS n FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.booking_id = ? GROUP BY o.state",
				bid).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, r := range rows {
				out[r.State] = r.N
			}
			return out
		}
		if s := states(); s["dead"] != 2 || s["pending"] != 2 {
			t.Fatalf("before the cancel: %v, want 2 dead confirmations and 2 pending reminders", s)
		}
		if err := ta.reception.CancelBooking(t.Context(), bid, ta.reception.BookingSig(bid)); err != nil {
			t.Fatal(err)
		}
		if s := states(); s["dead"] != 2 || s["pending"] != 0 {
			t.Errorf("after the cancel: %v, want the 2 dead confirmations kept and no pending reminder", s)
		}
		dead, err := ta.alertStore.DeadMessages(t.Context(), 10, 0)
		if err != nil || len(dead) != 2 {
			t.Errorf("dead messages after the cancel: %+v %v, want the 2 confirmations", dead, err)
		}
		var audits []string
		ta.db.Gorm.Raw("SELECT CAST(after_json AS TEXT) FROM audit_log WHERE action = 'reception.booking.cancel'").Scan(&audits)
		if len(audits) != 1 || !strings.Contains(strings.ReplaceAll(audits[0], " ", ""), `"deliveries_withdrawn":2`) {
			t.Errorf("the cancel's audit row does not count the 2 withdrawn reminders alone: %v", audits)
		}
	})
}

// TestReceptionBookingCancelRetryDead: a booking's confirmation that gave
// up before the citizen cancelled stays on the admins' dead list, but its
// "retry" sends nothing to the citizen: the jobs page refuses it with a
// message (vi/en), the delivery stays dead, and nothing is audited as
// retried. A delivery of the booking left pending after the cancel (a
// retry that crossed the cancel) is withdrawn when the outbox takes it:
// not sent, not failed.
func TestReceptionBookingCancelRetryDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.Alerts.MaxAttempts = 1 })
		ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		_, id := deputyThursdays(t, ta)
		code := bookAs(t, ta, "vi", id, "2026-12-03", "Lương Thị Hỏi", "0912 100 200", "", "kien_nghi", "Đề nghị hướng dẫn cấp phép xây dựng")
		ta.runJob(t, "outbox", testNow)
		var bid int64
		if err := ta.db.Gorm.Raw("SELECT id FROM reception_bookings WHERE code = ?", code).Scan(&bid).Error; err != nil || bid == 0 {
			t.Fatalf("booking %s: %v", code, err)
		}
		dead := func() []string {
			t.Helper()
			var ids []string
			if err := ta.db.Gorm.Raw("SELECT CAST(o.id AS TEXT) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.booking_id = ? AND o.state = 'dead' ORDER BY o.id",
				bid).Scan(&ids).Error; err != nil {
				t.Fatal(err)
			}
			return ids
		}
		ids := dead()
		if len(ids) != 2 {
			t.Fatalf("%d dead confirmations, want 2", len(ids))
		}
		if err := ta.reception.CancelBooking(t.Context(), bid, ta.reception.BookingSig(bid)); err != nil {
			t.Fatal(err)
		}

		// The admin sees them and presses "retry": refused, in vi and en.
		adm := ta.browser(t)
		adm.mustLogin("admin@sxd.test")
		listed := logMatches(deadIDRe, adm.page("/staff/admin/jobs"))
		for _, id := range ids {
			if !slices.Contains(listed, id) {
				t.Errorf("the dead confirmation %s is not on the jobs page", id)
			}
		}
		for i, id := range ids {
			lang, want := "vi", "công dân đã hủy đăng ký tiếp công dân"
			if i == 1 {
				lang, want = "en", "the citizen has cancelled the reception booking"
			}
			res, body := adm.post("/staff/admin/outbox/"+id+"/retry?lang="+lang, nil)
			if res.StatusCode != http.StatusConflict || !strings.Contains(body, want) {
				t.Errorf("retry %s in %s: %d → %s, want 409 saying %q", id, lang, res.StatusCode, res.Header.Get("Location"), want)
			}
		}
		ta.deliver(t)
		if got := g.of(code); len(got) != 0 {
			t.Errorf("the cancelled booking's confirmation was sent on retry: %v", keysOf(got))
		}
		if n := g.attemptsOf(code); n != 2 {
			t.Errorf("%d attempts to the gateway, want the 2 before the cancel", n)
		}
		if got := dead(); !slices.Equal(got, ids) {
			t.Errorf("dead after the refused retries: %v, want %v", got, ids)
		}
		var retried int
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry'").Scan(&retried)
		if retried != 0 {
			t.Errorf("%d retries audited, want none", retried)
		}

		// One put back in the queue anyway is withdrawn at send time.
		if err := ta.db.Gorm.Exec("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?", ta.Clock.Now(), ids[0]).Error; err != nil {
			t.Fatal(err)
		}
		ta.deliver(t)
		if got := g.of(code); len(got) != 0 {
			t.Errorf("the cancelled booking's pending confirmation was sent: %v", keysOf(got))
		}
		if n := g.attemptsOf(code); n != 2 {
			t.Errorf("%d attempts to the gateway, want the 2 before the cancel", n)
		}
		var left []string
		ta.db.Gorm.Raw("SELECT CAST(id AS TEXT) || ':' || state FROM outbox WHERE id = ?", ids[0]).Scan(&left)
		if len(left) != 0 {
			t.Errorf("the pending confirmation of the cancelled booking stays in the outbox: %v", left)
		}
		if got := dead(); !slices.Equal(got, ids[1:]) {
			t.Errorf("dead after the withdrawal: %v, want %v", got, ids[1:])
		}
	})
}
