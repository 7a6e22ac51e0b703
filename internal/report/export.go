package report

import (
	"encoding/csv"
	"fmt"
	"github.com/phucdap/phucdap/internal/caseclock"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
)

// BOM starts every CSV, so that Excel reads it as UTF-8 and Vietnamese
// comes out right.
const BOM = "\uFEFF"

// Translator looks a message id up in the export's language (Vietnamese:
// the office reports in it).
type Translator func(id string) string

// DueWording words a due time as the office's screens do ("24:00 ngày
// 18/12/2026"); nil words it as caseclock.DueText.
type DueWording func(due time.Time) string

func (w DueWording) text(due time.Time, loc *time.Location) string {
	if w == nil {
		return caseclock.DueText(due, loc)
	}
	return w(due)
}

// ReportTitle is the title of the office's report, as its forms write it.
const ReportTitle = "BÁO CÁO KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ"

// reportHeader is the CSV header of a report: one row per slice.
var reportHeader = []string{"Mã", "Tên", "Tiếp nhận trong kỳ", "Kỳ trước chuyển sang", "Đủ điều kiện, đã thụ lý",
	"Trả lời đúng hạn", "Trả lời quá hạn", "Đang giải quyết, quá hạn", "Tỷ lệ đúng hạn (%)", "Mục tiêu (%)",
	"Trả lời sau gia hạn", "Trong đó đúng hạn", "Gia hạn được chấp thuận", "Không đủ điều kiện", "Chuyển đơn", "Hướng dẫn", "Rút đơn",
	"Lượt đánh giá", "Hài lòng (4–5 sao)", "Tỷ lệ hài lòng (%)", "Điểm bình quân", "Mở lại (người dân hoặc cơ quan)",
	"Thời gian trả lời trung vị (ngày làm việc)", "Thời gian trả lời P90 (ngày làm việc)",
	"Phối hợp đúng hạn", "Phối hợp quá hạn", "Phối hợp đang quá hạn",
	"Nghĩa vụ thông báo, gửi, công khai đúng hạn", "Nghĩa vụ quá hạn", "Nghĩa vụ đang quá hạn", "Lượt đôn đốc đơn vị", "Ít vụ việc"}

func rateCell(r Rate) string {
	if !r.Defined() {
		return ""
	}
	return formatTenths(r.Tenths(), ".")
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func reportRecord(r Row, name string) []string {
	target := ""
	if r.OnTimeTarget != nil {
		target = strconv.FormatFloat(r.OnTimeTarget.Value, 'f', -1, 64)
	}
	mean := ""
	if r.Rated > 0 {
		mean = strconv.FormatFloat(float64(int64(r.MeanRating()*100))/100, 'f', -1, 64)
	}
	med, p90 := "", ""
	if r.Response.Defined() {
		med, p90 = strconv.Itoa(r.Response.Median), strconv.Itoa(r.Response.P90)
	}
	small := ""
	if r.Small {
		small = "x"
	}
	code := r.Code
	if code == "" {
		code = r.Key
	}
	return []string{code, name, i64(r.Received), i64(r.CarriedOver), i64(r.Eligible),
		i64(r.AnsweredOnTime), i64(r.AnsweredLate), i64(r.OpenLate), rateCell(r.OnTime()), target,
		i64(r.Extended), i64(r.ExtendedOnTime), i64(r.Extensions), i64(r.NotEligible), i64(r.Forwarded), i64(r.Guided), i64(r.Withdrawn),
		i64(r.Rated), i64(r.Satisfied), rateCell(r.Satisfaction()), mean, i64(r.Reopened), med, p90,
		i64(r.ContribOnTime), i64(r.ContribLate), i64(r.ContribOpenLate),
		i64(r.DutyOnTime), i64(r.DutyLate), i64(r.DutyOpenLate), i64(r.Chased), small}
}

// WriteReportCSV writes a report as CSV (UTF-8 with a BOM): a row per
// slice, then the total. Rates are numbers with a decimal point, floored
// to one decimal, so that the file is also open data.
func WriteReportCSV(w io.Writer, rep *Report, t Translator) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(reportHeader); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		if err := cw.Write(reportRecord(r, r.Name("vi", t))); err != nil {
			return err
		}
	}
	tot := reportRecord(rep.Total, "Tổng cộng")
	tot[0] = ""
	if err := cw.Write(tot); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// caseHeader is the header of the case list (CSV and the XLSX sheet).
