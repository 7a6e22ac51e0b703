package main

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
)

// The reopened figure counts answers reopened by whoever reopened them.
// By hand, November 2026: four petitions answered on 5 November; the
// citizen disputes A on the 10th, the office reopens B on the 11th (on
// its page) and leadership C on the 12th (over the API); D stays
// answered. Reopened: 3 of 4 answers, 75%. The staff API, the dashboard
// and its drill-down list, the report table's CSV, the month's XLSX
// and the report service read the same 3. /minh-bach does not publish it.
func TestReopenedCountsStaffReopens(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office, officer, head := ta.caseTeam(t, "reopened")
		codes, ids, secrets := map[string]string{}, map[string]int64{}, map[string]string{}
		for _, n := range []string{"A", "B", "C", "D"} {
			r := ta.registerAt(t, office, "2026-11-02 09:00", petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPhone,
				Title: "Phản ánh " + n + " về chiếu sáng ngõ phố", Content: "Đèn chiếu sáng ngõ phố bị hỏng nhiều ngày.", Name: "Người Gửi " + n, Phone: "091122233" + string(rune('0'+len(codes)))})
			codes[n], ids[n], secrets[n] = r.Code, r.CaseID, r.Secret
			ta.takeOn(t, office, r.CaseID, "PQLXD")
		}
		ta.setLocal(t, "2026-11-05 10:00")
		for _, n := range []string{"A", "B", "C", "D"} {
			ta.act(t, officer, ids[n], petition.AnswerInput{Body: "Sở đã phối hợp với phường thay đèn chiếu sáng ngõ phố."})
			ta.act(t, head, ids[n], petition.ApproveInput{})
		}

		ta.setLocal(t, "2026-11-10 09:00")
		if res, b := ta.postJSON(t, "/api/v1/petitions/"+codes["A"]+"/dispute", map[string]any{"reason": "Đèn vẫn chưa sáng sau khi trả lời."},
			"X-Tracking-Secret", secrets["A"]); res.StatusCode >= 300 {
			t.Fatalf("dispute A: %d %s", res.StatusCode, b)
		}
		ta.setLocal(t, "2026-11-11 09:00")
		ta.addStaff(t, "vanphong.trang.mo@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.trang.mo@sxd.test")
		if res, page := b.post("/staff/cases/"+itoa(ids["B"])+"/staff_reopen", map[string][]string{"reason": {"Trả lời chưa nêu thời hạn thay đèn, cần xem xét lại."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the office reopens B: %d\n%s", res.StatusCode, page)
		}
		ta.setLocal(t, "2026-11-12 09:00")
		if res, body := ta.postJSON(t, "/api/v1/cases/"+codes["C"]+"/staff_reopen", map[string]any{"reason": "Lãnh đạo Sở yêu cầu kiểm tra lại hiện trường."},
			"Authorization", ta.staffToken(t, "", access.Leadership)); res.StatusCode != http.StatusOK {
			t.Fatalf("leadership reopens C: %d %s", res.StatusCode, body)
		}
		ta.setLocal(t, "2026-12-01 10:00")
		b = ta.browser(t)
		b.mustLogin("vanphong.trang.mo@sxd.test")

		// The staff API.
		tok := ta.staffToken(t, "VP", access.Office)
		rep := novemberReport(t, ta, tok, "total")
		if f := rep.Total.Figures; f.Reopened != 3 || f.ReopenRate == nil || *f.ReopenRate != 75 || f.AnsweredOnTime != 4 {
			t.Errorf("API: reopened %d, rate %v, on time %d; want 3, 75, 4", f.Reopened, f.ReopenRate, f.AnsweredOnTime)
		}
		// The report service, by unit: PQLXD's answers.
		nov, err := report.MonthPeriod("2026-11")
		if err != nil {
			t.Fatal(err)
		}
		byUnit, err := ta.reports.Report(ctx, report.Query{Period: nov, By: report.ByUnit})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range byUnit.Rows {
			if r.Code == "PQLXD" && r.Reopened != 3 {
				t.Errorf("PQLXD: reopened %d, want 3", r.Reopened)
			}
		}

		// The dashboard's tile, and the list behind it: A, B, C, not D.
		_, page := b.get("/staff/reports?thang=2026-11")
		if !strings.Contains(page, `<span class="apart-value">3</span> <span class="apart-label">Mở lại (người dân hoặc cơ quan)</span> <span class="muted">(75%)</span>`) {
			t.Errorf("the dashboard does not show 3 reopened (75%%)")
		}
		_, page = b.get("/staff/reports/cases?figure=reopened&from=2026-11-01&to=2026-11-30")
		for _, n := range []string{"A", "B", "C"} {
			if !strings.Contains(page, codes[n]) {
				t.Errorf("the reopened list lacks %s (%s)", n, codes[n])
			}
		}
		if strings.Contains(page, codes["D"]) {
			t.Errorf("the reopened list has D, never reopened")
		}

		// The report table's CSV: the total row's "Mở lại" column.
		res, body := b.get("/staff/reports/table.csv?from=2026-11-01&to=2026-11-30&by=unit")
		if res.StatusCode != 200 {
			t.Fatalf("table.csv: %d", res.StatusCode)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range recs[0] {
			if h == "Mở lại (người dân hoặc cơ quan)" {
				col = i
			}
		}
		if col < 0 || recs[len(recs)-1][1] != "Tổng cộng" || recs[len(recs)-1][col] != "3" {
			t.Errorf("table.csv: column %d, total %v", col, recs[len(recs)-1])
		}

		// The month's XLSX export (office's layout): its note says the same.
		res, _ = b.post("/staff/reports/exports", map[string][]string{"from": {"2026-11-01"}, "to": {"2026-11-30"}, "format": {"xlsx"}})
		loc := res.Header.Get("Location")
		for i := 0; ; i++ {
			if _, page := b.get(loc); strings.Contains(page, `id="export-download"`) {
				break
			}
			if i == 2400 { // a minute: the export runs in the background on a shared machine
				t.Fatalf("the export never finished")
			}
			time.Sleep(25 * time.Millisecond)
		}
		_, body = b.get(loc + "/file")
		rows := readXLSX(t, body, "Báo cáo")
		if !strings.Contains(strings.Join(flatten(rows), "|"), "mở lại (do người dân không đồng ý hoặc cơ quan xem xét lại): 3.") {
			t.Errorf("the XLSX's note does not count 3 reopened")
		}
	})
}
