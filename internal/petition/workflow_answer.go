package petition

import (
	"strconv"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"
)

// AnswerInput is the lead unit's draft answer.
type AnswerInput struct {
	Body       string
	LetterNo   string
	LetterDate calendar.Date
	Signer     string
	// Files are attachments already in the file store (the staff page's
	// upload); the caller keeps or discards them after the action
	// (discards them when the request was a repeat, Result.Repeated).
	Files []Upload
	// Key makes a repeated request (a double-clicked submit, an API retry)
	// save one draft with one set of files, as a chase's
	// (Change.RequestKey).
	Key string
}

// Action implements Input.
func (AnswerInput) Action() Action { return ActAnswer }

func (in AnswerInput) decide(d *decision) error {
	var e errs
	body, fe := checkText("body", in.Body, MinAnswer, MaxAnswer)
	e.add(fe)
	no, fe := checkText("letter_no", in.LetterNo, 0, MaxDocRef)
	e.add(fe)
	signer, fe := checkText("signer", in.Signer, 0, MaxBodyName)
	e.add(fe)
	date := ""
	if !in.LetterDate.IsZero() {
		if !in.LetterDate.Valid() {
			e.add(fault.FieldError("letter_date", "workflow.date_invalid", nil))
		} else if today := calendar.DateOf(d.now, d.loc()); in.LetterDate.After(today) {
			// The letter is dated when it is signed, which is no later than
			// the draft, itself no later than its publication: a date
			// after today would publish an answer dated in the future.
			e.add(fault.FieldError("letter_date", "workflow.letter_date_after", map[string]any{"Date": in.LetterDate, "Today": today}))
		} else {
			date = in.LetterDate.String()
		}
	}
	e.add(d.requestKey(in.Key))
	if err := e.err(); err != nil {
		return err
	}
	if len(in.Files) > MaxFiles {
		return fault.List{fault.FieldError(FieldFiles, "petition.too_many_files", map[string]any{"Max": MaxFiles})}
	}
	d.ch.Answer = &NewAnswer{UnitID: d.st.LeadUnitID, Body: body, LetterNo: no, LetterDate: date, Signer: signer, Files: in.Files}
	d.ch.Audit["letter_no"], d.ch.Audit["letter_date"], d.ch.Audit["signer"] = no, date, signer
	ev := d.event(EventDrafted, false, no)
	ev.UnitID = d.st.LeadUnitID
	if d.chasePlan != nil {
		// The heads who approve it are told a draft waits for them.
		st, u := d.st, d.units.byID[d.st.LeadUnitID]
		facts := ChaseFacts{CaseID: st.ID, Code: st.Code, Kind: st.Kind, Status: st.Status, UnitID: u.ID, UnitCode: u.Code,
			UnitVI: u.Name, UnitEN: u.NameEN, At: d.now}
		if mc := st.MainClock(); mc != nil && mc.DueAt != nil {
			due := *mc.DueAt
			facts.DueAt = &due
		}
		d.ch.Notices, d.ch.NoticeSubject = d.chasePlan(facts), "draft:"+strconv.FormatInt(st.ID, 10)
		d.ch.Audit["notified"] = len(d.ch.Notices)
	}
	return nil
}

// ApproveInput approves the pending draft, which publishes it.
type ApproveInput struct {
	// AnswerID must be the pending draft when given (a stale page must not
	// approve a text its head did not read).
	AnswerID int64
}

// Action implements Input.
func (ApproveInput) Action() Action { return ActApprove }

func (in ApproveInput) decide(d *decision) error {
	draft := d.st.Draft()
	if in.AnswerID != 0 && in.AnswerID != draft.ID {
		return fault.New(fault.Conflict, "workflow.draft_changed")
	}
	at := d.now
	d.ch.PublishAnswer = &PublishAnswer{ID: draft.ID, At: at}
	// The publish time is the answer time: the answer clock is met now and
	// its on-time fact frozen, once.
	d.closeMain(true, at)
	for _, c := range d.st.Clocks {
		if c.Kind == caseclock.Contribution && c.Running() {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: at})
		}
	}
	if mc := d.st.MainClock(); mc != nil && mc.DueAt != nil {
		d.ch.Audit["on_time"] = caseclock.OnTimeAt(*mc.DueAt, at)
		d.ch.Audit["due_at"] = mc.DueAt
	}
	d.ch.Audit["answer_id"], d.ch.Audit["published_at"] = draft.ID, at
	if d.st.Class.ElectedBody {
		if err := d.openDuty(DutyReportBack, at); err != nil {
			return err
		}
	}
	if d.st.Kind == KindDenunciation {
		// The approved answer is the conclusion, to be published.
		if err := d.openDuty(DutyPublishConclusion, at); err != nil {
			return err
		}
	}
	d.dropPending()
	d.event(EventAnswered, true, "")
	return nil
}

// ContributeInput is a coordinating unit's contribution.
type ContributeInput struct{ Body string }

// Action implements Input.
func (ContributeInput) Action() Action { return ActContribute }

func (in ContributeInput) decide(d *decision) error {
	body, fe := checkText("body", in.Body, 5, MaxAnswer)
	if fe != nil {
		return fault.List{fe}
	}
	unit := d.by.UnitID
	nc := &NewContribution{UnitID: unit, Body: body}
	if c := d.st.ContributionClock(unit); c != nil {
		if c.State != caseclock.Open {
			return fault.New(fault.Conflict, "workflow.clock_state")
		}
		nc.ClockID = c.ID
		d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Meet: true, At: d.now})
		if c.DueAt != nil {
			d.ch.Audit["on_time"] = caseclock.OnTimeAt(*c.DueAt, d.now)
		}
	}
	d.ch.Contribution = nc
	d.ch.Audit["unit"] = d.units.byID[unit].Code
	ev := d.event(EventContributed, false, "")
	ev.UnitID = unit
	return nil
}
