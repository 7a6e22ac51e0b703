package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// inboxCodes are the case codes of an inbox page, in its order.
var inboxCode = regexp.MustCompile(`href="/staff/cases/\d+"><code>([^<]+)</code>`)

func pageCodes(page string) []string {
	var out []string
	for _, m := range inboxCode.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// readCSV checks the BOM and reads the rows.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, report.BOM)
	if !ok {
		t.Fatalf("CSV without the UTF-8 BOM: %.40q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}

// readXLSX reads the one sheet of an exported workbook back with
// excelize.
func readXLSX(t *testing.T, body string, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("XLSX sheet %q (%v): %v", sheet, f.GetSheetList(), err)
	}
	// GetRows drops trailing empty cells; pad to the header's width.
	for i := range rows {
		for len(rows[i]) < len(rows[0]) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

func column(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

// The inbox and a report's drill-down download as CSV and XLSX with the
// page's filters and search: the same cases in the same order (the
// workbook read back with excelize equals the CSV cell for cell), late
// flags as the page shows them, Vietnamese intact behind a BOM. The
// petitioner's contact is a column only for who may read contacts and is
// never filled for a sealed denouncer, whose identity appears nowhere in
// any export of any role; a unit officer's export holds only the unit's
// cases; each export is on the audit trail, without the words searched.
func TestListExports(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.addStaff(t, "office@sxd.test", "VP", access.Office)
		ta.addStaff(t, "lead@sxd.test", "VP", access.Leadership)
		ta.addStaff(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		by := office.Actor("session")
		email := "le.thi.mat.export@example.test"
		reg := func(kind petition.Kind, title, name, phone, mail string, secret bool) petition.Result {
			t.Helper()
			r := ta.register(t, by, petition.RegisterInput{Kind: kind, Channel: petition.ChannelPost, ReceivedAt: ta.Clock.Now(),
				Title: title, Content: "Nội dung: " + title + ". Đề nghị Sở Xây dựng xem xét, giải quyết sớm.", Name: name, Phone: phone, Email: mail,
				Address: "Số 9 đường Lê Lợi, Lạng Sơn", KeepSecret: secret})
			return r
		}
		var feedback []petition.Result
		for i, name := range []string{"Nguyễn Thị Hằng", "Đặng Văn Đức", "Hoàng Thị Ánh"} {
			feedback = append(feedback, reg(petition.KindFeedback, fmt.Sprintf("Đèn đường hỏng ở ngõ %d phố Bà Triệu", 10+i), name,
				fmt.Sprintf("091234567%d", i), "", false))
		}
		reg(petition.KindPetition, "Kiến nghị công khai quy hoạch khu dân cư", "Vũ Văn Bình", "0987111222", "binh@example.vn", false)
		sealed := reg(petition.KindDenunciation, "Tố cáo cán bộ nhận tiền, người tố cáo "+crawlName+" "+crawlPhone, crawlName, crawlPhone, email, true)
		ta.db.Gorm.Exec("UPDATE case_identities SET id_number = ? WHERE case_id = ?", crawlID, sealed.CaseID)
		// Two feedback cases go to PQLXD; one of them runs its answer clock.
		for _, r := range feedback[:2] {
			ta.takeOn(t, by, r.CaseID, "PQLXD")
		}
		ta.act(t, by, sealed.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
		ta.act(t, by, sealed.CaseID, petition.AcceptInput{DecisionNo: "15/QĐ-SXD"})
		ta.act(t, by, sealed.CaseID, petition.AssignInput{Lead: "PQLXD"})
		// Far enough on that some are late and some due soon.
		ta.Clock.Advance(40 * 24 * time.Hour)

		browsers := map[string]*browser{}
		for _, who := range []string{"office", "lead", "officer"} {
			b := ta.browser(t)
			b.mustLogin(who + "@sxd.test")
			browsers[who] = b
		}
		get := func(b *browser, path string, want int) (*http.Response, string) {
			t.Helper()
			res, body := b.get(path)
			if res.StatusCode != want {
				t.Fatalf("GET %s: %d, want %d\n%.500s", path, res.StatusCode, want, body)
			}
			return res, body
		}
		sheet := "Danh sách hồ sơ"
		for _, tc := range []struct {
			who, query string
			contacts   bool
			want       int // cases listed
		}{
			{"office", "kind=phan_anh&all=1", true, 3},
			{"office", "all=1", true, 5},
			{"office", "q=den+duong+ba+trieu", true, 3},
			{"office", "urgency=late", true, -1},
			{"lead", "all=1", false, 5},
			{"officer", "all=1", true, 3},
		} {
			b := browsers[tc.who]
			_, page := get(b, "/staff/inbox?"+tc.query, 200)
			codes := pageCodes(page)
			if tc.want >= 0 && len(codes) != tc.want {
				t.Errorf("%s %s: the page lists %d, want %d", tc.who, tc.query, len(codes), tc.want)
			}
			if !strings.Contains(page, `href="/staff/inbox.xlsx?`) {
				t.Errorf("%s %s: no export link on the page", tc.who, tc.query)
			}
			res, body := get(b, "/staff/inbox.csv?"+tc.query, 200)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: CSV headers %v", tc.who, tc.query, res.Header)
			}
			rows := readCSV(t, body)
			if got := column(rows, 1); !slices.Equal(got, codes) {
				t.Errorf("%s %s: CSV codes %v, the page's %v", tc.who, tc.query, got, codes)
			}
			if has := slices.Contains(rows[0], "Điện thoại"); has != tc.contacts {
				t.Errorf("%s %s: contact columns %v, want %v (%v)", tc.who, tc.query, has, tc.contacts, rows[0])
			}
			res, xbody := get(b, "/staff/inbox.xlsx?"+tc.query, 200)
			if res.Header.Get("Content-Type") != report.MediaType(report.TableXLSX) {
				t.Errorf("XLSX type %q", res.Header.Get("Content-Type"))
			}
			xrows := readXLSX(t, xbody, sheet)
			if !slices.EqualFunc(xrows, rows, slices.Equal) {
				t.Errorf("%s %s: the workbook differs from the CSV:\n%v\n%v", tc.who, tc.query, xrows, rows)
			}
			// The sealed denouncer, in any form, in no export of anyone.
			if n := leaks(body, email) + leaks(strings.Join(slices.Concat(xrows...), " "), email); n != 0 {
				t.Errorf("%s %s: the denouncer appears %d times in the exports", tc.who, tc.query, n)
			}
			for _, r := range rows[1:] {
				switch {
				case r[1] == sealed.Code && r[3] != access.Redaction:
					t.Errorf("the sealed case's title is exported: %q", r[3])
				case tc.contacts && r[1] == feedback[0].Code && (r[9] != "Nguyễn Thị Hằng" || r[10] != "0912345670"):
					t.Errorf("%s: the contact of a case it may read: %v", tc.who, r)
				}
			}
			// The late flag is the page's.
			if tc.query == "urgency=late" {
				if len(codes) == 0 {
					t.Fatal("no late case to export: the test proves nothing")
				}
				for _, r := range rows[1:] {
					if r[8] != "Quá hạn" {
						t.Errorf("a late case's flag: %v", r)
					}
				}
			}
		}
		// The officer's export has only the unit's cases.
		rows := readCSV(t, func() string { _, b := get(browsers["officer"], "/staff/inbox.csv?all=1", 200); return b }())
		for _, code := range column(rows, 1) {
			if code != feedback[0].Code && code != feedback[1].Code && code != sealed.Code {
				t.Errorf("the officer exported %s, not the unit's", code)
			}
		}
		// English on request; a refused search is said, not exported.
		if _, body := get(browsers["office"], "/staff/inbox.csv?all=1&lang=en", 200); !strings.HasPrefix(body, report.BOM+"No.,Code,") {
			t.Errorf("English header: %.80q", body)
		}
		if _, body := get(browsers["office"], "/staff/inbox.csv?q=%21%21%21", http.StatusUnprocessableEntity); strings.HasPrefix(body, report.BOM) {
			t.Error("a refused search was exported")
		}

		// The drill-down: the page's cases, every one, both formats.
		_, page := get(browsers["lead"], "/staff/reports/cases?figure=received&from=2026-11-01&to=2026-11-30", 200)
		drill := regexp.MustCompile(`<td><a href="/staff/cases/\d+">([^<]+)</a></td>`)
		var want []string
		for _, m := range drill.FindAllStringSubmatch(page, -1) {
			want = append(want, m[1])
		}
		if len(want) != 5 || !strings.Contains(page, `/staff/reports/cases.xlsx?figure=received&amp;from=2026-11-01&amp;to=2026-11-30`) {
			t.Fatalf("drill-down page: %v", want)
		}
		sort.Strings(want)
		_, body := get(browsers["lead"], "/staff/reports/cases.csv?figure=received&from=2026-11-01&to=2026-11-30", 200)
		crows := readCSV(t, body)
		_, xbody := get(browsers["lead"], "/staff/reports/cases.xlsx?figure=received&from=2026-11-01&to=2026-11-30", 200)
		xrows := readXLSX(t, xbody, report.SheetCases)
		for name, rows := range map[string][][]string{"CSV": crows, "XLSX": xrows} {
			got := column(rows, 1)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("drill-down %s: %v, the page's %v", name, got, want)
			}
			if n := leaks(strings.Join(slices.Concat(rows...), " "), email); n != 0 {
				t.Errorf("drill-down %s: the denouncer appears %d times", name, n)
			}
		}
		if !slices.EqualFunc(xrows, crows, slices.Equal) {
			t.Errorf("drill-down: the workbook differs from the CSV:\n%v\n%v", xrows, crows)
		}
		if _, body := get(browsers["lead"], "/staff/reports/cases.csv?figure=nonsense", http.StatusBadRequest); strings.HasPrefix(body, report.BOM) {
			t.Error("a bad drill-down was exported")
		}

		// Every export is on the audit trail, the search words withheld.
		var params []string
		ta.db.Gorm.Raw("SELECT after_json FROM audit_log WHERE action = 'list.export' ORDER BY id").Scan(&params)
		if len(params) != 6*2+2+2 {
			t.Errorf("%d exports audited, want %d", len(params), 6*2+2+2)
		}
		if all := strings.Join(params, " "); strings.Contains(all, "duong") || !strings.Contains(all, "urgency=late") {
			t.Errorf("the audit keeps the words searched: %s", all)
		}
	})
}

// A list longer than http.export_inline_rows runs in the background for
// who may read reports: the export's progress page, then its file, the
// same rows as the page lists (read back with excelize), recorded as a
// report export; a unit officer, who has no progress page, still gets the
// file at once.
func TestLongListExportsRunInBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, func(c *config.Config) { c.HTTP.ExportInlineRows = 2 })
		office := ta.addStaff(t, "office@sxd.test", "VP", access.Office)
		ta.addStaff(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		by := office.Actor("session")
		for i := 0; i < 4; i++ {
			r := ta.register(t, by, petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPost, ReceivedAt: ta.Clock.Now(),
				Title: fmt.Sprintf("Đèn đường hỏng ở ngõ %d", i), Content: "Đèn đường hỏng hơn một tuần, đề nghị sửa chữa sớm.", Name: "Người Gửi"})
			if i < 3 {
				ta.takeOn(t, by, r.CaseID, "PQLXD")
			}
		}
		b := ta.browser(t)
		b.mustLogin("office@sxd.test")
		_, page := b.get("/staff/inbox?all=1")
		want := pageCodes(page)
		for _, format := range []string{"csv", "xlsx"} {
			res, _ := b.get("/staff/inbox." + format + "?all=1")
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/reports/exports/") {
				t.Fatalf("%s: %d %s, want the export's page", format, res.StatusCode, loc)
			}
			for i := 0; ; i++ {
				_, page := b.get(loc)
				if strings.Contains(page, `id="export-download"`) {
					if !strings.Contains(page, "Danh sách hồ sơ theo bộ lọc") {
						t.Errorf("the export's page does not say what it exports")
					}
					break
				}
				if i == 2400 { // a minute: the export runs in the background on a shared machine
					t.Fatalf("%s: the export never finished:\n%s", format, page)
				}
				time.Sleep(25 * time.Millisecond)
			}
			res, body := b.get(loc + "/file")
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "ho-so_") {
				t.Fatalf("%s file: %d %v", format, res.StatusCode, res.Header)
			}
			var rows [][]string
			if format == "csv" {
				rows = readCSV(t, body)
			} else {
				rows = readXLSX(t, body, "Danh sách hồ sơ")
			}
			if got := column(rows, 1); len(want) != 4 || !slices.Equal(got, want) {
				t.Errorf("%s in the background: %v, the page's %v", format, got, want)
			}
		}
		// The unit officer's list (3 > 2) comes at once.
		o := ta.browser(t)
		o.mustLogin("officer@sxd.test")
		res, body := o.get("/staff/inbox.csv?all=1")
		if res.StatusCode != 200 || len(readCSV(t, body)) != 4 {
			t.Errorf("the officer's export: %d", res.StatusCode)
		}
	})
}
