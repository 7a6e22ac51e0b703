package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
)

var hanoi = time.FixedZone("ICT", 7*3600)

func TestRateNeverRoundsUpToFull(t *testing.T) {
	for _, tc := range []struct {
		r      Rate
		vn, en string
		full   bool
	}{
		{Rate{9999, 10000}, "99,9%", "99.9%", false},
		{Rate{999, 1000}, "99,9%", "99.9%", false},
		{Rate{4, 7}, "57,1%", "57.1%", false},
		{Rate{2, 3}, "66,6%", "66.6%", false},
		{Rate{7, 7}, "100%", "100%", true},
		{Rate{0, 3}, "0%", "0%", false},
		{Rate{0, 0}, "—", "—", false},
	} {
		if got := tc.r.VN(); got != tc.vn {
			t.Errorf("%v VN = %s, want %s", tc.r, got, tc.vn)
		}
		if got := tc.r.EN(); got != tc.en {
			t.Errorf("%v EN = %s, want %s", tc.r, got, tc.en)
		}
		if tc.r.Full() != tc.full {
			t.Errorf("%v Full = %v", tc.r, tc.r.Full())
		}
	}
	// The month with one open-late case among 10,000 on-time answers does
	// not meet a 100% target.
	c := Counts{AnsweredOnTime: 10000, OpenLate: 1}
	if c.OnTime().MeetsTarget(100) || c.OnTime().Percent() == 100 {
		t.Errorf("10,000 on time and 1 open late: %v meets 100%%", c.OnTime())
	}
	if !(Counts{AnsweredOnTime: 5}).OnTime().MeetsTarget(100) {
		t.Errorf("all on time must meet 100%%")
	}
}

func TestWindows(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
	p, err := ParsePeriod("2026-09-15", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := p.Windows(ByMonth, hanoi, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Key+" "+w.From.String()+".."+w.To.String()+" "+w.Label()+" asof "+w.AsOf.In(hanoi).Format("01-02 15:04"))
	}
	want := []string{
		"2026-09 2026-09-15..2026-09-30 09/2026 asof 10-01 00:00",
		"2026-10 2026-10-01..2026-10-31 10/2026 asof 11-01 00:00",
		"2026-11 2026-11-01..2026-11-30 11/2026 asof 11-27 09:00", // not over: judged now
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	q, _ := ParsePeriod("2026-01-01", "2026-12-31")
	qs, _ := q.Windows(ByQuarter, hanoi, now)
	if len(qs) != 4 || qs[3].Key != "2026-Q4" || qs[3].Label() != "Quý IV/2026" || qs[1].From.String() != "2026-04-01" {
		t.Errorf("quarters %+v", qs)
	}
	if ws[0].Start != time.Date(2026, 9, 15, 0, 0, 0, 0, hanoi).UTC() {
		t.Errorf("start %v", ws[0].Start)
	}
	for _, bad := range [][2]string{{"2026-11-30", "2026-11-01"}, {"2026-13-01", "2026-12-01"}, {"2016-01-01", "2026-12-31"}} {
		if _, err := ParsePeriod(bad[0], bad[1]); err == nil {
			t.Errorf("period %v accepted", bad)
		}
	}
	if _, err := MonthPeriod("2026-1"); err == nil {
		t.Error("bad month accepted")
	}
	if m, _ := MonthPeriod("2026-02"); m.To.String() != "2026-02-28" {
		t.Errorf("February %v", m)
	}
}

func TestPercentilesNearestRank(t *testing.T) {
	cal := calendar.New(calendar.Builtin())
	d := calendar.MustDate
	// Received Monday 2 Nov 2026; answered 0, 1, 4 (Fri 6), 5 (Mon 9,
	// across a weekend) working days later.
	pairs := []DayPair{
		{Key: "a", Received: d("2026-11-02"), Answered: d("2026-11-02"), N: 1},
		{Key: "a", Received: d("2026-11-02"), Answered: d("2026-11-03"), N: 1},
		{Key: "a", Received: d("2026-11-02"), Answered: d("2026-11-06"), N: 1},
		{Key: "a", Received: d("2026-11-02"), Answered: d("2026-11-09"), N: 7},
	}
	got := responses(cal, pairs)[cellKey{"", "a"}]
	if got != (Response{N: 10, Median: 5, P90: 5}) {
		t.Errorf("got %+v", got)
	}
	pairs[3].N = 1
	got = responses(cal, pairs)[cellKey{"", "a"}]
	// 0, 1, 4, 5: the 2nd of 4 and the 4th.
	if got != (Response{N: 4, Median: 1, P90: 5}) {
		t.Errorf("got %+v", got)
	}
	// Tết 2026 (14–22 Feb) is not counted: received Fri 13 Feb, answered
	// Mon 23 Feb is one working day.
	tet := responses(cal, []DayPair{{Key: "t", Received: d("2026-02-13"), Answered: d("2026-02-23"), N: 1}})[cellKey{"", "t"}]
	if tet.Median != 1 {
		t.Errorf("across Tết: %+v", tet)
	}
}

func TestDueSoonAndAgeBounds(t *testing.T) {
	cal := calendar.New(calendar.Builtin())
	today := calendar.MustDate("2026-12-01") // Tuesday
	if got := SoonUntil(cal, today, 3, hanoi); !got.Equal(time.Date(2026, 12, 5, 0, 0, 0, 0, hanoi)) {
		t.Errorf("soon until %v", got.In(hanoi))
	}
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "2026-12-01"}, {1, "2026-11-30"}, {5, "2026-11-23"}, {10, "2026-11-16"}} {
		// Tuesday 24 November 2026 is Vietnam Culture Day, a day off from
		// 2026 on: five working days back from 1 December reach the 23rd.
		b := AgeBound(cal, today, tc.n, hanoi)
		if got := calendar.DateOf(b, hanoi).String(); got != tc.want {
			t.Errorf("age bound %d: %s, want %s", tc.n, got, tc.want)
		}
		// The bound is exact: its day is n working days old, the day
		// before it n+1.
		day := calendar.DateOf(b, hanoi)
		if cal.WorkingDaysBetween(day, today) > tc.n || cal.WorkingDaysBetween(day.AddDays(-1), today) <= tc.n {
			t.Errorf("age bound %d is not tight: %s", tc.n, day)
		}
	}
}

