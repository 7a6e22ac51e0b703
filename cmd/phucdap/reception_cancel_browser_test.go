package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/reception"
)

// In a real browser on a phone (390 px, scripts off): a citizen books the
// deputy's Thursday for a denunciation, follows the cancel link of the
// page after booking, reads the booking (nothing of the denunciation) and
// cancels it with the button; the link then says it is cancelled.
// Screenshots reception-cancel-390-*.png (PHUCDAP_TEST_SHOTS).
func TestReceptionBookingCancelInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	office := ta.staffActor(t, "office-setup@sxd.test", "VP", access.Office)
	sc, err := ta.reception.SaveSchedule(t.Context(), office, reception.Schedule{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở",
		Repeat: reception.RepeatWeekly, Weekday: time.Thursday, StartMin: 450, EndMin: 660, Capacity: 3,
		Place: "Trụ sở tiếp công dân, số 2 đường Hùng Vương, TP Lạng Sơn", From: calendar.MustDate("2026-11-01"), Active: true})
	if err != nil {
		t.Fatal(err)
	}

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	pg.do("a phone without scripts", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), noScript())
	pg.do("the booking form", chromedp.Navigate(ta.Server.URL+"/lich-tiep-cong-dan/dang-ky?lich="+itoa(sc.ID)+"&ngay=2026-12-03"),
		chromedp.WaitVisible(chromedp.CSS(".reception-booking")),
		typeText(chromedp.ID("b-name"), "Hoàng Văn Kín"), typeText(chromedp.ID("b-phone"), "0912300400"),
		chromedp.SetValue(chromedp.ID("b-kind"), "to_cao"),
		typeText(chromedp.ID("b-desc"), "Tố cáo cán bộ Đinh Văn Khai nhận tiền cấp phép"),
		chromedp.Click(chromedp.CSS(".reception-booking button[type=submit]")), chromedp.WaitVisible(chromedp.ID("booking-cancel")))
	code := bookingCodeRe.FindString(pg.text(".receipt"))
	pg.shot("reception-cancel-390-booked.png")
	pg.do("the cancel link", chromedp.Click(chromedp.ID("booking-cancel")), chromedp.WaitVisible(chromedp.CSS(".booking-cancel-form")))
	page := pg.text("main")
	if !strings.Contains(page, code) || !strings.Contains(page, "Thứ Năm, 03/12/2026") {
		t.Errorf("the cancel page lacks the booking: %q", page)
	}
	for _, leak := range []string{"Tố cáo", "tố cáo", "Đinh Văn Khai", "Hoàng Văn Kín", "0912"} {
		if carries(page, leak) {
			t.Errorf("the cancel page shows %q", leak)
		}
	}
	pg.fits("the cancel page", 390)
	pg.shot("reception-cancel-390-confirm.png")
	pg.do("cancel", chromedp.Click(chromedp.CSS(".booking-cancel-form button[type=submit]")), chromedp.WaitVisible(chromedp.ID("booking-cancelled")))
	pg.fits("the cancelled page", 390)
	pg.shot("reception-cancel-390-done.png")
	if n := ta.count(t, "SELECT COUNT(*) FROM reception_bookings WHERE cancelled_at IS NOT NULL"); n != 1 {
		t.Errorf("%d bookings cancelled", n)
	}
}