var caseHeader = []string{"STT", "Mã vụ việc", "Loại", "Kênh tiếp nhận", "Chủ đề", "Nhiệm vụ kế hoạch", "Đơn vị chủ trì",
	"Tiêu đề (đã ẩn thông tin cá nhân)", "Ngày tiếp nhận", "Ngày thụ lý", "Hạn giải quyết", "Ngày trả lời", "Đúng hạn",
	"Số lần gia hạn", "Trạng thái", "Đánh giá (sao)"}

// ScrubTitle is the title an export or a public page may show: a
// denunciation's is withheld entirely (its words may point at the
// denouncer); any other's loses the petitioner's name, phone, e-mail,
// address and ID number (access.ScrubText), then anything shaped like a
// phone number, an e-mail address or an ID number.
func ScrubTitle(r CaseRow) string {
	if r.Sealed || r.Kind == access.KindDenunciation {
		return access.Redaction
	}
	return ScrubPersonal(r.Title, r.identity)
}

// ScrubPersonal removes the case's identity (access.ScrubText) and anything
// shaped like a phone, e-mail or ID number from free text.
func ScrubPersonal(text string, id access.Identity) string {
	return access.ScrubShapes(access.ScrubText(text, id))
}

// CaseExporter writes case rows; WriteCaseCSV and the XLSX case sheet use
// the same columns.
func caseRecord(i int, r CaseRow, loc *time.Location, t Translator, dueText DueWording) []string {
	day := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(loc).Format("02/01/2006")
	}
	onTime := ""
	if r.OnTime != nil {
		onTime = "Đúng hạn"
		if !*r.OnTime {
			onTime = "Quá hạn"
		}
	}
	// The due time as every screen shows it: a period ending at 24:00 on
	// 18/12 is not "19/12".
	due := ""
	if r.DueAt != nil {
		due = dueText.text(*r.DueAt, loc)
	}
	stars := ""
	if r.Stars > 0 {
		stars = strconv.Itoa(r.Stars)
	}
	recv := r.ReceivedAt
	return []string{strconv.Itoa(i), r.Code, t("report.kind." + r.Kind), t("report.channel." + r.Channel), r.TopicVI, r.PlanTaskKey,
		r.UnitName, ScrubTitle(r), day(&recv), day(r.AcceptedAt), due, day(r.AnsweredAt), onTime,
		strconv.Itoa(r.Extensions), t("report.status." + r.Status), stars}
}

// CaseCSV writes a case list as CSV, row by row, so that a long export
// streams.
type CaseCSV struct {
	cw  *csv.Writer
	n   int
	loc *time.Location
	t   Translator
	// Due words the due times.
	Due DueWording
}

// NewCaseCSV writes the BOM and the header.
func NewCaseCSV(w io.Writer, loc *time.Location, t Translator) (*CaseCSV, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	c := &CaseCSV{cw: csv.NewWriter(w), loc: loc, t: t}
	return c, c.cw.Write(caseHeader)
}

// Write adds a case.
func (c *CaseCSV) Write(r CaseRow) error {
	c.n++
	if err := c.cw.Write(caseRecord(c.n, r, c.loc, c.t, c.Due)); err != nil {
		return err
	}
	if c.n%1000 == 0 {
		c.cw.Flush()
		return c.cw.Error()
	}
	return nil
}

// Close flushes the writer.
func (c *CaseCSV) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// XLSX is the office report workbook: the by-unit report sheet in the
// layout of the office's forms, and the sheet of the cases behind it.
type XLSX struct {
	f     *excelize.File
	sw    *excelize.StreamWriter
	n     int
	loc   *time.Location
	t     Translator
	style struct{ cell, date int }
	// Due words the due times.
	Due DueWording
}

// SheetReport and SheetCases name the workbook's sheets.
const (
	SheetReport = "Báo cáo"
	SheetCases  = "Danh sách vụ việc"
)

// XLSXMeta is what the title block says.
type XLSXMeta struct {
	Agency string // "Sở Xây dựng tỉnh Lạng Sơn"
	Place  string // "Lạng Sơn", for "Lạng Sơn, ngày … tháng … năm …"
	At     time.Time
}

// NewXLSX starts a workbook with the report sheet filled from rep (a
// report by unit; any slicing works) and the case sheet open for rows.
func NewXLSX(rep *Report, meta XLSXMeta, loc *time.Location, t Translator) (*XLSX, error) {
	f := excelize.NewFile()
	x := &XLSX{f: f, loc: loc, t: t}
	if err := f.SetSheetName("Sheet1", SheetReport); err != nil {
		return nil, err
	}
	if err := x.reportSheet(rep, meta); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.NewSheet(SheetCases); err != nil {
		f.Close()
		return nil, err
	}
	sw, cell, err := streamCaseSheet(f, SheetCases, caseHeader, []float64{6, 18, 12, 14, 24, 10, 26, 48, 12, 12, 12, 12, 11, 9, 16, 9})
	if err != nil {
		f.Close()
		return nil, err
	}
	x.sw, x.style.cell = sw, cell
	return x, nil
}

