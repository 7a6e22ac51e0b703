package main

import (
	"html"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// "Due soon" is one horizon on every surface: due by the end of the third
// working day from today (the earliest reminder, alerts.due_soon_days).
// On Friday 27/11/2026 a case due at 24:00 on Wednesday 2/12 is due soon
// in the inbox, the case API and the dashboard's tile and drill-down; one
// due at 24:00 on Thursday 3/12 is due soon nowhere. (The inbox used to
// count 72 hours, the dashboard 3 working days.)
func TestDueSoonIsOneHorizon(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		soon, _ := ta.submitCase(t, "kien_nghi", "Lý Văn Sớm", "0911000011", "Đề nghị sửa cống thoát nước ngõ 12 phố Lê Lợi.", false)
		later, _ := ta.submitCase(t, "kien_nghi", "Lý Văn Muộn", "0911000012", "Đề nghị bổ sung cây xanh ngõ 14 phố Lê Lợi.", false)
		setDue := func(id int64, due time.Time) {
			if err := ta.db.Gorm.Exec("UPDATE case_clocks SET due_at = ? WHERE case_id = ?", due.UTC(), id).Error; err != nil {
				t.Fatal(err)
			}
			if err := ta.db.Gorm.Exec("UPDATE cases SET due_at = ? WHERE id = ?", due.UTC(), id).Error; err != nil {
				t.Fatal(err)
			}
		}
		setDue(soon, time.Date(2026, 12, 3, 0, 0, 0, 0, hanoi))
		setDue(later, time.Date(2026, 12, 4, 0, 0, 0, 0, hanoi))
		soonCode := ta.caseCode(t, soon)

		email := "vp.soon-" + token() + "@sxd.test"
		ta.addStaff(t, email, "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin(email)
		_, inbox := b.get("/staff/inbox?urgency=due_soon")
		var rows []string
		for _, m := range inboxRowRE.FindAllStringSubmatch(inbox, -1) {
			rows = append(rows, codeRE.FindString(m[2]))
		}
		if strings.Join(rows, ",") != soonCode || !strings.Contains(inbox, "1 sắp đến hạn") {
			t.Errorf("inbox due soon: %v", rows)
		}

		var api struct{ Cases []httpapi.StaffCase }
		ta.getJSON(t, "/api/v1/cases", 200, &api, "Authorization", ta.staffToken(t, "VP", access.Office))
		var apiSoon []string
		for _, c := range api.Cases {
			if c.Urgency == "due_soon" {
				apiSoon = append(apiSoon, c.Code)
			}
		}
		sort.Strings(apiSoon)
		if strings.Join(apiSoon, ",") != soonCode {
			t.Errorf("API due soon: %v", apiSoon)
		}

		_, dash := b.get("/staff/reports")
		tile := between(t, dash, `id="tile-soon"`, "</a>")
		n, _ := strconv.Atoi(text(between(t, tile, `<span class="tile-value">`, "</span>")))
		_, drill := b.get(html.UnescapeString(between(t, tile, `href="`, `"`)))
		var drilled []string
		for _, m := range drillRowRE.FindAllStringSubmatch(drill, -1) {
			drilled = append(drilled, m[1])
		}
		if n != 1 || strings.Join(drilled, ",") != soonCode {
			t.Errorf("dashboard due soon: tile %d, drill-down %v", n, drilled)
		}
	})
}
