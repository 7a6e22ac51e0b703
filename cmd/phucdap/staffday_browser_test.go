package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
)

// The staff side of a pilot's first day, in a real browser on a phone
// (390 px, Vietnamese) and on a desktop (1366 px, English), one app for
// both: the office registers a letter at the counter (field errors beside
// their fields, "Chọn loại đơn" for no kind, the scan uploaded, the
// receipt printed alone), reads the case log in sentences with names, and
// assigns a plan task's case from its group shown unit by unit, unticking
// four of five; the lead unit's officer is refused a letter dated
// tomorrow beside the field; the head finds the draft by the menu's count,
// the bell and the inbox filter. Screenshots staffday-*.png (PHUCDAP_TEST_SHOTS).
func TestStaffDayInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.setLocal(t, "2026-12-01 09:00")
	ta.addStaff(t, "vanphong.web@sxd.test", "VP", access.Office)
	ta.addStaff(t, "chuyenvien.web@sxd.test", "PQLXD", access.UnitOfficer)
	ta.addStaff(t, "truongphong.web@sxd.test", "PQLXD", access.UnitHead)
	office := ta.staffActor(t, "vanphong.web2@sxd.test", "VP", access.Office)
	scan := filepath.Join(t.TempDir(), "don-thu-quay.pdf")
	if err := os.WriteFile(scan, pdfOfSize(40<<10), 0o644); err != nil {
		t.Fatal(err)
	}

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	shot := pg.shot
	// within: the element fits the screen (the page around it is another
	// issue's: the phone layout).
	within := func(sel string, width int) {
		t.Helper()
		if r := pg.eval(`String(Math.ceil(document.querySelector(` + "`" + sel + "`" + `).getBoundingClientRect().right))`); atoiOr(r) > width {
			t.Errorf("%s ends at %s px on a %d px screen", sel, r, width)
		}
	}
	login := func(email string) {
		t.Helper()
		pg.login(ta.Server.URL, email)
	}
	logout := func() {
		t.Helper()
		pg.do("logout", chromedp.Submit(chromedp.CSS("form.logout")), chromedp.WaitVisible(chromedp.CSS("#email")))
	}

	for _, run := range []struct {
		width, height                                int
		lang                                         string
		mobile                                       bool
		kindErr, assignSentence, letterErr, awaiting string
		bell                                         string // the first run's alert is still unread in the second
		letterDate                                   string // the refused date, as the reader's language writes it
	}{
		{390, 844, "vi", true, "Chọn loại đơn.", "Giao Phòng Quản lý xây dựng chủ trì, Phòng Quy hoạch - Kiến trúc phối hợp",
			"sau ngày hôm nay", "Chờ duyệt (1)", "1", "02/12/2026"},
		{1366, 900, "en", false, "Choose the kind of letter.", "Construction Management Division leads, Planning and Architecture Division coordinating",
			"is after today", "Awaiting approval (1)", "2", "2 December 2026"},
	} {
		w, tag := run.width, run.lang+"-"+itoa(int64(run.width))
		if run.mobile {
			pg.do("a phone", chromedp.EmulateViewport(int64(run.width), int64(run.height), chromedp.EmulateMobile))
		} else {
			pg.do("a desktop", chromedp.EmulateViewport(int64(run.width), int64(run.height)))
		}
		login("vanphong.web@sxd.test")

		// 1. Counter registration: no kind, no channel.
		pg.do("register form", chromedp.Navigate(ta.Server.URL+"/staff/cases/new?lang="+run.lang), chromedp.WaitVisible(chromedp.ID("reg-title")),
			typeText(chromedp.ID("reg-title"), "Cán bộ thu tiền khi cấp phép"),
			typeText(chromedp.ID("reg-content"), "Tôi tố cáo cán bộ X đã nhận tiền khi giải quyết hồ sơ cấp phép xây dựng của tôi."),
			typeText(chromedp.ID("reg-name"), "Đinh Văn Tố"),
			chromedp.Click(chromedp.ID("register-submit")), chromedp.WaitVisible(chromedp.ID("reg-kind-err")))
		if s := pg.text("#reg-kind-err"); s != run.kindErr {
			t.Errorf("%s: beside the kind: %q, want %q", tag, s, run.kindErr)
		}
		if s := pg.text("#errors"); strings.Contains(s, "Loại không hợp lệ") || strings.Contains(s, "Unknown kind") || !strings.Contains(s, run.kindErr) {
			t.Errorf("%s: the summary reads %q", tag, s)
		}
		within("#reg-kind", w)
		pg.do("scroll to kind", chromedp.ScrollIntoView(chromedp.ID("reg-kind")))
		shot("staffday-register-errors-" + tag + ".png")

		// The letter, its scan, and the receipt.
		pg.do("fill", chromedp.SetValue(chromedp.ID("reg-channel"), "in_person"), chromedp.SetValue(chromedp.ID("reg-kind"), "to_cao"),
			chromedp.SetUploadFiles(chromedp.ID("reg-files"), []string{scan}),
			chromedp.Click(chromedp.ID("register-submit")), chromedp.WaitVisible(chromedp.ID("counter-receipt")))
		code := pg.text("#receipt-code")
		id := ta.mustCaseIDInt(t, code)
		if n := ta.count(t, "SELECT count(*) FROM attachments WHERE case_id = ? AND name = 'don-thu-quay.pdf'", id); n != 1 {
			t.Errorf("%s: %d scans kept", tag, n)
		}
		receipt := pg.text("#counter-receipt")
		for _, leak := range []string{"Đinh Văn Tố", "Cán bộ thu tiền"} {
			if strings.Contains(receipt, leak) {
				t.Errorf("%s: the receipt shows %q", tag, leak)
			}
		}
		if !strings.Contains(receipt, "/tra-cuu?code="+code) || pg.text("#receipt-due") == "" {
			t.Errorf("%s: the receipt lacks the tracking address or the due time: %q", tag, receipt)
		}
		within("#counter-receipt", w)
		pg.do("to the receipt", chromedp.ScrollIntoView(chromedp.ID("counter-receipt")))
		shot("staffday-receipt-" + tag + ".png")
		// Printed, the page is the receipt alone.
		pg.do("print media", media("print"))
		if s := pg.eval(`[".staffbar", "h1", "#trail", "#registered", "#counter-receipt"].map(s => String(document.querySelector(s).getClientRects().length)).join(",")`); s != "0,0,0,0,1" {
			t.Errorf("%s: printed, the page shows more than the receipt: %s", tag, s)
		}
		shot("staffday-receipt-print-" + tag + ".png")
		pg.do("screen media", media(""))

		// 4. The case log: sentences and names.
		trail := pg.text("#trail")
		for _, raw := range []string{"account:", "@sxd.test", "channel=", "keep_secret", "files="} {
			if strings.Contains(trail, raw) {
				t.Errorf("%s: the case log shows %q: %s", tag, raw, trail)
			}
		}
		if !strings.Contains(trail, "Cán bộ vanphong.web (Văn phòng Sở)") {
			t.Errorf("%s: the case log does not name the office's clerk: %s", tag, trail)
		}
		pg.do("to the log", chromedp.ScrollIntoView(chromedp.ID("trail")))
		shot("staffday-log-" + tag + ".png")

		// 1. Assignment: the plan's group shown unit by unit; four of the
		// five other divisions unticked.
		cid := ta.registerUnder(t, office, "thong-tin-quy-hoach-thu-tuc")
		pg.do("assign form", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(cid)), chromedp.WaitVisible(chromedp.ID("assign-coordinating")))
		if s := pg.eval(`String(document.querySelectorAll("#assign-coordinating input:checked").length) + "|" + String(document.querySelectorAll("#assign-coordinating input[value=DIVISIONS]").length) + "|" + String(!!document.getElementById("assign-reason"))`); s != "6|0|false" {
			t.Errorf("%s: ticked|group boxes|reason field = %s, want the six divisions ticked, no group box, no reason", tag, s)
		}
		pg.do("lead", chromedp.SetValue(chromedp.ID("assign-lead"), "PQLXD"), chromedp.ScrollIntoView(chromedp.ID("assign-coordinating")))
		within("#assign-coordinating", w)
		shot("staffday-assign-proposed-" + tag + ".png")
		pg.do("untick", chromedp.Evaluate[chromedp.Void](`["PQLXD","PPTDT","PQLN","PKTVL","TTRA"].forEach(c => document.querySelector("#assign-coordinating input[value="+c+"]").click())`))
		shot("staffday-assign-ticked-" + tag + ".png")
		pg.do("assign", chromedp.Click(chromedp.ID("assign-submit")), chromedp.WaitVisible(chromedp.ID("done")))
		if s := pg.text("#trail"); !strings.Contains(s, run.assignSentence) {
			t.Errorf("%s: the log lacks %q: %s", tag, run.assignSentence, s)
		}
		var contrib []int64
		for _, c := range ta.caseState(t, cid).Clocks {
			if c.Kind == caseclock.Contribution && c.Running() {
				contrib = append(contrib, c.UnitID)
			}
		}
		if len(contrib) != 1 || contrib[0] != ta.unitID(t, "PQHKT") {
			t.Errorf("%s: contribution deadlines for %v, want PQHKT's alone", tag, contrib)
		}
		logout()

		// 5. The officer's letter dated tomorrow, refused beside the field.
		login("chuyenvien.web@sxd.test")
		pg.do("answer form", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(cid)), chromedp.WaitVisible(chromedp.ID("answer-body")),
			typeText(chromedp.ID("answer-body"), "Sở Xây dựng trả lời: quy hoạch chi tiết khu đô thị Phú Lộc đã được công khai tại trụ sở UBND phường."),
			typeText(chromedp.ID("answer-no"), "512/SXD-QLXD"),
			// A browser that does not check the date's max sends it.
			chromedp.Evaluate[chromedp.Void](`document.getElementById("answer-date").value = "2026-12-02"; document.getElementById("answer-date").form.noValidate = true`),
			chromedp.Click(chromedp.ID("answer-submit")), chromedp.WaitVisible(chromedp.ID("answer-date-err")))
		if s := pg.text("#answer-date-err"); !strings.Contains(s, run.letterErr) || !strings.Contains(s, run.letterDate) {
			t.Errorf("%s: beside the letter date: %q", tag, s)
		}
		pg.do("to the date", chromedp.ScrollIntoView(chromedp.ID("answer-date")))
		within("#answer-date-err", w)
		shot("staffday-letter-date-" + tag + ".png")
		pg.do("dated today", chromedp.SetValue(chromedp.ID("answer-date"), "2026-12-01"), chromedp.Click(chromedp.ID("answer-submit")),
			chromedp.WaitVisible(chromedp.ID("done")))
		logout()

		// 2. The head: the count on the menu, the bell, the filter.
		login("truongphong.web@sxd.test")
		pg.do("inbox", chromedp.Navigate(ta.Server.URL+"/staff/inbox"), chromedp.WaitVisible(chromedp.ID("approval-proposal")))
		// On a phone the menu is folded: its summary carries the count.
		menu := "#nav-awaiting"
		if run.mobile {
			menu = "#menu-awaiting"
		}
		if s := pg.eval(`document.querySelector("` + menu + ` [aria-hidden]").textContent + "|" + document.querySelector(".bell-count").textContent`); s != "1|"+run.bell {
			t.Errorf("%s: menu count|bell = %s, want 1|%s", tag, s, run.bell)
		}
		shot("staffday-awaiting-inbox-" + tag + ".png")
		pg.do("filter", chromedp.Click(chromedp.CSS("#approval-proposal a")), chromedp.WaitVisible(chromedp.CSS("table.inbox")))
		if s := pg.text("table.inbox tbody"); !strings.Contains(s, ta.caseCode(t, cid)) {
			t.Errorf("%s: the filter does not list the draft's case: %q", tag, s)
		}
		if s := pg.eval(`document.getElementById("f-urgency").selectedOptions[0].textContent`); s != run.awaiting {
			t.Errorf("%s: the filter reads %q, want %q", tag, s, run.awaiting)
		}
		shot("staffday-awaiting-filter-" + tag + ".png")
		pg.do("alerts", chromedp.Navigate(ta.Server.URL+"/staff/alerts"), chromedp.WaitVisible(chromedp.CSS(".alert-list")))
		if s := pg.text(".alert-list"); !strings.Contains(s, ta.caseCode(t, cid)) {
			t.Errorf("%s: the bell's list lacks the draft: %q", tag, s)
		}
		shot("staffday-awaiting-bell-" + tag + ".png")
		pg.do("approve", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(cid)), chromedp.WaitVisible(chromedp.ID("approve-submit")),
			chromedp.Click(chromedp.ID("approve-submit")), chromedp.WaitVisible(chromedp.ID("done")))
		logout()
	}
}

// media emulates a CSS media type ("print"; "" for the screen again).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}

func atoiOr(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 1 << 30
		}
		n = n*10 + int(r-'0')
	}
	return n
}
