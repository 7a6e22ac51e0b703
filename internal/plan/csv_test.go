package plan

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func writeCSV(t testing.TB, p *Plan) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, p); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	return buf.Bytes()
}

// TestCSVRoundTrip: ParseCSV(WriteCSV(Parse(seed))) equals Parse(seed),
// and writing it again gives the same bytes.
func TestCSVRoundTrip(t *testing.T) {
	p := seedPlan(t)
	first := writeCSV(t, p)
	back, err := ParseCSV(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	checkEqual(t, "plan", back, p)
	if !back.Equal(p) {
		t.Error("Equal reports a difference")
	}
	if second := writeCSV(t, back); !bytes.Equal(first, second) {
		t.Errorf("second CSV differs:\n%s\n---\n%s", first, second)
	}
}

// TestCSVGolden pins the CSV form of the seed, so that a change of format
// is a visible diff in review. Run with -update to rewrite it.
func TestCSVGolden(t *testing.T) {
	got := writeCSV(t, seedPlan(t))
	const golden = "testdata/ke-hoach-55-phu-luc-III.csv"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("CSV differs from %s (run go test -update to accept):\n%s", golden, got)
	}
	if !bytes.HasPrefix(got, utf8BOM) {
		t.Error("CSV has no byte-order mark")
	}
}

// TestParseCSVLaterYear reads a plan typed in a spreadsheet: no BOM, CRLF,
// columns in another order, optional columns left out, an empty row, a
// known example division, unknown units, a multi-line cell.
func TestParseCSVLaterYear(t *testing.T) {
	const in = "dimension,dimension_title,task_number,text,lead,coordinating,timeframe,expected_result,plan_number,issued_on,issuing_body,title\r\n" +
		"VII,Quản trị điện tử,1,\"Phúc đáp kiến nghị qua kênh điện tử,\nđảm bảo 100% kiến nghị được trả lời đúng hạn.\",Phòng Quản lý xây dựng,Văn phòng Sở theo dõi,Thường xuyên,Tỷ lệ hài lòng đạt 90%.,12/KH-SXD,20/12/2025,Sở Xây dựng,Kế hoạch PAPI năm 2026\r\n" +
		",,,,,,,,,,,\r\n" +
		"iii,Trách nhiệm giải trình,2,Tiếp công dân định kỳ.,Phòng Kinh tế; Văn phòng Sở,,Quý III/2026,,12/KH-SXD,2025-12-20,Sở Xây dựng,Kế hoạch PAPI năm 2026\r\n"
	p, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Plan{
		Number: "12/KH-SXD", IssuedOn: "2025-12-20", IssuingBody: "Sở Xây dựng",
		Title: "Kế hoạch PAPI năm 2026", Year: 2026,
		Dimensions: []Dimension{
			{Numeral: "III", Ordinal: 3, Title: "Trách nhiệm giải trình", Tasks: []PlanTask{{
				Number: "2", Key: "III.2", Text: "Tiếp công dân định kỳ.",
				Units: []UnitRef{
					{Unit: "phong-kinh-te", Name: "Phòng Kinh tế", Role: RoleLead, Unknown: true},
					{Unit: UnitOffice, Name: "Văn phòng Sở", Role: RoleLead},
				},
				Timeframe: TimeframeOther, TimeframeText: "Quý III/2026",
			}}},
			{Numeral: "VII", Ordinal: 7, Title: "Quản trị điện tử", Tasks: []PlanTask{{
				Number: "1", Key: "VII.1",
				Text: "Phúc đáp kiến nghị qua kênh điện tử, đảm bảo 100% kiến nghị được trả lời đúng hạn.",
				Units: []UnitRef{
					{Unit: "PQLXD", Name: "Phòng Quản lý xây dựng", Role: RoleLead},
					{Unit: UnitOffice, Name: "Văn phòng Sở", Role: RoleMonitor},
				},
				Timeframe: TimeframeOngoing, TimeframeText: "Thường xuyên",
				ExpectedResult: "Tỷ lệ hài lòng đạt 90%.",
				Targets: []Target{
					{MetricSatisfactionRate, 90, UnitPercent, "Tỷ lệ hài lòng đạt 90%."},
					{MetricOnTimeRate, 100, UnitPercent, "Phúc đáp kiến nghị qua kênh điện tử, đảm bảo 100% kiến nghị được trả lời đúng hạn."},
				},
			}}},
		},
	}
	checkEqual(t, "plan", p, want)
	checkEqual(t, "unknown", p.UnknownUnits(), []UnitRef{{Unit: "phong-kinh-te", Name: "Phòng Kinh tế", Role: RoleLead, Unknown: true}})

	// And it round-trips through the canonical form.
	back, err := ParseCSV(bytes.NewReader(writeCSV(t, p)))
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "round trip", back, p)
}

