package petition

import (
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
)

// FirstClock is the clock a new case starts with, for intake, staff
// registration and follow-ups alike: the step its due rule times, from its
// receipt, with the due time and spec the calculator gave. When the due
// time could not be computed the clock is still opened, uncomputed: every
// acknowledged case has its clock from the transaction that acknowledges
// it, and the office is told to fix it. The store fills in the case id.
func (nc NewCase) FirstClock() OpenClock {
	d := nc.Due
	oc := OpenClock{New: caseclock.New{Kind: ClockKindOf(d.RuleID), RuleID: d.RuleID, Started: nc.ReceivedAt.UTC(),
		ExplanationVI: d.Explanation.VI, ExplanationEN: d.Explanation.EN}}
	if d.Computed() {
		oc.DueAt = d.At.UTC()
	} else {
		oc.Uncomputed = d.Error
		if oc.Uncomputed == "" {
			oc.Uncomputed = "due time not computed"
		}
	}
	if d.Spec != nil {
		oc.Spec = *d.Spec
	} else {
		oc.Spec = deadline.Clock{RuleID: d.RuleID, Start: nc.ReceivedAt.UTC()}
	}
	return oc
}

// FirstEvents are a new case's first events: received (public) and the
// internal intake note (who registered it, through which channel).
func (nc NewCase) FirstEvents() []NewEvent {
	actor := "petitioner"
	if nc.RegisteredBy != "" {
		actor = nc.RegisteredBy
	}
	return []NewEvent{
		{Kind: EventReceived, Public: true},
		{Kind: EventIntake, Actor: actor, Note: IntakeNote(nc.Channel, len(nc.Files), nc.Identity.KeepSecret)},
	}
}
