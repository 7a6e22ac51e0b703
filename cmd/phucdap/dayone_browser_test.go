package main

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/storetest"
)

// dayOneCase is a case sent through the API as a citizen would, with what
// the receipt gave them.
type dayOneCase struct {
	ID           int64
	Code, Secret string
}

func (ta *testApp) sendCase(t *testing.T, kind, content string) dayOneCase {
	t.Helper()
	body := map[string]any{"kind": kind, "topic_id": firstTopic(t, ta), "title": "Đèn đường hỏng", "content": content,
		"name": "Nguyễn Thị Hằng", "phone": "0912 345 678", "address": "Đường Bà Triệu, phường Đông Kinh", "consent": true}
	res, b := ta.postJSON(t, "/api/v1/petitions", body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit %s: %d %s", kind, res.StatusCode, b)
	}
	var rec struct{ Code, Secret string }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return dayOneCase{ID: ta.caseID(t, rec.Code), Code: rec.Code, Secret: rec.Secret}
}

func (ta *testApp) caseID(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	if err := ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("case %s: %v", code, err)
	}
	return id
}

// oldDateWording is a due time or a date as no page may word it any more:
// the end of a day as 00:00 of the next, "24:00" without "ngày" or "hết
// ngày" (Vietnamese); a day as "18/12/2026" or "end of 18/12" (English,
// whose dates read "18 December 2026").
var (
	oldDateVI = regexp.MustCompile(`24:00 \d|hết ngày \d|end of`)
	oldDateEN = regexp.MustCompile(`\b\d{1,2}/\d{1,2}/\d{4}\b|24:00|hết ngày`)
	// calendarSource is a calendar day's source, a cell of its own.
	calendarSource = regexp.MustCompile(`<td class="muted">[^<]*</td>|(Công văn|Nghị quyết|Nghị định|Quyết định|Thông báo) [^<]*? ngày \d{1,2}/\d{1,2}/\d{4}`)
)

