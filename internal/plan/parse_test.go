package plan

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const divisionsName = "Các phòng, ban, đơn vị thuộc Sở"

var (
	vpLead       = UnitRef{Unit: UnitOffice, Name: "Văn phòng Sở", Role: RoleLead}
	divCoord     = UnitRef{Unit: UnitDivisions, Name: divisionsName, Group: true, Role: RoleCoordinate}
	divLead      = UnitRef{Unit: UnitDivisions, Name: divisionsName, Group: true, Role: RoleLead}
	vpWith       = func(r Role) UnitRef { return UnitRef{Unit: UnitOffice, Name: "Văn phòng Sở", Role: r} }
	seedTitleVal = "CÁC NHIỆM VỤ, GIẢI PHÁP NHẰM NÂNG CAO CHỈ SỐ HIỆU QUẢ QUẢN TRỊ " +
		"VÀ HÀNH CHÍNH CÔNG CẤP TỈNH (PAPI) TỈNH LẠNG SƠN NĂM 2025 CỦA SỞ XÂY DỰNG"
)

func TestSeedIsEmbeddedByteIdentical(t *testing.T) {
	onDisk, err := os.ReadFile("seed/" + SeedName)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(SeedAppendix(), onDisk) {
		t.Fatal("embedded seed differs from seed/" + SeedName)
	}
	// Callers get a copy: changing it must not change the next one.
	b := SeedAppendix()
	b[0] = 'X'
	if SeedAppendix()[0] == 'X' {
		t.Fatal("SeedAppendix returned shared memory")
	}
}

func TestParseSeedHeader(t *testing.T) {
	p := seedPlan(t)
	got := *p
	got.Dimensions = nil
	checkEqual(t, "plan", got, Plan{
		Number:      "55/KH-SXD",
		IssuedOn:    "2025-06-11",
		IssuingBody: "Sở Xây dựng",
		Title:       seedTitleVal,
		Appendix:    "Phụ lục III",
		Year:        2025,
	})
}

