package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// secretDenouncer files the second denunciation; like kpiPeople["denounce"]
// she keeps her identity secret, so no surface may show her.
var secretDenouncer = person{"Phạm Thị Kín Đáo", "0919888777", "kindao.truth@example.vn", "Số 21 ngõ Ẩn Danh, phường Tam Thanh"}

// overdueWorld is November 2026 of the KPI scenario with, at 23:00 on 30
// November, every kind of case overdue at once, each late on its own
// step, plus one that is not late and one whose only late clock is a
// coordinating unit's part.
type overdueWorld struct {
	*kpiScenario
	at   time.Time
	late []string // codes of the cases late at `at`, sorted
	// notLate are codes that no late list may show.
	notLate []string
}

func newOverdueWorld(t *testing.T, db *store.DB, mp alerttest.Mailpit) *overdueWorld {
	t.Helper()
	s := newKPIScenario(t, db, withSMTP(mp))
	ta := s.ta
	w := &overdueWorld{kpiScenario: s}
	qlxdOfficer := ta.staffActor(t, "cv.qlxd.truth@sxd.test", "PQLXD", access.UnitOfficer)
	_ = qlxdOfficer
	eligible := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1}

	// A khiếu nại received at the counter on 16 November and classified,
	// never accepted: late on acceptance (7 working days, 25/11).
	s.register(t, "truth-accept", petition.KindComplaint, petition.ChannelInPerson, "2026-11-16 09:00", "2026-11-16 09:30",
		"Khiếu nại quyết định xử phạt vi phạm trật tự xây dựng", "Tôi khiếu nại quyết định xử phạt số 77/QĐ-XPHC.", person{"Đàm Văn Thụ Lý", "0903111222", "", "Phường Đông Kinh"})
	s.act(t, "2026-11-17 09:00", s.office, "truth-accept", eligible)
	// A tố cáo through the API on 17 November, secret, never processed:
	// late on initial processing (7 working days, 26/11).
	p := secretDenouncer
	s.submit(t, "truth-process", "2026-11-17 09:00", petition.KindDenunciation, "Tố cáo cán bộ địa chính làm sai lệch hồ sơ",
		"Tôi là "+p.Name+", điện thoại "+p.Phone+", tố cáo cán bộ Y làm sai lệch hồ sơ đất đai.", p, true)
	// A kiến nghị through the API on 12 November, accepted and assigned
	// to PQHKT, never answered: late on its answer (10 working days, 26/11).
	s.submit(t, "truth-answer", "2026-11-12 10:00", petition.KindPetition, "Đề nghị cấp phép sửa chữa nhà ở",
		"Đề nghị Sở hướng dẫn thủ tục cấp phép sửa chữa nhà ở.", person{"Bế Văn Trả Lời", "0911222333", "traloi.truth@example.vn", "Xã Mai Pha"}, false)
	s.act(t, "2026-11-13 09:00", s.office, "truth-answer", eligible)
	s.act(t, "2026-11-13 09:30", s.office, "truth-answer", petition.AcceptInput{})
	s.act(t, "2026-11-13 10:00", s.office, "truth-answer", petition.AssignInput{Lead: "PQHKT"})
	// A phản ánh on 16 November led by PQLXD with PQHKT coordinating: the
	// lead is due at 24:00 on 30/11 (not late at 23:00), PQHKT's part at
	// 24:00 on 25/11 (late).
	s.submit(t, "truth-part", "2026-11-16 09:00", petition.KindFeedback, "Vật liệu xây dựng lấn chiếm lòng đường",
		"Vật liệu xây dựng để tràn ra lòng đường phố Lê Lợi.", person{"Nông Thị Phần Việc", "0922333444", "", "Phường Chi Lăng"}, false)
	s.act(t, "2026-11-17 09:00", s.office, "truth-part", eligible)
	s.act(t, "2026-11-17 09:30", s.office, "truth-part", petition.AcceptInput{})
	s.act(t, "2026-11-17 10:00", s.office, "truth-part", petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
	// A kiến nghị on 27 November: due 11/12, not late.
	s.submit(t, "truth-fresh", "2026-11-27 09:00", petition.KindPetition, "Đề nghị bổ sung biển báo công trường",
		"Đề nghị yêu cầu nhà thầu bổ sung biển báo công trường.", person{"Lạc Văn Kịp Thời", "0933444555", "", "Phường Vĩnh Trại"}, false)
	// A kiến nghị the office guides elsewhere: reported apart.
	s.register(t, "truth-guided", petition.KindPetition, petition.ChannelPhone, "2026-11-18 09:00", "2026-11-18 09:30",
		"Hỏi về tranh chấp ranh giới đất", "Đề nghị giải quyết tranh chấp ranh giới đất với nhà bên cạnh.", person{"Hà Văn Hướng", "0944555666", "", "Xã Hoàng Đồng"})
	s.act(t, "2026-11-19 09:00", s.office, "truth-guided", petition.ClassifyInput{Eligible: true, WithinCompetence: false, Round: 1})
	s.act(t, "2026-11-19 09:30", s.office, "truth-guided", petition.GuideInput{Note: "Tranh chấp đất đai do UBND xã hòa giải; đề nghị gửi UBND xã Hoàng Đồng."})

	// "openlate" is the KPI scenario's phản ánh, late on its answer since 18/11.
	for _, n := range []string{"openlate", "truth-accept", "truth-process", "truth-answer"} {
		w.late = append(w.late, s.codes[n])
	}
	sort.Strings(w.late)
	w.notLate = []string{s.codes["truth-part"], s.codes["truth-fresh"], s.codes["denounce"]}
	w.at = ta.setLocal(t, "2026-11-30 23:00")
	return w
}

