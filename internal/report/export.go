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

// Translator looks a message id up in the export's language (Vietnamese
// by default: the office reports in it; English for who reads English).
type Translator func(id string) string

// Wording looks a message id up with its arguments, in the export's
// language.
type Wording func(id string, args map[string]any) string

// langOf is the language t words in: the catalogue names its own
// ("report.lang").
func langOf(t Translator) string {
	if t("report.lang") == "en" {
		return "en"
	}
	return "vi"
}

// header words a header's message ids.
func header(ids []string, t Translator) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t(id)
	}
	return out
}

// DueWording words a due time as the office's screens do ("24:00 ngày
// 18/12/2026"); nil words it as caseclock.DueText.
type DueWording func(due time.Time) string

func (w DueWording) text(due time.Time, loc *time.Location) string {
	if w == nil {
		return caseclock.DueText(due, loc)
	}
	return w(due)
}

// reportHeader is the CSV header of a report, one row per slice: the
// message ids of its columns.
var reportHeader = []string{"report.csv.code", "report.csv.name", "report.csv.received", "report.csv.carried", "report.csv.eligible",
	"report.csv.on_time", "report.csv.late", "report.csv.open_late", "report.csv.rate", "report.csv.target",
	"report.csv.extended", "report.csv.extended_on_time", "report.csv.extensions", "report.csv.not_eligible", "report.csv.forwarded",
	"report.csv.guided", "report.csv.withdrawn", "report.csv.rated", "report.csv.satisfied", "report.csv.satisfaction", "report.csv.mean",
	"report.csv.reopened", "report.csv.median", "report.csv.p90", "report.csv.contrib_on_time", "report.csv.contrib_late",
	"report.csv.contrib_open_late", "report.csv.duty_on_time", "report.csv.duty_late", "report.csv.duty_open_late", "report.csv.chased",
	"report.csv.small"}

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
	if err := cw.Write(header(reportHeader, t)); err != nil {
		return err
	}
	lang := langOf(t)
	for _, r := range rep.Rows {
		if err := cw.Write(reportRecord(r, r.Name(lang, t))); err != nil {
			return err
		}
	}
	tot := reportRecord(rep.Total, t("report.total"))
	tot[0] = ""
	if err := cw.Write(tot); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// caseHeader is the header of the case list (CSV and the XLSX sheet):
// the message ids of its columns.
var caseHeader = []string{"report.csv.no", "report.csv.case_code", "report.csv.kind", "report.csv.channel", "report.csv.topic",
	"report.csv.plan_task", "report.csv.lead_unit", "report.csv.title", "report.csv.received_on", "report.csv.accepted_on",
	"report.csv.due", "report.csv.answered_on", "report.csv.answered_on_time", "report.csv.extension_count", "report.csv.status",
	"report.csv.stars"}

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
		onTime = t("report.on_time.yes")
		if !*r.OnTime {
			onTime = t("report.on_time.no")
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
	return c, c.cw.Write(header(caseHeader, t))
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
	w     Wording
	style struct{ cell, date int }
	// sheetReport and sheetCases are the sheets' names in t's language.
	sheetReport, sheetCases string
	// Due words the due times.
	Due DueWording
}

// SheetReport and SheetCases name the workbook's sheets in Vietnamese
// (the catalogue's report.xlsx.sheet_report and sheet_cases).
const (
	SheetReport = "Báo cáo"
	SheetCases  = "Danh sách vụ việc"
)

// XLSXMeta is what the title block says.
type XLSXMeta struct {
	Agency string // "Sở Xây dựng tỉnh Lạng Sơn"
	Place  string // "Lạng Sơn", for "Lạng Sơn, ngày … tháng … năm …"
	At     time.Time
	// Wording words the messages with arguments (the date, the period,
	// the notes) in the translator's language; nil words them without.
	Wording Wording
}

