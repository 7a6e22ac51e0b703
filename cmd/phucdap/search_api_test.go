package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// GET /api/v1/cases?q= finds cases as people type, never through a secret
// denouncer's identity, within the caller's scope, and refuses bad queries
// with a message in the caller's language.
func TestSearchAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		roadID, road := ta.submitCase(t, "phan_anh", "Nguyễn Thị Hằng", "0912345678", "Mặt đường Đông Kinh bị lún sâu sau trận mưa lớn.", false)
		denID, _ := ta.submitCase(t, "to_cao", "Phạm Văn Đức", "0977000111", "Tôi là Phạm Văn Đức, tố cáo cán bộ địa chính nhận tiền.", true)
		ta.assign(t, roadID, "PQLXD")
		ta.assign(t, denID, "PQHKT")

		search := func(tok, q string) []httpapi.StaffCase {
			t.Helper()
			var list struct{ Cases []httpapi.StaffCase }
			ta.getJSON(t, "/api/v1/cases?q="+url.QueryEscape(q), 200, &list, "Authorization", tok)
			return list.Cases
		}
		got := search(office, "nguyen thi hang")
		if len(got) != 1 || got[0].Code != road {
			t.Fatalf("office by name: %+v", got)
		}
		if of := got[0].SnippetOf; of == nil || *of != httpapi.StaffCaseSnippetOfPetitioner || got[0].Snippet == nil || (*got[0].Snippet)[0].Text != "Nguyễn" {
			t.Errorf("office by name, the snippet: %v %+v", of, got[0].Snippet)
		}
		got = search(office, "duong dong kinh")
		if len(got) != 1 || got[0].Snippet == nil {
			t.Fatalf("office by content: %+v", got)
		}
		var marked []string
		for _, s := range *got[0].Snippet {
			if s.Match {
				marked = append(marked, s.Text)
			}
		}
		if strings.Join(marked, "|") != "đường|Đông|Kinh" || got[0].SnippetOf == nil || *got[0].SnippetOf != httpapi.StaffCaseSnippetOfContent {
			t.Errorf("highlight: %q of %v", marked, got[0].SnippetOf)
		}
		for _, q := range []string{"pham van duc", "Phạm Văn Đức", "0977000111"} {
			for who, tok := range map[string]string{"office": office, "officer": officer} {
				if got := search(tok, q); len(got) != 0 {
					t.Errorf("%s found the secret denouncer by %q: %+v", who, q, got)
				}
			}
		}
		if got := search(officer, "Đông Kinh"); len(got) != 1 {
			t.Errorf("officer, own unit: %+v", got)
		}
		if got := search(officer, "can bo dia chinh"); len(got) != 0 {
			t.Errorf("officer found another unit's case: %+v", got)
		}

		for _, c := range []struct{ q, lang, want string }{
			{strings.Repeat("đường ", 40), "vi", "tối đa 200 ký tự"},
			{strings.Repeat("đường ", 40), "en", "at most 200 characters"},
			{"?!… --", "vi", "có chữ hoặc số"},
			{"?!… --", "en", "at least one letter or digit"},
		} {
			b := ta.getJSON(t, "/api/v1/cases?lang="+c.lang+"&q="+url.QueryEscape(c.q), 422, nil, "Authorization", office)
			if !strings.Contains(string(b), c.want) {
				t.Errorf("%q (%s): %s", c.q, c.lang, b)
			}
		}
	})
}

// The search-index job rewrites the search rows of an older recipe (here:
// one without the phone's other forms), which the search meanwhile
// answers from as they are.
func TestSearchIndexJob(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		_, code := ta.submitCase(t, "phan_anh", "Trần Thị Lan", "0912 345 678", "Đèn đường ngõ 5 tắt cả tuần.", false)
		search := func(q string) int {
			t.Helper()
			var list struct{ Cases []httpapi.StaffCase }
			ta.getJSON(t, "/api/v1/cases?q="+url.QueryEscape(q), 200, &list, "Authorization", office)
			return len(list.Cases)
		}
		if n := search("+84 912 345 678"); n != 1 {
			t.Fatalf("by the international form: %d cases", n)
		}
		if err := ta.db.Gorm.Exec("UPDATE case_search SET contact = 'tran thi lan 0912 345 678 0912345678', revision = 0 "+
			"WHERE case_id = (SELECT id FROM cases WHERE code = ?)", code).Error; err != nil {
			t.Fatal(err)
		}
		if n := search("+84 912 345 678"); n != 0 {
			t.Fatalf("a search rewrote the row: %d cases", n)
		}
		if n := search("0912345678"); n != 1 {
			t.Fatalf("the old row as it is: %d cases", n)
		}
		if run := ta.runJob(t, "search-index", testNow); run.Counts["indexed"] != 1 {
			t.Fatalf("search-index: %+v", run)
		}
		if n := search("+84 912 345 678"); n != 1 {
			t.Errorf("after the job, by the international form: %d cases", n)
		}
	})
}
