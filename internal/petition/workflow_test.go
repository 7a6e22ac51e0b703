package petition

import (
	"slices"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
)

// The state machine table is consistent: one permission per action, no
// state listed twice for an action, every state reachable and every
// terminal state a dead end (but for the citizen's reopening).
func TestMachineIsConsistent(t *testing.T) {
	perm := map[Action]access.Action{}
	from := map[Action][]Status{}
	reached := map[Status]bool{StatusReceived: true}
	for _, tr := range Machine {
		if p, ok := perm[tr.Action]; ok && p != tr.Perm {
			t.Errorf("%s has two permissions: %s and %s", tr.Action, p, tr.Perm)
		}
		perm[tr.Action] = tr.Perm
		for _, s := range tr.From {
			if slices.Contains(from[tr.Action], s) {
				t.Errorf("%s from %s is listed twice", tr.Action, s)
			}
			from[tr.Action] = append(from[tr.Action], s)
			if !slices.Contains(Statuses, s) {
				t.Errorf("%s starts from unknown state %s", tr.Action, s)
			}
		}
		if tr.To != "" {
			reached[tr.To] = true
		}
		if tr.Perm == "" && tr.Action != ActReopen {
			t.Errorf("%s has no permission", tr.Action)
		}
	}
	// resume and a withdrawal that continues keep or compute the state.
	reached[StatusAssigned], reached[StatusAccepted] = true, true
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("state %s is never reached", s)
		}
		if s.Working() {
			continue
		}
		for _, tr := range Machine {
			// A duty owed by the answer (publishing a conclusion) or left
			// undone before it is still recorded after it.
			_, duty := DutyOf(tr.Action)
			after := s == StatusAnswered || s == StatusClosed || s == StatusReopened || (s == StatusFiled && tr.Action == ActRefusalNoticeSent)
			// Reopening, by the citizen or the agency, is what leaves an
			// answered (or closed) case.
			reopen := tr.Action == ActReopen || tr.Action == ActStaffReopen
			if slices.Contains(tr.From, s) && !reopen && !(s == StatusAnswered && tr.Action == ActClose) && !(duty && after) {
				t.Errorf("terminal state %s allows %s", s, tr.Action)
			}
		}
	}
	// The citizen's timeline kinds are exactly the public ones.
	if !Legal(ActAnswer, StatusAssigned, KindComplaint) || Legal(ActAnswer, StatusReceived, KindComplaint) {
		t.Error("answer legality")
	}
	if Legal(ActSuspend, StatusAssigned, KindFeedback) || !Legal(ActSuspend, StatusAssigned, KindDenunciation) {
		t.Error("suspension applies to complaints and denunciations only")
	}
}

func TestClockKindOf(t *testing.T) {
	for rule, want := range map[string]string{"complaint.accept": "accept", "denunciation.initial": "process", "pakn.answer": "answer",
		"complaint.resolve": "answer", "pakn.forward": "forward", "denunciation.forward": "forward"} {
		if got := ClockKindOf(rule); string(got) != want {
			t.Errorf("%s: %s, want %s", rule, got, want)
		}
	}
	for _, k := range Kinds {
		if got := ClockKindOf(k.DueRule()); !got.Valid() {
			t.Errorf("%s: first clock kind %q", k, got)
		}
	}
}
