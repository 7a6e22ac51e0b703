package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// fillLogs writes n audit rows by account (action "paging.row", entity
// "case", ids 1…n, a minute apart before now) and n reads of an identity
// by the same account (case ids 1…n): the logs an auditor pages through.
func (ta *testApp) fillLogs(t *testing.T, by access.Account, n int) {
	t.Helper()
	now := ta.Clock.Now().UTC()
	for i := 1; i <= n; i++ {
		at := now.Add(-time.Duration(n-i) * time.Minute)
		if err := ta.db.Gorm.Exec("INSERT INTO audit_log (at, actor_id, actor_label, action, entity, entity_id, request_id) VALUES (?, ?, ?, 'paging.row', 'case', ?, '')",
			at, by.ID, by.Email, fmt.Sprint(i)).Error; err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Gorm.Exec("INSERT INTO identity_access_log (at, account_id, actor_label, case_id, reason, request_id) VALUES (?, ?, ?, ?, 'xác minh nội dung tố cáo', '')",
			at, by.ID, by.Email, i).Error; err != nil {
			t.Fatal(err)
		}
	}
}

var (
	auditEntityRe = regexp.MustCompile(`<td>case (\d+)</td>`)
	accessCaseRe  = regexp.MustCompile(`<tr><td>[^<]*</td><td>[^<]*</td><td>(\d+)</td><td>xác minh nội dung tố cáo</td></tr>`)
)

