package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

// In a real browser: the office prints a session's receipt with its
// rating link (1366 px), and the visitor opens the link on a phone (390
// px, scripts off), rates it 4 with a comment, and is thanked; the link
// then shows the thanks, not the form. Screenshots
// reception-rating-*.png (PHUCDAP_TEST_SHOTS).
func TestReceptionRatingInBrowser(t *testing.T) {
	ta, office := newOfficeBrowserApp(t)
	se, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-27"),
		Receiver: "Chuyên viên Nguyễn Tiếp", Kind: petition.KindComplaint, Name: "Đinh Văn Khiếu", Phone: "0915 444 555",
		Outcome: reception.OutcomeVerify, Content: "Khiếu nại quyết định xử phạt vi phạm hành chính trong xây dựng số 12/QĐ-XPVPHC."})
	if err != nil {
		t.Fatal(err)
	}

	pg := ta.officeDesktop(t)
	pg.do("receipt", chromedp.Navigate(ta.Server.URL+"/staff/reception/day?d=2026-11-27"), chromedp.WaitVisible(chromedp.CSS(".reception-sessions")),
		chromedp.Click(chromedp.CSS(`.reception-sessions a[href$="/receipt"]`)), chromedp.WaitVisible(chromedp.ID("rating-url")))
	link := pg.text("#rating-url")
	if !strings.Contains(link, "/lich-tiep-cong-dan/danh-gia/"+itoa(se.ID)+"/") {
		t.Fatalf("rating link: %q", link)
	}
	if s := pg.text(".session-receipt"); strings.Contains(s, "Đinh Văn Khiếu") || !strings.Contains(s, se.CaseCode) {
		t.Errorf("receipt: %q", s)
	}
	pg.fits("the receipt", 1366)
	pg.shot("reception-rating-1366-receipt.png")

	pg.do("the day's list on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(ta.Server.URL+"/staff/reception/day?d=2026-11-27&w=390"), chromedp.WaitVisible(chromedp.CSS(".reception-sessions")))
	pg.fits("the day's list", 390)
	pg.shot("reception-rating-390-day.png")
	pg.do("the receipt on a phone", chromedp.Navigate(ta.Server.URL+"/staff/reception/sessions/"+itoa(se.ID)+"/receipt"),
		chromedp.WaitVisible(chromedp.ID("rating-url")))
	pg.fits("the receipt", 390)
	pg.shot("reception-rating-390-receipt.png")

	u, _ := url.Parse(link)
	pg.eval(`(() => { document.querySelector("form.logout").submit(); return "" })()`)
	pg.do("signed out", chromedp.WaitVisible(chromedp.CSS("#email")))
	pg.do("a phone without scripts", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), noScript())
	pg.do("the link", chromedp.Navigate(ta.Server.URL+u.Path), chromedp.WaitVisible(chromedp.CSS(".visit-rating")))
	pg.fits("the rating page", 390)
	pg.do("rate", chromedp.Click(chromedp.CSS(`input[name=stars][value="4"]`)),
		typeText(chromedp.ID("r-comment"), "Cán bộ tiếp nhiệt tình, hướng dẫn rõ ràng."))
	pg.shot("reception-rating-390-form.png")
	pg.do("send", chromedp.Click(chromedp.CSS(".visit-rating button[type=submit]")), chromedp.WaitVisible(chromedp.ID("rating-done")))
	if s := pg.text("#rating-done"); !strings.Contains(s, "4/5") {
		t.Errorf("thanks: %q", s)
	}
	pg.fits("the thanks", 390)
	pg.shot("reception-rating-390-done.png")
	if n := ta.count(t, "SELECT COUNT(*) FROM reception_ratings WHERE stars = 4"); n != 1 {
		t.Errorf("%d ratings stored", n)
	}
}