// The first day of a pilot, in Chromium on a phone (390 px) and a desktop
// (1366 px), with a browser set up in English:
//   - the pages are Vietnamese until the visitor picks English, which a
//     cookie remembers; the language link keeps the page, and the tracked
//     case (posted again, the secret never in the address);
//   - the citizen's tracking page says the case is late, with an apology,
//     and lists the answer's files, which download;
//   - a due time reads "24:00 ngày …" / "end of …" everywhere, a
//     denunciation's first step is its initial processing, and no page,
//     public or staff, in either language, words a date the old way
//     (scanned over HTTP);
//   - nothing is wider than the screen (document.documentElement.scrollWidth
//     <= window.innerWidth): the calculator, the inbox, the case page, the
//     dashboard; the public menu and the staff bar fold on a phone and take
//     a small part of it; the dashboard shows its table before its chart on
//     a phone; the staff links stand on one line at 1366 px;
//   - every page has a title of its own, a case page its code.
//
// Screenshots pubday-*.png (PHUCDAP_TEST_SHOTS).
func TestDayOneInBrowser(t *testing.T) {
	ta := newBrowserApp(t, intakeOpts(t)...)
	ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office, access.Leadership, access.Admin, access.Auditor)
	office := ta.staffToken(t, "VP", access.Office)
	officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
	head := ta.staffToken(t, "PQLXD", access.UnitHead)
	post := func(path string, v any, auth string) {
		t.Helper()
		if res, b := ta.postJSON(t, path, v, "Authorization", auth); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.StatusCode, b)
		}
	}

	// A petition sent on Friday 27/11 is due at the end of 11/12 (ten
	// working days); a month later it is late.
	late := ta.sendCase(t, "kien_nghi", "Đề nghị công khai quy hoạch chi tiết khu đô thị phía Nam thành phố Lạng Sơn.")
	ta.Clock.Advance(30 * 24 * time.Hour)
	den := ta.sendCase(t, "to_cao", "Cán bộ X nhận tiền khi thẩm định hồ sơ cấp phép xây dựng nhà ở riêng lẻ.")
	answered := ta.sendCase(t, "phan_anh", "Đèn đường ở ngõ 12 phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối.")
	post("/api/v1/cases/"+answered.Code+"/classify", map[string]any{"eligible": true, "within_competence": true}, office)
	post("/api/v1/cases/"+answered.Code+"/accept", map[string]any{}, office)
	post("/api/v1/cases/"+answered.Code+"/assign", map[string]any{"lead": "PQLXD"}, office)
	body, ct := multipartBody(t, map[string]any{"body": "Sở Xây dựng trả lời: đèn đường ngõ 12 đã được thay mới.", "letter_no": "512/SXD-QLXD"},
		mpFile{"công văn trả lời số 512.pdf", pdfOfSize(30 << 10)})
	if res, b := ta.do(t, http.MethodPost, "/api/v1/cases/"+answered.Code+"/answer", body, "Content-Type", ct, "Authorization", officer); res.StatusCode != http.StatusOK {
		t.Fatalf("answer: %d %s", res.StatusCode, b)
	}
	post("/api/v1/cases/"+answered.Code+"/approve", map[string]any{}, head)

	// The dates, over HTTP, on every page that shows some, in both
	// languages: the old wordings are gone.
	hb := ta.browser(t)
	hb.mustLogin("vanphong@sxd.test")
	pages := []string{"/", "/tinh-han?rule=pakn.answer&start=2026-12-01", "/tinh-han?rule=complaint.resolve&start=2027-01-20",
		"/tinh-han?rule=complaint.accept&start=2026-04-20", "/minh-bach", "/admin/calendar/2026", "/admin/calendar/2027",
		"/staff/inbox", "/staff/cases/" + itoa(late.ID), "/staff/cases/" + itoa(den.ID), "/staff/cases/" + itoa(answered.ID),
		"/staff/reports", "/staff/reports/answers", "/staff/audit", "/staff/alerts", "/staff/admin/jobs"}
	tag := regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	titles := map[string]string{}
	titleRe := regexp.MustCompile(`<title>([^<]*)</title>`)
	for _, lang := range []string{"vi", "en"} {
		for _, path := range pages {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			res, page := hb.get(path + sep + "lang=" + lang)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s (%s): %d", path, lang, res.StatusCode)
				continue
			}
			if m := titleRe.FindStringSubmatch(page); m != nil && lang == "vi" {
				if other, dup := titles[m[1]]; dup && strings.Split(other, "?")[0] != strings.Split(path, "?")[0] {
					t.Errorf("%s and %s have the same title %q", other, path, m[1])
				}
				titles[m[1]] = path
			}
			// Data in the law's words is not a page's wording: the
			// sources of the calendar's days ("Công văn … ngày
			// 25/12/2025"), a rule's legal basis ("Decree 20/2008/ND-CP",
			// "received from 01/07/2026").
			page = calendarSource.ReplaceAllString(page, " ")
			for _, r := range deadline.DefaultRules() {
				for _, s := range []string{r.VersionBasisEN, r.LegalBasisEN, r.VersionBasis, r.LegalBasis} {
					if s != "" {
						page = strings.ReplaceAll(page, html.EscapeString(s), " ")
					}
				}
			}
			text := tag.ReplaceAllString(page, " ")
			old := oldDateVI
			if lang == "en" {
				old = oldDateEN
			}
			if m := old.FindString(text); m != "" {
				i := strings.Index(text, m)
				t.Errorf("%s (%s) words a date the old way: %q in …%s…", path, lang, m, text[max(0, i-80):min(len(text), i+80)])
			}
		}
	}

	ctx := newBrowserFor(t, 8*time.Minute)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	// shot keeps the whole page (pubday-….png) and what the screen shows
	// first (pubday-…-screen.png).
	shot := func(name string) {
		t.Helper()
		pg.shot(name)
		keepShot(t, ctx, strings.TrimSuffix(name, ".png")+"-screen.png", viewShot())
	}
	// fits checks that the page is no wider than the screen: a phone's
	// layout viewport grows with a page too wide for it, so innerWidth is
	// also compared with the screen's own width.
	width := 390
	fits := func(what string) {
		t.Helper()
		if got := pg.eval(`String(document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth <= ` + strconv.Itoa(width) + `) + " " + document.documentElement.scrollWidth + " " + window.innerWidth`); !strings.HasPrefix(got, "true") {
			t.Errorf("%s is wider than the %d px screen (scrollWidth, innerWidth): %s", what, width, got)
		}
	}
	// menuShare is the part of the screen's height the header and the
	// staff bar take, in percent.
	menuShare := func() float64 {
		t.Helper()
		s := pg.eval(`String(Math.round(1000 * (document.querySelector("header.top").offsetHeight + (document.querySelector(".staffbar") ? document.querySelector(".staffbar").offsetHeight : 0)) / window.innerHeight) / 10)`)
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	// A browser set up in English: the pages stay Vietnamese.
	pg.do("an English browser", acceptLanguage("en-US,en;q=0.9"))

	// --- The citizen on a phone ---------------------------------------
	pg.do("home on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(ta.Server.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("header.top")))
	if lang := pg.eval(`document.documentElement.lang`); lang != "vi" {
		t.Errorf("an English browser gets the home page in %q", lang)
	}
	fits("the home page")
	if share := menuShare(); share > 12 {
		t.Errorf("the header takes %.1f%% of a phone's screen", share)
	} else {
		t.Logf("the header takes %.1f%% of a 390×844 screen", share)
	}
	shot("pubday-home-390.png")
	pg.do("open the menu", chromedp.Click(chromedp.CSS("header details.menu summary")), chromedp.WaitVisible(chromedp.CSS(`header details.menu a[href="/tinh-han"]`)))
	fits("the home page, menu open")
	shot("pubday-menu-open-390.png")

	pg.do("the calculator", chromedp.Click(chromedp.CSS(`header details.menu a[href="/tinh-han"]`)), chromedp.WaitVisible(chromedp.CSS("#rule")),
		chromedp.SetValue(chromedp.CSS("#rule"), "denunciation.initial"), chromedp.SetValue(chromedp.CSS("#start"), "2026-12-18"),
		chromedp.Click(chromedp.CSS(`form[action="/tinh-han"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("section.result")))
	fits("the calculator")
	if s := pg.text("section.result"); !strings.Contains(s, "24:00 ngày") || !strings.Contains(s, "xử lý ban đầu") || strings.Contains(s, "hết ngày") {
		t.Errorf("the calculator: %q", s)
	}
	shot("pubday-calculator-390.png")
	pg.do("the calculator in English", chromedp.Click(chromedp.CSS("header .lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] section.result`)))
	if s := pg.text("section.result"); !strings.Contains(s, "end of") || !strings.Contains(s, "initial processing") || oldDateEN.MatchString(s) {
		t.Errorf("the calculator in English (the link keeps the calculation): %q", s)
	}
	fits("the calculator in English")
	shot("pubday-calculator-en-390.png")
	// The choice is remembered: the home page is now English.
	pg.do("home, English remembered", chromedp.Navigate(ta.Server.URL+"/"), chromedp.WaitVisible(chromedp.CSS("header.top")))
	if lang := pg.eval(`document.documentElement.lang`); lang != "en" {
		t.Errorf("after choosing English the home page is %q", lang)
	}
	pg.do("back to Vietnamese", chromedp.Click(chromedp.CSS("header .lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="vi"]`)))

	track := func(c dayOneCase, wait string) {
		t.Helper()
		pg.do("track "+c.Code, chromedp.Navigate(ta.Server.URL+"/tra-cuu"), chromedp.WaitVisible(chromedp.ID("f-code")),
			typeText(chromedp.ID("f-code"), c.Code), typeText(chromedp.ID("f-secret"), c.Secret),
			chromedp.Submit(chromedp.ID("f-secret")), chromedp.WaitVisible(chromedp.CSS(wait)))
	}
	track(late, "#track-code")
	if s := pg.eval(`(document.querySelector("#track-late") || {innerText: ""}).innerText`); !strings.Contains(s, "quá hạn") || !strings.Contains(s, "xin lỗi") ||
		!strings.Contains(s, "24:00 ngày 11/12/2026") {
		t.Errorf("the late case's page does not say it is late: %q", s)
	}
	fits("the tracking page")
	shot("pubday-track-late-390.png")
	pg.do("the tracked case in English", chromedp.Click(chromedp.CSS("header .lang-switch button")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #track-code`)))
	if code, lang := pg.text("#track-code"), pg.eval(`document.documentElement.lang`); code != late.Code || lang != "en" {
		t.Errorf("after the language switch: case %q, language %q", code, lang)
	}
	if s := pg.eval(`(document.querySelector("#track-late") || {innerText: ""}).innerText`); !strings.Contains(s, "late") || !strings.Contains(s, "apologise") ||
		!strings.Contains(s, "end of 11 December 2026") {
		t.Errorf("the late case in English: %q", s)
	}
	if u := pg.eval(`location.href`); strings.Contains(u, late.Secret) {
		t.Errorf("the secret is in the address: %s", u)
	}
	shot("pubday-track-late-en-390.png")
	pg.do("back to Vietnamese", chromedp.Click(chromedp.CSS("header .lang-switch button")), chromedp.WaitVisible(chromedp.CSS(`html[lang="vi"] #track-code`)))

	track(answered, "#answer-files")
	if s := pg.text("#answer-files"); !strings.Contains(s, "công văn trả lời số 512.pdf") {
		t.Errorf("the answer's files: %q", s)
	}
	got := pg.eval(`(() => { const f = document.querySelector("#answer-files form"); const x = new XMLHttpRequest(); x.open("POST", f.action, false);
		x.send(new URLSearchParams(new FormData(f))); return x.status + " " + x.getResponseHeader("Content-Type") + " " + x.responseText.slice(0, 8) })()`)
	if got != "200 application/pdf %PDF-1.7" {
		t.Errorf("the answer's file does not download: %q", got)
	}
	if pg.eval(`String(!!document.querySelector("#track-late"))`) != "false" {
		t.Error("an answered case is called late")
	}
	fits("the answered case")
	shot("pubday-track-answer-390.png")

	track(den, "#track-code")
	if s := pg.text("main"); !strings.Contains(s, "Hạn xử lý ban đầu") || strings.Contains(s, "Hạn trả lời") {
		t.Errorf("a denunciation's first due time is not its initial processing: %q", s)
	}

	// --- The office on a phone ----------------------------------------
	pg.do("login", logIn(ta.Server.URL+"/login", "vanphong@sxd.test", "table.inbox"))
	fits("the inbox")
	if share := menuShare(); share > 20 {
		t.Errorf("the header and the staff bar take %.1f%% of a phone's screen", share)
	} else {
		t.Logf("the header and the staff bar take %.1f%% of a 390×844 screen", share)
	}
	shot("pubday-inbox-390.png")
	pg.do("the staff menu", chromedp.Click(chromedp.CSS(".staffbar details.menu summary")), chromedp.WaitVisible(chromedp.CSS(`.staffbar details.menu a[href="/staff/reports"]`)))
	shot("pubday-staff-menu-390.png")
	pg.do("the dashboard", chromedp.Click(chromedp.CSS(`.staffbar details.menu a[href="/staff/reports"]`)), chromedp.WaitVisible(chromedp.CSS("main svg")))
	fits("the dashboard")
	if got := pg.eval(`(() => { const tb = document.querySelector("main table"), ch = document.querySelector("main svg");
		return String(tb.getBoundingClientRect().top < ch.getBoundingClientRect().top) })()`); got != "true" {
		t.Error("on a phone the dashboard's first chart comes before its table")
	}
	shot("pubday-dashboard-390.png")
	pg.do("the dashboard's first figures", chromedp.ScrollIntoView(chromedp.CSS("#trend-h")))
	keepShot(t, ctx, "pubday-dashboard-table-390.png", viewShot())
	pg.do("a case", chromedp.Navigate(ta.Server.URL+"/staff/cases/"+itoa(den.ID)), chromedp.WaitVisible(chromedp.CSS("#clocks")))
	fits("the case page")
	if title := pg.eval(`document.title`); !strings.HasPrefix(title, den.Code) {
		t.Errorf("the case page's title: %q", title)
	}
	if s := pg.text("#clocks"); !strings.Contains(s, "Xử lý ban đầu tố cáo") {
		t.Errorf("the denunciation's clock: %q", s)
	}
	shot("pubday-case-390.png")

	// --- The office on a desktop --------------------------------------
	width = 1366
	pg.do("the inbox at 1366 px", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(ta.Server.URL+"/staff/inbox"), chromedp.WaitVisible(chromedp.CSS("table.inbox")))
	fits("the inbox at 1366 px")
	if got := pg.eval(`(() => { const tops = new Set(Array.from(document.querySelectorAll(".staffbar nav.staff-links a")).map(a => Math.round(a.getBoundingClientRect().top)));
		return tops.size + " " + document.querySelectorAll(".staffbar nav.staff-links a").length })()`); !strings.HasPrefix(got, "1 ") {
		t.Errorf("at 1366 px the staff links stand on several lines (lines, links): %s", got)
	}
	if share := menuShare(); share > 20 {
		t.Errorf("the header and the staff bar take %.1f%% of a 1366×900 screen", share)
	} else {
		t.Logf("the header and the staff bar take %.1f%% of a 1366×900 screen", share)
	}
	shot("pubday-inbox-1366.png")
	pg.do("the dashboard at 1366 px", chromedp.Navigate(ta.Server.URL+"/staff/reports"), chromedp.WaitVisible(chromedp.CSS("main svg")))
	fits("the dashboard at 1366 px")
	shot("pubday-dashboard-1366.png")
	pg.do("the calculator at 1366 px", chromedp.Navigate(ta.Server.URL+"/tinh-han?rule=complaint.accept&start=2026-04-20"), chromedp.WaitVisible(chromedp.CSS("section.result")))
	fits("the calculator at 1366 px")
	shot("pubday-calculator-1366.png")
	track(late, "#track-late")
	fits("the tracking page at 1366 px")
	shot("pubday-track-late-1366.png")
}

// acceptLanguage makes the tab send Accept-Language: lang, as a browser set
// up in that language does.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return chromedp.Void{}, err
	}
}

// viewShot is a screenshot of what the screen shows, not the whole page.
func viewShot() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}

// The pages speak Vietnamese whatever the browser's language, until the
// visitor picks English, which the cookie then remembers; the JSON API
// still reads Accept-Language, which is how a program asks.
func TestPagesAreVietnameseUnlessChosen(t *testing.T) {
	ta := newTestApp(t, storetest.NewSQLite(t))
	english := []string{"Accept-Language", "en-US,en;q=0.9"}
	lang := regexp.MustCompile(`<html lang="([a-z]+)">`)
	pageLang := func(res *http.Response, b []byte) string {
		t.Helper()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", res.Request.URL, res.StatusCode)
		}
		m := lang.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s: no html lang", res.Request.URL)
		}
		return string(m[1])
	}
	for _, path := range []string{"/", "/tra-cuu", "/tinh-han", "/login"} {
		if l := pageLang(ta.do(t, http.MethodGet, path, nil, english...)); l != "vi" {
			t.Errorf("%s for an English browser: %q", path, l)
		}
	}
	res, b := ta.do(t, http.MethodGet, "/?lang=en", nil, english...)
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if l := pageLang(res, b); l != "en" || cookie == nil || cookie.Value != "en" {
		t.Fatalf("choosing English: page %q, cookie %v", l, cookie)
	}
	if l := pageLang(ta.do(t, http.MethodGet, "/tinh-han", nil, "Cookie", "lang=en")); l != "en" {
		t.Errorf("the remembered choice: %q", l)
	}
	_, api := ta.do(t, http.MethodGet, "/api/v1/plans/999", nil, english...)
	if !strings.Contains(string(api), "Plan not found.") {
		t.Errorf("the API no longer reads Accept-Language: %s", api)
	}
}
