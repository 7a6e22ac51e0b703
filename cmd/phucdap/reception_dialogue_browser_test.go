package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

// In a real browser: the office finds a dialogue of last week pending on
// its reception page (1366 px, and 390 px on a phone), publishes its
// result, and the public reads it on /minh-bach on a phone without
// scripts, the visitor's name removed. Screenshots
// reception-dialogue-*.png (PHUCDAP_TEST_SHOTS).
func TestReceptionDialogueInBrowser(t *testing.T) {
	ta, office := newOfficeBrowserApp(t)
	if _, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-20"),
		Receiver: "Giám đốc Sở Đào Chủ Trì", Kind: petition.KindComplaint, Name: "Hoàng Văn Khải", Phone: "0915 222 333", Group: true, Headcount: 5,
		Representatives: "Ông Hoàng Văn Khải, Bà Lương Thị Nhàn", Outcome: reception.OutcomeGuided, Dialogue: true,
		Content: "Khiếu nại quyết định thu hồi giấy phép xây dựng nhà ở tại thôn Bản Cưởm, xã Mai Pha."}); err != nil {
		t.Fatal(err)
	}
	// Four more visits in November: a month's results are listed once it
	// ended with at least five.
	for i := range 4 {
		if _, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-20"), Receiver: "Chuyên viên Văn phòng",
			Kind: petition.KindPetition, Name: "Công dân " + strconv.Itoa(i), Outcome: reception.OutcomeGuided,
			Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở."}); err != nil {
			t.Fatal(err)
		}
	}

	pg := ta.officeDesktop(t)
	pg.do("reception", chromedp.Navigate(ta.Server.URL+"/staff/reception#dialogues"), chromedp.WaitVisible(chromedp.CSS(".dialogue-pending textarea")))
	if s := pg.text("#dialogues"); !strings.Contains(s, "đã chờ 4 ngày làm việc") || !strings.Contains(s, "Chờ công khai kết quả") {
		t.Errorf("pending: %q", s)
	}
	pg.do("type", typeText(chromedp.CSS(".dialogue-pending textarea"),
		"Ông Hoàng Văn Khải và bà Lương Thị Nhàn được giải thích căn cứ thu hồi giấy phép; Sở giao Phòng Quản lý xây dựng kiểm tra lại hồ sơ."))
	pg.fits("the reception page", 1366)
	pg.shot("reception-dialogue-1366-pending.png")
	pg.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	// Another address: the same one with its fragment would keep the page,
	// and the text typed on it.
	pg.do("reception", chromedp.Navigate(ta.Server.URL+"/staff/reception?d=phone#dialogues"), chromedp.WaitVisible(chromedp.CSS(".dialogue-pending textarea")))
	pg.fits("the reception page", 390)
	pg.shot("reception-dialogue-390-pending.png")
	pg.do("publish", typeText(chromedp.CSS(".dialogue-pending textarea"),
		"Ông Hoàng Văn Khải và bà Lương Thị Nhàn được giải thích căn cứ thu hồi giấy phép; Sở giao Phòng Quản lý xây dựng kiểm tra lại hồ sơ."),
		chromedp.Click(chromedp.CSS(".dialogue-pending button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if s := pg.text("#dialogues"); !strings.Contains(s, "Không có cuộc đối thoại nào chờ") {
		t.Errorf("after publishing: %q", s)
	}

	pg.eval(`(() => { document.querySelector("form.logout").submit(); return "" })()`)
	pg.do("signed out", chromedp.WaitVisible(chromedp.CSS("#email")))
	pg.do("the public, on a phone without scripts", noScript())
	ta.setLocal(t, "2026-12-01 09:00")
	pg.do("transparency", chromedp.Navigate(ta.Server.URL+"/minh-bach?lang=vi#dialogues"), chromedp.WaitVisible(chromedp.CSS(".dialogue-result")))
	s := pg.text(".public-dialogues")
	if strings.Count(s, "Sở giao Phòng Quản lý xây dựng kiểm tra lại hồ sơ") != 1 || strings.Contains(s, "Khải") || strings.Contains(s, "Nhàn") {
		t.Errorf("published: %q", s)
	}
	pg.fits("the transparency page", 390)
	pg.do("scroll", chromedp.ScrollIntoView(chromedp.CSS("#dialogues")))
	pg.shot("reception-dialogue-390-public.png")
}
