package plan

import (
	"fmt"
	"strings"
)

// ErrorCode classifies a ParseError, so that an importer can react to a kind
// of problem (e.g. offer "the file looks cut short") without matching text.
type ErrorCode string

const (
	CodeTooLarge    ErrorCode = "too_large"    // input over MaxInputBytes
	CodeEmpty       ErrorCode = "empty"        // nothing to read
	CodeEncoding    ErrorCode = "encoding"     // not UTF-8
	CodeHeading     ErrorCode = "heading"      // no "Phụ lục …" heading
	CodeReference   ErrorCode = "reference"    // no "(Kèm theo Kế hoạch số … ngày … của …)" line
	CodeTitle       ErrorCode = "title"        // no title between heading and reference
	CodeTableHeader ErrorCode = "table_header" // the STT/Nhiệm vụ/… header row is missing or wrong
	CodeLine        ErrorCode = "line"         // a line in the table that is neither a cell nor blank
	CodeRow         ErrorCode = "row"          // a row whose first cell is not a number or numeral
	CodeMissingCell ErrorCode = "missing_cell" // a row with fewer cells than its kind needs
	CodeExtraCell   ErrorCode = "extra_cell"   // a row with more cells, or two rows not separated
	CodeTruncated   ErrorCode = "truncated"    // input ends inside a row
	CodeDimension   ErrorCode = "dimension"    // dimension out of order, untitled or without tasks
	CodeTask        ErrorCode = "task"         // a task cell is empty or unreadable
	CodeCSV         ErrorCode = "csv"          // malformed CSV, bad header or inconsistent column
)

// ParseError reports why an input was rejected and where. Line is 1-based
// and counts physical lines of the input (0 when the problem has no line,
// e.g. the input is too large). Expected and Got are English; MessageVI
// gives the same message in Vietnamese for the office's staff.
type ParseError struct {
	Line     int
	Expected string
	Got      string
	Code     ErrorCode

	// The Vietnamese wording is built together with the English one, where
	// the context is known; a ParseError built by hand falls back to English.
	expectedVI, gotVI string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("plan: line %d: expected %s, got %s", e.Line, e.Expected, e.Got)
	}
	return fmt.Sprintf("plan: expected %s, got %s", e.Expected, e.Got)
}

// MessageVI returns the error in Vietnamese.
func (e *ParseError) MessageVI() string {
	exp, got := e.expectedVI, e.gotVI
	if exp == "" {
		exp = e.Expected
	}
	if got == "" {
		got = e.Got
	}
	if e.Line > 0 {
		return fmt.Sprintf("kế hoạch: dòng %d: cần %s, nhưng gặp %s", e.Line, exp, got)
	}
	return fmt.Sprintf("kế hoạch: cần %s, nhưng gặp %s", exp, got)
}

// msg is one side (expected or got) of an error in both languages. When vi
// is empty the English text is language-neutral (a quoted cell, a number).
type msg struct{ en, vi string }

func same(s string) msg { return msg{en: s} }

func perr(line int, code ErrorCode, expected, got msg) *ParseError {
	return &ParseError{
		Line: line, Code: code,
		Expected: expected.en, Got: got.en,
		expectedVI: expected.vi, gotVI: got.vi,
	}
}

// ValidationError lists every problem Validate found, so that a whole file
// can be fixed in one pass rather than one error at a time.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "plan: invalid: " + strings.Join(e.Problems, "; ")
}
