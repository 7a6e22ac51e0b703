package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
)

// In a real browser: the office opens the inbox, follows its proposal to
// the cases to chase (due within two working days, no draft; selected
// already), chases them with a note, reads the chase on a case's trail,
// and reopens an answered case with a reason; the unit's officer finds the
// chase under the bell. Screenshots chase-*.png
// (PHUCDAP_TEST_SHOTS).
func TestChaseAndReopenInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	office := ta.staffActor(t, "vanphong@sxd.test", "VP", access.Office)
	officer := ta.staffActor(t, "chuyenvien@sxd.test", "PQLXD", access.UnitOfficer)
	head := ta.staffActor(t, "truongphong@sxd.test", "PQLXD", access.UnitHead)
	ta.setLocal(t, "2026-12-01 09:00")
	pakn := func(title string) (int64, string) {
		t.Helper()
		r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPhone,
			ReceivedAt: ta.Clock.Now(), Title: title, Content: "Nội dung phản ánh của người dân về " + strings.ToLower(title) + ".",
			Name: "Người Gửi", Phone: "0911222333"})
		ta.act(t, office, r.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Note: "Đúng thẩm quyền của Sở"})
		ta.act(t, office, r.CaseID, petition.AcceptInput{})
		ta.act(t, office, r.CaseID, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}, Reason: "Theo nhiệm vụ của kế hoạch"})
		return r.CaseID, r.Code
	}
	lampID, lampCode := pakn("Đèn đường hỏng ở ngõ 4 phố Bà Triệu")
	_, roadCode := pakn("Mặt đường Đông Kinh bị lún")
	doneID, doneCode := pakn("Vỉa hè phố Lê Lợi bị lấn chiếm")
	ta.act(t, officer, doneID, petition.AnswerInput{Body: "Sở đã phối hợp với phường xử lý việc lấn chiếm vỉa hè."})
	ta.act(t, head, doneID, petition.ApproveInput{})
	// Half a day before the first two fall due.
	ta.Clock.Set(ta.caseState(t, lampID).MainClock().DueAt.Add(-12 * time.Hour))

	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot, do, eval := pg.shot, pg.do, pg.eval
	login := func(p browserPage, email string) {
		t.Helper()
		p.login(ta.Server.URL, email)
	}
	login(pg, "vanphong@sxd.test")
	do("inbox", chromedp.Navigate(ta.Server.URL+"/staff/inbox"), chromedp.WaitVisible(chromedp.CSS("#chase-proposal")))
	if s := pg.text("#chase-proposal"); !strings.Contains(s, "2 hồ sơ đến hạn trong 2 ngày làm việc") {
		t.Errorf("proposal: %q", s)
	}
	shot("chase-inbox.png")
	do("to chase", chromedp.Click(chromedp.CSS("#chase-proposal a")), chromedp.WaitVisible(chromedp.CSS("#chase-help")))
	rows := eval(`Array.from(document.querySelectorAll("table.inbox tbody tr")).map(r => r.innerText + (r.querySelector("input:checked") ? " [x]" : "")).join("\n")`)
	if !strings.Contains(rows, lampCode) || !strings.Contains(rows, roadCode) || strings.Contains(rows, doneCode) || strings.Count(rows, "[x]") != 2 {
		t.Errorf("to chase, selected: %q", rows)
	}
	do("chase", typeText(chromedp.CSS("#chase-note"), "Đề nghị gửi dự thảo trả lời trước 16 giờ."))
	shot("chase-to-chase.png")
	do("submit", chromedp.Click(chromedp.CSS("#chase-submit")), chromedp.WaitVisible(chromedp.CSS("#chase-done")))
	if s := pg.text("#chase-done"); !strings.Contains(s, "Đã đôn đốc 2 hồ sơ.") {
		t.Errorf("done: %q", s)
	}
	shot("chase-done.png")

	do("case", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+strconv.FormatInt(lampID, 10)), chromedp.WaitVisible(chromedp.CSS("#trail-h")))
	trail := eval(`document.querySelector("section[aria-labelledby=trail-h]").innerText`)
	for _, want := range []string{"Đôn đốc Phòng Quản lý xây dựng: Đề nghị gửi dự thảo trả lời trước 16 giờ.", "Phân loại là Phản ánh: đủ điều kiện xử lý, thuộc thẩm quyền",
		"Giao Phòng Quản lý xây dựng chủ trì, Phòng Quy hoạch - Kiến trúc phối hợp", "Tiếp nhận, kênh: Điện thoại"} {
		if !strings.Contains(trail, want) {
			t.Errorf("the trail lacks %q:\n%s", want, trail)
		}
	}
	do("trail into view", chromedp.ScrollIntoView(chromedp.CSS("#trail-h")))
	shot("chase-trail.png")

	do("answered case", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+strconv.FormatInt(doneID, 10)), chromedp.WaitVisible(chromedp.CSS("#act-staff_reopen summary")),
		chromedp.Click(chromedp.CSS("#act-staff_reopen summary")), chromedp.WaitVisible(chromedp.CSS("#staff_reopen-reason")),
		typeText(chromedp.CSS("#staff_reopen-reason"), "Phường chưa xử lý dứt điểm, người dân tiếp tục phản ánh qua đường dây nóng."))
	shot("chase-reopen-form.png")
	do("reopen", chromedp.Submit(chromedp.CSS("#staff_reopen-reason")), chromedp.WaitVisible(chromedp.CSS("#done")))
	if s := pg.text("#case-status"); !strings.Contains(s, "mở lại") && !strings.Contains(s, "Mở lại") {
		t.Errorf("status after reopening: %q", s)
	}
	if s := eval(`document.querySelector("main").innerText`); !strings.Contains(s, "Mở lại hồ sơ đã trả lời, tiếp tục xem xét ở hồ sơ mới; lý do: Phường chưa xử lý dứt điểm") ||
		!strings.Contains(s, "Cơ quan mở lại hồ sơ để xem xét tiếp với mã SXD-") {
		t.Errorf("the trail lacks the reopening:\n%s", s)
	}
	shot("chase-reopened.png")

	// The unit's officer, in a browser of their own.
	op := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	login(op, "chuyenvien@sxd.test")
	if n := op.text(".bell-count"); n != "2" {
		t.Errorf("the officer's bell shows %q, want 2", n)
	}
	op.do("alerts", chromedp.Navigate(ta.Server.URL+"/staff/alerts"), chromedp.WaitVisible(chromedp.CSS(".alert-list")))
	if s := op.text(".alert-list"); strings.Count(s, "Đôn đốc") != 2 || !strings.Contains(s, lampCode) || !strings.Contains(s, "Trạng thái: ") {
		t.Errorf("the officer's alerts: %q", s)
	}
	op.shot("chase-alerts.png")
}
