package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// In a real browser: the office filters the inbox, saves the filters as a
// named view and downloads the list as CSV and XLSX from the page's
// links; the citizen opens the tracking page with the code and the secret
// and downloads the answer's file, drafted with it over the JSON API,
// under its Vietnamese name. Screenshots attach-*.png
// (PHUCDAP_TEST_SHOTS).
func TestAttachmentsAndExportsInBrowser(t *testing.T) {
	ta := newBrowserApp(t, intakeOpts(t)...)
	ta.addStaff(t, "vanthu@sxd.test", "VP", access.Office)
	office := ta.staffToken(t, "VP", access.Office)
	officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
	head := ta.staffToken(t, "PQLXD", access.UnitHead)
	fields := validPetition(ta, t)
	body, ct := multipartBody(t, fields)
	res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	rec := decode[httpapi.PetitionReceipt](t, b)
	ta.submitCase(t, "kien_nghi", "Trần Văn Bình", "0987654321", "Kiến nghị công khai quy hoạch chi tiết khu dân cư phía Bắc thành phố.", false)
	post := func(path string, v any, auth string) {
		t.Helper()
		res, b := ta.postJSON(t, path, v, "Authorization", auth)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.StatusCode, b)
		}
	}
	post("/api/v1/cases/"+rec.Code+"/classify", map[string]any{"eligible": true, "within_competence": true}, office)
	post("/api/v1/cases/"+rec.Code+"/accept", map[string]any{}, office)
	post("/api/v1/cases/"+rec.Code+"/assign", map[string]any{"lead": "PQLXD"}, office)
	letter := pdfOfSize(30 << 10)
	body, ct = multipartBody(t, map[string]any{"body": "Sở Xây dựng trả lời: đèn đường ngõ 12 đã được thay mới ngày 30/11/2026.", "letter_no": "512/SXD-QLXD"},
		mpFile{"công văn trả lời số 512.pdf", letter})
	res, b = ta.do(t, http.MethodPost, "/api/v1/cases/"+rec.Code+"/answer", body, "Content-Type", ct, "Authorization", officer)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("answer: %d %s", res.StatusCode, b)
	}
	post("/api/v1/cases/"+rec.Code+"/approve", map[string]any{}, head)

	ctx := newBrowserFor(t, 90*time.Second)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot, do, eval := pg.shot, pg.do, pg.eval
	// fetchInfo fetches a URL (or posts a form) from the page, as a click
	// would, and says what came back.
	const fetchInfo = `(x => x.status + "|" + x.getResponseHeader("Content-Type") + "|" + x.getResponseHeader("Content-Disposition") + "|" +
		x.getResponseHeader("X-Content-Type-Options") + "|" + x.getResponseHeader("Content-Length") + "|" + x.responseText.slice(0, 400))`
	do("login", logIn(ta.Server.URL+"/login?next=/staff/password", "vanthu@sxd.test", "#staff-q"))
	do("the filtered inbox",
		chromedp.Navigate(ta.Server.URL+"/staff/inbox?kind=phan_anh&all=1"),
		chromedp.WaitVisible(chromedp.CSS("#inbox-export")),
	)
	if got := eval(`Array.from(document.querySelectorAll("table.inbox tbody tr")).map(r => r.innerText).join("\n")`); !strings.Contains(got, rec.Code) ||
		strings.Count(got, "SXD-") != 1 {
		t.Errorf("the filtered inbox: %q", got)
	}
	do("save the view",
		typeText(chromedp.CSS("#view-name"), "Phản ánh — đèn đường"),
		chromedp.Submit(chromedp.CSS("#view-name")),
		chromedp.WaitVisible(chromedp.CSS("#view-saved")),
	)
	if got := eval(`Array.from(document.querySelectorAll("a.view-link")).map(a => a.innerText + " " + a.getAttribute("href")).join("\n")`); got != "Phản ánh — đèn đường /staff/inbox?all=1&kind=phan_anh" {
		t.Errorf("saved views: %q", got)
	}
	csv := eval(`(() => { const x = new XMLHttpRequest(); x.open("GET", document.querySelector("#inbox-export a[href*='.csv']").href, false); x.send(); return ` + fetchInfo + `(x) })()`)
	if !strings.HasPrefix(csv, "200|text/csv; charset=utf-8|attachment; filename=\"ho-so_") || !strings.Contains(csv, "|nosniff|") ||
		!strings.Contains(csv, "|STT,Mã,Loại đơn,Tiêu đề") || !strings.Contains(csv, rec.Code) {
		t.Errorf("the CSV link: %q", csv)
	}
	xlsx := eval(`(() => { const x = new XMLHttpRequest(); x.open("GET", document.querySelector("#inbox-export a[href*='.xlsx']").href, false); x.send(); return ` + fetchInfo + `(x) })()`)
	if !strings.HasPrefix(xlsx, "200|application/vnd.openxmlformats-officedocument.spreadsheetml.sheet|attachment;") {
		t.Errorf("the XLSX link: %q", xlsx)
	}
	shot("attach-inbox.png")

	// The citizen.
	do("track",
		chromedp.Navigate(ta.Server.URL+"/tra-cuu"),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		typeText(chromedp.ID("f-code"), rec.Code),
		typeText(chromedp.ID("f-secret"), rec.Secret),
		chromedp.Submit(chromedp.ID("f-secret")),
		chromedp.WaitVisible(chromedp.ID("answer-files")),
	)
	if s := pg.text("#answer-files"); !strings.Contains(s, "công văn trả lời số 512.pdf") {
		t.Errorf("the answer's files: %q", s)
	}
	shot("attach-track.png")
	got := eval(`(() => { const f = document.querySelector("#answer-files form"); const x = new XMLHttpRequest(); x.open("POST", f.action, false);
		x.send(new URLSearchParams(new FormData(f))); return ` + fetchInfo + `(x) })()`)
	want := "200|application/pdf|attachment; filename=\"c_ng v_n tr_ l_i s_ 512.pdf\"; filename*=UTF-8''c%C3%B4ng%20v%C4%83n%20tr%E1%BA%A3%20l%E1%BB%9Di%20s%E1%BB%91%20512.pdf|nosniff|30720|%PDF-1.7"
	if !strings.HasPrefix(got, want) {
		t.Errorf("the citizen's download:\n got %q\nwant %q", got, want)
	}
	// Another secret gets the tracking page's refusal, not the file.
	got = eval(`(() => { const f = document.querySelector("#answer-files form"); const d = new URLSearchParams(new FormData(f)); d.set("secret", "WRONG234");
		const x = new XMLHttpRequest(); x.open("POST", f.action, false); x.send(d); return ` + fetchInfo + `(x) })()`)
	if strings.HasPrefix(got, "200|application/pdf") || strings.Contains(got, "%PDF") {
		t.Errorf("a wrong secret: %q", got)
	}
}