// NewXLSX starts a workbook with the report sheet filled from rep (a
// report by unit; any slicing works) and the case sheet open for rows.
func NewXLSX(rep *Report, meta XLSXMeta, loc *time.Location, t Translator) (*XLSX, error) {
	f := excelize.NewFile()
	x := &XLSX{f: f, loc: loc, t: t, w: meta.Wording, sheetReport: t("report.xlsx.sheet_report"), sheetCases: t("report.xlsx.sheet_cases")}
	if x.w == nil {
		x.w = func(id string, _ map[string]any) string { return t(id) }
	}
	if err := f.SetSheetName("Sheet1", x.sheetReport); err != nil {
		return nil, err
	}
	if err := x.reportSheet(rep, meta); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.NewSheet(x.sheetCases); err != nil {
		f.Close()
		return nil, err
	}
	sw, cell, err := streamCaseSheet(f, x.sheetCases, header(caseHeader, t), []float64{6, 18, 12, 14, 24, 10, 26, 48, 12, 12, 12, 12, 11, 9, 16, 9})
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
	f, sh, t, w := x.f, x.sheetReport, x.t, x.w
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
	merge("F1", "J1", t("report.xlsx.republic"), bold)
	merge("F2", "J2", t("report.xlsx.motto"), motto)
	at := meta.At.In(x.loc)
	merge("F3", "J3", w("report.xlsx.place_date", map[string]any{"Place": meta.Place, "Day": fmt.Sprintf("%02d", at.Day()),
		"Month": fmt.Sprintf("%02d", int(at.Month())), "Year": strconv.Itoa(at.Year())}), italic)
	merge("A5", "J5", t("report.xlsx.title"), title)
	f.SetRowHeight(sh, 5, 22)
	p := rep.Period
	merge("A6", "J6", w("report.xlsx.period", map[string]any{"From": p.From.VN(), "To": p.To.VN()}), centre)
	merge("A7", "J7", w("report.xlsx.as_of", map[string]any{"Time": at.Format("15:04"), "Date": at.Format("02/01/2006")}), italic)

	// Two header rows: "Đã trả lời" spans on time and late.
	hdr := func(a, b, v string) { merge(a, b, v, head) }
	hdr("A8", "A9", t("report.xlsx.no"))
	hdr("B8", "B9", byHeading(rep.By, t))
	hdr("C8", "C9", t("report.xlsx.received"))
	hdr("D8", "D9", t("report.xlsx.carried"))
	hdr("E8", "E9", t("report.xlsx.eligible"))
	hdr("F8", "G8", t("report.xlsx.answered"))
	hdr("F9", "F9", t("report.xlsx.on_time"))
	hdr("G9", "G9", t("report.xlsx.late"))
	hdr("H8", "H9", t("report.xlsx.open_late"))
	hdr("I8", "I9", t("report.xlsx.rate"))
	hdr("J8", "J9", t("report.xlsx.target"))
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
	lang := langOf(t)
	for i, r := range rep.Rows {
		name := r.Name(lang, t)
		if r.Small {
			name += " (*)"
		}
		write(i+1, name, r, txt, num, pct)
	}
	write("", t("report.total"), rep.Total, totTxt, totNum, totPct)

	row++
	tot := rep.Total
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	notes := []string{
		t("report.xlsx.note_rate"),
		w("report.xlsx.note_apart", map[string]any{"NotEligible": n(tot.NotEligible), "Forwarded": n(tot.Forwarded), "Guided": n(tot.Guided),
			"Withdrawn": n(tot.Withdrawn)}),
		w("report.xlsx.note_extensions", map[string]any{"Extensions": n(tot.Extensions), "Extended": n(tot.Extended), "ExtendedOnTime": n(tot.ExtendedOnTime)}),
		w("report.xlsx.note_satisfaction", map[string]any{"Satisfied": n(tot.Satisfied), "Rated": n(tot.Rated), "Rate": tot.Satisfaction().In(lang),
			"Reopened": n(tot.Reopened)}),
		w("report.xlsx.note_small", map[string]any{"N": strconv.Itoa(rep.SmallN)}),
	}
	for _, n := range notes {
		a, b := "A"+strconv.Itoa(row), reportLastCol+strconv.Itoa(row)
		merge(a, b, n, note)
		f.SetRowHeight(sh, row, 30)
		row++
	}
	row++
	merge("A"+strconv.Itoa(row), "D"+strconv.Itoa(row), t("report.xlsx.compiler"), bold)
	merge("F"+strconv.Itoa(row), "J"+strconv.Itoa(row), t("report.xlsx.head"), bold)
	f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: ptrTo("landscape"), Size: ptrTo(9)}) // A4
	docLang := "vi-VN"
	if lang == "en" {
		docLang = "en-GB"
	}
	f.SetDocProps(&excelize.DocProperties{Title: t("report.xlsx.title"), Creator: "phucdap", Language: docLang})
	return nil
}

func byHeading(by By, t Translator) string {
	switch by {
	case ByUnit, ByPlanTask, ByDimension, ByKind, ByChannel, ByTopic:
		return t("report.xlsx.by." + string(by))
	case ByMonth, ByQuarter, ByYear:
		return t("report.xlsx.by.period")
	}
	return t("report.xlsx.by.total")
}

func ptrTo[T any](v T) *T { return &v }
