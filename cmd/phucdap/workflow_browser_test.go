package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// In a real browser: the office registers a phone case,
// classifies, accepts and assigns it; a unit officer drafts the answer;
// the unit head approves it; the citizen reads it on the tracking page.
// Screenshots wf-*.png (PHUCDAP_TEST_SHOTS).
func TestWorkflowInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "vanthu@sxd.test", "VP", access.Office)
	ta.addStaff(t, "chuyenvien@sxd.test", "PQLXD", access.UnitOfficer)
	ta.addStaff(t, "truongphong@sxd.test", "PQLXD", access.UnitHead)
	topic := firstTopic(t, ta)
	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot, text, do := pg.shot, pg.text, pg.do
	login := func(email, next string) {
		t.Helper()
		do("login "+email, logIn(ta.Server.URL+"/login?next="+next, email, ".staffbar"))
	}
	logout := func() {
		t.Helper()
		do("logout", chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.CSS("#email")))
	}
	done := func(what, button string) {
		t.Helper()
		// The last action's confirmation goes first, so that the wait is
		// for the next page's.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.getElementById("done"); if (e) e.remove(); return true })()`)); err != nil {
			t.Fatal(err)
		}
		do(what, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS("#done")))
	}

	// The office registers a phone call received at 08:30.
	login("vanthu@sxd.test", "/staff/inbox")
	do("register form",
		chromedp.Click(chromedp.CSS("#register-link")),
		chromedp.WaitVisible(chromedp.CSS("#reg-title")),
		chromedp.SetValue(chromedp.CSS("#reg-channel"), "phone"),
		chromedp.SetValue(chromedp.CSS("#reg-received"), "2026-11-27T08:30"),
		chromedp.SetValue(chromedp.CSS("#reg-kind"), "phan_anh"),
		chromedp.SetValue(chromedp.CSS("#reg-topic"), itoa(topic)),
		typeText(chromedp.CSS("#reg-title"), "Rác thải xây dựng đổ trộm bên đường"),
		typeText(chromedp.CSS("#reg-content"), "Người dân gọi điện phản ánh có xe đổ trộm rác thải xây dựng tại km 3 đường Hùng Vương, gây ách tắc."),
		typeText(chromedp.CSS("#reg-name"), "Lương Thị Điện"),
		typeText(chromedp.CSS("#reg-phone"), "0912 777 888"),
	)
	shot("wf-register.png")
	do("register", chromedp.Click(chromedp.CSS("#register-submit")), chromedp.WaitVisible(chromedp.CSS("#registered")))
	code, secret := text("#registered-code"), text("#registered-secret")
	if !strings.HasPrefix(code, "SXD-2026-") || len(secret) != 8 {
		t.Fatalf("registered %q %q", code, secret)
	}
	if s := text("#case-status"); s != "Mới tiếp nhận" {
		t.Errorf("status %q", s)
	}
	if s := text("#clocks"); !strings.Contains(s, "08:30 27/11/2026") {
		t.Errorf("the clock does not start at the call: %q", s)
	}
	shot("wf-registered.png")
	caseURL := "/staff/cases/" + strings.TrimSpace(ta.mustCaseID(t, code))

	do("inbox", chromedp.Navigate(ta.Server.URL+"/staff/inbox"), chromedp.WaitVisible(chromedp.CSS("#bulk-assign")))
	shot("wf-inbox-office.png")

	do("open classify", chromedp.Navigate(ta.Server.URL+caseURL), chromedp.Click(chromedp.CSS("#act-classify summary")),
		chromedp.WaitVisible(chromedp.CSS("#classify-submit")))
	shot("wf-classify.png")
	done("classify", "#classify-submit")
	do("open accept", chromedp.Click(chromedp.CSS("#act-accept summary")), chromedp.WaitVisible(chromedp.CSS("#accept-submit")))
	done("accept", "#accept-submit")
	if s := text("#case-status"); s != "Đã thụ lý" {
		t.Errorf("status after accept %q", s)
	}
	do("assign form", chromedp.WaitVisible(chromedp.CSS("#assign-lead")), chromedp.SetValue(chromedp.CSS("#assign-lead"), "PQLXD"))
	shot("wf-assign.png")
	done("assign", "#assign-submit")
	if s := text("#case-lead"); s != "Phòng Quản lý xây dựng" {
		t.Errorf("lead %q", s)
	}
	shot("wf-assigned.png")
	logout()

	// The unit officer drafts the answer.
	login("chuyenvien@sxd.test", caseURL)
	do("answer form", chromedp.WaitVisible(chromedp.CSS("#answer-body")),
		typeText(chromedp.CSS("#answer-body"), "Sở Xây dựng đã phối hợp UBND phường kiểm tra, thu gom rác thải và xử phạt chủ phương tiện vi phạm."),
		typeText(chromedp.CSS("#answer-no"), "415/SXD-QLXD"),
		typeText(chromedp.CSS("#answer-signer"), "Trưởng phòng Quản lý xây dựng"))
	done("draft", "#answer-submit")
	shot("wf-drafted.png")
	if s := text("main"); strings.Contains(s, "Duyệt và phát hành trả lời") {
		t.Errorf("an officer is offered the approval")
	}
	logout()

	// The unit head approves, which publishes.
	login("truongphong@sxd.test", caseURL)
	do("approve form", chromedp.WaitVisible(chromedp.CSS("#approve-submit")))
	shot("wf-approve.png")
	done("approve", "#approve-submit")
	if s := text("#case-status"); s != "Đã trả lời" {
		t.Errorf("status after approval %q", s)
	}
	if s := text("#clocks"); !strings.Contains(s, "Đúng hạn") {
		t.Errorf("clocks after the answer: %q", s)
	}
	shot("wf-answered.png")
	logout()

	// The citizen reads the answer.
	do("tracking",
		chromedp.Navigate(ta.Server.URL+"/tra-cuu"),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		typeText(chromedp.ID("f-code"), code),
		typeText(chromedp.ID("f-secret"), secret),
		chromedp.Submit(chromedp.ID("f-secret")),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	shot("wf-track-answer.png")
	page := text("main")
	var body string
	ta.db.Gorm.Raw("SELECT body FROM answers WHERE published_at IS NOT NULL").Scan(&body)
	if body != "Sở Xây dựng đã phối hợp UBND phường kiểm tra, thu gom rác thải và xử phạt chủ phương tiện vi phạm." {
		t.Errorf("published body %q is not what the officer typed", body)
	}
	for _, want := range []string{"thu gom rác thải và xử phạt", "Trưởng phòng Quản lý xây dựng", "Giao Phòng Quản lý xây dựng chủ trì giải quyết", "Đã trả lời", "Số văn bản 415/SXD-QLXD"} {
		if !strings.Contains(page, want) {
			t.Errorf("tracking page lacks %q:\n%s", want, page)
		}
	}
	for _, leak := range []string{"sxd.test", "Cán bộ"} {
		if strings.Contains(page, leak) {
			t.Errorf("tracking page shows %q", leak)
		}
	}
}

var templateSlip = regexp.MustCompile(`<nil>|&lt;nil&gt;|%!|\b(wf|workflow|staff|petition|inbox|register|case)\.[a-z_]+(\.[a-z_]+)?\b`)

func (ta *testApp) mustCaseID(t *testing.T, code string) string {
	t.Helper()
	var id int64
	if err := ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("case %s: %v", code, err)
	}
	return itoa(id)
}