var (
	tagRE       = regexp.MustCompile(`<[^>]+>`)
	spaceRE     = regexp.MustCompile(`\s+`)
	codeRE      = regexp.MustCompile(`SXD-\d{4}-\d{6}`)
	drillRowRE  = regexp.MustCompile(`(?s)<tr><td><a href="/staff/cases/\d+">(SXD-\d{4}-\d{6})</a></td>(.*?)</tr>`)
	cellRE      = regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	inboxRowRE  = regexp.MustCompile(`(?s)<tr class="urgency-([a-z_]+)">(.*?)</tr>`)
	digestRowRE = regexp.MustCompile(`(SXD-\d{4}-\d{6}) \([^)]*\): hạn ([^,]+),`)
)

// text is the visible text of an HTML fragment.
func text(h string) string {
	return strings.TrimSpace(spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(h, " ")), " "))
}

// number reads the first integer of a text ("4 quá hạn", "1.234").
func number(t *testing.T, what, s string) int64 {
	t.Helper()
	m := regexp.MustCompile(`\d[\d.]*`).FindString(s)
	n, err := strconv.ParseInt(strings.ReplaceAll(m, ".", ""), 10, 64)
	if err != nil {
		t.Fatalf("%s: no number in %q", what, s)
	}
	return n
}

// between returns the HTML after the first start and before the next end.
func between(t *testing.T, page, start, end string) string {
	t.Helper()
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("page lacks %q", start)
	}
	rest := page[i+len(start):]
	if j := strings.Index(rest, end); j >= 0 {
		return rest[:j]
	}
	return rest
}

// monthFigures are the month's figures one surface shows.
type monthFigures struct {
	OnTime, AnsweredLate, OpenLate            int64
	NotEligible, Forwarded, Guided, Withdrawn int64
	Rate                                      string
}

