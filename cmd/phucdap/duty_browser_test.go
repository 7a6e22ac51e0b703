package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/petition"
)

// In a real browser, the office walks the duty forms of the case page: a
// second complaint's dialogue (the hint that the answer waits for it, the
// scheduling form, the notice's duty form, the outcome form, the English
// page) and a denunciation's notice to the parties. Screenshots
// dialogue-*.png (PHUCDAP_TEST_SHOTS).
func TestDutyFormsInBrowser(t *testing.T) {
	ta, office := newOfficeBrowserApp(t)
	officer := ta.staffActor(t, "cv-setup@sxd.test", "PQLXD", access.UnitOfficer)
	register := func(kind petition.Kind, title, content string) int64 {
		t.Helper()
		reg := ta.register(t, office, petition.RegisterInput{Kind: kind, Channel: petition.ChannelPost,
			ReceivedAt: ta.Clock.Now(), Title: title, Content: content, Name: "Hoàng Văn Khiếu", Address: "Phường Tam Thanh"})
		return reg.CaseID
	}
	ta.setLocal(t, "2026-11-02 09:00")
	complaint := register(petition.KindComplaint, "Khiếu nại lần hai về thu hồi giấy phép", "Tôi không đồng ý với quyết định giải quyết khiếu nại lần đầu về thu hồi giấy phép xây dựng.")
	ta.act(t, office, complaint, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 2})
	ta.act(t, office, complaint, petition.AcceptInput{DecisionNo: "41/QĐ-SXD"})
	ta.act(t, office, complaint, petition.AssignInput{Lead: "PQLXD"})
	denunciation := register(petition.KindDenunciation, "Tố cáo cán bộ nhận tiền", "Tố cáo cán bộ thanh tra xây dựng nhận tiền của chủ công trình để bỏ qua vi phạm.")
	ta.act(t, office, denunciation, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
	ta.act(t, office, denunciation, petition.AcceptInput{DecisionNo: "42/QĐ-SXD"})
	ta.setLocal(t, "2026-11-04 09:00")

	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot := pg.shot
	text, do := pg.text, pg.do
	done := func(what, button string) {
		t.Helper()
		pg.eval(`(() => { const e = document.getElementById("done"); if (e) e.remove(); return "" })()`)
		do(what, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS("#done")))
	}
	login := func(next string) {
		t.Helper()
		do("login", logIn(ta.Server.URL+"/login?next="+next, "vanphong@sxd.test", "#act-h"))
	}
	login("/staff/cases/" + itoa(complaint))

	// The answer waits for the dialogue; the office schedules it for Mon
	// 16/11, its notice due Wed 11/11.
	if s := text("#dialogue-required"); !strings.Contains(s, "chỉ được giải quyết sau khi đối thoại") {
		t.Errorf("hint %q", s)
	}
	do("schedule form", chromedp.Click(chromedp.CSS("#act-schedule_dialogue summary")), chromedp.WaitVisible(chromedp.CSS("#dialogue-place")),
		chromedp.SetValue(chromedp.CSS("#dialogue-on"), "2026-11-16"),
		chromedp.SetValue(chromedp.CSS("#dialogue-time"), "14:00"),
		typeText(chromedp.CSS("#dialogue-place"), "Phòng họp tầng 2, Sở Xây dựng"),
		typeText(chromedp.CSS("#dialogue-participants"), "Phó Giám đốc Sở (chủ trì); ông Hoàng Văn Khiếu; Phòng Quản lý xây dựng"))
	shot("dialogue-schedule.png")
	done("schedule", "#schedule_dialogue-submit")
	if s := text("#clocks"); !strings.Contains(s, "Gửi thông báo tổ chức đối thoại") || !strings.Contains(s, "11/11/2026") {
		t.Errorf("the notice's clock is not due at the end of 11/11: %q", s)
	}
	if s := text("#dialogues"); !strings.Contains(s, "16/11/2026 14:00") || !strings.Contains(s, "Phòng họp tầng 2") {
		t.Errorf("dialogues: %q", s)
	}
	shot("dialogue-scheduled.png")

	// The notice, sent today.
	do("notice form", chromedp.Click(chromedp.CSS("#act-dialogue_notice_sent summary")), chromedp.WaitVisible(chromedp.CSS("#dialogue_notice_sent-ref")),
		typeText(chromedp.CSS("#dialogue_notice_sent-ref"), "88/TB-SXD"))
	shot("dialogue-notice.png")
	done("notice", "#act-dialogue_notice_sent button[type=submit]")
	onTimeIs(t, "notice", dutyClock(t, ta.caseState(t, complaint), deadline.DialogueNotice), true)

	// The dialogue, held on the day (a new login: twelve days idle end
	// the session): the outcome form; then the hint is gone and the answer
	// offered (to the lead unit).
	ta.setLocal(t, "2026-11-16 16:30")
	login("/staff/cases/" + itoa(complaint))
	do("outcome form", chromedp.Click(chromedp.CSS("#act-record_dialogue summary")), chromedp.WaitVisible(chromedp.CSS("#dialogue-minutes")),
		chromedp.Click(chromedp.CSS(`input[name=outcome][value=held]`)),
		typeText(chromedp.CSS("#dialogue-minutes"), "07/BB-ĐT"),
		typeText(chromedp.CSS("#dialogue-result"), "Hai bên thống nhất kết quả xác minh; người khiếu nại giữ yêu cầu cấp lại giấy phép."))
	shot("dialogue-record.png")
	done("record", "#record_dialogue-submit")
	if n := pg.eval(`String(document.querySelectorAll("#dialogue-required").length)`); n != "0" {
		t.Errorf("the hint stays after the dialogue")
	}
	if s := text("#dialogues"); !strings.Contains(s, "Đã đối thoại") || !strings.Contains(s, "07/BB-ĐT") {
		t.Errorf("dialogues after the outcome: %q", s)
	}
	if s := text("main"); !strings.Contains(s, "Đã đối thoại, biên bản 07/BB-ĐT") || !strings.Contains(s, "Lên lịch đối thoại: 14:00 16/11/2026") {
		t.Errorf("the trail lacks the dialogue: %q", s)
	}
	shot("dialogue-recorded.png")
	if _, err := ta.workflow.Do(context.Background(), officer, complaint, petition.AnswerInput{Body: "Quyết định giải quyết khiếu nại lần hai: giữ nguyên."}); err != nil {
		t.Errorf("the answer after the dialogue: %v", err)
	}
	do("english", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(complaint)+"?lang=en"), chromedp.WaitVisible(chromedp.CSS("#dialogues")))
	if s := text("#dialogues"); !strings.Contains(s, "Held") || !strings.Contains(s, "Minutes 07/BB-ĐT") {
		t.Errorf("English dialogues: %q", s)
	}
	shot("dialogue-en.png")

	// A denunciation's notice to the parties, on the same kind of form.
	do("notify form", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(denunciation)+"?lang=vi"),
		chromedp.Click(chromedp.CSS("#act-notify_parties summary")), chromedp.WaitVisible(chromedp.CSS("#notify_parties-ref")),
		typeText(chromedp.CSS("#notify_parties-ref"), "90/TB-SXD"),
		typeText(chromedp.CSS("#notify_parties-accused"), "Sở thông báo nội dung tố cáo về việc nhận tiền để bỏ qua vi phạm xây dựng."))
	shot("dialogue-notify-parties.png")
	done("notify", "#act-notify_parties button[type=submit]")
	// Accepted 02/11, 5 working days: due 09/11; recorded 16/11, late.
	onTimeIs(t, "notice to the parties", dutyClock(t, ta.caseState(t, denunciation), deadline.DenunciationNotify), false)
	if s := text("#clocks"); !strings.Contains(s, "Trễ hạn") {
		t.Errorf("the late notice is not marked late: %q", s)
	}
	shot("dialogue-notified.png")
}
