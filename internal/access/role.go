package access

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a staff role. An account may hold several.
type Role string

const (
	// UnitOfficer (chuyên viên) sees and works the cases where their unit is
	// lead or coordinating: answers, notes, extension requests.
	UnitOfficer Role = "unit_officer"
	// UnitHead (trưởng đơn vị) sees the same and approves the unit's
	// answers and extension requests. A unit head of the office is "the
	// office's head", who grants identity.read.
	UnitHead Role = "unit_head"
	// Office (Văn phòng Sở) sees every case; registers, classifies,
	// assigns, chases, keeps the calendar and topics.
	Office Role = "office"
	// Leadership (lãnh đạo Sở) sees every case and report; approves
	// extensions beyond a unit's power; otherwise reads only.
	Leadership Role = "leadership"
	// Admin manages accounts, tokens, jobs and settings. It sees case
	// content only with one of the roles above as well.
	Admin Role = "admin"
	// Auditor reads the audit trail and the identity access log, nothing
	// else.
	Auditor Role = "auditor"
)

// AllRoles lists every role in display order.
func AllRoles() []Role {
	return []Role{UnitOfficer, UnitHead, Office, Leadership, Admin, Auditor}
}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if slices.Contains(AllRoles(), r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want one of %s)", s, strings.Join(roleNames(AllRoles()), ", "))
}

// UnitScoped says whether the role only reaches its own unit's cases, and so
// needs the account to belong to a unit.
func (r Role) UnitScoped() bool { return r == UnitOfficer || r == UnitHead }

// NormalizeRoles removes duplicates and sorts roles in display order.
func NormalizeRoles(rs []Role) []Role {
	var out []Role
	for _, r := range AllRoles() {
		if slices.Contains(rs, r) {
			out = append(out, r)
		}
	}
	return out
}

func roleNames(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// JoinRoles renders roles as "a,b" for storage and display.
func JoinRoles(rs []Role) string { return strings.Join(roleNames(NormalizeRoles(rs)), ",") }

// SplitRoles parses JoinRoles' output; unknown names are dropped, so a role
// removed from the code never grants anything.
func SplitRoles(s string) []Role {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		if r, err := ParseRole(p); err == nil {
			out = append(out, r)
		}
	}
	return NormalizeRoles(out)
}
