package plan

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxInputBytes bounds what Parse and ParseCSV read. A plan appendix is a
// few kilobytes; the bound keeps a wrong upload from exhausting memory.
const MaxInputBytes = 8 << 20

// Parse reads a plan appendix exported from Word as tab-indented text (see
// the seed) using the default unit directory.
func Parse(r io.Reader) (*Plan, error) { return ParseWith(r, DefaultDirectory()) }

// ParseWith is Parse with a given unit directory.
//
// The format is a preamble, then a table:
//
//	 Phụ lục III                                   heading (may be indented)
//	CÁC NHIỆM VỤ, … QUẢN TRỊ                       title, one or more lines
//	VÀ HÀNH CHÍNH CÔNG … CỦA SỞ XÂY DỰNG
//	(Kèm theo Kế hoạch số 55/KH-SXD ngày 11/ 6/2025 của Sở Xây dựng)
//	<TAB>STT  <TAB>Nhiệm vụ cụ thể  …              header row, 6 cells
//	<TAB>I    <TAB>THAM GIA …                      dimension row, 2 cells
//	<TAB>1    <TAB>text <TAB>lead <TAB>coord <TAB>timeframe <TAB>result   task row, 6 cells
//
// with one cell per line (a tab, then the text) and rows separated by blank
// lines. Word also leaves blank lines inside rows (after a long text cell),
// so a blank line alone does not end a row; see assembleRows.
//
// Errors are *ParseError naming the line; a plan is returned only when the
// whole input is read and valid.
func ParseWith(r io.Reader, dir *Directory) (*Plan, error) {
	lines, err := readLines(r)
	if err != nil {
		return nil, err
	}
	p, body, perr := parsePreamble(lines)
	if perr != nil {
		return nil, perr
	}
	blocks, perr := cellBlocks(lines, body)
	if perr != nil {
		return nil, perr
	}
	rows, perr := assembleRows(blocks, len(lines))
	if perr != nil {
		return nil, perr
	}
	if perr := buildTable(p, rows, len(lines), dir); perr != nil {
		return nil, perr
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readLines reads the whole input and splits it into lines, after checking
// that it is non-empty UTF-8. Encoding is checked first and per line, so the
// error names the first bad line however the rest of the file looks.
func readLines(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	return splitLines(data)
}

func splitLines(data []byte) ([]string, error) {
	if len(data) > MaxInputBytes {
		return nil, perr(0, CodeTooLarge,
			msg{fmt.Sprintf("at most %d bytes", MaxInputBytes), fmt.Sprintf("tối đa %d byte", MaxInputBytes)},
			msg{"a larger input", "tệp lớn hơn"})
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, perr(1, CodeEncoding,
			msg{"UTF-8 text", "văn bản mã UTF-8"},
			msg{"UTF-16 text (save the file as UTF-8)", "văn bản mã UTF-16 (hãy lưu lại tệp với mã UTF-8)"})
	}
	// A byte-order mark is what Windows tools put before UTF-8 text.
	data = bytes.TrimPrefix(data, utf8BOM)
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		lines[i] = l
		if !utf8.ValidString(l) {
			col := 0
			for col < len(l) {
				r, size := utf8.DecodeRuneInString(l[col:])
				if r == utf8.RuneError && size <= 1 {
					break
				}
				col += size
			}
			return nil, perr(i+1, CodeEncoding,
				msg{"UTF-8 text", "văn bản mã UTF-8"},
				msg{fmt.Sprintf("the byte 0x%02X at column %d (save the file as UTF-8)", l[col], col+1),
					fmt.Sprintf("byte 0x%02X ở cột %d (hãy lưu lại tệp với mã UTF-8)", l[col], col+1)})
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, perr(1, CodeEmpty,
			msg{"a plan appendix", "nội dung phụ lục kế hoạch"},
			msg{"an empty input", "tệp rỗng"})
	}
	return lines, nil
}

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

// isCell reports whether a line is a table cell. A line holding only a tab
// is an (empty) cell, not a blank line: Word writes empty cells that way.
func isCell(line string) bool { return strings.HasPrefix(line, "\t") }

var (
	headingRe   = regexp.MustCompile(`(?i)^phụ\s+lục\s*(?:số\s*)?([0-9]+|[ivxl]+)\.?$`)
	referenceRe = regexp.MustCompile(`(?i)^\(?\s*(?:kèm\s+theo\s+)?kế\s+hoạch\s+số\s*:?\s*(\S+)\s+ngày\s+(.+?)\s+của\s+(.+?)\s*\)?$`)
	yearRe      = regexp.MustCompile(`(?i)năm\s+((?:19|20)\d{2})\b`)
)

// parsePreamble reads the heading, title and reference lines and returns
// the index of the first table line.
func parsePreamble(lines []string) (*Plan, int, *ParseError) {
	i := 0
	for i < len(lines) && isBlank(lines[i]) {
		i++
	}
	// The export puts a space before the heading; normalising handles it.
	m := headingRe.FindStringSubmatch(normalizeSpace(lines[i]))
	if m == nil || isCell(lines[i]) {
		return nil, 0, perr(i+1, CodeHeading,
			msg{`the appendix heading "Phụ lục <number>"`, `tiêu đề "Phụ lục <số>"`},
			same(quote(lines[i])))
	}
	p := &Plan{Appendix: "Phụ lục " + strings.ToUpper(m[1])}
	var title []string
	for i++; ; i++ {
		if i == len(lines) {
			return nil, 0, perr(len(lines), CodeReference,
				msg{`the line "(Kèm theo Kế hoạch số … ngày … của …)"`, `dòng "(Kèm theo Kế hoạch số … ngày … của …)"`},
				msg{"the end of the input", "hết tệp"})
		}
		line := normalizeSpace(lines[i])
		if line == "" {
			continue // the title is split over lines with blank lines between
		}
		if isCell(lines[i]) {
			return nil, 0, perr(i+1, CodeReference,
				msg{`the line "(Kèm theo Kế hoạch số … ngày … của …)" naming the plan before the table`,
					`dòng "(Kèm theo Kế hoạch số … ngày … của …)" ghi số kế hoạch trước bảng`},
				same(quote(lines[i])))
		}
		if m := referenceRe.FindStringSubmatch(line); m != nil {
			date, ok := parseDate(m[2])
			if !ok {
				return nil, 0, perr(i+1, CodeReference,
					msg{"the plan's date as dd/mm/yyyy", "ngày ban hành dạng ngày/tháng/năm"},
					same(quote(m[2])))
			}
			p.Number, p.IssuedOn, p.IssuingBody = m[1], date, m[3]
			break
		}
		if containsFolded(line, "kèm theo") || containsFolded(line, "kế hoạch số") {
			return nil, 0, perr(i+1, CodeReference,
				msg{`"(Kèm theo Kế hoạch số <number> ngày <dd/mm/yyyy> của <issuing body>)"`,
					`"(Kèm theo Kế hoạch số <số> ngày <ngày/tháng/năm> của <cơ quan ban hành>)"`},
				same(quote(line)))
		}
		title = append(title, line)
	}
	if len(title) == 0 {
		return nil, 0, perr(i+1, CodeTitle,
			msg{"the appendix title between the heading and this line", "tên phụ lục giữa tiêu đề và dòng này"},
			msg{"no title", "không có tên"})
	}
	p.Title = strings.Join(title, " ")
	p.Year = planYear(p.Title, p.IssuedOn)
	for i++; i < len(lines) && !isCell(lines[i]); i++ {
		if !isBlank(lines[i]) {
			return nil, 0, perr(i+1, CodeTableHeader,
				msg{"the table, starting with the tab-indented header row (STT, Nhiệm vụ, …)",
					"bảng, bắt đầu bằng hàng tiêu đề thụt lề bằng tab (STT, Nhiệm vụ, …)"},
				same(quote(lines[i])))
		}
	}
	if i == len(lines) {
		return nil, 0, perr(len(lines), CodeTableHeader,
			msg{"the table, starting with the tab-indented header row (STT, Nhiệm vụ, …)",
				"bảng, bắt đầu bằng hàng tiêu đề thụt lề bằng tab (STT, Nhiệm vụ, …)"},
			msg{"the end of the input", "hết tệp"})
	}
	return p, i, nil
}

// planYear is the year the plan is for: "năm 2025" in the title, which can
// differ from the issue year (a plan for 2026 issued in December 2025);
// failing that, the issue year.
func planYear(title, issuedOn string) int {
	if m := yearRe.FindAllStringSubmatch(title, -1); m != nil {
		y, _ := strconv.Atoi(m[len(m)-1][1])
		return y
	}
	y, _ := strconv.Atoi(issuedOn[:4])
	return y
}

// cell is one cell of the table with its 1-based line.
type cell struct {
	text string
	line int
}

// block is a run of cell lines between blank lines.
type block []cell

func cellBlocks(lines []string, from int) ([]block, *ParseError) {
	var blocks []block
	var cur block
	for i := from; i < len(lines); i++ {
		switch l := lines[i]; {
		case isCell(l):
			cur = append(cur, cell{text: normalizeSpace(l), line: i + 1})
		case isBlank(l):
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = nil
			}
		default:
			return nil, perr(i+1, CodeLine,
				msg{"a tab-indented table cell or a blank line", "một ô của bảng (thụt lề bằng tab) hoặc dòng trống"},
				same(quote(l)))
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks, nil
}

type rowKind int

const (
	rowUnknown rowKind = iota
	rowHeader
	rowColumnNumbers
	rowDimension
	rowTask
)

// cellsFor is how many cells a row of each kind has.
func (k rowKind) cellsFor() int {
	if k == rowDimension {
		return 2
	}
	return 6
}

func (k rowKind) name() msg {
	switch k {
	case rowHeader:
		return msg{"header", "tiêu đề"}
	case rowColumnNumbers:
		return msg{"column-number", "số thứ tự cột"}
	case rowDimension:
		return msg{"dimension", "lĩnh vực"}
	}
	return msg{"task", "nhiệm vụ"}
}

var columnNumberRe = regexp.MustCompile(`^\(\d+\)$`)

// kindOf classifies a row by its first cell.
func kindOf(first string) rowKind {
	switch f := fold(first); {
	case f == "stt" || f == "tt" || f == "số tt":
		return rowHeader
	case columnNumberRe.MatchString(f):
		return rowColumnNumbers
	}
	if _, ok := parseRoman(first); ok {
		return rowDimension
	}
	if _, ok := taskNumber(first); ok {
		return rowTask
	}
	return rowUnknown
}

type row struct {
	kind  rowKind
	cells []cell
}

// assembleRows groups blocks into rows. A row starts at a block; while it
// has fewer cells than its kind needs, the next block continues it, unless
// that would overflow the row or the next block is itself a whole row (its
// first cell is a number or numeral and it has exactly the cells its kind
// needs). This keeps the blank lines Word leaves inside rows (II.1, V.1 of
// the seed) and still reports a row with a missing cell at that row, rather
// than silently pulling the next row's cells into it.
func assembleRows(blocks []block, nLines int) ([]row, *ParseError) {
	var rows []row
	for i := 0; i < len(blocks); {
		first := blocks[i][0]
		kind := kindOf(first.text)
		if kind == rowUnknown {
			return nil, perr(first.line, CodeRow,
				msg{"a row starting with a task number, an empty number cell or a roman numeral",
					"một hàng bắt đầu bằng số thứ tự nhiệm vụ, ô số thứ tự trống hoặc số La Mã"},
				same(quote(first.text)))
		}
		want := kind.cellsFor()
		cells := append([]cell(nil), blocks[i]...)
		for i++; len(cells) < want && i < len(blocks); i++ {
			next := blocks[i]
			nk := kindOf(next[0].text)
			wholeRow := nk != rowUnknown && len(next) == nk.cellsFor()
			if len(cells)+len(next) > want || wholeRow {
				break
			}
			cells = append(cells, next...)
		}
		name := kind.name()
		switch {
		case len(cells) > want:
			return nil, perr(cells[want].line, CodeExtraCell,
				msg{fmt.Sprintf("a blank line after the %d cells of the %s row starting at line %d", want, name.en, first.line),
					fmt.Sprintf("một dòng trống sau %d ô của hàng %s bắt đầu ở dòng %d", want, name.vi, first.line)},
				msg{"another cell " + quote(cells[want].text), "thêm một ô " + quote(cells[want].text)})
		case len(cells) < want && i == len(blocks):
			last := cells[len(cells)-1].line
			return nil, perr(first.line, CodeTruncated,
				msg{fmt.Sprintf("%d cells in the %s row starting here", want, name.en),
					fmt.Sprintf("%d ô trong hàng %s bắt đầu ở dòng này", want, name.vi)},
				msg{fmt.Sprintf("the end of the input after %d cells (last cell at line %d of %d; the file looks cut short)", len(cells), last, nLines),
					fmt.Sprintf("hết tệp sau %d ô (ô cuối ở dòng %d trên %d; tệp có vẻ bị cắt cụt)", len(cells), last, nLines)})
		case len(cells) < want:
			return nil, perr(first.line, CodeMissingCell,
				msg{fmt.Sprintf("%d cells in the %s row starting here (%s)", want, name.en, columnsEN(kind)),
					fmt.Sprintf("%d ô trong hàng %s bắt đầu ở dòng này (%s)", want, name.vi, columnsVI(kind))},
				msg{fmt.Sprintf("%d cells (lines %d–%d) before the next row at line %d", len(cells), first.line, cells[len(cells)-1].line, blocks[i][0].line),
					fmt.Sprintf("%d ô (dòng %d–%d) trước hàng tiếp theo ở dòng %d", len(cells), first.line, cells[len(cells)-1].line, blocks[i][0].line)})
		}
		rows = append(rows, row{kind: kind, cells: cells})
	}
	return rows, nil
}

func columnsEN(k rowKind) string {
	if k == rowDimension {
		return "numeral, title"
	}
	return "number, task, lead, coordinating, timeframe, expected result"
}

func columnsVI(k rowKind) string {
	if k == rowDimension {
		return "số La Mã, tên lĩnh vực"
	}
	return "STT, nhiệm vụ, chủ trì, phối hợp, thời gian, kết quả"
}

// headerWords are what each header cell must contain, so that a table whose
// columns are in another order is rejected rather than read with the lead
// and coordinating units swapped.
var headerWords = [6][]string{
	{"stt", "tt"},
	{"nhiệm vụ"},
	{"chủ trì"},
	{"phối hợp"},
	{"thời gian"},
	{"kết quả", "sản phẩm"},
}

func checkHeader(r row) *ParseError {
	for i, c := range r.cells {
		ok := false
		for _, w := range headerWords[i] {
			ok = ok || containsFolded(c.text, w)
		}
		if !ok {
			return perr(c.line, CodeTableHeader,
				msg{fmt.Sprintf("header cell %d to contain %q", i+1, headerWords[i][0]),
					fmt.Sprintf("ô tiêu đề thứ %d có chữ %q", i+1, headerWords[i][0])},
				same(quote(c.text)))
		}
	}
	return nil
}

// buildTable turns rows into dimensions and tasks.
func buildTable(p *Plan, rows []row, nLines int, dir *Directory) *ParseError {
	if len(rows) == 0 || rows[0].kind != rowHeader {
		line := nLines
		got := msg{"the end of the input", "hết tệp"}
		if len(rows) > 0 {
			line, got = rows[0].cells[0].line, same(quote(rows[0].cells[0].text))
		}
		return perr(line, CodeTableHeader,
			msg{"the header row (STT, Nhiệm vụ cụ thể, Cơ quan chủ trì, …)", "hàng tiêu đề (STT, Nhiệm vụ cụ thể, Cơ quan chủ trì, …)"},
			got)
	}
	if e := checkHeader(rows[0]); e != nil {
		return e
	}
	var dimLine []int // line of each dimension row, for "no tasks" errors
	noTasks := func(k int, got msg) *ParseError {
		d := p.Dimensions[k]
		return perr(dimLine[k], CodeDimension,
			msg{fmt.Sprintf("at least one task under dimension %s", d.Numeral),
				fmt.Sprintf("ít nhất một nhiệm vụ thuộc lĩnh vực %s", d.Numeral)},
			got)
	}
	numbers := map[string]int{} // task number → line, within the current dimension
	unnumbered := 0
	for _, r := range rows[1:] {
		c := r.cells
		switch r.kind {
		case rowHeader, rowColumnNumbers:
			// Word repeats the header row on every page, and some tables
			// number their columns (1)…(6) under it; both carry no data.
			if r.kind == rowHeader {
				if e := checkHeader(r); e != nil {
					return e
				}
			}
		case rowDimension:
			n, _ := parseRoman(c[0].text)
			if k := len(p.Dimensions); k > 0 {
				if len(p.Dimensions[k-1].Tasks) == 0 {
					return noTasks(k-1, msg{fmt.Sprintf("the next dimension %s at line %d", c[0].text, c[0].line),
						fmt.Sprintf("lĩnh vực tiếp theo %s ở dòng %d", c[0].text, c[0].line)})
				}
				if prev := p.Dimensions[k-1]; n <= prev.Ordinal {
					return perr(c[0].line, CodeDimension,
						msg{fmt.Sprintf("a dimension numeral after %s (numerals increase)", prev.Numeral),
							fmt.Sprintf("số La Mã lớn hơn %s (các lĩnh vực theo thứ tự tăng dần)", prev.Numeral)},
						same(quote(c[0].text)))
				}
			}
			if c[1].text == "" {
				return perr(c[1].line, CodeDimension,
					msg{"the dimension's title", "tên lĩnh vực"}, msg{"an empty cell", "ô trống"})
			}
			p.Dimensions = append(p.Dimensions, Dimension{Numeral: c[0].text, Ordinal: n, Title: c[1].text})
			dimLine = append(dimLine, c[0].line)
			clear(numbers)
			unnumbered = 0
		case rowTask:
			if len(p.Dimensions) == 0 {
				return perr(c[0].line, CodeDimension,
					msg{"a dimension row (roman numeral and title) before the first task",
						"một hàng lĩnh vực (số La Mã và tên) trước nhiệm vụ đầu tiên"},
					same(quote(c[0].text)))
			}
			d := &p.Dimensions[len(p.Dimensions)-1]
			number, _ := taskNumber(c[0].text)
			if number == "" {
				unnumbered++
			} else if prev, dup := numbers[number]; dup {
				return perr(c[0].line, CodeTask,
					msg{fmt.Sprintf("a task number not yet used in dimension %s", d.Numeral),
						fmt.Sprintf("số thứ tự chưa dùng trong lĩnh vực %s", d.Numeral)},
					msg{fmt.Sprintf("%s, already used at line %d", quote(number), prev),
						fmt.Sprintf("%s, đã dùng ở dòng %d", quote(number), prev)})
			} else {
				numbers[number] = c[0].line
			}
			t, fe := buildTask(dir, d.Numeral, number, unnumbered,
				[5]string{c[1].text, c[2].text, c[3].text, c[4].text, c[5].text})
			if fe != nil {
				return perr(c[fe.field+1].line, CodeTask, fe.expected, fe.got)
			}
			d.Tasks = append(d.Tasks, t)
		}
	}
	if len(p.Dimensions) == 0 {
		return perr(nLines, CodeDimension,
			msg{"at least one dimension row (roman numeral and title)", "ít nhất một hàng lĩnh vực (số La Mã và tên)"},
			msg{"the end of the input", "hết tệp"})
	}
	if k := len(p.Dimensions) - 1; len(p.Dimensions[k].Tasks) == 0 {
		return noTasks(k, msg{"the end of the input (the file may be cut short)", "hết tệp (tệp có thể bị cắt cụt)"})
	}
	return nil
}

// fieldError is a problem with one of a task's five text fields (0 = text,
// 1 = lead, 2 = coordinating, 3 = timeframe, 4 = expected result); the
// caller turns it into a ParseError on the right line.
type fieldError struct {
	field         int
	expected, got msg
}

// buildTask makes a task from its cells, shared by the appendix and CSV
// readers so that both read the same cell the same way.
func buildTask(dir *Directory, numeral, number string, unnumbered int, f [5]string) (PlanTask, *fieldError) {
	text, leadCell, coordCell, tf, result := f[0], f[1], f[2], f[3], f[4]
	if text == "" {
		return PlanTask{}, &fieldError{0, msg{"the task's text", "nội dung nhiệm vụ"}, msg{"an empty cell", "ô trống"}}
	}
	if leadCell == "" {
		return PlanTask{}, &fieldError{1, msg{"the lead unit", "cơ quan chủ trì"}, msg{"an empty cell", "ô trống"}}
	}
	lead, err := dir.ParseCell(leadCell, RoleLead)
	if err != nil {
		ce := err.(*cellError)
		return PlanTask{}, &fieldError{1, ce.expected, ce.got}
	}
	if len(lead) == 0 {
		return PlanTask{}, &fieldError{1, msg{"the lead unit", "cơ quan chủ trì"}, same(quote(leadCell))}
	}
	coord, err := dir.ParseCell(coordCell, RoleCoordinate)
	if err != nil {
		ce := err.(*cellError)
		return PlanTask{}, &fieldError{2, ce.expected, ce.got}
	}
	return PlanTask{
		Number:         number,
		Key:            TaskKey(numeral, number, unnumbered),
		Text:           text,
		Units:          canonicalUnits(append(lead, coord...)),
		Timeframe:      ParseTimeframe(tf),
		TimeframeText:  tf,
		ExpectedResult: result,
		Targets:        ExtractTargets(result, text),
	}, nil
}
