package plan

import (
	"bytes"
	"strings"
	"testing"
)

// cutAt returns the seed cut after the given number of bytes into line n
// (1-based), as an interrupted copy or upload leaves it.
func cutAt(t *testing.T, n, bytesInto int) []byte {
	t.Helper()
	lines := seedLines(t)
	head := strings.Join(lines[:n-1], "\n") + "\n"
	return []byte(head + lines[n-1][:bytesInto])
}

// TestParseErrors feeds broken variants of the seed and checks the line
// and kind of each error. Line numbers refer to the seed as `cat -n` shows
// it: IV.1 is lines 55–60, II.1 lines 27–33, VII lines 107–112.
func TestParseErrors(t *testing.T) {
	replace := func(n int, s string) func([]string) []string {
		return func(l []string) []string { l[n-1] = s; return l }
	}
	del := func(n int) func([]string) []string {
		return func(l []string) []string { return append(l[:n-1], l[n:]...) }
	}
	keep := func(n int) func([]string) []string {
		return func(l []string) []string { return l[:n] }
	}
	tests := []struct {
		name string
		data []byte
		line int
		code ErrorCode
	}{
		// Truncation: the row that is cut short is named.
		{"truncated after the 4th cell of IV.1", edit(t, keep(58)), 55, CodeTruncated},
		{"truncated in the middle of IV.1's text", cutAt(t, 56, 19), 55, CodeTruncated},
		{"truncated inside II.1 after its inner blank line", edit(t, keep(29)), 27, CodeTruncated},
		{"truncated inside a multi-byte letter", cutAt(t, 56, 4), 56, CodeEncoding},
		{"truncated after a dimension row", edit(t, keep(53)), 52, CodeDimension},
		{"truncated after the header row", edit(t, keep(13)), 13, CodeDimension},
		{"truncated before the table", edit(t, keep(6)), 6, CodeTableHeader},
		{"truncated in the header row", edit(t, keep(9)), 7, CodeTruncated},

		// A missing cell is reported at the row that lacks it.
		{"I.1 without its timeframe cell", edit(t, del(21)), 17, CodeMissingCell},
		{"II.1 without its expected result", edit(t, del(33)), 27, CodeMissingCell},
		{"dimension III without its title", edit(t, del(36)), 35, CodeMissingCell},
		{"VII (the last row) without a cell", edit(t, del(111)), 107, CodeTruncated},
		{"an extra cell in I.1", edit(t, func(l []string) []string { return insert(l, 22, "\tThêm") }), 23, CodeExtraCell},
		{"no blank line between I.1 and II", edit(t, del(23)), 23, CodeExtraCell},

		// Encoding: the first bad line is named.
		{"0xff byte in III.1's lead cell", edit(t, replace(40, "\tCác phòng, ban\xff, đơn vị thuộc Sở")), 40, CodeEncoding},
		{"Latin-1 heading", edit(t, replace(1, "Ph\xf9 l\xf9c III")), 1, CodeEncoding},
		{"UTF-16", []byte("\xFF\xFEP\x00"), 1, CodeEncoding},

		// Preamble.
		{"empty", nil, 1, CodeEmpty},
		{"only blank lines", []byte("\n \n\t\n"), 1, CodeEmpty},
		{"no heading", edit(t, del(1)), 1, CodeHeading},
		{"table without preamble", edit(t, func(l []string) []string { return l[6:] }), 1, CodeHeading},
		{"no plan number", edit(t, replace(5, "(Kèm theo Kế hoạch ngày 11/ 6/2025 của Sở Xây dựng)")), 5, CodeReference},
		{"no reference line", edit(t, del(5)), 6, CodeReference},
		{"impossible date", edit(t, replace(5, "(Kèm theo Kế hoạch số 55/KH-SXD  ngày 31/ 2/2025 của Sở Xây dựng)")), 5, CodeReference},
		{"no title", edit(t, func(l []string) []string { return append(l[:1], l[4:]...) }), 2, CodeTitle},
		{"text between reference and table", edit(t, replace(6, "Ghi chú")), 6, CodeTableHeader},

		// Table structure.
		{"header columns swapped", edit(t, func(l []string) []string { l[8], l[9] = l[9], l[8]; return l }), 9, CodeTableHeader},
		{"table starts without header", edit(t, func(l []string) []string { return append(l[:6], l[13:]...) }), 7, CodeTableHeader},
		{"cell indented with spaces", edit(t, replace(21, "    Thường xuyên")), 21, CodeLine},
		{"row starting with text", edit(t, replace(38, "\tNhiệm vụ 1")), 38, CodeRow},
		{"task before any dimension", edit(t, func(l []string) []string { return append(l[:13], l[16:]...) }), 14, CodeDimension},
		{"dimension out of order", edit(t, replace(52, "\tII")), 52, CodeDimension},
		{"repeated task number", edit(t, replace(45, "\t1")), 45, CodeTask},
		{"empty dimension title", edit(t, replace(36, "\t")), 36, CodeDimension},
		{"empty task text", edit(t, replace(18, "\t")), 18, CodeTask},
		{"empty lead cell", edit(t, replace(19, "\t")), 19, CodeTask},
		{"role words without a unit", edit(t, replace(20, "\ttổng hợp, theo dõi")), 20, CodeTask},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(bytes.NewReader(tt.data))
			if p != nil {
				t.Errorf("got a plan with the error")
			}
			pe := wantParseError(t, err, tt.line, tt.code)
			if pe.Expected == "" || pe.Got == "" {
				t.Errorf("error without expected/got: %#v", pe)
			}
			if !strings.Contains(pe.MessageVI(), "dòng ") {
				t.Errorf("MessageVI = %q, want a line number", pe.MessageVI())
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	_, err := Parse(bytes.NewReader(edit(t, func(l []string) []string { return l[:58] })))
	pe := wantParseError(t, err, 55, CodeTruncated)
	for _, want := range []string{"line 55", "expected 6 cells in the task row", "end of the input after 4 cells", "line 58"} {
		if !strings.Contains(pe.Error(), want) {
			t.Errorf("Error() = %q, want it to contain %q", pe.Error(), want)
		}
	}
	for _, want := range []string{"dòng 55", "cần 6 ô trong hàng nhiệm vụ", "hết tệp sau 4 ô"} {
		if !strings.Contains(pe.MessageVI(), want) {
			t.Errorf("MessageVI() = %q, want it to contain %q", pe.MessageVI(), want)
		}
	}

	_, err = Parse(bytes.NewReader(edit(t, func(l []string) []string { l[39] = "\tCác\xff"; return l })))
	pe = wantParseError(t, err, 40, CodeEncoding)
	if want := "byte 0xFF at column 6"; !strings.Contains(pe.Error(), want) {
		t.Errorf("Error() = %q, want %q", pe.Error(), want)
	}

	// A hand-made ParseError falls back to the English parts.
	hand := &ParseError{Line: 3, Expected: "x", Got: "y"}
	if got, want := hand.MessageVI(), "kế hoạch: dòng 3: cần x, nhưng gặp y"; got != want {
		t.Errorf("MessageVI = %q, want %q", got, want)
	}
}

func TestParseTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("\n"), MaxInputBytes+1)
	_, err := Parse(bytes.NewReader(big))
	wantParseError(t, err, 0, CodeTooLarge)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Plan)
		want   string // a fragment of the problem
	}{
		{"no number", func(p *Plan) { p.Number = "" }, "plan number is empty"},
		{"bad date", func(p *Plan) { p.IssuedOn = "11/6/2025" }, "issued_on"},
		{"bad year", func(p *Plan) { p.Year = 0 }, "year 0"},
		{"no dimensions", func(p *Plan) { p.Dimensions = nil }, "no dimensions"},
		{"dimension without tasks", func(p *Plan) { p.Dimensions[0].Tasks = nil }, "dimension I has no tasks"},
		{"dimensions out of order", func(p *Plan) {
			p.Dimensions[0], p.Dimensions[1] = p.Dimensions[1], p.Dimensions[0]
		}, "out of order"},
		{"wrong ordinal", func(p *Plan) { p.Dimensions[2].Ordinal = 9 }, "ordinal 9"},
		{"duplicate key", func(p *Plan) { p.Dimensions[2].Tasks[1].Key = "III.1" }, `key "III.1" is repeated`},
		{"key not derived", func(p *Plan) { p.Dimensions[0].Tasks[0].Key = "I-1" }, `key should be "I.1"`},
		{"no lead", func(p *Plan) { p.Dimensions[0].Tasks[0].Units = p.Dimensions[0].Tasks[0].Units[1:] }, "no lead unit"},
		{"unknown role", func(p *Plan) { p.Dimensions[0].Tasks[0].Units[1].Role = "owner" }, `unknown role "owner"`},
		{"duplicate role", func(p *Plan) {
			u := &p.Dimensions[0].Tasks[0].Units
			*u = append(*u, (*u)[0])
		}, "role lead twice"},
		{"unknown timeframe", func(p *Plan) { p.Dimensions[0].Tasks[0].Timeframe = "soon" }, `unknown timeframe "soon"`},
	}
	if err := seedPlan(t).Validate(); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var nilPlan *Plan
	if err := nilPlan.Validate(); err == nil {
		t.Error("nil plan validated")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := seedPlan(t)
			tt.mutate(p)
			err := p.Validate()
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("Validate() = %v, want *ValidationError", err)
			}
			if !strings.Contains(ve.Error(), tt.want) {
				t.Errorf("Validate() = %v, want it to mention %q", ve, tt.want)
			}
		})
	}
}
