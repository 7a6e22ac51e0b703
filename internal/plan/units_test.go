package plan

import (
	"strings"
	"testing"
)

func TestParseUnitCell(t *testing.T) {
	vp := func(r Role) UnitRef { return UnitRef{Unit: UnitOffice, Name: "Văn phòng Sở", Role: r} }
	unknown := func(name, code string, r Role) UnitRef {
		return UnitRef{Unit: code, Name: name, Role: r, Unknown: true}
	}
	tests := []struct {
		name string
		cell string
		base Role
		want []UnitRef
	}{
		{"plain lead", "Văn phòng Sở", RoleLead, []UnitRef{vp(RoleLead)}},
		{"plain coordinating", "Văn phòng Sở", RoleCoordinate, []UnitRef{vp(RoleCoordinate)}},
		{"lead with a role word keeps lead", "Văn phòng Sở đôn đốc", RoleLead, []UnitRef{vp(RoleLead), vp(RoleChase)}},
		{"role words replace coordinate", "Văn phòng Sở tổng hợp, theo dõi", RoleCoordinate,
			[]UnitRef{vp(RoleCompile), vp(RoleMonitor)}},
		{"three roles in written order", "Văn phòng Sở đôn đốc theo dõi, tổng hợp", RoleCoordinate,
			[]UnitRef{vp(RoleChase), vp(RoleMonitor), vp(RoleCompile)}},
		{"explicit phối hợp among other roles", "Văn phòng Sở phối hợp, tổng hợp", RoleCoordinate,
			[]UnitRef{vp(RoleCoordinate), vp(RoleCompile)}},
		{"no column role", "Văn phòng Sở", "", nil},
		{"upper case and extra spaces", "  VĂN PHÒNG   SỞ  ", RoleLead,
			[]UnitRef{{Unit: UnitOffice, Name: "VĂN PHÒNG SỞ", Role: RoleLead}}},
		{"group, comma left out", "Các phòng ban, đơn vị thuộc Sở", RoleCoordinate,
			[]UnitRef{{Unit: UnitDivisions, Name: "Các phòng ban, đơn vị thuộc Sở", Group: true, Role: RoleCoordinate}}},
		{"service centre as written in V.1", "Công chức, viên chức tại TTPVHCC tỉnh ", RoleLead,
			[]UnitRef{{Unit: UnitServiceCentre, Name: "Công chức, viên chức tại TTPVHCC tỉnh", Role: RoleLead}}},
		{"service centre full name", "Trung tâm Phục vụ hành chính công tỉnh", RoleLead,
			[]UnitRef{{Unit: UnitServiceCentre, Name: "Trung tâm Phục vụ hành chính công tỉnh", Role: RoleLead}}},
		{"example division of a later plan", "Phòng Quản lý xây dựng", RoleLead,
			[]UnitRef{{Unit: "PQLXD", Name: "Phòng Quản lý xây dựng", Role: RoleLead}}},
		{"en dash for hyphen", "Phòng Quy hoạch – Kiến trúc", RoleCoordinate,
			[]UnitRef{{Unit: "PQHKT", Name: "Phòng Quy hoạch – Kiến trúc", Role: RoleCoordinate}}},
		{"several known units", "Văn phòng Sở, Phòng Quản lý xây dựng và Thanh tra Sở", RoleLead, []UnitRef{
			vp(RoleLead),
			{Unit: "PQLXD", Name: "Phòng Quản lý xây dựng", Role: RoleLead},
			{Unit: "TTRA", Name: "Thanh tra Sở", Role: RoleLead},
		}},
		{"roles per unit", "Văn phòng Sở; Thanh tra Sở theo dõi", RoleCoordinate, []UnitRef{
			vp(RoleCoordinate),
			{Unit: "TTRA", Name: "Thanh tra Sở", Role: RoleMonitor},
		}},
		{"role words before the unit", "Tổng hợp: Văn phòng Sở", RoleCoordinate, []UnitRef{vp(RoleCompile)}},
		{"unknown name with comma and và stays whole", "Phòng Kinh tế, Hạ tầng và Đô thị", RoleLead, []UnitRef{
			unknown("Phòng Kinh tế, Hạ tầng và Đô thị", "phong-kinh-te-ha-tang-va-do-thi", RoleLead),
		}},
		{"unknown names split before a unit word", "Phòng Kinh tế, Phòng Tư pháp tổng hợp", RoleCoordinate, []UnitRef{
			unknown("Phòng Kinh tế", "phong-kinh-te", RoleCoordinate),
			unknown("Phòng Tư pháp", "phong-tu-phap", RoleCompile),
		}},
		{"unknown and known", "Ủy ban nhân dân tỉnh; Văn phòng Sở tổng hợp", RoleCoordinate, []UnitRef{
			unknown("Ủy ban nhân dân tỉnh", "uy-ban-nhan-dan-tinh", RoleCoordinate),
			vp(RoleCompile),
		}},
		{"a unit named twice is one unit", "Văn phòng Sở tổng hợp; Văn phòng Sở Xây dựng theo dõi, tổng hợp", RoleCoordinate,
			[]UnitRef{vp(RoleCompile), vp(RoleMonitor)}},
		{"empty", "", RoleCoordinate, nil},
		{"only separators", " , ; ", RoleCoordinate, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUnitCell(tt.cell, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			checkEqual(t, "refs", got, tt.want)
		})
	}
}

