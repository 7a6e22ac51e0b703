package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// registerMany registers n feedback cases by telephone at the clock's time
// and returns their codes.
func (ta *testApp) registerMany(t *testing.T, office access.Actor, n int) []string {
	t.Helper()
	codes := make([]string, 0, n)
	for i := range n {
		r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPhone, ReceivedAt: ta.Clock.Now(),
			Title: fmt.Sprintf("Phản ánh số %d về vỉa hè", i+1), Content: "Vỉa hè bị lấn chiếm để bán hàng, người đi bộ phải đi xuống lòng đường."})
		codes = append(codes, r.Code)
	}
	return codes
}

// An inbox longer than its page says so and pages on: the office with 205
// open cases sees 1–200 of 205, the late count of all 205, and a link to
// the next page that keeps the filters; the second page has the other 5
// and a link back. A page past the end shows the last page; a page that is
// not a number the first. GET /api/v1/cases pages the same way (total,
// next_offset, offset), and the CSV and XLSX of the list export all 205
// whatever page the query string names.
func TestInboxPagesPastItsPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "vanphong.trang@sxd.test", "VP", access.Office)
		ta.setLocal(t, "2026-10-05 09:00")
		codes := ta.registerMany(t, office, 205)
		// Two months on, every one of them is late.
		ta.setLocal(t, "2026-12-07 09:00")
		b := ta.browser(t)
		b.mustLogin("vanphong.trang@sxd.test")
		get := func(path string) string {
			t.Helper()
			res, page := b.get(path)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			return page
		}
		const filters = "all=1&amp;kind=phan_anh"
		page1 := get("/staff/inbox?kind=phan_anh&all=1")
		first := pageCodes(page1)
		if len(first) != 200 {
			t.Errorf("page 1 lists %d cases, want 200", len(first))
		}
		for _, want := range []string{"Đang hiển thị 1–200 trên 205 hồ sơ", "205 quá hạn",
			`href="/staff/inbox?` + filters + `&amp;page=2" rel="next"`} {
			if !strings.Contains(page1, want) {
				t.Errorf("page 1 lacks %q", want)
			}
		}
		if strings.Contains(page1, `rel="prev"`) {
			t.Errorf("page 1 links a page before it")
		}
		page2 := get("/staff/inbox?kind=phan_anh&all=1&page=2")
		second := pageCodes(page2)
		for _, want := range []string{"Đang hiển thị 201–205 trên 205 hồ sơ", "205 quá hạn", `href="/staff/inbox?` + filters + `" rel="prev"`} {
			if !strings.Contains(page2, want) {
				t.Errorf("page 2 lacks %q", want)
			}
		}
		if strings.Contains(page2, `rel="next"`) {
			t.Errorf("the last page links a page after it")
		}
		all := append(slices.Clone(first), second...)
		slices.Sort(all)
		want := slices.Clone(codes)
		slices.Sort(want)
		if !slices.Equal(slices.Compact(all), want) {
			t.Errorf("the two pages list %d distinct cases, not the 205", len(slices.Compact(all)))
		}
		if got := pageCodes(get("/staff/inbox?kind=phan_anh&all=1&page=99")); !slices.Equal(got, second) {
			t.Errorf("a page past the end lists %d cases, not the last page's", len(got))
		}
		// A page number whose offset would overflow is a page past the end.
		if page := get("/staff/inbox?kind=phan_anh&all=1&page=46116860184273881"); !slices.Equal(pageCodes(page), second) ||
			strings.Contains(page, "-9223") {
			t.Errorf("a huge page number lists %d cases, not the last page's", len(pageCodes(page)))
		}
		if got := pageCodes(get("/staff/inbox?kind=phan_anh&all=1&page=x")); !slices.Equal(got, first) {
			t.Errorf("page=x lists %d cases, not the first page's", len(got))
		}
		// A search pages too, and counts every match.
		s1, s2 := get("/staff/inbox?q=via+he"), get("/staff/inbox?q=via+he&page=2")
		if !strings.Contains(s1, "205 hồ sơ, phù hợp nhất trước") || len(pageCodes(s1)) != 200 || len(pageCodes(s2)) != 5 ||
			!strings.Contains(s1, `href="/staff/inbox?page=2&amp;q=via&#43;he" rel="next"`) {
			t.Errorf("search pages: %d and %d cases", len(pageCodes(s1)), len(pageCodes(s2)))
		}
		if got := append(pageCodes(s1), pageCodes(s2)...); len(slices.Compact(slices.Sorted(slices.Values(got)))) != 205 {
			t.Errorf("the search's two pages do not list the 205 cases")
		}
		// In English; a filter that leaves one page shows no links.
		if en := get("/staff/inbox?lang=en"); !strings.Contains(en, "Showing 1–200 of 205 cases") || !strings.Contains(en, "Next page →") {
			t.Errorf("the English inbox does not say how many it shows")
		}
		if p := get("/staff/inbox?kind=to_cao&lang=vi"); strings.Contains(p, `rel="next"`) || strings.Contains(p, "Đang hiển thị") {
			t.Errorf("an empty list shows a pager")
		}

		// The JSON list.
		tok := ta.staffToken(t, "VP", access.Office)
		type listed struct {
			Cases      []httpapi.StaffCase `json:"cases"`
			Total      int64               `json:"total"`
			NextOffset *int                `json:"next_offset"`
		}
		var l1, l2, l3 listed
		ta.getJSON(t, "/api/v1/cases?kind=phan_anh", 200, &l1, "Authorization", tok)
		if len(l1.Cases) != 200 || l1.Total != 205 || l1.NextOffset == nil || *l1.NextOffset != 200 {
			t.Errorf("API page 1: %d cases of %d, next %v", len(l1.Cases), l1.Total, l1.NextOffset)
		}
		ta.getJSON(t, "/api/v1/cases?kind=phan_anh&offset=200", 200, &l2, "Authorization", tok)
		if len(l2.Cases) != 5 || l2.Total != 205 || l2.NextOffset != nil {
			t.Errorf("API page 2: %d cases of %d, next %v", len(l2.Cases), l2.Total, l2.NextOffset)
		}
		ta.getJSON(t, "/api/v1/cases?kind=phan_anh&limit=100&offset=100", 200, &l3, "Authorization", tok)
		if len(l3.Cases) != 100 || l3.NextOffset == nil || *l3.NextOffset != 200 || l3.Cases[0].Code != l1.Cases[100].Code {
			t.Errorf("API limit 100 offset 100: %d cases, next %v", len(l3.Cases), l3.NextOffset)
		}
		if res, body := ta.do(t, http.MethodGet, "/api/v1/cases?offset=-1", nil, "Authorization", tok); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a negative offset: %d %s", res.StatusCode, body)
		}
		// GET /api/v1/staff/cases, the open cases the caller may see, pages
		// the same way: it stopped at 200 without a word.
		var o1, o2 httpapi.ListStaffCases200JSONResponse
		ta.getJSON(t, "/api/v1/staff/cases", 200, &o1, "Authorization", tok)
		if len(o1.Cases) != 200 || o1.Total != 205 || o1.NextOffset == nil || *o1.NextOffset != 200 {
			t.Errorf("API staff cases page 1: %d cases of %d, next %v", len(o1.Cases), o1.Total, o1.NextOffset)
		}
		ta.getJSON(t, "/api/v1/staff/cases?offset=200", 200, &o2, "Authorization", tok)
		if len(o2.Cases) != 5 || o2.Total != 205 || o2.NextOffset != nil {
			t.Errorf("API staff cases page 2: %d cases of %d, next %v", len(o2.Cases), o2.Total, o2.NextOffset)
		}
		if got := append(caseCodes(o1.Cases), caseCodes(o2.Cases)...); len(slices.Compact(slices.Sorted(slices.Values(got)))) != 205 {
			t.Errorf("the staff cases' two pages do not list the 205 cases")
		}
		if res, body := ta.do(t, http.MethodGet, "/api/v1/staff/cases?offset=-1", nil, "Authorization", tok); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("staff cases, a negative offset: %d %s", res.StatusCode, body)
		}

		// The exports take every row, whatever page the query names.
		res, body := b.get("/staff/inbox.csv?kind=phan_anh&all=1&page=2")
		if res.StatusCode != 200 {
			t.Fatalf("inbox.csv: %d", res.StatusCode)
		}
		if rows := readCSV(t, body); len(rows) != 206 {
			t.Errorf("the CSV has %d rows, want a header and 205", len(rows))
		}
		res, body = b.get("/staff/inbox.xlsx?kind=phan_anh&all=1&page=2")
		if res.StatusCode != 200 {
			t.Fatalf("inbox.xlsx: %d", res.StatusCode)
		}
		if rows := readXLSX(t, body, "Danh sách hồ sơ"); len(rows) != 206 {
			t.Errorf("the XLSX has %d rows, want a header and 205", len(rows))
		}
	})
}