// Every kind of case overdue at once, read through the surfaces the office
// and the public read: the inbox page and the case API count the same late
// cases as the dashboard's "late now" tile and its drill-down list; the
// digest e-mail, the on-time report, the public statistics page and the
// XLSX download give the same month figures (on time, answered late, open
// late, and each exclusion); the XLSX due dates are the screen's; and the
// secret denouncers appear on none of them.
func TestLateAndMonthAgreeOnEverySurface(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newOverdueWorld(t, db, mp)
		ta := w.ta
		officeEmail := "vp.truth-" + token() + "@sxd.test"
		ta.addStaff(t, officeEmail, "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin(officeEmail)
		tok := ta.staffToken(t, "VP", access.Office)

		// 1. Late now.
		_, inbox := b.get("/staff/inbox")
		inboxCount := number(t, "inbox count", text(between(t, inbox, `<span class="count-late">`, "</span>")))
		var inboxLate []string
		for _, m := range inboxRowRE.FindAllStringSubmatch(inbox, -1) {
			if m[1] == "late" {
				inboxLate = append(inboxLate, codeRE.FindString(m[2]))
			}
		}
		sort.Strings(inboxLate)
		_, filtered := b.get("/staff/inbox?urgency=late")
		var inboxFiltered []string
		for _, m := range inboxRowRE.FindAllStringSubmatch(filtered, -1) {
			inboxFiltered = append(inboxFiltered, codeRE.FindString(m[2]))
		}
		sort.Strings(inboxFiltered)

		var api struct{ Cases []httpapi.StaffCase }
		ta.getJSON(t, "/api/v1/cases?late=true", 200, &api, "Authorization", tok)
		var apiLate []string
		for _, c := range api.Cases {
			if !c.Late {
				t.Errorf("late=true lists %s with late=false", c.Code)
			}
			apiLate = append(apiLate, c.Code)
		}
		sort.Strings(apiLate)

		_, dash := b.get("/staff/reports?thang=2026-11")
		lateTile := between(t, dash, `id="tile-late"`, "</a>")
		tileCount := number(t, "late tile", text(between(t, lateTile, `<span class="tile-value">`, "</span>")))
		href := html.UnescapeString(between(t, lateTile, `href="`, `"`))
		_, drillPage := b.get(href)
		drillCount := int64(-1)
		if m := regexp.MustCompile(`(\d+) vụ việc`).FindStringSubmatch(text(between(t, drillPage, "<h1>", "</table>"))); m != nil {
			drillCount, _ = strconv.ParseInt(m[1], 10, 64)
		}
		drillDue := map[string]string{}
		var drillLate []string
		for _, m := range drillRowRE.FindAllStringSubmatch(drillPage, -1) {
			drillLate = append(drillLate, m[1])
			if cells := cellRE.FindAllStringSubmatch(m[2], -1); len(cells) >= 5 {
				drillDue[m[1]] = text(cells[4][1])
			}
		}
		sort.Strings(drillLate)

		want := strings.Join(w.late, ",")
		for name, got := range map[string][]string{"inbox rows": inboxLate, "inbox ?urgency=late": inboxFiltered,
			"GET /api/v1/cases?late=true": apiLate, "drill-down": drillLate} {
			if strings.Join(got, ",") != want {
				t.Errorf("%s: late cases %v, want %v", name, got, w.late)
			}
		}
		n := int64(len(w.late))
		if inboxCount != n || tileCount != n || drillCount != n {
			t.Errorf("late now: want %d everywhere; inbox count %d, dashboard tile %d, drill-down %d", n, inboxCount, tileCount, drillCount)
		}

		// 2. The month: the digest, run now and read from mailpit and from
		// the ledger.
		ta.runJob(t, "daily-digest", w.at)
		ta.runJob(t, "outbox", time.Time{})
		got, list := mp.WaitFor(t, `to:"`+officeEmail+`"`, 1, 20*time.Second)
		if got != 1 {
			t.Fatalf("digests for %s: %d", officeEmail, got)
		}
		msg := mp.Message(t, list[0].ID)
		mail := msg.Text
		var payload string
		ta.db.Gorm.Raw("SELECT a.payload FROM alerts a JOIN accounts u ON u.id = a.account_id WHERE a.kind = 'digest' AND u.email = ?", officeEmail).Scan(&payload)
		var pl alert.Payload
		if err := json.Unmarshal([]byte(payload), &pl); err != nil || pl.Digest == nil {
			t.Fatalf("digest payload %q: %v", payload, err)
		}
		dg := pl.Digest
		digestLateCount := number(t, "digest late", between(t, mail, "1. HỒ SƠ QUÁ HẠN:", "\n"))
		digestDue := map[string]string{}
		var digestLate []string
		for _, m := range digestRowRE.FindAllStringSubmatch(between(t, mail, "1. HỒ SƠ QUÁ HẠN:", "2. HỒ SƠ SẮP ĐẾN HẠN"), -1) {
			digestLate = append(digestLate, m[1])
			digestDue[m[1]] = m[2]
		}
		sort.Strings(digestLate)
		if strings.Join(digestLate, ",") != want || digestLateCount != n || int64(dg.LateTotal) != n {
			t.Errorf("digest: late %v (count %d, payload %d), want %v", digestLate, digestLateCount, dg.LateTotal, w.late)
		}
		if len(digestDue) != len(w.late) {
			t.Errorf("the digest words %d due times, want %d", len(digestDue), len(w.late))
		}
		for code, due := range digestDue {
			if drillDue[code] != due {
				t.Errorf("%s: due %q in the digest, %q on the drill-down", code, due, drillDue[code])
			}
		}
		digest := monthFigures{OnTime: dg.MetOnTime, AnsweredLate: dg.Met - dg.MetOnTime, OpenLate: dg.OpenLate, Rate: pctText(dg.Rate)}
		mailLine := strings.TrimRight(between(t, mail, "Đã trả lời:", "\n"), "\r")
		if mailLine != strings.Replace(" "+strconv.FormatInt(dg.Met, 10)+", trong đó đúng hạn: "+strconv.FormatInt(dg.MetOnTime, 10)+
			"; quá hạn chưa trả lời: "+strconv.FormatInt(dg.OpenLate, 10)+".", "  ", " ", 1) {
			t.Errorf("the digest e-mail says %q; its payload %+v", mailLine, dg)
		}

		// The on-time report.
		rep := novemberReport(t, ta, tok, "total")
		f := rep.Total.Figures
		report := monthFigures{OnTime: f.AnsweredOnTime, AnsweredLate: f.AnsweredLate, OpenLate: f.OpenLate, NotEligible: f.NotEligible,
			Forwarded: f.Forwarded, Guided: f.Guided, Withdrawn: f.Withdrawn}
		if f.OnTimeRate != nil {
			report.Rate = pctText(*f.OnTimeRate)
		}
		// By hand: on time A, F, G; late B; open late C and the kiến nghị
		// (the khiếu nại and the tố cáo are not accepted yet); apart: D not
		// eligible, E forwarded, the guided one, H withdrawn. 3 / 6.
		if hand := (monthFigures{OnTime: 3, AnsweredLate: 1, OpenLate: 2, NotEligible: 1, Forwarded: 1, Guided: 1, Withdrawn: 1, Rate: "50"}); report != hand {
			t.Errorf("the report %+v, by hand %+v", report, hand)
		}

		// The dashboard's month.
		dashboard := monthFigures{Rate: rateText(text(between(t, between(t, dash, `id="tile-on-time"`, "</a>"), `<span class="tile-value">`, "</span>")))}
		// The month table's total row: on time, late, open late.
		dashboard.NotEligible, dashboard.Forwarded, dashboard.Guided, dashboard.Withdrawn = apartFigures(text(between(t, dash, `<ul class="apart">`, "</ul>")))
		onTimeSub := text(between(t, between(t, dash, `id="tile-on-time"`, "</a>"), `<span class="tile-sub">`, "</span>"))
		dashboard.OnTime = number(t, "on-time tile", onTimeSub)
		dashboard.AnsweredLate, dashboard.OpenLate = report.AnsweredLate, report.OpenLate
		if den := regexp.MustCompile(`/\s*(\d+)`).FindStringSubmatch(onTimeSub); den == nil || den[1] != strconv.FormatInt(report.OnTime+report.AnsweredLate+report.OpenLate, 10) {
			t.Errorf("the dashboard's on-time tile %q: its denominator is not the report's %d", onTimeSub, report.OnTime+report.AnsweredLate+report.OpenLate)
		}

		// The public statistics page and its open data.
		_, pub := ta.do(t, http.MethodGet, "/minh-bach?thang=2026-11", nil)
		pubPage := string(pub)
		public := monthFigures{Rate: rateText(text(between(t, between(t, pubPage, `id="public-rate"`, "</div>"), `<span class="tile-value">`, "</span>")))}
		for _, li := range regexp.MustCompile(`(?s)<li class="[^"]*">(.*?)</li>`).FindAllStringSubmatch(between(t, pubPage, `<ul class="public-figures">`, "</ul>"), -1) {
			tx := text(li[1])
			switch {
			case strings.HasSuffix(tx, "Trả lời đúng hạn"):
				public.OnTime = number(t, tx, tx)
			case strings.HasSuffix(tx, "Trả lời quá hạn"):
				public.AnsweredLate = number(t, tx, tx)
			case strings.HasSuffix(tx, "Đang giải quyết, đã quá hạn"):
				public.OpenLate = number(t, tx, tx)
			}
		}
		public.NotEligible, public.Forwarded, public.Guided, public.Withdrawn = apartFigures(text(between(t, pubPage, "Báo cáo riêng, không tính vào tỷ lệ:", "</p>")))
		var open httpapi.PublicStats
		ta.getJSON(t, "/api/v1/public/stats?period=2026-11", 200, &open)
		openData := monthFigures{OnTime: open.AnsweredOnTime, AnsweredLate: open.AnsweredLate, OpenLate: open.OpenLate, NotEligible: open.NotEligible,
			Forwarded: open.Forwarded, Guided: open.Guided, Withdrawn: open.Withdrawn}
		if open.OnTimeRate != nil {
			openData.Rate = pctText(*open.OnTimeRate)
		}

		// The XLSX download.
		x := downloadXLSX(t, b, "2026-11-01", "2026-11-30")
		defer x.Close()
		rows, _ := x.GetRows("Báo cáo")
		var xlsx monthFigures
		var notes string
		for _, r := range rows {
			if len(r) > 8 && r[1] == "Tổng cộng" {
				xlsx.OnTime, xlsx.AnsweredLate, xlsx.OpenLate = number(t, "F", r[5]), number(t, "G", r[6]), number(t, "H", r[7])
				xlsx.Rate = strings.TrimSuffix(r[8], ".0")
			}
			if len(r) > 0 && strings.HasPrefix(r[0], "Báo cáo riêng") {
				notes = r[0]
			}
		}
		xlsx.NotEligible, xlsx.Forwarded, xlsx.Guided, xlsx.Withdrawn = apartFigures(notes)

		// Every figure every surface shows agrees with the report. The
		// digest shows no exclusions: compared on what it shows.
		digest.NotEligible, digest.Forwarded, digest.Guided, digest.Withdrawn = report.NotEligible, report.Forwarded, report.Guided, report.Withdrawn
		for name, got := range map[string]monthFigures{"digest": digest, "dashboard": dashboard, "public page": public, "public open data": openData, "XLSX": xlsx} {
			if got != report {
				t.Errorf("%s %+v, the report %+v", name, got, report)
			}
		}

		// 3. The XLSX due dates are the screen's: the drill-down list's
		// and the case page's.
		cases, _ := x.GetRows("Danh sách vụ việc")
		xlsxDue := map[string]string{}
		for _, r := range cases[1:] {
			for len(r) < 13 {
				r = append(r, "")
			}
			xlsxDue[r[1]] = r[10]
		}
		for _, code := range w.late {
			_, page := b.get("/staff/cases/" + strconv.FormatInt(ta.mustCaseIDInt(t, code), 10))
			screen := text(between(t, page, `id="case-due">`, "</dd>"))
			if xlsxDue[code] == "" || !strings.HasPrefix(screen, xlsxDue[code]) || drillDue[code] != xlsxDue[code] {
				t.Errorf("%s: due %q in the XLSX, %q on the case page, %q on the drill-down", code, xlsxDue[code], screen, drillDue[code])
			}
		}

		// 4. No secret denouncer on any of them.
		var all []string
		for _, s := range [][]string{flatten(rows), flatten(cases)} {
			all = append(all, s...)
		}
		surfaces := map[string]string{"digest e-mail": mail, "digest e-mail (HTML)": msg.Subject + msg.HTML, "digest payload": payload, "XLSX": strings.Join(all, "|"),
			"public page": pubPage, "drill-down": drillPage, "inbox": inbox, "dashboard": dash}
		_, openJSON := ta.do(t, http.MethodGet, "/api/v1/public/stats?period=2026-11", nil)
		surfaces["public open data"] = string(openJSON)
		for _, who := range []person{kpiPeople["denounce"], secretDenouncer} {
			for _, v := range []string{who.Name, who.Phone, who.Email, who.Address} {
				for name, s := range surfaces {
					if strings.Contains(s, v) || strings.Contains(html.UnescapeString(s), v) {
						t.Errorf("the %s shows the secret denouncer's %q", name, v)
					}
				}
			}
		}
		for _, code := range w.notLate {
			if strings.Contains(drillPage, code) {
				t.Errorf("the late drill-down lists %s, which is not late", code)
			}
		}
	})
}

