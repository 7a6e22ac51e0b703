package main

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
)

var answerArticleRe = regexp.MustCompile(`<article class="publication[^"]*" id="answer-(\d+)">`)

// The month's published answers page instead of stopping at 200 without a
// word: with 205 answers published in November the office reads 1–200 of
// 205, a next page (the month kept) with the other 5, and marking an
// answer on the second page comes back to it.
func TestAnswersPagePastItsPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "vanphong.trang@sxd.test", "VP", access.Office)
		ta.setLocal(t, "2026-11-02 09:00")
		codes := ta.registerMany(t, office, 205)
		published := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
		for i, code := range codes {
			at := published.Add(time.Duration(i) * time.Minute)
			if err := ta.db.Gorm.Exec("INSERT INTO answers (case_id, body, signer, published_at, created_at) VALUES (?, 'Đã xử lý vi phạm vỉa hè.', 'Văn phòng Sở', ?, ?)",
				ta.caseID(t, code), at, at).Error; err != nil {
				t.Fatal(err)
			}
		}
		ta.setLocal(t, "2026-12-07 09:00")
		b := ta.browser(t)
		b.mustLogin("vanphong.trang@sxd.test")
		get := func(path string) string {
			t.Helper()
			res, page := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			return page
		}
		p1, p2 := get("/staff/reports/answers?thang=2026-11"), get("/staff/reports/answers?thang=2026-11&page=2")
		for name, want := range map[string][]string{
			"page 1": {"Đang hiển thị 1–200 trên 205 câu trả lời", `href="/staff/reports/answers?page=2&amp;thang=2026-11" rel="next"`},
			"page 2": {"Đang hiển thị 201–205 trên 205 câu trả lời", `href="/staff/reports/answers?thang=2026-11" rel="prev"`, `<input type="hidden" name="page" value="2">`},
		} {
			page := map[string]string{"page 1": p1, "page 2": p2}[name]
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %q", name, w)
				}
			}
		}
		ids := slices.Concat(logMatches(answerArticleRe, p1), logMatches(answerArticleRe, p2))
		if n1, n2 := len(logMatches(answerArticleRe, p1)), len(logMatches(answerArticleRe, p2)); n1 != 200 || n2 != 5 {
			t.Errorf("the pages list %d and %d answers, want 200 and 5", n1, n2)
		}
		if slices.Sort(ids); len(slices.Compact(ids)) != 205 {
			t.Errorf("the two pages list %d distinct answers", len(slices.Compact(ids)))
		}
		if en := get("/staff/reports/answers?thang=2026-11&lang=en"); !strings.Contains(en, "Showing 1–200 of 205 answers") {
			t.Errorf("the English page does not say how many it shows")
		}
		// Marking an answer of page 2 comes back to page 2.
		id := logMatches(answerArticleRe, p2)[0]
		res, _ := b.post("/staff/reports/answers/"+id, map[string][]string{"publishable": {"1"}, "thang": {"2026-11"}, "page": {"2"}})
		if to := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(to, "page=2") || !strings.Contains(to, "thang=2026-11") {
			t.Errorf("marking on page 2: %d, back at %q", res.StatusCode, to)
		}
	})
}
