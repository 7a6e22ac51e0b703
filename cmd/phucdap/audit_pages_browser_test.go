package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// In a real browser: the auditor, with 230 rows in each log by one reader,
// filters the audit page on that reader, reads "1–200 of 230" over both
// logs, follows the trail's "next page" (a plain link: no script) to the
// other 30 with the filter kept and the access log still on its first
// page, then the access log's. Screenshots audit-page-1.png (the top of
// the page), audit-page-2.png and audit-access-page-2.png
// (PHUCDAP_TEST_SHOTS).
func TestAuditPagesInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "auditor@sxd.test", "", access.Auditor)
	reader := ta.addStaff(t, "doc.danhtinh@sxd.test", "VP", access.Office)
	ta.setLocal(t, "2026-12-07 09:00")
	ta.fillLogs(t, reader, 230)
	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx}
	do, eval := pg.do, pg.eval
	view := func(name string) {
		t.Helper()
		keepShot(t, ctx, name, chromedp.CaptureScreenshot())
	}
	rows := func(table string) string {
		return eval(`String(document.querySelectorAll("table.` + table + ` tbody tr").length)`)
	}
	shown := func(id string) string {
		return eval(`document.getElementById("` + id + `").nextElementSibling.querySelector(".pager .muted, .counts").textContent`)
	}
	id := itoa(reader.ID)
	do("login", logIn(ta.Server.URL+"/login?next=/staff/audit", "auditor@sxd.test", "#audit-trail"))
	do("audit", chromedp.Navigate(ta.Server.URL+"/staff/audit?actor="+id), chromedp.WaitVisible(chromedp.CSS("#access-log")))
	if n, m := rows("audit"), rows("access-log"); n != "200" || m != "200" {
		t.Errorf("page 1: %s trail rows, %s identity reads", n, m)
	}
	if s := shown("audit-trail"); s != "Đang hiển thị 1–200 trên 230 bản ghi" {
		t.Errorf("the trail says %q", s)
	}
	if n := eval(`String(document.querySelectorAll(".pager").length)`); n != "4" {
		t.Errorf("%s pagers, want one above and one below each log", n)
	}
	view("audit-page-1.png")
	do("trail's next page", chromedp.Click(chromedp.CSS("#audit-trail ~ .pager a[rel=next]")), chromedp.WaitVisible(chromedp.CSS("#audit-trail ~ .pager a[rel=prev]")))
	if n, m := rows("audit"), rows("access-log"); n != "30" || m != "200" {
		t.Errorf("trail page 2: %s trail rows, %s identity reads", n, m)
	}
	if u := eval(`location.search`); !strings.Contains(u, "actor="+id) || !strings.Contains(u, "page=2") {
		t.Errorf("page 2's address %q lost the filter", u)
	}
	if eval(`document.getElementById("f-actor").value`) != id {
		t.Errorf("page 2's filter form lost the actor")
	}
	view("audit-page-2.png")
	do("access log's next page", chromedp.Click(chromedp.CSS("#access-log ~ .pager a[rel=next]")), chromedp.WaitVisible(chromedp.CSS("#access-log ~ .pager a[rel=prev]")))
	if n, m := rows("audit"), rows("access-log"); n != "30" || m != "30" {
		t.Errorf("both on page 2: %s trail rows, %s identity reads", n, m)
	}
	if s := eval(`document.querySelector("#access-log ~ .pager .muted").textContent`); s != "Đang hiển thị 201–230 trên 230 lượt xem danh tính" {
		t.Errorf("the access log says %q", s)
	}
	view("audit-access-page-2.png")
}
