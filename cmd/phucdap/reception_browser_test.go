package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/reception"
)

// In a real browser: a citizen finds the reception schedule and books a
// place on a phone (390 px, scripts off), and the office records the
// day's session on a desktop (1366 px), which opens the case. Screenshots
// reception-*.png (PHUCDAP_TEST_SHOTS).
func TestReceptionInBrowser(t *testing.T) {
	ta, office := newOfficeBrowserApp(t)
	// The schedules were published before November: the missed-session
	// alert asks nothing of days before a schedule was saved.
	ta.Clock.Set(time.Date(2026, 10, 30, 2, 0, 0, 0, time.UTC))
	for _, s := range []reception.Schedule{
		{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở Hoàng Văn Tiếp", Repeat: reception.RepeatWeekly, Weekday: time.Thursday,
			StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân tỉnh, số 2 Hùng Vương", OnlineURL: "https://tiepcongdan.langson.gov.vn/p1",
			Capacity: 10, From: calendar.MustDate("2026-11-01"), Active: true},
		{Kind: reception.KindDesk, Host: "Văn phòng Sở", Repeat: reception.RepeatWorkingDays, StartMin: 450, EndMin: 1020,
			Place: "Phòng tiếp công dân, Sở Xây dựng", Capacity: 0, From: calendar.MustDate("2026-11-01"), Active: true},
	} {
		if _, err := ta.reception.SaveSchedule(t.Context(), office, s); err != nil {
			t.Fatal(err)
		}
	}
	ta.Clock.Set(testNow)

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	shot := pg.shot

	pg.do("a phone without scripts", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), noScript())
	pg.do("schedule", chromedp.Navigate(ta.Server.URL+"/lich-tiep-cong-dan"), chromedp.WaitVisible(chromedp.CSS(".reception-days")))
	if s := pg.text(".reception-schedules"); !strings.Contains(s, "Thứ Năm hằng tuần") || !strings.Contains(s, "Các ngày làm việc") {
		t.Errorf("schedule: %q", s)
	}
	pg.fits("the page", 390)
	shot("reception-390-schedule.png")
	pg.do("book", chromedp.Click(chromedp.CSS(".reception-day .button-link")), chromedp.WaitVisible(chromedp.ID("b-name")),
		typeText(chromedp.ID("b-name"), "Nguyễn Thị Đăng"),
		typeText(chromedp.ID("b-phone"), "0912 222 333"),
		typeText(chromedp.ID("b-desc"), "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở"))
	pg.fits("the page", 390)
	shot("reception-390-form.png")
	pg.do("submit", chromedp.Submit(chromedp.ID("b-desc")), chromedp.WaitVisible(chromedp.CSS(".receipt")))
	if s := pg.text(".receipt"); !strings.Contains(s, "TCD-") {
		t.Errorf("receipt: %q", s)
	}
	pg.fits("the page", 390)
	shot("reception-390-booked.png")
	code := pg.text(".receipt-code strong")
	// The answer lost, the citizen books again: the code's last two
	// characters, and the full code sent to the booking's contact.
	pg.do("book again", chromedp.Navigate(ta.Server.URL+"/lich-tiep-cong-dan"), chromedp.WaitVisible(chromedp.CSS(".reception-days")),
		chromedp.Click(chromedp.CSS(".reception-day .button-link")), chromedp.WaitVisible(chromedp.ID("b-name")),
		typeText(chromedp.ID("b-name"), "Nguyễn Thị Đăng"),
		typeText(chromedp.ID("b-phone"), "0912 222 333"),
		typeText(chromedp.ID("b-desc"), "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở"),
		chromedp.Submit(chromedp.ID("b-desc")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if s := pg.text(".error-summary"); len(code) != 12 || !strings.Contains(s, "TCD-••••••"+code[10:]) || strings.Contains(s, code) {
		t.Errorf("booked again: %q (code %q)", s, code)
	}
	pg.fits("the page", 390)
	shot("reception-390-again.png")

	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	pg.do("login", logIn(ta.Server.URL+"/login?next=/staff/reception/day", "vanphong@sxd.test", ".reception-session-form"))
	pg.do("session form",
		typeText(chromedp.ID("s-name"), "Đinh Văn Khiếu"),
		typeText(chromedp.ID("s-phone"), "0915 444 555"),
		typeText(chromedp.ID("s-content"), "Khiếu nại quyết định xử phạt vi phạm hành chính trong xây dựng số 12/QĐ-XPVPHC."),
		typeText(chromedp.ID("s-docs"), "Quyết định 12/QĐ-XPVPHC (bản sao)"),
		chromedp.Click(chromedp.CSS(`input[name=outcome][value=verify]`)))
	pg.eval(`(() => { document.getElementById("s-kind").value = "khieu_nai"; return "" })()`)
	shot("reception-1366-record.png")
	pg.do("record", chromedp.Click(chromedp.CSS(".reception-session-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".reception-sessions")))
	if s := pg.text(".reception-sessions"); !strings.Contains(s, "Đinh Văn Khiếu") || !strings.Contains(s, "Cần thêm thời gian xác minh") ||
		!strings.Contains(s, "KN-") && !strings.Contains(s, "-20") {
		t.Errorf("sessions: %q", s)
	}
	pg.fits("the page", 1366)
	shot("reception-1366-recorded.png")

	// The deputy's Thursdays of November had no session: the office's bell.
	ta.runJob(t, "reception-missed", testNow)
	pg.do("alerts", chromedp.Navigate(ta.Server.URL+"/staff/alerts"), chromedp.WaitVisible(chromedp.CSS(".alert-list")))
	if s := pg.text(".alert-list"); !strings.Contains(s, "Chưa ghi nhận buổi tiếp công dân") || !strings.Contains(s, "Phó Giám đốc Sở Hoàng Văn Tiếp") {
		t.Errorf("alerts: %q", s)
	}
	pg.fits("the page", 1366)
	shot("reception-1366-missed-alert.png")
}

// receptionSlip: a message id of the report or reception catalogue left
// untranslated, a nil or a format error.
var receptionSlip = regexp.MustCompile(`<nil>|&lt;nil&gt;|%!|\b(report|reception)\.[a-z_]+(\.[a-z_]+)?\b`)

// In a real browser: November's citizen reception (receptionNovember)
// under plan task III.1 of the dashboard, on a desktop (1366 px) and on a
// phone (390 px), where the page does not scroll sideways; three visitors
// rated their visit, so the satisfaction shows, and two dialogues were
// held, one with its result published; then the same month on the
// public page. Screenshots reception-plan-*.png and reception-public-*.png
// (PHUCDAP_TEST_SHOTS): the whole page and the III.1 task alone.
func TestReceptionPlanInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	m := newReceptionNovember(t, ta)
	// Rated within November: a later rating is not the month's.
	ta.setLocal(t, "2026-11-30 16:00")
	for i, stars := range []int{5, 4, 2} {
		if err := ta.reception.Rate(t.Context(), m.sessions[i], ta.reception.RatingSig(m.sessions[i]), stars, ""); err != nil {
			t.Fatal(err)
		}
	}
	ta.setLocal(t, "2026-12-01 10:00")
	addNovemberDialogues(t, ta, m)
	ta.addStaff(t, "vanphong.plan@sxd.test", "VP", access.Office)
	pg := browserPage{t: t, ctx: newBrowser(t), slip: receptionSlip}
	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	pg.login(ta.Server.URL, "vanphong.plan@sxd.test")
	for _, width := range []int{1366, 390} {
		w := itoa(int64(width))
		if width == 390 {
			pg.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		}
		pg.do("dashboard", chromedp.Navigate(ta.Server.URL+"/staff/reports?thang=2026-11"), chromedp.WaitVisible(chromedp.ID("plan-reception")))
		s := pg.text("#plan-reception")
		for _, want := range []string{"Phó Giám đốc Sở", "Văn phòng Sở", "50%", "Vụ việc vào sổ từ buổi tiếp", "66,6%"} {
			if !strings.Contains(s, want) {
				t.Errorf("%d px: the III.1 reception figures lack %q: %q", width, want, s)
			}
		}
		pg.fits("the dashboard", width)
		pg.shot("reception-plan-" + w + "-page.png")
		pg.partShot("reception-plan-"+w+"-iii.png", "#plan-table tbody:has(#plan-reception)")
		// III.1's row counts the cases under its topic (none here), not
		// those opened at reception: at work, no rate.
		if row := pg.text("#plan-table tbody:has(#plan-reception) tr.task-row"); !strings.Contains(row, "Đang theo dõi") || strings.Contains(row, "50%") {
			t.Errorf("%d px: III.1's row: %q", width, row)
		}

		// The public's plan: November's aggregates under III.1.
		pg.do("transparency", chromedp.Navigate(ta.Server.URL+"/minh-bach?thang=2026-11"), chromedp.WaitVisible(chromedp.ID("public-reception")))
		s = pg.text("#public-reception")
		for _, want := range []string{"tiếp 3/3 ngày theo lịch", "10 Lượt công dân được Lãnh đạo Sở tiếp", "2 Buổi đối thoại, 1 đã công khai kết quả",
			"5 Vụ việc vào sổ từ buổi tiếp", "50% Đúng hạn"} {
			if !strings.Contains(s, want) {
				t.Errorf("%d px: the public III.1 reception lacks %q: %q", width, want, s)
			}
		}
		pg.fits("the transparency page", width)
		pg.shot("reception-public-" + w + "-page.png")
		pg.partShot("reception-public-"+w+"-iii.png", "li.task:has(#public-reception)")

		// December, still running: the reception block is the note; the
		// row above it counts the task's topic's cases (none).
		pg.do("transparency, running month", chromedp.Navigate(ta.Server.URL+"/minh-bach?thang=2026-12"), chromedp.WaitVisible(chromedp.ID("public-reception")))
		if row := pg.text("li.task:has(#public-reception)"); !strings.Contains(row, "Tiếp nhận 0") || !strings.Contains(row, "sau khi tháng kết thúc") {
			t.Errorf("%d px: the running month's III.1 row: %q", width, row)
		}
		pg.partShot("reception-public-"+w+"-running-iii.png", "li.task:has(#public-reception)")
	}
}
