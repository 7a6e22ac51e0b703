package main

import (
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
)

// caseTeam creates who works a case in a walk, each named after the walk:
// the office (office-<name>@sxd.test), and an officer (cv-<name>) and the
// head (tp-<name>) of PQLXD, the unit the walks assign cases to.
func (ta *testApp) caseTeam(t *testing.T, name string) (office, officer, head access.Actor) {
	t.Helper()
	return ta.staffActor(t, "office-"+name+"@sxd.test", "VP", access.Office),
		ta.staffActor(t, "cv-"+name+"@sxd.test", "PQLXD", access.UnitOfficer),
		ta.staffActor(t, "tp-"+name+"@sxd.test", "PQLXD", access.UnitHead)
}

// registerAt registers a case the office received at local time at
// ("2026-11-02 09:00", which the test clock is set to).
func (ta *testApp) registerAt(t *testing.T, by access.Actor, at string, in petition.RegisterInput) petition.Result {
	t.Helper()
	ta.setLocal(t, at)
	in.ReceivedAt = ta.Clock.Now()
	return ta.register(t, by, in)
}