func TestScrubPersonal(t *testing.T) {
	id := access.Identity{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an.nguyen@example.vn", Address: "Số 5 ngõ 12 phố Lê Lợi", IDNumber: "012345678901"}
	in := "Tôi là Nguyễn Văn An (ĐT 0912 345 678, an.nguyen@example.vn), ở Số 5 ngõ 12 phố Lê Lợi, CCCD 012345678901; liên hệ thêm 0987.654.321 hoặc x@y.com."
	got := ScrubPersonal(in, id)
	for _, leak := range []string{"Nguyễn Văn An", "0912", "345 678", "an.nguyen", "Lê Lợi", "012345678901", "0987", "x@y.com"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in %q", leak, got)
		}
	}
	if !strings.Contains(got, "Tôi là") || !strings.Contains(got, "liên hệ thêm") {
		t.Errorf("too much removed: %q", got)
	}
	if ScrubTitle(CaseRow{Kind: "to_cao", Title: "Tố cáo ông B"}) == "Tố cáo ông B" {
		t.Error("a denunciation's title is exported")
	}
}

func sampleReport() *Report {
	target := Target{TaskKey: "VII", Metric: MetricOnTimeRate, Value: 100}
	p := Period{From: calendar.MustDate("2026-11-01"), To: calendar.MustDate("2026-11-30")}
	rows := []Row{
		{Key: "3", Code: "PQLXD", Label: "Phòng Quản lý xây dựng", Counts: Counts{Received: 5, CarriedOver: 2, Eligible: 4, AnsweredOnTime: 3, AnsweredLate: 1}, OnTimeTarget: &target, Small: true},
		{Key: "4", Code: "PQHKT", Label: "Phòng Quy hoạch - Kiến trúc", Counts: Counts{Received: 3, AnsweredLate: 1, OpenLate: 1}, OnTimeTarget: &target, Small: true},
		{Key: "", LabelID: "report.none.unit", Counts: Counts{Received: 3, AnsweredOnTime: 1}, OnTimeTarget: &target, Small: true},
	}
	var total Counts
	for _, r := range rows {
		total.Add(r.Counts)
	}
	total.NotEligible, total.Forwarded, total.Withdrawn = 1, 1, 1
	return &Report{Query: Query{Period: p, By: ByUnit}, Rows: rows, Total: Row{Label: "Tổng cộng", Counts: total, OnTimeTarget: &target}, Headline: &target, SmallN: 5}
}

// catalogue is the application's messages: the exports' headers and
// layout are worded from it.
var catalogue = func() *i18n.Catalog {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return c
}()

func tr(id string) string {
	if v, ok := map[string]string{"report.none.unit": "Chưa giao đơn vị", "report.kind.phan_anh": "Phản ánh", "report.channel.web": "Cổng thông tin",
		"report.status.answered": "Đã trả lời"}[id]; ok {
		return v
	}
	return catalogue.T(i18n.VI, id, nil)
}

func trEN(id string) string { return catalogue.T(i18n.EN, id, nil) }

func wording(lang string) Wording {
	return func(id string, args map[string]any) string { return catalogue.T(lang, id, args) }
}