// WriteCase adds a case to the case sheet.
func (x *XLSX) WriteCase(r CaseRow) error {
	x.n++
	rec := caseRecord(x.n, r, x.loc, x.t, x.Due)
	row := make([]any, len(rec))
	for i, v := range rec {
		row[i] = excelize.Cell{StyleID: x.style.cell, Value: v}
	}
	// STT, extensions and stars as numbers.
	row[0] = excelize.Cell{StyleID: x.style.cell, Value: x.n}
	row[13] = excelize.Cell{StyleID: x.style.cell, Value: r.Extensions}
	cell, _ := excelize.CoordinatesToCellName(1, x.n+1)
	return x.sw.SetRow(cell, row)
}

// Cases is how many case rows were written.
func (x *XLSX) Cases() int { return x.n }

// WriteTo finishes the workbook and writes it.
func (x *XLSX) WriteTo(w io.Writer) (int64, error) {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return 0, err
	}
	x.f.SetActiveSheet(0)
	return x.f.WriteTo(w)
}

// Close releases the workbook without writing it.
func (x *XLSX) Close() error { return x.f.Close() }

func borders() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "000000", Style: 1})
	}
	return b
}

// The report sheet's layout: columns A…J.
const (
	reportFirstRow = 10 // first data row, under the two header rows
	reportLastCol  = "J"
)