// caseCodes is the codes of a list of cases from the API.
func caseCodes(list []httpapi.StaffCase) []string {
	out := make([]string, 0, len(list))
	for _, c := range list {
		out = append(out, c.Code)
	}
	return out
}

// A report's drill-down longer than its page of 100 pages on through the
// shared pager: 1–100 of 105 with a link to the next page that keeps the
// drill's query, 101–105 on page 2, the last page for a page past the end
// or for a page number too large to be an offset (it once became a
// negative offset).
func TestReportCasesPagePastItsPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "vanphong.baocao@sxd.test", "VP", access.Office)
		ta.setLocal(t, "2026-10-05 09:00")
		codes := ta.registerMany(t, office, 105)
		ta.setLocal(t, "2026-12-07 09:00")
		b := ta.browser(t)
		b.mustLogin("vanphong.baocao@sxd.test")
		const drill = "/staff/reports/cases?figure=received&from=2026-10-01&to=2026-10-31"
		cases := regexp.MustCompile(`<td><a href="/staff/cases/\d+">([^<]+)</a></td>`)
		// The next page keeps the drill's query.
		nextLink := regexp.MustCompile(`href="/staff/reports/cases\?figure=received&amp;from=2026-10-01&amp;page=2&amp;to=2026-10-31" rel="next"`)
		listed := func(page string) []string {
			var out []string
			for _, m := range cases.FindAllStringSubmatch(page, -1) {
				out = append(out, m[1])
			}
			return out
		}
		var seen []string
		for _, step := range []struct {
			query, showing string
			rows           int
			next           bool
		}{
			{"", "Đang hiển thị 1–100 trên 105 hồ sơ", 100, true},
			{"&page=2", "Đang hiển thị 101–105 trên 105 hồ sơ", 5, false},
			{"&page=7", "Đang hiển thị 101–105 trên 105 hồ sơ", 5, false},
			{"&page=92233720368547758", "Đang hiển thị 101–105 trên 105 hồ sơ", 5, false},
		} {
			res, page := b.get(drill + step.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", step.query, res.StatusCode)
			}
			got := listed(page)
			if len(got) != step.rows || !strings.Contains(page, step.showing) {
				t.Errorf("%s: %d rows, want %d with %q", step.query, len(got), step.rows, step.showing)
			}
			if next := nextLink.MatchString(page); next != step.next {
				t.Errorf("%s: a next link %v, want %v", step.query, next, step.next)
			}
			if step.query == "" || step.query == "&page=2" {
				seen = append(seen, got...)
			}
		}
		slices.Sort(seen)
		want := slices.Clone(codes)
		slices.Sort(want)
		if !slices.Equal(seen, want) {
			t.Errorf("the two pages list %d cases, not the 105 registered once each", len(slices.Compact(seen)))
		}
	})
}