// CSV: Vietnamese names come back intact, with the BOM.
func TestReportCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteReportCSV(&buf, sampleReport(), tr); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatal("no UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[0][2] != "Tiếp nhận trong kỳ" {
		t.Fatalf("records %v", recs)
	}
	// The duties owed besides the answer are counted like the
	// contributions, in three columns; then the chases, before the
	// small-sample mark.
	if h := recs[0]; len(h) != len(recs[4]) || h[len(h)-5] != "Nghĩa vụ thông báo, gửi, công khai đúng hạn" || h[len(h)-3] != "Nghĩa vụ đang quá hạn" ||
		h[len(h)-2] != "Lượt đôn đốc đơn vị" {
		t.Errorf("header %v (%d columns, rows %d)", h, len(h), len(recs[4]))
	}
	got := [][]string{recs[1][:10], recs[2][:10], recs[3][:10], recs[4][:10]}
	want := [][]string{
		{"PQLXD", "Phòng Quản lý xây dựng", "5", "2", "4", "3", "1", "0", "75", "100"},
		{"PQHKT", "Phòng Quy hoạch - Kiến trúc", "3", "0", "0", "0", "1", "1", "0", "100"},
		{"", "Chưa giao đơn vị", "3", "0", "0", "1", "0", "0", "100", "100"},
		{"", "Tổng cộng", "11", "2", "4", "4", "2", "1", "57.1", "100"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// XLSX: the workbook opens with excelize and holds the
// title block, the by-unit table and the case sheet, redacted.
func TestXLSXReadBack(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 30, 0, 0, hanoi)
	x, err := NewXLSX(sampleReport(), XLSXMeta{Agency: "Sở Xây dựng tỉnh Lạng Sơn", Place: "Lạng Sơn", At: at, Wording: wording(i18n.VI)}, hanoi, tr)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 17, 0, 0, 0, 0, hanoi)
	ontime := true
	row := CaseRow{Code: "SXD-2026-000042", Kind: "phan_anh", Channel: "web", Status: "answered", Title: "Đường ngõ 4 của Trần Văn Bình hỏng, gọi 0912000111",
		UnitName: "Phòng Quản lý xây dựng", ReceivedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, hanoi), DueAt: &due, OnTime: &ontime, Extensions: 1}
	row.SetIdentity(access.Identity{Name: "Trần Văn Bình", Phone: "0912000111"})
	if err := x.WriteCase(row); err != nil {
		t.Fatal(err)
	}
	den := CaseRow{Code: "SXD-2026-000043", Kind: "to_cao", Channel: "web", Status: "assigned", Title: "Tố cáo cán bộ nhận tiền", ReceivedAt: row.ReceivedAt}
	if err := x.WriteCase(den); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if diff := cmp.Diff([]string{SheetReport, SheetCases}, f.GetSheetList()); diff != "" {
		t.Errorf("sheets: %s", diff)
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for ref, want := range map[string]string{
		"A1": "SỞ XÂY DỰNG TỈNH LẠNG SƠN",
		"F1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"F3": "Lạng Sơn, ngày 01 tháng 12 năm 2026",
		"A5": strings.ToUpper("Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị"),
		"A6": "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026",
		"B8": "Đơn vị", "C8": "Tiếp nhận trong kỳ", "D8": "Kỳ trước chuyển sang", "E8": "Đủ điều kiện xử lý (đã thụ lý)",
		"F8": "Đã trả lời", "F9": "Đúng hạn", "G9": "Quá hạn", "H8": "Đang giải quyết, đã quá hạn", "I8": "Tỷ lệ đúng hạn (%)",
		"A10": "1", "B10": "Phòng Quản lý xây dựng (*)", "C10": "5", "D10": "2", "E10": "4", "F10": "3", "G10": "1", "H10": "0", "I10": "75.0", "J10": "100",
		"B11": "Phòng Quy hoạch - Kiến trúc (*)", "I11": "0.0",
		"B12": "Chưa giao đơn vị (*)",
		"B13": "Tổng cộng", "C13": "11", "F13": "4", "G13": "2", "H13": "1", "I13": "57.1",
	} {
		if got := cell(SheetReport, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", SheetReport, ref, got, want)
		}
	}
	if n := cell(SheetReport, "A15"); !strings.Contains(n, "Tỷ lệ đúng hạn = Trả lời đúng hạn /") {
		t.Errorf("formula note: %q", n)
	}
	if n := cell(SheetReport, "A16"); !strings.Contains(n, "không đủ điều kiện xử lý 1; chuyển đơn 1; hướng dẫn 0; rút đơn 1") {
		t.Errorf("apart note: %q", n)
	}
	rows, err := f.GetRows(SheetCases)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][1] != "Mã vụ việc" {
		t.Fatalf("case sheet: %v", rows)
	}
	if diff := cmp.Diff([]string{"1", "SXD-2026-000042", "Phản ánh", "Cổng thông tin", "", "", "Phòng Quản lý xây dựng",
		"Đường ngõ 4 của ▇▇▇ hỏng, gọi ▇▇▇", "02/11/2026", "", "24:00 ngày 16/11/2026", "", "Đúng hạn", "1", "Đã trả lời"}, rows[1]); diff != "" {
		t.Errorf("case row (-want +got)\n%s", diff)
	}
	if rows[2][7] != "▇▇▇" {
		t.Errorf("denunciation title exported: %q", rows[2][7])
	}
}

