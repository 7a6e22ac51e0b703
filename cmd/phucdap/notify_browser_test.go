package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/storetest"
)

// noScript turns the page's scripts off: the toggle and the unsubscribe
// page are plain forms and must work without them.
func noScript() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}

// The citizen turns notifications off on the tracking page on a phone
// (390 px, no JavaScript) and on again on a desktop (1366 px, in English),
// and off by the signed link of an e-mail on a phone; each choice is
// recorded with its time and audited.
func TestNoticesOptOutInBrowser(t *testing.T) {
	storetest.Parallel(t)
	chromium(t)
	const linkKey = "notify-browser-link-key"
	ta := newTestApp(t, storetest.NewSQLite(t), func(c *config.Config) { c.Notify.LinkKey = linkKey })
	ta.setLocal(t, "2026-12-01 09:00")
	id, code, secret := ta.submitWith(t, "vi", "kien_nghi", "Phạm Thị Dân", "0912 111 333", "dan@example.test", false)

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	shot := pg.shot
	track := func(lang string) {
		t.Helper()
		pg.do("track "+lang,
			chromedp.Navigate(ta.Server.URL+"/tra-cuu?lang="+lang),
			chromedp.WaitVisible(chromedp.ID("f-code")),
			typeText(chromedp.ID("f-code"), code),
			typeText(chromedp.ID("f-secret"), secret),
			chromedp.Submit(chromedp.ID("f-secret")),
			chromedp.WaitVisible(chromedp.ID("notices-toggle")),
			chromedp.ScrollIntoView(chromedp.ID("notices")),
		)
	}

	pg.do("a phone without scripts", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), noScript())
	track("vi")
	if s := pg.text("#notices-state"); !strings.Contains(s, "Bạn được báo qua e-mail, SMS hoặc Zalo") {
		t.Errorf("notices on: %q", s)
	}
	if s := pg.text("#notices-toggle"); s != "Tắt thông báo" {
		t.Errorf("toggle reads %q", s)
	}
	pg.fits("the page", 390)
	shot("notify-390-on.png")
	pg.do("turn off", chromedp.Click(chromedp.ID("notices-toggle")), chromedp.WaitVisible(chromedp.CSS(".success-box")))
	if s := pg.text(".success-box"); s != "Đã tắt thông báo về hồ sơ này." {
		t.Errorf("after turning off: %q", s)
	}
	if s := pg.text("#notices-state"); !strings.Contains(s, "Bạn đã tắt thông báo về hồ sơ này lúc") || !strings.Contains(s, "01/12/2026") {
		t.Errorf("notices off: %q", s)
	}
	if s := pg.text("#notices-toggle"); s != "Bật lại thông báo" {
		t.Errorf("toggle reads %q", s)
	}
	pg.fits("the page", 390)
	shot("notify-390-off.png")
	if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ? AND via = 'page'", id); n != 1 {
		t.Errorf("opt-out rows %d", n)
	}

	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	track("en")
	if s := pg.text("#notices-state"); !strings.Contains(s, "You turned notifications about this case off at") {
		t.Errorf("notices off in English: %q", s)
	}
	pg.do("turn on", chromedp.Click(chromedp.ID("notices-toggle")), chromedp.WaitVisible(chromedp.CSS(".success-box")))
	if s := pg.text(".success-box"); s != "Notifications about this case are on again." {
		t.Errorf("after turning on: %q", s)
	}
	if s := pg.text("#notices-toggle"); s != "Turn notifications off" {
		t.Errorf("toggle reads %q", s)
	}
	pg.fits("the page", 1366)
	shot("notify-1366-on.png")
	if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ?", id); n != 0 {
		t.Errorf("opt-out rows %d after turning on", n)
	}

	// The e-mail's link: a page that asks, then a POST that does.
	link := ta.Server.URL + "/tra-cuu/tat-thong-bao?" + url.Values{"code": {code}, "sig": {petition.NoticeSig(noticeKey(linkKey, ""), code)}, "lang": {"vi"}}.Encode()
	pg.do("the e-mail's link on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), noScript(),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("notices-off-confirm")))
	if s := pg.text("main"); !strings.Contains(s, "Ngừng gửi thông báo (e-mail, SMS, Zalo) về hồ sơ "+code+"?") {
		t.Errorf("unsubscribe page: %q", s)
	}
	pg.fits("the page", 390)
	shot("notify-390-link.png")
	if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ?", id); n != 0 {
		t.Errorf("opening the link turned notifications off")
	}
	pg.do("confirm", chromedp.Click(chromedp.ID("notices-off-confirm")), chromedp.WaitVisible(chromedp.ID("notices-done")))
	shot("notify-390-link-done.png")
	if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ? AND via = 'link'", id); n != 1 {
		t.Errorf("opt-out rows by link %d", n)
	}
	pg.do("a forged link", chromedp.Navigate(ta.Server.URL+"/tra-cuu/tat-thong-bao?code="+code+"&sig=forged"), chromedp.WaitVisible(chromedp.ID("notices-error")))
	for action, want := range map[string]int64{"case.notices_off": 2, "case.notices_on": 1} {
		if n := countRows(t, ta, "SELECT count(*) FROM audit_log WHERE action = ? AND entity_id = ? AND actor_label = 'petitioner'", action, itoa(id)); n != want {
			t.Errorf("%d audit rows %s, want %d", n, action, want)
		}
	}
}
