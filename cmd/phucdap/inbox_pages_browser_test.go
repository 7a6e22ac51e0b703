package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// In a real browser: the office with 230 open cases opens the inbox,
// filtered by kind; it reads "1–200 of 230" above and below the table and
// follows "next page" (a plain link: no script) to the other 30 with the
// filter kept, then back. Screenshots inbox-page-1.png, inbox-page-2.png
// (PHUCDAP_TEST_SHOTS).
func TestInboxPagesInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	office := ta.staffActor(t, "vanphong.trang@sxd.test", "VP", access.Office)
	ta.setLocal(t, "2026-12-01 09:00")
	ta.registerMany(t, office, 230)
	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot, do, eval := pg.shot, pg.do, pg.eval
	rows := func() string { return eval(`String(document.querySelectorAll("table.inbox tbody tr").length)`) }
	do("login", logIn(ta.Server.URL+"/login?next=/staff/password", "vanphong.trang@sxd.test", "#staff-q"))
	do("inbox", chromedp.Navigate(ta.Server.URL+"/staff/inbox?kind=phan_anh"), chromedp.WaitVisible(chromedp.CSS("#inbox-shown")))
	if n, s := rows(), pg.text("#inbox-shown"); n != "200" || s != "Đang hiển thị 1–200 trên 230 hồ sơ" {
		t.Errorf("page 1: %s rows, %q", n, s)
	}
	if n := eval(`String(document.querySelectorAll(".pager").length)`); n != "2" {
		t.Errorf("%s pagers, want one above and one below the table", n)
	}
	shot("inbox-page-1.png")
	do("next page", chromedp.Click(chromedp.CSS(".pager a[rel=next]")), chromedp.WaitVisible(chromedp.CSS(".pager a[rel=prev]")))
	if n, s := rows(), pg.text("#inbox-shown"); n != "30" || s != "Đang hiển thị 201–230 trên 230 hồ sơ" {
		t.Errorf("page 2: %s rows, %q", n, s)
	}
	if u := eval(`location.search`); !strings.Contains(u, "kind=phan_anh") || !strings.Contains(u, "page=2") {
		t.Errorf("page 2's address %q lost the filter", u)
	}
	if eval(`document.getElementById("f-kind").value`) != "phan_anh" {
		t.Errorf("page 2's filter form lost the kind")
	}
	shot("inbox-page-2.png")
	do("previous page", chromedp.Click(chromedp.CSS(".pager a[rel=prev]")), chromedp.WaitVisible(chromedp.CSS(".pager a[rel=next]")))
	if n := rows(); n != "200" {
		t.Errorf("back on page 1: %s rows", n)
	}
}