func TestParseCSVErrors(t *testing.T) {
	good := string(writeCSV(t, seedPlan(t)))
	lines := strings.Split(strings.TrimSuffix(good, "\n"), "\n")
	with := func(n int, f func(string) string) string {
		l := append([]string(nil), lines...)
		l[n-1] = f(l[n-1])
		return strings.Join(l, "\n") + "\n"
	}
	tests := []struct {
		name string
		in   string
		line int
		code ErrorCode
	}{
		{"empty", "", 1, CodeEmpty},
		{"only a BOM", "\xEF\xBB\xBF", 1, CodeEmpty},
		{"header only", lines[0] + "\n", 2, CodeEmpty},
		{"unknown column", strings.Replace(good, "expected_result", "result", 1), 1, CodeCSV},
		{"missing column", strings.Replace(good, ",lead,", ",", 1), 1, CodeCSV},
		{"repeated column", strings.Replace(good, "task_key", "lead", 1), 1, CodeCSV},
		{"a row with a missing field", with(3, func(s string) string { return s[:strings.LastIndex(s, ",")] }), 3, CodeCSV},
		{"bare quote", with(3, func(s string) string { return strings.Replace(s, "Sở Xây dựng", `Sở "Xây" dựng`, 1) }), 3, CodeCSV},
		{"non-UTF-8", with(5, func(s string) string { return strings.Replace(s, "Sở", "S\xff", 1) }), 5, CodeEncoding},
		{"another plan number", with(6, func(s string) string { return strings.Replace(s, "55/KH-SXD", "56/KH-SXD", 1) }), 6, CodeCSV},
		{"bad date", with(2, func(s string) string { return strings.Replace(s, "2025-06-11", "2025-13-01", 1) }), 2, CodeCSV},
		{"bad dimension", with(2, func(s string) string { return strings.Replace(s, ",I,", ",1,", 1) }), 2, CodeDimension},
		{"dimension title differs", with(5, func(s string) string { return strings.Replace(s, "TRÁCH NHIỆM", "TRÁCH  NHIỆM X", 1) }), 5, CodeDimension},
		{"task key contradicts number", with(3, func(s string) string { return strings.Replace(s, ",II.1,", ",II.2,", 1) }), 3, CodeTask},
		{"repeated task number", with(5, func(s string) string { return strings.Replace(s, ",2,III.2,", ",1,,", 1) }), 5, CodeTask},
		{"bad task number", with(5, func(s string) string { return strings.Replace(s, ",2,III.2,", ",two,,", 1) }), 5, CodeTask},
		{"empty lead", with(2, func(s string) string { return strings.Replace(s, ",Văn phòng Sở,", ",,", 1) }), 2, CodeTask},
		{"bad year", with(2, func(s string) string { return strings.Replace(s, ",2025,", ",MMXXV,", 1) }), 2, CodeCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseCSV(strings.NewReader(tt.in))
			if p != nil {
				t.Error("got a plan with the error")
			}
			wantParseError(t, err, tt.line, tt.code)
		})
	}
}

// TestParseCSVLineAfterMultilineCell checks that line numbers count
// physical lines, as an editor shows them, past a quoted multi-line cell.
func TestParseCSVLineAfterMultilineCell(t *testing.T) {
	in := "plan_number,issued_on,issuing_body,title,dimension,dimension_title,task_number,text,lead,coordinating,timeframe,expected_result\n" +
		"1/KH,2026-01-05,Sở Xây dựng,Kế hoạch,I,Tham gia,1,\"dòng một\ndòng hai\ndòng ba\",Văn phòng Sở,,Thường xuyên,\n" +
		"1/KH,2026-01-05,Sở Xây dựng,Kế hoạch,I,Tham gia,2,Việc hai,,,Thường xuyên,\n"
	_, err := ParseCSV(strings.NewReader(in))
	wantParseError(t, err, 5, CodeTask) // the empty lead of task 2
}

func TestWriteCSVRejectsInvalidPlan(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, nil); err == nil {
		t.Error("nil plan written")
	}
	p := seedPlan(t)
	p.Number = ""
	if err := WriteCSV(&buf, p); err == nil {
		t.Error("invalid plan written")
	}
	if buf.Len() != 0 {
		t.Error("partial output written for an invalid plan")
	}
}

func TestDetect(t *testing.T) {
	csvData := writeCSV(t, seedPlan(t))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"appendix", SeedAppendix(), FormatAppendix},
		{"csv with BOM", csvData, FormatCSV},
		{"csv without BOM", bytes.TrimPrefix(csvData, utf8BOM), FormatCSV},
		{"csv after blank lines, other column order", []byte("\n\r\ndimension,plan_number,text\n"), FormatCSV},
		{"empty", nil, FormatAppendix},
		{"unknown text", []byte("hello"), FormatAppendix},
	}
	for _, tt := range tests {
		if got := Detect(tt.data); got != tt.want {
			t.Errorf("%s: Detect = %q, want %q", tt.name, got, tt.want)
		}
	}
}
