package access

import (
	"slices"
	"testing"
)

// ContactScope, the filter a search matches petitioners' contacts with,
// agrees with Can(ActContactRead) on every role and shape of case whose
// identity is not secret (a secret one has no searchable contact at all).
func TestContactScopeAgreesWithCan(t *testing.T) {
	cases := []CaseScope{
		{CaseID: 1, Kind: "phan_anh", LeadUnitID: 10},
		{CaseID: 2, Kind: "kien_nghi", LeadUnitID: 20, CoordinatingUnitIDs: []int64{10}},
		{CaseID: 3, Kind: "khieu_nai"},
		{CaseID: 4, Kind: KindDenunciation, Denunciation: true, SecrecyWaived: true, LeadUnitID: 10},
	}
	actors := []Actor{
		{AccountID: 1, UnitID: 10, Roles: []Role{UnitOfficer}},
		{AccountID: 2, UnitID: 20, Roles: []Role{UnitHead}},
		{AccountID: 3, UnitID: 1, Roles: []Role{Office}},
		{AccountID: 4, Roles: []Role{Leadership}},
		{AccountID: 5, Roles: []Role{Admin}},
		{AccountID: 6, Roles: []Role{Auditor}},
		{AccountID: 7, Roles: []Role{UnitOfficer}},
		{AccountID: 8, UnitID: 10, Roles: []Role{Leadership, UnitOfficer}},
		{},
	}
	matched := 0
	for _, a := range actors {
		f := ContactScope(a)
		for _, c := range cases {
			inFilter := f.All || c.LeadUnitID != 0 && slices.Contains(f.UnitIDs, c.LeadUnitID) ||
				slices.ContainsFunc(c.CoordinatingUnitIDs, func(u int64) bool { return slices.Contains(f.UnitIDs, u) })
			if f.Covers(c) != inFilter {
				t.Errorf("actor %d %v, case %d: Covers %v, the filter's condition %v", a.AccountID, a.Roles, c.CaseID, f.Covers(c), inFilter)
			}
			if can := Can(a, ActContactRead, &c); inFilter != can {
				t.Errorf("actor %d %v, case %d: filter %v, Can %v", a.AccountID, a.Roles, c.CaseID, inFilter, can)
			}
			if inFilter {
				matched++
			}
		}
	}
	if matched == 0 {
		t.Fatal("no actor may search any contact: the test checks nothing")
	}
}
