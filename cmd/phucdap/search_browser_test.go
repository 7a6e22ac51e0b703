package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// In a real browser: the office types a name without diacritics, its last
// word in part, into the staff bar's search box on any page and lands on the inbox with the case
// found and the words marked; a secret denouncer's name finds nothing; a
// query of punctuation is refused in Vietnamese. Screenshots search-*.png
// (PHUCDAP_TEST_SHOTS).
func TestSearchInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "vanthu@sxd.test", "VP", access.Office)
	_, road := ta.submitCase(t, "phan_anh", "Nguyễn Thị Hằng", "0912345678", "Mặt đường Đông Kinh bị lún sâu sau trận mưa lớn, xe máy đi lại nguy hiểm.", false)
	ta.submitCase(t, "phan_anh", "Trần Văn Bình", "0987654321", "Đèn chiếu sáng ngõ 5 phố Bà Triệu hỏng hơn một tuần.", false)
	ta.submitCase(t, "to_cao", "Phạm Văn Đức", "0977000111", "Tôi là Phạm Văn Đức, tố cáo cán bộ địa chính nhận tiền.", true)
	ctx := newBrowser(t)
	pg := browserPage{t: t, ctx: ctx, slip: templateSlip}
	shot, do, eval := pg.shot, pg.do, pg.eval
	search := func(q string) {
		t.Helper()
		// The last search's summary goes first, so that the wait is for
		// the next page's.
		eval(`(() => { for (const id of ["search-summary", "search-error"]) { const e = document.getElementById(id); if (e) e.remove() } return "" })()`)
		do("search "+q,
			typeText(chromedp.CSS("#staff-q"), q),
			chromedp.Submit(chromedp.CSS("#staff-q")),
			chromedp.WaitVisible(chromedp.CSS("#search-summary, #search-error")),
		)
	}
	do("login", logIn(ta.Server.URL+"/login?next=/staff/password", "vanthu@sxd.test", "#staff-q"))
	// From a page that is not the inbox: the box is in the staff bar. The
	// last word typed in part, as it is while typing.
	search("nguyen thi ha")
	if got := eval(`Array.from(document.querySelectorAll("table.inbox tbody tr")).map(r => r.innerText).join("\n")`); !strings.Contains(got, road) ||
		strings.Count(got, "SXD-") != 1 {
		t.Errorf("nguyen thi ha: %q", got)
	}
	// The words are in the petitioner's name only: the row shows it,
	// marked (the words' starts typed), under its label.
	if got := eval(`Array.from(document.querySelectorAll("table.inbox tbody tr .snippet")).map(s => s.innerText + "|" + Array.from(s.querySelectorAll("mark")).map(m => m.innerText).join(",")).join("\n")`); !strings.HasPrefix(got, "Người gửi: Nguyễn Thị Hằng") ||
		!strings.HasSuffix(got, "|Nguyễn,Thị,Hằ") {
		t.Errorf("name's snippet: %q", got)
	}
	shot("search-name.png")
	search("duong dong kinh")
	if got := eval(`Array.from(document.querySelectorAll("table.inbox mark")).map(m => m.innerText).join("|")`); got != "đường|Đông|Kinh" {
		t.Errorf("marked: %q", got)
	}
	shot("search-content.png")
	search("pham van duc")
	if n := eval(`String(document.querySelectorAll("table.inbox tbody tr").length)`); n != "0" {
		t.Errorf("the secret denouncer's name found %s cases", n)
	}
	if s := eval(`document.querySelector("main").innerText`); !strings.Contains(s, "Không tìm thấy hồ sơ nào") {
		t.Errorf("no result page: %q", s)
	}
	shot("search-secret.png")
	search("?!…")
	if s := eval(`document.getElementById("search-error").innerText`); !strings.Contains(s, "có chữ hoặc số") {
		t.Errorf("refusal: %q", s)
	}
	shot("search-refused.png")
}
