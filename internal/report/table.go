package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Table writes a list a row at a time, as CSV or as a one-sheet workbook,
// so that a long list streams: the staff lists' exports (the inbox, a
// report's drill-down) write through it, with the styling of the report
// workbook's case sheet.
type Table interface {
	// Row adds a row; ints are written as numbers in a workbook.
	Row(cells []any) error
	// Finish completes the file on the writer given at the start (CSV)
	// or writes the workbook to w (XLSX).
	Finish(w io.Writer) error
	// Close releases what an unfinished table holds.
	Close() error
}

// Table formats.
const (
	TableCSV  = "csv"
	TableXLSX = "xlsx"
)

// MediaType is the download type of a table format.
func MediaType(format string) string {
	if format == TableXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

type csvTable struct{ cw *csv.Writer }

// NewTableCSV writes the BOM (Excel reads the file as UTF-8 and Vietnamese
// comes out right) and the header to w; rows follow as they come,
// flushed every thousand.
func NewTableCSV(w io.Writer, header []string) (Table, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	t := &csvTable{cw: csv.NewWriter(w)}
	return t, t.cw.Write(header)
}

func (t *csvTable) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case string:
			rec[i] = v
		case int:
			rec[i] = strconv.Itoa(v)
		}
	}
	return t.cw.Write(rec)
}

func (t *csvTable) Finish(io.Writer) error {
	t.cw.Flush()
	return t.cw.Error()
}

func (t *csvTable) Close() error { return nil }

type xlsxTable struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	n    int
	cell int
}

// NewTableXLSX starts a workbook of one sheet with the header row styled
// as the report workbook's case sheet, and the columns widths. excelize's
// stream writer keeps rows past its buffer in a temporary file, not in
// memory.
func NewTableXLSX(sheet string, header []string, widths []float64) (Table, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, cell, err := streamCaseSheet(f, sheet, header, widths)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxTable{f: f, sw: sw, cell: cell}, nil
}

// streamCaseSheet opens sheet of f for streaming, styled as the report
// workbook's case sheet: the columns' widths, and header as its first
// row. It returns the writer and the style of a data cell.
func streamCaseSheet(f *excelize.File, sheet string, header []string, widths []float64) (*excelize.StreamWriter, int, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, 0, err
	}
	head, cell := caseSheetStyles(f)
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, 0, err
		}
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: 32}); err != nil {
		return nil, 0, err
	}
	return sw, cell, nil
}

func (t *xlsxTable) Row(cells []any) error {
	t.n++
	row := make([]any, len(cells))
	for i, v := range cells {
		row[i] = excelize.Cell{StyleID: t.cell, Value: v}
	}
	name, _ := excelize.CoordinatesToCellName(1, t.n+1)
	return t.sw.SetRow(name, row)
}

func (t *xlsxTable) Finish(w io.Writer) error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return err
	}
	_, err := t.f.WriteTo(w)
	return err
}

func (t *xlsxTable) Close() error { return t.f.Close() }

// caseSheetStyles are the header and cell styles of a case list sheet.
func caseSheetStyles(f *excelize.File) (head, cell int) {
	head, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF3F9"}}, Border: borders()})
	cell, _ = f.NewStyle(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	return head, cell
}

// CaseHeader is the header of a drill-down's case list (the report
// workbook's case sheet) in t's language, and CaseCells a row of it.
func CaseHeader(t Translator) []string { return header(caseHeader, t) }

// CaseCells is a drill-down row as CaseHeader names it (numbers as
// numbers), the title withheld or scrubbed as ScrubTitle says.
func CaseCells(i int, r CaseRow, loc *time.Location, t Translator, due DueWording) []any {
	rec := caseRecord(i, r, loc, t, due)
	out := make([]any, len(rec))
	for k, v := range rec {
		out[k] = v
	}
	out[0], out[13] = i, r.Extensions
	return out
}
