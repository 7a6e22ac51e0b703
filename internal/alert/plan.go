package alert

import (
	"context"
	"encoding/json"
	"github.com/phucdap/phucdap/internal/caseclock"
	"slices"
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
)

// directory answers "who is in this audience for a clock of this unit".
type directory struct {
	staff    []Staff
	webhooks []string
	// unitEmails are the units' own addresses for alerts (org.Unit.Email),
	// by unit id: a unit's alerts go there too, beside its staff. Nil
	// where a notice is for staff alone (drafts, chases).
	unitEmails map[int64]string
}

// recipient is a resolved member of an audience: an account, a webhook,
// or a unit's own e-mail address.
type recipient struct {
	staff     *Staff
	webhook   string
	unitID    int64
	unitEmail string
}

func (r recipient) key() string {
	switch {
	case r.staff != nil:
		return "account:" + strconv.FormatInt(r.staff.AccountID, 10)
	case r.unitEmail != "":
		return "unit:" + strconv.FormatInt(r.unitID, 10)
	}
	return "webhook:" + r.webhook
}

// resolve lists the audiences' members for a clock of unit (0: the office),
// each once, in a stable order.
func (d *directory) resolve(auds []Audience, unit int64) []recipient {
	var out []recipient
	seen := map[string]bool{}
	add := func(r recipient) {
		if k := r.key(); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	for _, a := range auds {
		for i := range d.staff {
			s := &d.staff[i]
			if d.member(a, s, unit) {
				add(recipient{staff: s})
			}
		}
		if a == Webhooks {
			for _, w := range d.webhooks {
				add(recipient{webhook: w})
			}
		}
		// The unit's own mailbox hears what its officers or head hear.
		if email := d.unitEmails[unit]; email != "" && unit != 0 && (a == UnitOfficers || a == UnitHead) {
			add(recipient{unitID: unit, unitEmail: email})
		}
	}
	return out
}

func (d *directory) member(a Audience, s *Staff, unit int64) bool {
	inUnit := func() bool {
		if unit == 0 {
			return s.UnitKind == "office"
		}
		return s.UnitID == unit
	}
	switch a {
	case UnitOfficers:
		if unit == 0 {
			// The office's own clocks: its members act on them.
			return s.has("office") || (s.has("unit_officer") && inUnit())
		}
		return s.has("unit_officer") && inUnit()
	case UnitHead:
		return s.has("unit_head") && inUnit()
	case Office:
		return s.has("office")
	case Leadership:
		return s.has("leadership")
	case Admins:
		return s.has("admin")
	}
	return false
}

// plan builds the alerts of one ladder step for a batch of clocks.
func (s *Service) plan(kind string, auds []Audience, dir *directory, clocks []ClockFacts, fill func(c ClockFacts, p *Payload)) []NewAlert {
	var out []NewAlert
	for _, c := range clocks {
		rs := dir.resolve(auds, c.UnitID)
		if len(rs) == 0 {
			continue
		}
		p := Payload{CaseCode: c.CaseCode, CaseKind: c.CaseKind, ClockKind: c.ClockKind, TopicVI: c.TopicVI, TopicEN: c.TopicEN,
			UnitCode: c.UnitCode, UnitVI: c.UnitVI, UnitEN: c.UnitEN, DueAt: c.DueAt.UTC(), Link: s.caseLink(c.CaseID)}
		if fill != nil {
			fill(c, &p)
		}
		body, _ := json.Marshal(p)
		for _, r := range rs {
			out = append(out, s.newAlert("case:"+strconv.FormatInt(c.CaseID, 10), c.CaseID, c.ClockID, kind, c.DueAt, r, body, true))
		}
	}
	return out
}

func (s *Service) newAlert(subject string, caseID, clockID int64, kind string, due time.Time, r recipient, body []byte, inApp bool) NewAlert {
	a := NewAlert{Subject: subject, CaseID: caseID, ClockID: clockID, Kind: kind, Recipient: r.key(), DueAt: due.UTC(), Payload: body}
	switch {
	case r.staff != nil:
		a.AccountID, a.InApp = r.staff.AccountID, inApp
		if s.cfg.Mailer != nil && r.staff.Email != "" {
			a.Deliveries = append(a.Deliveries, Delivery{Channel: ChannelEmail, Target: r.staff.Email, Lang: s.cfg.Lang})
		}
	case r.unitEmail != "":
		a.Deliveries = append(a.Deliveries, Delivery{Channel: ChannelEmail, Target: r.unitEmail, Lang: s.cfg.Lang})
	default:
		a.Deliveries = append(a.Deliveries, Delivery{Channel: ChannelWebhook, Target: r.webhook, Lang: s.cfg.Lang})
	}
	return a
}

func (s *Service) caseLink(caseID int64) string {
	if s.cfg.BaseURL == "" || caseID == 0 {
		return ""
	}
	return s.cfg.BaseURL + "/staff/cases/" + strconv.FormatInt(caseID, 10)
}

// deadlineDate is the last day of a period that ends at due (24:00 of that
// day, which is 00:00 of the next).
func deadlineDate(due time.Time, loc *time.Location) calendar.Date {
	return caseclock.LastDay(due, loc)
}

// DaysLate counts the working days after the deadline date up to and
// including today: 1 on the first working day after it.
func DaysLate(cal *calendar.Calendar, due, now time.Time, loc *time.Location) int {
	return max(0, cal.WorkingDaysBetween(deadlineDate(due, loc), calendar.DateOf(now, loc)))
}

// DaysLeft counts the working days after today up to and including the
// deadline date: 0 when it is due today.
func DaysLeft(cal *calendar.Calendar, due, now time.Time, loc *time.Location) int {
	return max(0, cal.WorkingDaysBetween(calendar.DateOf(now, loc), deadlineDate(due, loc)))
}

// lateCutoff is the latest due time of a clock that is at least n working
// days late today: a deadline date D qualifies when (D, today] holds n
// working days, i.e. D is before the n-th most recent working day up to
// today, so the cutoff is 00:00 of that day.
func lateCutoff(cal *calendar.Calendar, now time.Time, n int, loc *time.Location) time.Time {
	today := calendar.DateOf(now, loc)
	return cal.AddWorkingDays(today.AddDays(1), -n).Time(loc)
}

// soonUntil is the latest due time of a clock whose deadline date is at
// most n working days after today.
func soonUntil(cal *calendar.Calendar, now time.Time, n int, loc *time.Location) time.Time {
	today := calendar.DateOf(now, loc)
	return cal.AddWorkingDays(today, n).AddDays(1).Time(loc)
}

// reminderStep picks the reminder a clock is owed: the smallest lead that
// still covers the days left, so a reminder missed during downtime is sent
// late rather than never, and a clock that starts one day before its due
// date gets only the one-day reminder.
func reminderStep(leads []int, left int) (int, bool) {
	ls := slices.Clone(leads)
	slices.Sort(ls)
	for _, l := range ls {
		if left <= l {
			return l, true
		}
	}
	return 0, false
}

// DraftPlanner reads the staff and returns the planner of a draft's
// notices (petition.ChaseNotifier): the lead unit's heads, who approve it,
// in the app's inbox (the bell). A notice says the case's code, kind,
// status and due time and the link; never the draft, the title or the
// petitioner.
func (s *Service) DraftPlanner(ctx context.Context) (func(petition.ChaseFacts) []petition.Notice, error) {
	staff, err := s.cfg.Store.Staff(ctx)
	if err != nil {
		return nil, err
	}
	dir := &directory{staff: staff}
	return func(f petition.ChaseFacts) []petition.Notice {
		p := Payload{CaseCode: f.Code, CaseKind: string(f.Kind), Status: string(f.Status), UnitCode: f.UnitCode, UnitVI: f.UnitVI,
			UnitEN: f.UnitEN, Link: s.caseLink(f.CaseID)}
		if f.DueAt != nil {
			p.DueAt = f.DueAt.UTC()
		}
		body, _ := json.Marshal(p)
		var out []petition.Notice
		for _, r := range dir.resolve([]Audience{UnitHead}, f.UnitID) {
			out = append(out, petition.Notice{Kind: KindDraft, CaseID: f.CaseID, AccountID: r.staff.AccountID, Key: f.At.UTC(),
				Payload: body, Lang: s.cfg.Lang})
		}
		return out
	}, nil
}

// ChasePlanner reads the staff and returns the planner of a chase's
// notices (petition.ChaseNotifier): the chased unit's officers and head,
// in-app and by e-mail. A notice says the case's code, kind, status, due
// time, when it was chased and the link; never the chaser's note, the
// title, the content or the petitioner.
func (s *Service) ChasePlanner(ctx context.Context) (func(petition.ChaseFacts) []petition.Notice, error) {
	staff, err := s.cfg.Store.Staff(ctx)
	if err != nil {
		return nil, err
	}
	dir := &directory{staff: staff}
	return func(f petition.ChaseFacts) []petition.Notice {
		p := Payload{CaseCode: f.Code, CaseKind: string(f.Kind), Status: string(f.Status), UnitCode: f.UnitCode, UnitVI: f.UnitVI,
			UnitEN: f.UnitEN, Link: s.caseLink(f.CaseID), ChasedAt: f.At.UTC()}
		if f.DueAt != nil {
			p.DueAt = f.DueAt.UTC()
		}
		body, _ := json.Marshal(p)
		var out []petition.Notice
		for _, r := range dir.resolve([]Audience{UnitOfficers, UnitHead}, f.UnitID) {
			n := petition.Notice{Kind: KindChase, CaseID: f.CaseID,
				AccountID: r.staff.AccountID, Key: f.At.UTC(), Payload: body, Lang: s.cfg.Lang}
			if s.cfg.Mailer != nil {
				n.Email = r.staff.Email
			}
			out = append(out, n)
		}
		return out
	}, nil
}