func (x *XLSX) reportSheet(rep *Report, meta XLSXMeta) error {
	f, sh := x.f, SheetReport
	set := func(cell string, v any) {
		f.SetCellValue(sh, cell, v)
	}
	style := func(s *excelize.Style) int {
		id, _ := f.NewStyle(s)
		return id
	}
	bold := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	motto := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Underline: "single"}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	title := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	centre := style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	italic := style(&excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	head := style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF3F9"}}, Border: borders()})
	num := style(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{Horizontal: "right"}})
	txt := style(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	pct := style(&excelize.Style{Border: borders(), CustomNumFmt: ptrTo("0.0"), Alignment: &excelize.Alignment{Horizontal: "right"}})
	totTxt := style(&excelize.Style{Border: borders(), Font: &excelize.Font{Bold: true}})
	totNum := style(&excelize.Style{Border: borders(), Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "right"}})
	totPct := style(&excelize.Style{Border: borders(), Font: &excelize.Font{Bold: true}, CustomNumFmt: ptrTo("0.0"), Alignment: &excelize.Alignment{Horizontal: "right"}})
	note := style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})

	for col, wd := range map[string]float64{"A": 6, "B": 38, "C": 12, "D": 12, "E": 13, "F": 12, "G": 12, "H": 13, "I": 12, "J": 11} {
		f.SetColWidth(sh, col, col, wd)
	}
	merge := func(a, b string, v any, st int) {
		f.MergeCell(sh, a, b)
		set(a, v)
		f.SetCellStyle(sh, a, b, st)
	}
	merge("A1", "D1", strings.ToUpper(meta.Agency), bold)
	merge("F1", "J1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
	merge("F2", "J2", "Độc lập - Tự do - Hạnh phúc", motto)
	at := meta.At.In(x.loc)
	merge("F3", "J3", fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", meta.Place, at.Day(), int(at.Month()), at.Year()), italic)
	merge("A5", "J5", ReportTitle, title)
	f.SetRowHeight(sh, 5, 22)
	p := rep.Period
	merge("A6", "J6", fmt.Sprintf("Kỳ báo cáo: từ ngày %s đến ngày %s", p.From.VN(), p.To.VN()), centre)
	merge("A7", "J7", fmt.Sprintf("(Số liệu tính đến %s ngày %s)", at.Format("15:04"), at.Format("02/01/2006")), italic)

	// Two header rows: "Đã trả lời" spans on time and late.
	hdr := func(a, b, v string) { merge(a, b, v, head) }
	hdr("A8", "A9", "STT")
	hdr("B8", "B9", byHeading(rep.By))
	hdr("C8", "C9", "Tiếp nhận trong kỳ")
	hdr("D8", "D9", "Kỳ trước chuyển sang")
	hdr("E8", "E9", "Đủ điều kiện xử lý (đã thụ lý)")
	hdr("F8", "G8", "Đã trả lời")
	hdr("F9", "F9", "Đúng hạn")
	hdr("G9", "G9", "Quá hạn")
	hdr("H8", "H9", "Đang giải quyết, đã quá hạn")
	hdr("I8", "I9", "Tỷ lệ đúng hạn (%)")
	hdr("J8", "J9", "Mục tiêu (%)")
	f.SetRowHeight(sh, 8, 30)
	f.SetRowHeight(sh, 9, 30)

	row := reportFirstRow
	write := func(stt any, name string, r Row, tS, nS, pS int) {
		c := func(col string) string { return col + strconv.Itoa(row) }
		set(c("A"), stt)
		set(c("B"), name)
		for col, v := range map[string]int64{"C": r.Received, "D": r.CarriedOver, "E": r.Eligible, "F": r.AnsweredOnTime, "G": r.AnsweredLate, "H": r.OpenLate} {
			set(c(col), v)
		}
		if rt := r.OnTime(); rt.Defined() {
			set(c("I"), rt.Percent())
		} else {
			set(c("I"), "—")
		}
		if r.OnTimeTarget != nil {
			set(c("J"), r.OnTimeTarget.Value)
		}
		f.SetCellStyle(sh, c("A"), c("A"), nS)
		f.SetCellStyle(sh, c("B"), c("B"), tS)
		f.SetCellStyle(sh, c("C"), c("H"), nS)
		f.SetCellStyle(sh, c("I"), c("I"), pS)
		f.SetCellStyle(sh, c("J"), c("J"), nS)
		row++
	}
	for i, r := range rep.Rows {
		name := r.Name("vi", x.t)
		if r.Small {
			name += " (*)"
		}
		write(i+1, name, r, txt, num, pct)
	}
	write("", "Tổng cộng", rep.Total, totTxt, totNum, totPct)

	row++
	t := rep.Total
	notes := []string{
		"Tỷ lệ đúng hạn = Trả lời đúng hạn / (Trả lời đúng hạn + Trả lời quá hạn + Đang giải quyết, đã quá hạn tại cuối kỳ); làm tròn xuống một chữ số thập phân.",
		fmt.Sprintf("Báo cáo riêng, không tính vào tỷ lệ: không đủ điều kiện xử lý %d; chuyển đơn %d; hướng dẫn %d; rút đơn %d.",
			t.NotEligible, t.Forwarded, t.Guided, t.Withdrawn),
		fmt.Sprintf("Gia hạn được chấp thuận trong kỳ: %d; trả lời sau gia hạn %d, trong đó đúng hạn %d.", t.Extensions, t.Extended, t.ExtendedOnTime),
		fmt.Sprintf("Hài lòng (4–5 sao): %d/%d lượt đánh giá (%s); mở lại (do người dân không đồng ý hoặc cơ quan xem xét lại): %d.", t.Satisfied, t.Rated, t.Satisfaction().VN(), t.Reopened),
		fmt.Sprintf("(*) Dưới %d vụ việc trong mẫu số: tỷ lệ chỉ mang tính tham khảo.", rep.SmallN),
	}
	for _, n := range notes {
		a, b := "A"+strconv.Itoa(row), reportLastCol+strconv.Itoa(row)
		merge(a, b, n, note)
		f.SetRowHeight(sh, row, 30)
		row++
	}
	row++
	merge("A"+strconv.Itoa(row), "D"+strconv.Itoa(row), "NGƯỜI LẬP BIỂU", bold)
	merge("F"+strconv.Itoa(row), "J"+strconv.Itoa(row), "THỦ TRƯỞNG CƠ QUAN", bold)
	f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: ptrTo("landscape"), Size: ptrTo(9)}) // A4
	f.SetDocProps(&excelize.DocProperties{Title: ReportTitle, Creator: "phucdap", Language: "vi-VN"})
	return nil
}

func byHeading(by By) string {
	switch by {
	case ByUnit:
		return "Đơn vị"
	case ByPlanTask:
		return "Nhiệm vụ kế hoạch"
	case ByDimension:
		return "Lĩnh vực (chỉ số PAPI)"
	case ByKind:
		return "Loại đơn"
	case ByChannel:
		return "Kênh tiếp nhận"
	case ByTopic:
		return "Chủ đề"
	case ByMonth, ByQuarter, ByYear:
		return "Kỳ"
	}
	return "Nội dung"
}

func ptrTo[T any](v T) *T { return &v }
