package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

var (
	alertIDRe = regexp.MustCompile(`<input type="hidden" name="id" value="(\d+)">`)
	deadIDRe  = regexp.MustCompile(`action="/staff/admin/outbox/(\d+)/retry"`)
)

// The alert inbox and the jobs page's dead deliveries page instead of
// stopping at their page: an office member with 205 unread alerts sees
// 1–200 of 205, 'mark all 205 read', and a next page with the other 5;
// the admin with 55 dead deliveries sees 1–50 of 55 and the other 5 on
// the next page. GET /api/v1/alerts pages the same inbox (total, offset,
// next_offset). In English too.
func TestAlertListsPagePastTheirPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.addStaff(t, "vanphong.trang@sxd.test", "VP", access.Office)
		ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		now := ta.setLocal(t, "2026-12-07 09:00").UTC()
		for i := 1; i <= 205; i++ {
			at := now.Add(-time.Duration(205-i) * time.Minute)
			if err := ta.db.Gorm.Exec("INSERT INTO alerts (subject, kind, recipient, account_id, due_at, in_app, payload, created_at) VALUES (?, 'late', ?, ?, ?, TRUE, '{}', ?)",
				fmt.Sprintf("paging:%d", i), "account:"+itoa(office.ID), office.ID, at, at).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 55; i++ {
			if err := ta.db.Gorm.Exec("INSERT INTO outbox (channel, target, state, attempts, next_attempt_at, last_error, created_at, updated_at) VALUES ('webhook', 'https://hook.example/phucdap', 'dead', 8, ?, 'connection refused', ?, ?)",
				now, now, now).Error; err != nil {
				t.Fatal(err)
			}
		}
		ob := ta.browser(t)
		ob.mustLogin(office.Email)
		p1, p2 := ob.page("/staff/alerts"), ob.page("/staff/alerts?page=2")
		pageHas(t, "alerts page 1", p1, "Đang hiển thị 1–200 trên 205 thông báo", `href="/staff/alerts?page=2" rel="next"`)
		pageHas(t, "alerts page 2", p2, "Đang hiển thị 201–205 trên 205 thông báo", `href="/staff/alerts" rel="prev"`)
		pageHas(t, "alerts page 2's mark-all", p2, "Đánh dấu đã đọc tất cả (205)")
		ids := slices.Concat(logMatches(alertIDRe, p1), logMatches(alertIDRe, p2))
		if n1, n2 := len(logMatches(alertIDRe, p1)), len(logMatches(alertIDRe, p2)); n1 != 200 || n2 != 5 {
			t.Errorf("alert pages list %d and %d alerts, want 200 and 5", n1, n2)
		}
		if slices.Sort(ids); len(slices.Compact(ids)) != 205 {
			t.Errorf("the two alert pages list %d distinct alerts", len(slices.Compact(ids)))
		}
		if got := logMatches(alertIDRe, ob.page("/staff/alerts?page=7")); len(got) != 5 {
			t.Errorf("a page past the end lists %d alerts, not the last page's 5", len(got))
		}
		pageHas(t, "English alerts", ob.page("/staff/alerts?lang=en"), "Showing 1–200 of 205 alerts", "Next page →")

		api := func(path string, v *httpapi.ListAlerts200JSONResponse) {
			t.Helper()
			if err := jsonUnmarshal(ob.page(path), v); err != nil {
				t.Fatal(err)
			}
		}
		var a1, a2, a3 httpapi.ListAlerts200JSONResponse
		api("/api/v1/alerts", &a1)
		if len(a1.Alerts) != 100 || a1.Total != 205 || a1.Unread != 205 || a1.NextOffset == nil || *a1.NextOffset != 100 {
			t.Errorf("API alerts page 1: %d of %d, next %v", len(a1.Alerts), a1.Total, a1.NextOffset)
		}
		api("/api/v1/alerts?unread=true&offset=200", &a2)
		if len(a2.Alerts) != 5 || a2.Total != 205 || a2.NextOffset != nil {
			t.Errorf("API alerts last page: %d of %d, next %v", len(a2.Alerts), a2.Total, a2.NextOffset)
		}
		api("/api/v1/alerts?limit=300", &a3)
		if len(a3.Alerts) != 205 || a3.Total != 205 || a3.NextOffset != nil {
			t.Errorf("API alerts one page of 300: %d of %d, next %v", len(a3.Alerts), a3.Total, a3.NextOffset)
		}
		if res, body := ob.get("/api/v1/alerts?offset=-1"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a negative offset: %d %s", res.StatusCode, body)
		}

		// The dead deliveries.
		adm := ta.browser(t)
		adm.mustLogin("admin@sxd.test")
		d1, d2 := adm.page("/staff/admin/jobs"), adm.page("/staff/admin/jobs?dead_page=2")
		pageHas(t, "dead page 1", d1, "Đang hiển thị 1–50 trên 55 thư, webhook gửi không thành công", `href="/staff/admin/jobs?dead_page=2#dead" rel="next"`)
		pageHas(t, "dead page 2", d2, "Đang hiển thị 51–55 trên 55 thư, webhook gửi không thành công", `href="/staff/admin/jobs#dead" rel="prev"`)
		dead := slices.Concat(logMatches(deadIDRe, d1), logMatches(deadIDRe, d2))
		if n1, n2 := len(logMatches(deadIDRe, d1)), len(logMatches(deadIDRe, d2)); n1 != 50 || n2 != 5 {
			t.Errorf("dead pages list %d and %d, want 50 and 5", n1, n2)
		}
		if slices.Sort(dead); len(slices.Compact(dead)) != 55 {
			t.Errorf("the two dead pages list %d distinct deliveries", len(slices.Compact(dead)))
		}
		pageHas(t, "English dead", adm.page("/staff/admin/jobs?lang=en"), "Showing 1–50 of 55 undelivered messages")
	})
}