func logMatches(re *regexp.Regexp, page string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// An audit trail and an identity access log longer than their page say
// so and page on: with 205 rows by one reader, the auditor filtering on
// that reader sees 1–200 of 205 of each, and each log's 'next page' keeps
// the filters and where the other log is; the second pages hold the other
// 5. A page past the end shows the last page. In English too. The admin,
// who reads the trail but not the identity access log, gets no access log
// whatever access_page the address names, and its links carry none.
// GET /api/v1/audit and /audit/identity-access page the same logs (total,
// offset, next_offset; a negative offset is a 422).
func TestAuditPagesPastItsPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		ta.addStaff(t, "auditor@sxd.test", "", access.Auditor)
		reader := ta.addStaff(t, "doc.danhtinh@sxd.test", "VP", access.Office)
		ta.setLocal(t, "2026-12-07 09:00")
		ta.fillLogs(t, reader, 205)
		id := itoa(reader.ID)
		ab := ta.browser(t)
		ab.mustLogin("auditor@sxd.test")

		p1 := ab.page("/staff/audit?actor=" + id)
		if n, m := len(logMatches(auditEntityRe, p1)), len(logMatches(accessCaseRe, p1)); n != 200 || m != 200 {
			t.Errorf("page 1 lists %d audit rows and %d identity reads, want 200 and 200", n, m)
		}
		pageHas(t, "page 1", p1, "Đang hiển thị 1–200 trên 205 bản ghi", "Đang hiển thị 1–200 trên 205 lượt xem danh tính",
			`href="/staff/audit?actor=`+id+`&amp;page=2#audit-trail" rel="next"`,
			`href="/staff/audit?access_page=2&amp;actor=`+id+`#access-log" rel="next"`)
		if strings.Contains(p1, `rel="prev"`) {
			t.Errorf("page 1 links a page before it")
		}
		// The trail's second page; the access log stays on its first.
		p2 := ab.page("/staff/audit?actor=" + id + "&page=2")
		pageHas(t, "trail page 2", p2, "Đang hiển thị 201–205 trên 205 bản ghi", "Đang hiển thị 1–200 trên 205 lượt xem danh tính",
			`href="/staff/audit?actor=`+id+`#audit-trail" rel="prev"`,
			`href="/staff/audit?access_page=2&amp;actor=`+id+`&amp;page=2#access-log" rel="next"`)
		if got := logMatches(auditEntityRe, p2); len(got) != 5 {
			t.Errorf("trail page 2 lists %d rows, want 5", len(got))
		}
		all := slices.Concat(logMatches(auditEntityRe, p1), logMatches(auditEntityRe, p2))
		if slices.Sort(all); len(slices.Compact(all)) != 205 {
			t.Errorf("the trail's two pages list %d distinct rows, not the 205", len(slices.Compact(all)))
		}
		// Both on their second page: each keeps the other's.
		pp := ab.page("/staff/audit?actor=" + id + "&page=2&access_page=2")
		pageHas(t, "both pages 2", pp, "Đang hiển thị 201–205 trên 205 bản ghi", "Đang hiển thị 201–205 trên 205 lượt xem danh tính",
			`href="/staff/audit?access_page=2&amp;actor=`+id+`#audit-trail" rel="prev"`,
			`href="/staff/audit?actor=`+id+`&amp;page=2#access-log" rel="prev"`)
		acc := slices.Concat(logMatches(accessCaseRe, p1), logMatches(accessCaseRe, pp))
		if slices.Sort(acc); len(slices.Compact(acc)) != 205 {
			t.Errorf("the access log's two pages list %d distinct reads, not the 205", len(slices.Compact(acc)))
		}
		// Filters narrow the count, and a page past the end is the last.
		pageHas(t, "action filter", ab.page("/staff/audit?actor="+id+"&action=paging.row&entity=case&page=99"),
			"Đang hiển thị 201–205 trên 205 bản ghi", `href="/staff/audit?action=paging.row&amp;actor=`+id+`&amp;entity=case#audit-trail" rel="prev"`)
		pageHas(t, "date filter", ab.page("/staff/audit?actor="+id+"&from=2026-12-07&to=2026-12-07"), "Đang hiển thị 1–200 trên 205 bản ghi",
			`href="/staff/audit?actor=`+id+`&amp;from=2026-12-07&amp;page=2&amp;to=2026-12-07#audit-trail" rel="next"`)
		if other := ab.page("/staff/audit?actor=" + id + "&action=account"); strings.Contains(other, `#audit-trail" rel="next"`) || strings.Contains(other, "trên 205 bản ghi") {
			t.Errorf("a filter matching no row shows a pager")
		}
		pageHas(t, "English", ab.page("/staff/audit?actor="+id+"&lang=en"), "Showing 1–200 of 205 entries", "Showing 1–200 of 205 identity reads", "Next page →")

		// The admin reads the trail, never the identity access log.
		admin := ta.browser(t)
		admin.mustLogin("admin@sxd.test")
		ap := admin.page("/staff/audit?actor=" + id + "&access_page=2&lang=vi")
		pageHas(t, "the admin's page", ap, "Đang hiển thị 1–200 trên 205 bản ghi", `href="/staff/audit?actor=`+id+`&amp;page=2#audit-trail" rel="next"`)
		for _, leak := range []string{`id="access-log"`, "#access-log", "lượt xem danh tính"} {
			if strings.Contains(ap, leak) {
				t.Errorf("the admin's audit page shows %q", leak)
			}
		}
		if n := len(logMatches(accessCaseRe, ap)); n != 0 {
			t.Errorf("the admin's audit page shows %d identity reads", n)
		}

		// The API.
		api := func(b *browser, path string, want int, v any) {
			t.Helper()
			res, body := b.get(path)
			if res.StatusCode != want {
				t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
			}
			if v != nil {
				if err := jsonUnmarshal(body, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		var a1, a2, a3 httpapi.ListAudit200JSONResponse
		api(ab, "/api/v1/audit?actor="+id, 200, &a1)
		if len(a1.Entries) != 100 || a1.Total != 205 || a1.NextOffset == nil || *a1.NextOffset != 100 {
			t.Errorf("API audit page 1: %d entries of %d, next %v", len(a1.Entries), a1.Total, a1.NextOffset)
		}
		api(ab, "/api/v1/audit?actor="+id+"&offset=200", 200, &a2)
		if len(a2.Entries) != 5 || a2.Total != 205 || a2.NextOffset != nil {
			t.Errorf("API audit last page: %d entries of %d, next %v", len(a2.Entries), a2.Total, a2.NextOffset)
		}
		api(ab, "/api/v1/audit?actor="+id+"&limit=50&offset=50", 200, &a3)
		if len(a3.Entries) != 50 || *a3.NextOffset != 100 || a3.Entries[0].Id != a1.Entries[50].Id {
			t.Errorf("API audit limit 50 offset 50: %d entries, next %v", len(a3.Entries), a3.NextOffset)
		}
		var i1, i2 httpapi.ListIdentityAccess200JSONResponse
		api(ab, "/api/v1/audit/identity-access?actor="+id+"&limit=200", 200, &i1)
		if len(i1.Entries) != 200 || i1.Total != 205 || i1.NextOffset == nil || *i1.NextOffset != 200 {
			t.Errorf("API access log page 1: %d reads of %d, next %v", len(i1.Entries), i1.Total, i1.NextOffset)
		}
		api(ab, "/api/v1/audit/identity-access?actor="+id+"&limit=200&offset=200", 200, &i2)
		if len(i2.Entries) != 5 || i2.NextOffset != nil {
			t.Errorf("API access log page 2: %d reads, next %v", len(i2.Entries), i2.NextOffset)
		}
		api(ab, "/api/v1/audit?offset=-1", http.StatusUnprocessableEntity, nil)
		api(ab, "/api/v1/audit/identity-access?offset=-1", http.StatusUnprocessableEntity, nil)
		api(admin, "/api/v1/audit/identity-access?offset=100", http.StatusForbidden, nil)
	})
}