func TestParseSeedDimensions(t *testing.T) {
	p := seedPlan(t)
	type dim struct {
		Numeral string
		Ordinal int
		Title   string
		Keys    []string
	}
	var got []dim
	for _, d := range p.Dimensions {
		x := dim{Numeral: d.Numeral, Ordinal: d.Ordinal, Title: d.Title}
		for _, task := range d.Tasks {
			x.Keys = append(x.Keys, task.Key)
		}
		got = append(got, x)
	}
	checkEqual(t, "dimensions", got, []dim{
		{"I", 1, "THAM GIA CỦA NGƯỜI DÂN Ở CẤP CƠ SỞ", []string{"I.1"}},
		{"II", 2, "CÔNG KHAI, MINH BẠCH TRONG VIỆC RA QUYẾT ĐỊNH", []string{"II.1"}},
		{"III", 3, "TRÁCH NHIỆM GIẢI TRÌNH VỚI NGƯỜI DÂN", []string{"III.1", "III.2"}},
		{"IV", 4, "KIỂM SOÁT THAM NHŨNG TRONG KHU VỰC CÔNG", []string{"IV.1", "IV.2", "IV.3"}},
		{"V", 5, "THỦ TỤC HÀNH CHÍNH CÔNG", []string{"V.1", "V.2"}},
		{"VI", 6, "CUNG ỨNG DỊCH VỤ CÔNG", []string{"VI.1"}},
		{"VII", 7, "QUẢN TRỊ ĐIỆN TỬ", []string{"VII"}},
	})
	if n := len(p.Tasks()); n != 11 {
		t.Errorf("%d tasks, want 11", n)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// TestParseSeedTasks pins every field of the tasks that exercise the
// file's quirks: a blank line inside the row (II.1, V.1), a trailing space
// in the lead cell (IV.2, V.1), an empty number cell (VII), role words in
// the lead and coordinating cells (IV.1, VII).
func TestParseSeedTasks(t *testing.T) {
	p := seedPlan(t)
	tests := []struct {
		key  string
		want PlanTask
	}{
		{"II.1", PlanTask{
			Number:         "1",
			Key:            "II.1",
			Text:           "Đảm bảo 100% các thông tin bắt buộc phải công khai theo quy định (quy hoạch, TTHC...) được công khai đầy đủ, kịp thời, dễ tiếp cận trên nhiều kênh.",
			Units:          []UnitRef{vpLead, divCoord},
			Timeframe:      TimeframeOngoing,
			TimeframeText:  "Thường xuyên",
			ExpectedResult: "100% thông tin bắt buộc được công khai. Tăng tỷ lệ người dân biết và tiếp cận được các thông tin này.",
			Targets: []Target{{
				Metric: MetricMandatoryInfoPublishedRate, Value: 100, Unit: UnitPercent,
				Text: "100% thông tin bắt buộc được công khai.",
			}},
		}},
		{"IV.1", PlanTask{
			Number:         "1",
			Key:            "IV.1",
			Text:           "Thực hiện nghiêm các quy định của pháp luật về phòng, chống tham nhũng, tiêu cực; tăng cường tuyên truyền, thực hiện các biện pháp công khai, minh bạch và xử lý nghiêm các hành vi vi phạm.",
			Units:          []UnitRef{vpLead, vpWith(RoleChase), divCoord},
			Timeframe:      TimeframeOngoing,
			TimeframeText:  "Thường xuyên",
			ExpectedResult: "Giảm thiểu các hành vi tham nhũng, tiêu cực. Tăng niềm tin của người dân vào công tác phòng, chống tham nhũng.",
		}},
		{"IV.2", PlanTask{
			Number:         "2",
			Key:            "IV.2",
			Text:           "Đảm bảo công bằng, minh bạch, khách quan trong công tác tuyển dụng công chức, viên chức bằng việc công khai kế hoạch, tiêu chuẩn, quy trình và xử lý nghiêm các hành vi tiêu cực (nếu có).",
			Units:          []UnitRef{vpLead, divCoord},
			Timeframe:      TimeframePerRecruitmentRound,
			TimeframeText:  "Theo kỳ tuyển dụng",
			ExpectedResult: "Không có phản ánh, tố cáo về tiêu cực trong công tác tuyển dụng.",
		}},
		{"IV.3", PlanTask{
			Number:         "3",
			Key:            "IV.3",
			Text:           "Tăng cường kiểm soát, ngăn chặn tình trạng nhũng nhiễu trong cung ứng dịch vụ công, đặc biệt tại các lĩnh vực nhạy cảm thông qua kiểm tra đột xuất và công khai đường dây nóng.",
			Units:          []UnitRef{divLead, vpWith(RoleCompile), vpWith(RoleMonitor)},
			Timeframe:      TimeframeOngoing,
			TimeframeText:  "Thường xuyên",
			ExpectedResult: `Giảm thiểu đáng kể cảm nhận của người dân về tình trạng "chung chi", nhũng nhiễu khi sử dụng dịch vụ công.`,
		}},
		{"V.1", PlanTask{
			Number: "1",
			Key:    "V.1",
			Text:   "Nâng cao chất lượng phục vụ, thái độ, kỹ năng của CBCCVC tại Bộ phận Một cửa cấp tỉnh thông qua tập huấn, đánh giá sự hài lòng và xử lý nghiêm các trường hợp vi phạm.",
			Units: []UnitRef{
				{Unit: UnitServiceCentre, Name: "Công chức, viên chức tại TTPVHCC tỉnh", Role: RoleLead},
				divCoord,
			},
			Timeframe:      TimeframeOngoing,
			TimeframeText:  "Thường xuyên",
			ExpectedResult: "Tăng mức độ hài lòng của người dân về thái độ phục vụ, năng lực chuyên môn của CBCCVC tại Trung tâm Phục vụ hành chính công tỉnh.",
		}},
		{"V.2", PlanTask{
			Number:         "2",
			Key:            "V.2",
			Text:           "Tiếp tục rà soát, đơn giản hóa TTHC, giảm thời gian đi lại, chờ đợi và chi phí không chính thức cho người dân, doanh nghiệp; công khai minh bạch các khoản phí, lệ phí.",
			Units:          []UnitRef{divLead, vpWith(RoleCompile), vpWith(RoleMonitor)},
			Timeframe:      TimeframeAsScheduled,
			TimeframeText:  "Theo kế hoạch",
			ExpectedResult: "Số lượng TTHC được đơn giản hóa tăng. Thời gian giải quyết TTHC được rút ngắn. Chi phí không chính thức giảm.",
		}},
		{"VII", PlanTask{
			Number:         "",
			Key:            "VII",
			Text:           "Nâng cao hiệu quả tương tác và chất lượng phúc đáp kiến nghị của người dân, doanh nghiệp qua các kênh điện tử, đảm bảo 100% kiến nghị hợp lệ được phúc đáp kịp thời, đầy đủ, rõ ràng.",
			Units:          []UnitRef{divLead, vpWith(RoleChase), vpWith(RoleMonitor), vpWith(RoleCompile)},
			Timeframe:      TimeframeOngoing,
			TimeframeText:  "Thường xuyên",
			ExpectedResult: "Người dân, doanh nghiệp hài lòng với việc được phúc đáp kiến nghị qua kênh điện tử. Tỷ lệ phúc đáp đúng hạn, chất lượng cao.",
			Targets: []Target{{
				Metric: MetricOnTimeRate, Value: 100, Unit: UnitPercent,
				Text: "Nâng cao hiệu quả tương tác và chất lượng phúc đáp kiến nghị của người dân, doanh nghiệp qua các kênh điện tử, đảm bảo 100% kiến nghị hợp lệ được phúc đáp kịp thời, đầy đủ, rõ ràng.",
			}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			checkEqual(t, tt.key, findTask(t, p, tt.key), tt.want)
		})
	}
}

// TestParseSeedFacts restates the acceptance criteria one by one, so that a
// failure reads as the requirement it breaks.
func TestParseSeedFacts(t *testing.T) {
	p := seedPlan(t)
	lead := func(key string) []string {
		var out []string
		for _, u := range findTask(t, p, key).Units {
			if u.Role == RoleLead {
				out = append(out, u.Unit)
			}
		}
		return out
	}
	rolesOf := func(key, unit string) []Role {
		var out []Role
		for _, u := range findTask(t, p, key).Units {
			if u.Unit == unit {
				out = append(out, u.Role)
			}
		}
		return out
	}
	checkEqual(t, "V.1 lead", lead("V.1"), []string{UnitServiceCentre})
	checkEqual(t, "IV.2 timeframe", findTask(t, p, "IV.2").Timeframe, TimeframePerRecruitmentRound)
	checkEqual(t, "IV.1 VP roles", rolesOf("IV.1", UnitOffice), []Role{RoleLead, RoleChase})
	checkEqual(t, "VII lead", lead("VII"), []string{UnitDivisions})
	checkEqual(t, "VII VP roles", rolesOf("VII", UnitOffice), []Role{RoleChase, RoleMonitor, RoleCompile})
	checkEqual(t, "VII number", findTask(t, p, "VII").Number, "")

	vii := findTask(t, p, "VII").Targets
	if len(vii) != 1 || vii[0].Metric != MetricOnTimeRate || vii[0].Value != 100 || vii[0].Unit != UnitPercent {
		t.Errorf("VII targets = %+v, want on_time_rate 100 percent", vii)
	}
	ii := findTask(t, p, "II.1").Targets
	if len(ii) != 1 || ii[0].Value != 100 || ii[0].Unit != UnitPercent {
		t.Errorf("II.1 targets = %+v, want one 100 percent target", ii)
	}
	if u := p.UnknownUnits(); len(u) != 0 {
		t.Errorf("seed has unknown units: %+v", u)
	}
}

// TestParseTolerates checks that variations a real export or a hand edit
// produces parse to exactly the seed plan.
func TestParseTolerates(t *testing.T) {
	want := seedPlan(t)
	seed := string(SeedAppendix())
	tests := []struct {
		name string
		data []byte
	}{
		{"CRLF line ends", []byte(strings.ReplaceAll(seed, "\n", "\r\n"))},
		{"UTF-8 byte-order mark", append([]byte("\xEF\xBB\xBF"), seed...)},
		{"no final newline", []byte(strings.TrimRight(seed, "\n"))},
		{"no-break and double spaces", []byte(strings.ReplaceAll(seed, "Văn phòng Sở", "Văn\u00a0phòng  Sở"))},
		{"leading blank lines", []byte("\n\n" + seed)},
		{"blank lines doubled", []byte(strings.ReplaceAll(seed, "\n\n", "\n\n\n"))},
		{"blank line between lead and coordinating cells", edit(t, func(l []string) []string {
			return insert(l, 71, "") // IV.3: after its lead cell (line 71)
		})},
		{"header row repeated at a page break", edit(t, func(l []string) []string {
			return insert(l, 75, "\tSTT", "\tNhiệm vụ cụ thể", "\tCơ quan chủ trì", "\tCơ quan phối hợp",
				"\tThời gian hoàn thành", "\tSản phẩm/Kết quả dự kiến", "")
		})},
		{"column numbers under the header", edit(t, func(l []string) []string {
			return insert(l, 13, "\t(1)", "\t(2)", "\t(3)", "\t(4)", "\t(5)", "\t(6)", "")
		})},
		{"tab and spaces around cells", []byte(strings.ReplaceAll(seed, "\tThường xuyên\n", "\t\t Thường xuyên \t\n"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkEqual(t, "plan", got, want)
		})
	}
}

// insert puts new lines after line n (1-based), i.e. at index n.
func insert(lines []string, n int, add ...string) []string {
	out := append([]string(nil), lines[:n]...)
	out = append(out, add...)
	return append(out, lines[n:]...)
}

func TestParseTwoUnnumberedTasks(t *testing.T) {
	data := edit(t, func(l []string) []string {
		// Copy the VII row (lines 107–112) below itself.
		return append(l, append([]string{""}, l[106:112]...)...)
	})
	p, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, task := range p.Dimensions[len(p.Dimensions)-1].Tasks {
		keys = append(keys, task.Key)
	}
	checkEqual(t, "VII keys", keys, []string{"VII", "VII.u2"})
}

func TestParseOtherDateAndYearForms(t *testing.T) {
	data := edit(t, func(l []string) []string {
		l[0] = "PHỤ LỤC 3"
		l[3] = "VÀ HÀNH CHÍNH CÔNG CẤP TỈNH (PAPI) TỈNH LẠNG SƠN"
		l[4] = "(Kèm theo Kế hoạch số 12/KH-SXD ngày 20 tháng 12 năm 2025 của Sở Xây dựng tỉnh Lạng Sơn)"
		return l
	})
	p, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got := *p
	got.Dimensions = nil
	checkEqual(t, "plan", got, Plan{
		Number: "12/KH-SXD", IssuedOn: "2025-12-20", IssuingBody: "Sở Xây dựng tỉnh Lạng Sơn",
		Title:    "CÁC NHIỆM VỤ, GIẢI PHÁP NHẰM NÂNG CAO CHỈ SỐ HIỆU QUẢ QUẢN TRỊ VÀ HÀNH CHÍNH CÔNG CẤP TỈNH (PAPI) TỈNH LẠNG SƠN",
		Appendix: "Phụ lục 3", Year: 2025, // no "năm" in the title: the issue year
	})
}

func TestTimeframe(t *testing.T) {
	tests := []struct {
		in   string
		want Timeframe
	}{
		{"Thường xuyên", TimeframeOngoing},
		{"thường  xuyên.", TimeframeOngoing},
		{"Theo kỳ tuyển dụng", TimeframePerRecruitmentRound},
		{"Theo kì tuyển dụng", TimeframePerRecruitmentRound},
		{"Theo kế hoạch", TimeframeAsScheduled},
		{"THEO KẾ HOẠCH", TimeframeAsScheduled},
		{"Quý III/2026", TimeframeOther},
		{"", TimeframeOther},
	}
	for _, tt := range tests {
		if got := ParseTimeframe(tt.in); got != tt.want {
			t.Errorf("ParseTimeframe(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestExtractTargets(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
		want  []Target
	}{
		{"on time", []string{"Nâng cao chất lượng, đảm bảo 100% kiến nghị hợp lệ được phúc đáp kịp thời, đầy đủ."},
			[]Target{{MetricOnTimeRate, 100, UnitPercent, "Nâng cao chất lượng, đảm bảo 100% kiến nghị hợp lệ được phúc đáp kịp thời, đầy đủ."}}},
		{"publication wins over kịp thời after it", []string{"Đảm bảo 100% các thông tin bắt buộc phải công khai theo quy định (quy hoạch, TTHC...) được công khai đầy đủ, kịp thời."},
			[]Target{{MetricMandatoryInfoPublishedRate, 100, UnitPercent, "Đảm bảo 100% các thông tin bắt buộc phải công khai theo quy định (quy hoạch, TTHC...) được công khai đầy đủ, kịp thời."}}},
		{"subject before the number, two targets", []string{"Tỷ lệ hài lòng đạt 90%, tỷ lệ hồ sơ TTHC giải quyết đúng hạn đạt 99,5%."},
			[]Target{
				{MetricSatisfactionRate, 90, UnitPercent, "Tỷ lệ hài lòng đạt 90%, tỷ lệ hồ sơ TTHC giải quyết đúng hạn đạt 99,5%."},
				{MetricProcedureOnTimeRate, 99.5, UnitPercent, "Tỷ lệ hài lòng đạt 90%, tỷ lệ hồ sơ TTHC giải quyết đúng hạn đạt 99,5%."},
			}},
		{"space before %, second sentence", []string{"Tăng cường chuyển đổi số. Phấn đấu 95 % hồ sơ được tiếp nhận trực tuyến."},
			[]Target{{MetricOnlineRate, 95, UnitPercent, "Phấn đấu 95 % hồ sơ được tiếp nhận trực tuyến."}}},
		{"unclassified percentage kept", []string{"Giảm 30% chi phí."},
			[]Target{{MetricOther, 30, UnitPercent, "Giảm 30% chi phí."}}},
		{"no percentage", []string{"Không có phản ánh, tố cáo về tiêu cực."}, nil},
		{"same target in result and text is one, quoted from the first",
			[]string{"100% thông tin bắt buộc được công khai.", "Đảm bảo 100% các thông tin bắt buộc phải công khai."},
			[]Target{{MetricMandatoryInfoPublishedRate, 100, UnitPercent, "100% thông tin bắt buộc được công khai."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEqual(t, "targets", ExtractTargets(tt.texts...), tt.want)
		})
	}
}