func TestParseUnitCellErrors(t *testing.T) {
	for _, cell := range []string{"tổng hợp, theo dõi", "Đôn đốc"} {
		if got, err := ParseUnitCell(cell, RoleCoordinate); err == nil {
			t.Errorf("ParseUnitCell(%q) = %+v, want an error", cell, got)
		}
	}
}

// TestRenderCellsRoundTrip checks that the cells WriteCSV writes read back
// to the same references, for every shape of cell.
func TestRenderCellsRoundTrip(t *testing.T) {
	cells := [][2]string{
		{"Văn phòng Sở", "Các phòng, ban, đơn vị thuộc Sở"},
		{"Văn phòng Sở đôn đốc", "Các phòng, ban, đơn vị thuộc Sở"},
		{"Các phòng, ban, đơn vị thuộc Sở", "Văn phòng Sở đôn đốc theo dõi, tổng hợp"},
		{"Văn phòng Sở phối hợp, tổng hợp", ""},
		{"Phòng Kinh tế, Hạ tầng và Đô thị; Ban A tổng hợp", "Phòng B, Phòng C theo dõi; Văn phòng Sở phối hợp, đôn đốc"},
		{"Văn phòng Sở", "Thanh tra Sở chủ trì; Văn phòng Sở tổng hợp"},
		{"Văn phòng Sở", "Văn phòng Sở"},
	}
	for _, c := range cells {
		lead, err := ParseUnitCell(c[0], RoleLead)
		if err != nil {
			t.Fatal(err)
		}
		coord, err := ParseUnitCell(c[1], RoleCoordinate)
		if err != nil {
			t.Fatal(err)
		}
		refs := canonicalUnits(append(lead, coord...))
		l, co := renderCells(refs)
		lead2, _ := ParseUnitCell(l, RoleLead)
		coord2, _ := ParseUnitCell(co, RoleCoordinate)
		checkEqual(t, c[0]+" | "+c[1]+" → "+l+" | "+co, canonicalUnits(append(lead2, coord2...)), refs)
	}
}

func TestDirectory(t *testing.T) {
	d := DefaultDirectory()
	for written, code := range map[string]string{
		"Văn phòng Sở Xây dựng":                  UnitOffice,
		"văn phòng sở":                           UnitOffice,
		"Công chức, viên chức tại TTPVHCC tỉnh":  UnitServiceCentre,
		"Các phòng, ban, đơn vị thuộc Sở":        UnitDivisions,
		"Phòng Quy hoạch - Kiến trúc":            "PQHKT",
		"Phòng Quản lý xây dựng":                 "PQLXD",
		"Thanh tra Sở":                           "TTRA",
		"Trung tâm Phục vụ hành chính công tỉnh": UnitServiceCentre,
	} {
		u, ok := d.Lookup(written)
		if ok != (code != "") || u.Code != code {
			t.Errorf("Lookup(%q) = %q, %v; want %q", written, u.Code, ok, code)
		}
	}
	members := d.Members(UnitDivisions)
	checkEqual(t, "members", members, []string{"PQLXD", "PQHKT", "PPTDT", "PQLN", "PKTVL", "TTRA"})
	checkEqual(t, "VP members", d.Members(UnitOffice), []string{UnitOffice})
	if d.Members("nope") != nil {
		t.Error("unknown code has members")
	}

	aliases := UnitAliases()
	if aliases["Công chức, viên chức tại TTPVHCC tỉnh"] != UnitServiceCentre || aliases["Văn phòng Sở"] != UnitOffice {
		t.Errorf("UnitAliases misses seed forms: %v", aliases)
	}
	// The tables are fresh on every call: editing one changes nothing.
	aliases["Văn phòng Sở"] = "X"
	ku := KnownUnits()
	ku[0].Aliases[0] = "X"
	if UnitAliases()["Văn phòng Sở"] != UnitOffice || KnownUnits()[0].Aliases[0] == "X" {
		t.Error("unit tables are shared")
	}
	for _, u := range KnownUnits() {
		if u.Kind == KindDivision && !u.Example {
			t.Errorf("division %s is not marked as an example", u.Code)
		}
	}
}

func TestNewDirectory(t *testing.T) {
	_, err := NewDirectory([]KnownUnit{
		{Code: "A", Name: "Phòng A"},
		{Code: "B", Name: "Phòng B", Aliases: []string{"phòng  a"}},
	})
	if err == nil || !strings.Contains(err.Error(), "names both A and B") {
		t.Errorf("conflicting alias: err = %v", err)
	}
	if _, err := NewDirectory([]KnownUnit{{Code: "A", Name: "x"}, {Code: "A", Name: "y"}}); err == nil {
		t.Error("repeated code accepted")
	}
	d, err := NewDirectory([]KnownUnit{{Code: "QLXD", Name: "Phòng Quản lý xây dựng", Kind: KindDivision}})
	if err != nil {
		t.Fatal(err)
	}
	// With a directory that lacks VP, the seed still parses; VP is flagged.
	refs, err := d.ParseCell("Văn phòng Sở tổng hợp", RoleCoordinate)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "refs", refs, []UnitRef{{Unit: "van-phong-so", Name: "Văn phòng Sở", Role: RoleCompile, Unknown: true}})
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Phòng Quản lý xây dựng":        "phong-quan-ly-xay-dung",
		"Đội Kiểm tra – Số 2":           "doi-kiem-tra-so-2",
		"Ủy ban nhân dân tỉnh Lạng Sơn": "uy-ban-nhan-dan-tinh-lang-son",
		"—":                             "unit",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
