package access

import (
	"fmt"
	"strings"
	"testing"
)

const (
	unitA      = 11 // the actor's unit for unit roles
	unitB      = 12
	officeUnit = 1
)

func actorWith(id int64, unit int64, kind string, roles ...Role) Actor {
	return Actor{AccountID: id, Email: fmt.Sprintf("a%d@x.vn", id), UnitID: unit, UnitKind: kind, Roles: roles}
}

// The matrix of the role table, for every action, on the case
// shapes that matter. "A" is a case led by the actor's unit, "coA" one where
// it coordinates, "B" someone else's, "-" the route-level question (no
// case). Letters: y = allowed, . = refused.
func TestCanMatrix(t *testing.T) {
	cases := map[string]*CaseScope{
		"A":   {CaseID: 1, LeadUnitID: unitA},
		"coA": {CaseID: 2, LeadUnitID: unitB, CoordinatingUnitIDs: []int64{unitA}},
		"B":   {CaseID: 3, LeadUnitID: unitB},
		"-":   nil,
	}
	order := []string{"A", "coA", "B", "-"}
	actors := map[string]Actor{
		"officer":    actorWith(1, unitA, "division", UnitOfficer),
		"head":       actorWith(2, unitA, "division", UnitHead),
		"office":     actorWith(3, officeUnit, "office", Office),
		"leadership": actorWith(4, 0, "", Leadership),
		"admin":      actorWith(5, 0, "", Admin),
		"auditor":    actorWith(6, 0, "", Auditor),
		"officeHead": actorWith(7, officeUnit, "office", UnitHead, Office),
	}
	want := map[Action]map[string]string{
		ActSelf:                   {"officer": "yyyy", "head": "yyyy", "office": "yyyy", "leadership": "yyyy", "admin": "yyyy", "auditor": "yyyy", "officeHead": "yyyy"},
		ActInboxRead:              {"officer": "yyyy", "head": "yyyy", "office": "yyyy", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseRead:               {"officer": "yy.y", "head": "yy.y", "office": "yyyy", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActContactRead:            {"officer": "yy.y", "head": "yy.y", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActIdentityRead:           {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "...."},
		ActIdentityGrant:          {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseAnswer:             {"officer": "yy.y", "head": "yy.y", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "...y"},
		ActAnswerApprove:          {"officer": "....", "head": "yy.y", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "...y"},
		ActExtensionApprove:       {"officer": "....", "head": "yy.y", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "...y"},
		ActExtensionApproveBeyond: {"officer": "....", "head": "....", "office": "....", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "...."},
		ActCaseContribute:         {"officer": "yy.y", "head": "yy.y", "office": "....", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "...y"},
		ActCaseExtend:             {"officer": "yy.y", "head": "yy.y", "office": "....", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "...y"},
		ActCaseProcess:            {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseDecide:             {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseAssign:             {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseChase:              {"officer": "....", "head": "....", "office": "yyyy", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCaseReopen:             {"officer": "....", "head": "....", "office": "yyyy", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActCalendarManage:         {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActUnitManage:             {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "yyyy", "auditor": "....", "officeHead": "yyyy"},
		ActReportRead:             {"officer": "....", "head": "....", "office": "yyyy", "leadership": "yyyy", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActPublicationManage:      {"officer": "....", "head": "....", "office": "yyyy", "leadership": "....", "admin": "....", "auditor": "....", "officeHead": "yyyy"},
		ActAccountManage:          {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "yyyy", "auditor": "....", "officeHead": "...."},
		ActTokenManage:            {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "yyyy", "auditor": "....", "officeHead": "...."},
		ActAuditRead:              {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "yyyy", "auditor": "yyyy", "officeHead": "...."},
		ActAccessLogRead:          {"officer": "....", "head": "....", "office": "....", "leadership": "....", "admin": "....", "auditor": "yyyy", "officeHead": "...."},
	}
	for act, byActor := range want {
		for name, exp := range byActor {
			var got strings.Builder
			for _, k := range order {
				if Can(actors[name], act, cases[k]) {
					got.WriteByte('y')
				} else {
					got.WriteByte('.')
				}
			}
			if got.String() != exp {
				t.Errorf("%s %s on %v: got %s, want %s", name, act, order, got.String(), exp)
			}
		}
	}
}

func TestIdentityReadNeedsGrantCaseAndSecrecy(t *testing.T) {
	secret := &CaseScope{CaseID: 1, LeadUnitID: unitA, Denunciation: true}
	waived := &CaseScope{CaseID: 1, LeadUnitID: unitA, Denunciation: true, SecrecyWaived: true}
	other := &CaseScope{CaseID: 2, LeadUnitID: unitB, Denunciation: true}
	officer := actorWith(1, unitA, "division", UnitOfficer)
	granted := officer
	granted.IdentityGrant = true
	for _, tc := range []struct {
		name string
		a    Actor
		c    *CaseScope
		want bool
	}{
		{"no grant", officer, secret, false},
		{"grant on own case", granted, secret, true},
		{"grant on a case not theirs", granted, other, false},
		{"grant on a waived case: nothing to reveal", granted, waived, false},
		{"grant, route level", granted, nil, true},
		{"anonymous with grant flag", Actor{IdentityGrant: true, Roles: []Role{Office}}, secret, false},
	} {
		if got := Can(tc.a, ActIdentityRead, tc.c); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
	// A secret denunciation's contact is never shown through the contact
	// permission, even to the office.
	if Can(actorWith(3, officeUnit, "office", Office), ActContactRead, secret) {
		t.Error("office reads a denouncer's contact without a reveal")
	}
	if !Can(actorWith(3, officeUnit, "office", Office), ActContactRead, waived) {
		t.Error("office cannot read a waived denouncer's contact")
	}
}

func TestUnknownActionIsRefused(t *testing.T) {
	all := actorWith(1, unitA, "office", AllRoles()...)
	all.IdentityGrant = true
	if Can(all, Action("case.delete"), nil) {
		t.Error("an action the policy does not know was allowed")
	}
}

func TestViewIdentity(t *testing.T) {
	id := Identity{Name: "Nguyễn Văn Tố", Phone: "0912345678", Address: "Số 1, Lạng Sơn"}
	officer := actorWith(1, unitA, "division", UnitOfficer)
	granted := officer
	granted.IdentityGrant = true
	leader := actorWith(4, 0, "", Leadership)
	den := CaseScope{CaseID: 1, LeadUnitID: unitA, Denunciation: true}
	pakn := CaseScope{CaseID: 2, LeadUnitID: unitA}

	if v := ViewIdentity(granted, den, id); v.Shown || v.Name != "" || !v.Secret || !v.CanReveal {
		t.Errorf("granted officer, denunciation: %+v", v)
	}
	if v := ViewIdentity(officer, den, id); v.Shown || v.CanReveal {
		t.Errorf("officer, denunciation: %+v", v)
	}
	if v := ViewIdentity(officer, pakn, id); !v.Shown || v.Name != id.Name {
		t.Errorf("officer on own PAKN: %+v", v)
	}
	if v := ViewIdentity(leader, pakn, id); v.Shown || v.Phone != "" {
		t.Errorf("leadership sees contact: %+v", v)
	}
	waived := den
	waived.SecrecyWaived = true
	if v := ViewIdentity(officer, waived, id); !v.Shown || !v.Waived {
		t.Errorf("waived: %+v", v)
	}
}

func TestScrubText(t *testing.T) {
	id := Identity{Name: "Nguyễn Văn Tố", Phone: "0912345678"}
	in := "Tôi là NGUYỄN VĂN TỐ, số điện thoại 0912 345 678 (hoặc 0912.345.678), tố cáo ông X."
	got := ScrubText(in, id)
	if strings.Contains(strings.ToLower(got), "nguyễn văn tố") || strings.Contains(got, "345") {
		t.Errorf("not scrubbed: %s", got)
	}
	if !strings.Contains(got, "tố cáo ông X") {
		t.Errorf("scrubbed too much: %s", got)
	}
}

func TestListScopeMatchesRoles(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want CaseFilter
	}{
		{Actor{}, CaseFilter{}},
		{actorWith(1, unitA, "division", UnitOfficer), CaseFilter{UnitIDs: []int64{unitA}}},
		{actorWith(1, 0, "", UnitOfficer), CaseFilter{}},
		{actorWith(1, unitA, "division", UnitHead, Leadership), CaseFilter{All: true}},
		{actorWith(1, 0, "", Admin, Auditor), CaseFilter{}},
	} {
		got := ListScope(tc.a)
		if got.All != tc.want.All || fmt.Sprint(got.UnitIDs) != fmt.Sprint(tc.want.UnitIDs) {
			t.Errorf("%v: got %+v, want %+v", tc.a.Roles, got, tc.want)
		}
	}
}

// No role holds identity.read by itself, admin included; only the
// per-person grant does, and only on a sealed case the actor may read.
func TestNoRoleHoldsIdentityRead(t *testing.T) {
	all := AllRoles()
	sealed := &CaseScope{CaseID: 1, Kind: "khieu_nai", LeadUnitID: 10, Sealed: true}
	for mask := 1; mask < 1<<len(all); mask++ {
		var roles []Role
		for i, r := range all {
			if mask&(1<<i) != 0 {
				roles = append(roles, r)
			}
		}
		for _, unit := range []int64{0, 10, 20} {
			a := Actor{AccountID: 7, Roles: roles, UnitID: unit, UnitKind: "office"}
			if Can(a, ActIdentityRead, sealed) || Can(a, ActIdentityRead, nil) {
				t.Errorf("roles %v unit %d hold identity.read without a grant", roles, unit)
			}
			if !sealed.SecretIdentity() || Can(a, ActContactRead, sealed) {
				t.Errorf("roles %v read the contact of a sealed case", roles)
			}
		}
	}
}
