package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/storetest"
)

// After the workflow scenario, the office opens
// the dashboard in a real browser (tiles, the trend with its target line,
// the units worst first, the backlog, the plan view; a figure drills down
// to its cases), then the public transparency page opens without a login.
// Screenshots go to PHUCDAP_TEST_SHOTS for a person to look at; the test
// checks what it can: the charts are there with their labels, and the
// public page shows no petitioner.
func TestReportPagesInBrowser(t *testing.T) {
	storetest.Parallel(t)
	chromium(t)
	s := newKPIScenario(t, storetest.NewSQLite(t))
	ta := s.ta
	ta.runJob(t, "kpi-snapshot", time.Time{})
	ta.addStaff(t, "vanphong.bieudo@sxd.test", "VP", access.Office)
	// The office publishes two answers for the public page.
	b := ta.browser(t)
	b.mustLogin("vanphong.bieudo@sxd.test")
	var answers []int64
	ta.db.Gorm.Raw("SELECT a.id FROM answers a WHERE a.published_at IS NOT NULL AND a.case_id IN (?, ?)", s.ids["ontime"], s.ids["coordination"]).Scan(&answers)
	for _, id := range answers {
		b.post("/staff/reports/answers/"+itoa(id), url.Values{"publishable": {"1"}})
	}

	ctx := newBrowser(t)
	err := chromedp.Do(ctx, logIn(ta.Server.URL+"/login?next="+url.QueryEscape("/staff/reports?thang=2026-11"), "vanphong.bieudo@sxd.test", "#chart-trend"))
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, ctx, "report-dashboard.png", fullShot())
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return v
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	tiles := text(".tiles")
	svgs := eval(`String(document.querySelectorAll("svg.chart").length)`)
	trendLabels := eval(`Array.from(document.querySelectorAll("#chart-trend text")).map(e => e.textContent).join("|")`)
	unitLabels := eval(`Array.from(document.querySelectorAll("#chart-units text")).map(e => e.textContent).join("|")`)
	for _, want := range []string{"60%", "Đang quá hạn", "Hài lòng", "50%"} {
		if !strings.Contains(tiles, want) {
			t.Errorf("tiles lack %q: %q", want, tiles)
		}
	}
	if svgs != "3" {
		t.Errorf("%s charts, want 3 (trend, units, backlog)", svgs)
	}
	for _, want := range []string{"11/2026", "Mục tiêu 100%", "60%", "100%"} {
		if !strings.Contains(trendLabels, want) {
			t.Errorf("trend chart lacks %q: %q", want, trendLabels)
		}
	}
	// Worst first: PQHKT (0%) before PQLXD (75%); both marked small.
	if i, j := strings.Index(unitLabels, "Phòng Quy hoạch"), strings.Index(unitLabels, "Phòng Quản lý"); i < 0 || j < 0 || i > j {
		t.Errorf("units not worst first: %q", unitLabels)
	}
	if !strings.Contains(unitLabels, "ít vụ việc (n=1)") {
		t.Errorf("the small unit is not marked: %q", unitLabels)
	}

	// Drill down from the open-late figure of PQHKT to its case.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#table-units tbody tr:first-child td:nth-child(6) a`)),
		chromedp.WaitVisible(chromedp.CSS("#drill-cases")),
	)
	if err != nil {
		t.Fatal(err)
	}
	drill := text("main")
	if !strings.Contains(drill, s.codes["openlate"]) || !strings.Contains(drill, "1 vụ việc") {
		t.Errorf("drill-down: %q", drill)
	}
	keepShot(t, ctx, "report-drilldown.png", fullShot())

	// The public page, signed out.
	err = chromedp.Do(ctx,
		chromedp.Navigate(ta.Server.URL+"/staff/reports"),
		chromedp.WaitVisible(chromedp.CSS(".logout button")),
		chromedp.Click(chromedp.CSS(".logout button")),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Navigate(ta.Server.URL+"/minh-bach?thang=2026-11"),
		chromedp.WaitVisible(chromedp.CSS("#chart-public-trend")),
	)
	if err != nil {
		t.Fatal(err)
	}
	public := text("body")
	keepShot(t, ctx, "report-public.png", fullShot())
	for _, want := range []string{"60%", "Đường dây nóng", "0205 3812 345", "Kế hoạch và tiến độ thực hiện", "đề nghị Sở lắp đèn chiếu sáng"} {
		if !strings.Contains(public, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(public, "Đăng xuất") {
		t.Error("the public page was rendered for staff")
	}
	for _, p := range kpiPeople {
		for _, v := range append([]string{p.Name, p.Email, p.Address}, phoneVariants(p.Phone)...) {
			if strings.Contains(public, v) {
				t.Errorf("the public page shows %q", v)
			}
		}
	}
}
