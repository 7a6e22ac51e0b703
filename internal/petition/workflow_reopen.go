package petition

import (
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// StaffReopenInput reopens an answered case on the office's or
// leadership's decision, with the reason.
type StaffReopenInput struct{ Reason string }

// Action implements Input.
func (StaffReopenInput) Action() Action { return ActStaffReopen }

func (in StaffReopenInput) decide(d *decision) error {
	st := d.st
	reason, fe := checkText("reason", in.Reason, MinReason, MaxReason)
	if fe != nil {
		return fault.List{fe}
	}
	due, err := d.firstClock(st.Kind.DueRule(), st.TopicID, d.now)
	if err != nil {
		return err
	}
	// The answer's clock stays met with its frozen on-time fact: the
	// follow-up runs on its own clock, as after a citizen's dispute.
	// Its content is the petition's own (FollowUpCase with no content):
	// the follow-up opens with the case's secret, and the office's reason
	// is internal, so the citizen — or whoever holds the secret — never
	// reads it there.
	follow := FollowUpCase(st.Agency, yearIn(d.now, d.loc()), st.Kind, st.Channel, st.TopicID, st.PlanTaskID, st.Title, st.Lang, "", d.now, due)
	follow.RegisteredBy = d.by.Label()
	d.ch.Children = []NewChild{{Relation: "follow_up", Case: follow}}
	// The citizen reads that the case goes on, and under which code (the
	// same secret opens it); the reason stays on the internal trail.
	d.ch.ChildEvent = &NewEvent{Kind: EventAgencyReopened, Public: true}
	d.event(EventStaffReopened, false, reason)
	d.record("reopen", "", d.now, reason, nil)
	d.ch.Audit["reason"] = reason
	return nil
}

// FollowUpCase is the follow-up of a reopened case (a citizen's dispute or
// the agency's own reopening): the same kind, channel, topic and title,
// the reason as its content, received at, with its own first clock due.
// The store copies the petitioner, the tracking secret and the units, and
// the parent's content when reason is empty (the agency's reopening, whose
// reason is internal).
func FollowUpCase(agency string, year int, kind Kind, ch Channel, topicID, taskID int64, title, lang, reason string, at time.Time, due Due) NewCase {
	return NewCase{Agency: agency, Year: year, Kind: kind, Channel: ch, TopicID: topicID, PlanTaskID: taskID, Title: title,
		Content: reason, Lang: lang, ReceivedAt: at, Due: due}
}