func TestMemoReusesWithinTTL(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
	m := &memo{now: func() time.Time { return now }}
	calls := 0
	fn := func() (any, error) { calls++; return calls, nil }
	a, _ := m.get("k", fn)
	b, _ := m.get("k", fn)
	if a != 1 || b != 1 || calls != 1 {
		t.Errorf("within the TTL: %v %v, %d calls", a, b, calls)
	}
	if c, _ := m.get("other", fn); c != 2 {
		t.Errorf("another key shares an entry: %v", c)
	}
	now = now.Add(PublicTTL)
	if c, _ := m.get("k", fn); c != 3 {
		t.Errorf("after the TTL: %v", c)
	}
}

// The exports in English: the CSV's header and the workbook's sheets,
// title block, headers, total and notes come from the catalogue in the
// reader's language; the figures are the same.
func TestExportsInEnglish(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteReportCSV(&buf, sampleReport(), trEN); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := recs[0]; h[0] != "Code" || h[2] != "Received in the period" || h[8] != "On-time rate (%)" || h[len(h)-1] != "Few cases" {
		t.Errorf("English CSV header %v", h)
	}
	if tot := recs[len(recs)-1]; tot[1] != "Total" || tot[8] != "57.1" {
		t.Errorf("English CSV total %v", tot)
	}
	at := time.Date(2026, 12, 1, 10, 30, 0, 0, hanoi)
	x, err := NewXLSX(sampleReport(), XLSXMeta{Agency: "Sở Xây dựng tỉnh Lạng Sơn", Place: "Lạng Sơn", At: at, Wording: wording(i18n.EN)}, hanoi, trEN)
	if err != nil {
		t.Fatal(err)
	}
	ontime := false
	if err := x.WriteCase(CaseRow{Code: "SXD-2026-000042", Kind: "phan_anh", Channel: "web", Status: "answered", ReceivedAt: at, OnTime: &ontime}); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if diff := cmp.Diff([]string{"Report", "Cases"}, f.GetSheetList()); diff != "" {
		t.Errorf("sheets: %s", diff)
	}
	for ref, want := range map[string]string{
		"F1": "SOCIALIST REPUBLIC OF VIET NAM", "F3": "Lạng Sơn, 01/12/2026", "A6": "Period: from 01/11/2026 to 30/11/2026",
		"B8": "Unit", "C8": "Received in the period", "F8": "Answered", "F9": "On time", "I8": "On-time rate (%)",
		"C10": "5", "I10": "75.0", "B13": "Total", "I13": "57.1",
		"A16": "Reported apart, not in the rate: not eligible 1; forwarded 1; guided elsewhere 0; withdrawn 1.",
	} {
		if got, _ := f.GetCellValue("Report", ref); got != want {
			t.Errorf("Report!%s = %q, want %q", ref, got, want)
		}
	}
	rows, err := f.GetRows("Cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][1] != "Case code" || rows[0][12] != "On time" || rows[1][12] != "Late" {
		t.Errorf("English case sheet %v", rows)
	}
}

// A task with no case is at work in a month of reception sessions, or of
// a reception day held with no visitor; one with a status of its own
// keeps it.
func TestTaskStatusWithReception(t *testing.T) {
	for _, c := range []struct {
		st   TaskStatus
		f    ReceptionFigures
		want TaskStatus
	}{
		{StatusIdle, ReceptionFigures{}, StatusIdle},
		{StatusIdle, ReceptionFigures{Hosts: []ReceptionHost{{Scheduled: 4}}}, StatusIdle},
		{StatusIdle, ReceptionFigures{Sessions: 1}, StatusTracking},
		{StatusIdle, ReceptionFigures{Hosts: []ReceptionHost{{Scheduled: 4, Held: 1}}}, StatusTracking},
		{StatusBelow, ReceptionFigures{Sessions: 3}, StatusBelow},
	} {
		if got := c.st.WithReception(c.f); got != c.want {
			t.Errorf("%s with %+v: %s, want %s", c.st, c.f, got, c.want)
		}
	}
}