// apartFigures reads the cases reported apart from a text that names
// them ("Không đủ điều kiện xử lý: 1; Chuyển đơn 1 ..."), -1 for one it
// does not name.
func apartFigures(s string) (notEligible, forwarded, guided, withdrawn int64) {
	read := func(label string) int64 {
		m := regexp.MustCompile(`(?i)(\d+)\s+` + label + `|` + label + `[^\d;]*?(\d+)`).FindStringSubmatch(s)
		if m == nil {
			return -1
		}
		v := m[1]
		if v == "" {
			v = m[2]
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return read("không đủ điều kiện xử lý"), read("chuyển đơn"), read("hướng dẫn"), read("rút đơn")
}

// rateText is a rate as a page prints it ("57,1%", "50%") in pctText's form.
func rateText(s string) string {
	return strings.ReplaceAll(strings.TrimSuffix(strings.TrimSpace(s), "%"), ",", ".")
}

// pctText is a rate as the report pages print it: "57.1", "50".
func pctText(p float64) string {
	return strconv.FormatFloat(p, 'f', -1, 64)
}

// downloadXLSX starts an export as the signed-in browser, waits for it to
// be ready and reads the file.
func downloadXLSX(t *testing.T, b *browser, from, to string) *excelize.File {
	t.Helper()
	res, _ := b.post("/staff/reports/exports", url.Values{"from": {from}, "to": {to}, "format": {"xlsx"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/reports/exports/") {
		t.Fatalf("start export: %d %s", res.StatusCode, loc)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, page := b.get(loc)
		if strings.Contains(page, `id="export-download"`) {
			break
		}
		if res.StatusCode != 200 || strings.Contains(page, "error-box") || time.Now().After(deadline) {
			t.Fatalf("export page: %d\n%s", res.StatusCode, page)
		}
		time.Sleep(20 * time.Millisecond)
	}
	res, body := b.get(loc + "/file")
	if res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return x
}
