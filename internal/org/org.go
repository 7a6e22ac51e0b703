// Package org owns the directory of units: the office (Văn phòng Sở), the
// divisions, the one-stop service centre (TTPVHCC) and the unit groups that
// expand to their members ("Các phòng, ban, đơn vị thuộc Sở"). It says what
// a unit is and when one is valid, seeds the default directory (example
// divisions marked as examples), and declares the UnitStore the store
// implements. Staff accounts, roles and permissions are package access's.
package org

import (
	"context"
	"fmt"
)

// Kind says what a unit is.
type Kind string

const (
	KindOffice        Kind = "office"         // Văn phòng Sở
	KindDivision      Kind = "division"       // a phòng, ban or đơn vị thuộc Sở
	KindServiceCentre Kind = "service_centre" // TTPVHCC, the one-stop desk
	KindGroup         Kind = "group"          // a named set of units, e.g. every division
)

// Well-known unit codes that the plan parser and the seed share.
const (
	CodeOffice        = "VP"
	CodeServiceCentre = "TTPVHCC"
	CodeDivisions     = "DIVISIONS"
)

// Unit is one entry of the directory. A group has members and cannot be a
// case's lead; it expands to its members when assigned.
type Unit struct {
	ID         int64
	Code       string
	Name       string
	NameEN     string
	Kind       Kind
	ParentCode string
	Example    bool // seeded as an example; the real directory replaces it
	Active     bool
	Members    []string // codes of member units, for groups
	// Groups are the codes of the groups the unit is a member of.
	Groups []string
	// Email receives the unit's alerts besides its staff; "" for none.
	Email string
	// Aliases are the other written forms a plan may name the unit by: its
	// old names (a rename keeps them) and abbreviations.
	Aliases []string
	// MergedInto is the code of the unit that took over this one's open
	// work when the office merged it; set only on a retired unit.
	MergedInto string
}

// DisplayName is the unit's name in lang (Vietnamese when it has no
// English one).
func (u Unit) DisplayName(lang string) string {
	if lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.Name
}

// IsGroup reports whether the unit is a group of other units.
func (u Unit) IsGroup() bool { return u.Kind == KindGroup }

// Validate checks a unit before it is stored.
func (u Unit) Validate() error {
	if u.Code == "" || u.Name == "" {
		return fmt.Errorf("unit needs a code and a name")
	}
	switch u.Kind {
	case KindOffice, KindDivision, KindServiceCentre, KindGroup:
	default:
		return fmt.Errorf("unit %s: unknown kind %q", u.Code, u.Kind)
	}
	if len(u.Members) > 0 && !u.IsGroup() {
		return fmt.Errorf("unit %s: only a group has members", u.Code)
	}
	return nil
}

// DefaultUnits is the directory seeded on first start. The office, the
// service centre and the group of divisions come from the plan itself; the
// divisions are examples (a department's real list differs and changes with
// each reorganisation), marked so the office knows to edit them.
func DefaultUnits() []Unit {
	divisions := []Unit{
		{Code: "PQLXD", Name: "Phòng Quản lý xây dựng", NameEN: "Construction Management Division"},
		{Code: "PQHKT", Name: "Phòng Quy hoạch - Kiến trúc", NameEN: "Planning and Architecture Division"},
		{Code: "PPTDT", Name: "Phòng Phát triển đô thị", NameEN: "Urban Development Division"},
		{Code: "PQLN", Name: "Phòng Quản lý nhà và thị trường bất động sản", NameEN: "Housing and Real Estate Market Division"},
		{Code: "PKTVL", Name: "Phòng Kinh tế và Vật liệu xây dựng", NameEN: "Construction Economics and Materials Division"},
		{Code: "TTRA", Name: "Thanh tra Sở", NameEN: "Department Inspectorate"},
	}
	out := []Unit{
		{Code: CodeOffice, Name: "Văn phòng Sở", NameEN: "Department Office", Kind: KindOffice, Active: true},
		{Code: CodeServiceCentre, Name: "Trung tâm Phục vụ hành chính công tỉnh", NameEN: "Provincial Public Administrative Service Centre", Kind: KindServiceCentre, Active: true},
	}
	var members []string
	for _, d := range divisions {
		d.Kind, d.Example, d.Active = KindDivision, true, true
		out = append(out, d)
		members = append(members, d.Code)
	}
	out = append(out, Unit{
		Code: CodeDivisions, Name: "Các phòng, ban, đơn vị thuộc Sở", NameEN: "All divisions of the Department",
		Kind: KindGroup, Active: true, Members: members,
	})
	return out
}

// UnitStore persists the directory. ListUnits returns every unit, retired
// ones too (closed cases still name them); whoever offers units to choose
// from keeps the Active ones.
type UnitStore interface {
	ListUnits(ctx context.Context) ([]Unit, error)
	UnitByCode(ctx context.Context, code string) (Unit, error)
	// EnsureUnits inserts the units whose codes are missing and leaves the
	// others alone, so a seed never overwrites the office's edits.
	EnsureUnits(ctx context.Context, units []Unit) (created int, err error)
}
