package plan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// CSVColumns returns the columns WriteCSV writes, in order. ParseCSV accepts
// them in any order; task_key, appendix and year may be left out or blank
// (they are then derived), every other column is required.
//
// lead and coordinating hold the cells in the appendix's human form ("Văn
// phòng Sở tổng hợp, theo dõi"; several units separated by "; ") and are
// read by the same cell parser. Targets have no column: they are derived
// from text and expected_result, so a spreadsheet cannot contradict them.
func CSVColumns() []string { return append([]string(nil), csvColumns[:]...) }

var csvColumns = [...]string{
	"plan_number", "issued_on", "issuing_body", "title", "appendix", "year",
	"dimension", "dimension_title",
	"task_number", "task_key", "text", "lead", "coordinating", "timeframe", "expected_result",
}

var optionalColumns = map[string]bool{"appendix": true, "year": true, "task_key": true}

// WriteCSV writes a plan as CSV: a UTF-8 byte-order mark (so that Excel
// shows Vietnamese correctly when the file is opened by double-click), a
// header row, then one row per task with the plan and dimension columns
// repeated. Lines end in "\n". The plan must be valid.
func WriteCSV(w io.Writer, p *Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	cw := csv.NewWriter(&buf)
	if err := cw.Write(CSVColumns()); err != nil {
		return err
	}
	for _, d := range p.Dimensions {
		for _, t := range d.Tasks {
			lead, coord := renderCells(t.Units)
			rec := []string{
				p.Number, p.IssuedOn, p.IssuingBody, p.Title, p.Appendix, strconv.Itoa(p.Year),
				d.Numeral, d.Title,
				t.Number, t.Key, t.Text, lead, coord, t.TimeframeText, t.ExpectedResult,
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ParseCSV reads a plan written by WriteCSV or typed in a spreadsheet,
// using the default unit directory.
func ParseCSV(r io.Reader) (*Plan, error) { return ParseCSVWith(r, DefaultDirectory()) }

// ParseCSVWith is ParseCSV with a given unit directory.
//
// Rows may come in any order of dimensions (dimensions are sorted by
// numeral); within a dimension, tasks keep the order of the rows. Rows whose
// cells are all empty (spreadsheets export them) are skipped. The plan
// columns must hold the same values on every row. Errors are *ParseError
// with the line of the CSV file.
func ParseCSVWith(r io.Reader, dir *Directory) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	// splitLines checks size, encoding and emptiness per physical line, so
	// a bad byte is reported on the line an editor shows.
	if _, err := splitLines(data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0 // the header fixes the number of fields
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	col, hErr := csvHeader(header)
	if hErr != nil {
		return nil, hErr
	}
	b := csvBuilder{dir: dir, col: col, cr: cr, dims: map[string]*csvDim{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if rErr := b.row(rec); rErr != nil {
			return nil, rErr
		}
	}
	if b.plan == nil {
		line, _ := cr.FieldPos(0)
		return nil, perr(line+1, CodeEmpty,
			msg{"at least one task row after the header", "ít nhất một hàng nhiệm vụ sau hàng tiêu đề"},
			msg{"the end of the input", "hết tệp"})
	}
	p := b.finish()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return perr(pe.StartLine, CodeCSV,
			msg{"well-formed CSV", "tệp CSV đúng định dạng"},
			same(pe.Err.Error()))
	}
	if err == io.EOF {
		return perr(1, CodeEmpty,
			msg{"a header row: " + strings.Join(csvColumns[:], ","), "hàng tiêu đề: " + strings.Join(csvColumns[:], ",")},
			msg{"an empty input", "tệp rỗng"})
	}
	return err
}

func csvHeader(header []string) (map[string]int, *ParseError) {
	known := map[string]bool{}
	for _, c := range csvColumns {
		known[c] = true
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !known[h] {
			return nil, perr(1, CodeCSV,
				msg{"a column name among " + strings.Join(csvColumns[:], ","), "tên cột thuộc " + strings.Join(csvColumns[:], ",")},
				same(quote(header[i])))
		}
		if _, dup := col[h]; dup {
			return nil, perr(1, CodeCSV,
				msg{"each column once", "mỗi cột một lần"},
				msg{quote(h) + " twice", quote(h) + " hai lần"})
		}
		col[h] = i
	}
	for _, c := range csvColumns {
		if _, ok := col[c]; !ok && !optionalColumns[c] {
			return nil, perr(1, CodeCSV,
				msg{"a column named " + c, "cột " + c},
				msg{"a header without it", "hàng tiêu đề thiếu cột này"})
		}
	}
	return col, nil
}

type csvDim struct {
	dim        Dimension
	line       int // where its title was first given
	numbers    map[string]int
	unnumbered int
}

type csvBuilder struct {
	dir      *Directory
	col      map[string]int
	cr       *csv.Reader
	plan     *Plan
	planLine int
	dims     map[string]*csvDim
}

// get returns a column of the current record, normalised, and its line.
func (b *csvBuilder) get(rec []string, name string) (string, int) {
	i, ok := b.col[name]
	if !ok {
		return "", 0
	}
	line, _ := b.cr.FieldPos(i)
	return normalizeSpace(rec[i]), line
}

func (b *csvBuilder) row(rec []string) *ParseError {
	empty := true
	for _, f := range rec {
		empty = empty && strings.TrimSpace(f) == ""
	}
	if empty {
		return nil
	}
	if perr := b.planColumns(rec); perr != nil {
		return perr
	}

	numeral, line := b.get(rec, "dimension")
	numeral = strings.ToUpper(numeral)
	ord, ok := parseRoman(numeral)
	if !ok {
		return perr(line, CodeDimension,
			msg{"a dimension as a roman numeral (I, II, …)", "lĩnh vực ghi bằng số La Mã (I, II, …)"},
			same(quote(numeral)))
	}
	title, tline := b.get(rec, "dimension_title")
	d := b.dims[numeral]
	switch {
	case title == "":
		return perr(tline, CodeDimension, msg{"the dimension's title", "tên lĩnh vực"}, msg{"an empty cell", "ô trống"})
	case d == nil:
		d = &csvDim{dim: Dimension{Numeral: numeral, Ordinal: ord, Title: title}, line: tline, numbers: map[string]int{}}
		b.dims[numeral] = d
	case d.dim.Title != title:
		return perr(tline, CodeDimension,
			msg{fmt.Sprintf("the title of dimension %s given at line %d, %s", numeral, d.line, quote(d.dim.Title)),
				fmt.Sprintf("tên lĩnh vực %s như ở dòng %d, %s", numeral, d.line, quote(d.dim.Title))},
			same(quote(title)))
	}

	raw, nline := b.get(rec, "task_number")
	number, ok := taskNumber(raw)
	if !ok {
		return perr(nline, CodeTask,
			msg{"a task number (1, 2, …) or an empty cell", "số thứ tự nhiệm vụ (1, 2, …) hoặc ô trống"},
			same(quote(raw)))
	}
	if number == "" {
		d.unnumbered++
	} else if prev, dup := d.numbers[number]; dup {
		return perr(nline, CodeTask,
			msg{fmt.Sprintf("a task number not yet used in dimension %s", numeral),
				fmt.Sprintf("số thứ tự chưa dùng trong lĩnh vực %s", numeral)},
			msg{fmt.Sprintf("%s, already used at line %d", quote(number), prev),
				fmt.Sprintf("%s, đã dùng ở dòng %d", quote(number), prev)})
	} else {
		d.numbers[number] = nline
	}

	var fields [5]string
	var lines [5]int
	for i, name := range []string{"text", "lead", "coordinating", "timeframe", "expected_result"} {
		fields[i], lines[i] = b.get(rec, name)
	}
	t, fe := buildTask(b.dir, numeral, number, d.unnumbered, fields)
	if fe != nil {
		return perr(lines[fe.field], CodeTask, fe.expected, fe.got)
	}
	if key, kline := b.get(rec, "task_key"); key != "" && key != t.Key {
		return perr(kline, CodeTask,
			msg{fmt.Sprintf("task_key %s (from dimension and task number) or an empty cell", quote(t.Key)),
				fmt.Sprintf("task_key %s (theo lĩnh vực và số thứ tự) hoặc ô trống", quote(t.Key))},
			same(quote(key)))
	}
	d.dim.Tasks = append(d.dim.Tasks, t)
	return nil
}

// planColumns reads the plan columns of the first row and checks that the
// later rows repeat them.
func (b *csvBuilder) planColumns(rec []string) *ParseError {
	number, nline := b.get(rec, "plan_number")
	issuedRaw, iline := b.get(rec, "issued_on")
	body, bline := b.get(rec, "issuing_body")
	title, tline := b.get(rec, "title")
	appendix, aline := b.get(rec, "appendix")
	yearRaw, yline := b.get(rec, "year")

	issued, ok := parseDate(issuedRaw)
	if !ok {
		return perr(iline, CodeCSV,
			msg{"issued_on as a date (2025-06-11 or 11/6/2025)", "issued_on là một ngày (2025-06-11 hoặc 11/6/2025)"},
			same(quote(issuedRaw)))
	}
	for _, f := range []struct {
		name  string
		value string
		line  int
	}{{"plan_number", number, nline}, {"issuing_body", body, bline}, {"title", title, tline}} {
		if f.value == "" {
			return perr(f.line, CodeCSV, msg{"a value in " + f.name, "giá trị ở cột " + f.name}, msg{"an empty cell", "ô trống"})
		}
	}
	year := planYear(title, issued)
	if yearRaw != "" {
		y, err := strconv.Atoi(yearRaw)
		if err != nil || y < 1900 || y > 9999 {
			return perr(yline, CodeCSV, msg{"a year such as 2026", "năm, ví dụ 2026"}, same(quote(yearRaw)))
		}
		year = y
	}
	p := Plan{Number: number, IssuedOn: issued, IssuingBody: body, Title: title, Appendix: appendix, Year: year}
	if b.plan == nil {
		b.plan, b.planLine = &p, nline
		return nil
	}
	for _, f := range []struct {
		name      string
		got, want string
		line      int
	}{
		{"plan_number", p.Number, b.plan.Number, nline},
		{"issued_on", p.IssuedOn, b.plan.IssuedOn, iline},
		{"issuing_body", p.IssuingBody, b.plan.IssuingBody, bline},
		{"title", p.Title, b.plan.Title, tline},
		{"appendix", p.Appendix, b.plan.Appendix, aline},
		{"year", strconv.Itoa(p.Year), strconv.Itoa(b.plan.Year), yline},
	} {
		if f.got != f.want {
			return perr(f.line, CodeCSV,
				msg{fmt.Sprintf("the same %s as line %d, %s (one file holds one plan)", f.name, b.planLine, quote(f.want)),
					fmt.Sprintf("cùng %s như dòng %d, %s (mỗi tệp một kế hoạch)", f.name, b.planLine, quote(f.want))},
				same(quote(f.got)))
		}
	}
	return nil
}

func (b *csvBuilder) finish() *Plan {
	p := b.plan
	dims := make([]*csvDim, 0, len(b.dims))
	for _, d := range b.dims {
		dims = append(dims, d)
	}
	sort.Slice(dims, func(i, j int) bool { return dims[i].dim.Ordinal < dims[j].dim.Ordinal })
	for _, d := range dims {
		p.Dimensions = append(p.Dimensions, d.dim)
	}
	return p
}

// Formats Detect reports.
const (
	FormatAppendix = "appendix"
	FormatCSV      = "csv"
)

// Detect tells the appendix text from the CSV form, so that an import
// command can take either: a first line that is a CSV header naming
// plan_number is CSV; anything else is treated as an appendix, whose parser
// then explains what is wrong with it.
func Detect(data []byte) string {
	data = bytes.TrimPrefix(data, utf8BOM)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		s := strings.TrimSpace(string(line))
		if s == "" {
			continue
		}
		if strings.Contains(strings.ToLower(s), "plan_number") && strings.Contains(s, ",") {
			return FormatCSV
		}
		return FormatAppendix
	}
	return FormatAppendix
}
