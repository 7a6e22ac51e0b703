package alert

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/report"
)

func (s *Service) directory(ctx context.Context) (*directory, error) {
	staff, err := s.cfg.Store.Staff(ctx)
	if err != nil {
		return nil, err
	}
	d := &directory{staff: staff, webhooks: s.cfg.Webhooks}
	// A unit's address only makes sense with a mailer to send to it.
	if s.cfg.Mailer != nil {
		if d.unitEmails, err = s.cfg.Store.UnitEmails(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Sweep is the overdue-sweep job. It flags every open clock due at or
// before now that has no late flag yet ("due ≤ now and not flagged", never
// "due in this minute", so a restart after days of downtime catches up),
// in batches over the (due_at, id) keyset until none is left, and raises
// the ladder's "late" alerts; then it escalates clocks late for
// Ladder.EscalateAfter working days. Each batch is one transaction.
func (s *Service) Sweep(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	dir, err := s.directory(ctx)
	if err != nil {
		return counts, err
	}
	cal := s.cfg.Calendar(ctx)
	loc := s.cfg.Location
	late := func(cs []ClockFacts) []NewAlert {
		return s.plan(KindLate, s.cfg.Ladder.Late, dir, cs, func(c ClockFacts, p *Payload) {
			p.DaysLate = DaysLate(cal, c.DueAt, now, loc)
		})
	}
	if err := s.batches(ctx, counts, "flagged", func(cur Cursor) (Batch, error) {
		return s.cfg.Store.FlagLate(ctx, now, cur, s.cfg.BatchSize, late)
	}); err != nil {
		return counts, err
	}
	cutoff := lateCutoff(cal, now, s.cfg.Ladder.EscalateAfter, loc)
	esc := func(cs []ClockFacts) []NewAlert {
		return s.plan(KindEscalated, s.cfg.Ladder.Escalate, dir, cs, func(c ClockFacts, p *Payload) {
			p.DaysLate = DaysLate(cal, c.DueAt, now, loc)
		})
	}
	if err := s.batches(ctx, counts, "escalated", func(cur Cursor) (Batch, error) {
		return s.cfg.Store.Escalate(ctx, now, cutoff, cur, s.cfg.BatchSize, esc)
	}); err != nil {
		return counts, err
	}
	// Clocks with no computable due time cannot go late: never skip them
	// in silence (the dashboard lists them as clocks to fix).
	n, err := s.cfg.Store.Uncomputed(ctx)
	if err != nil {
		return counts, err
	}
	if n > 0 {
		counts["uncomputed"] = n
	}
	return counts, nil
}

// batches runs one keyset batch after another until a batch comes back
// short: there is no per-run cap that leaves clocks behind.
func (s *Service) batches(ctx context.Context, counts map[string]int, what string, step func(Cursor) (Batch, error)) error {
	var cur Cursor
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := step(cur)
		if err != nil {
			return err
		}
		counts[what] += b.Clocks
		counts["alerts"] += b.Alerts
		counts["queued"] += b.Deliveries
		if b.Clocks < s.cfg.BatchSize {
			return nil
		}
		counts["batches"]++
		cur = b.Next
	}
}

// DueSoon is the due-soon job: it reminds the acting unit of every open
// clock whose deadline date is within the ladder's leads (3 and 1 working
// days by default). The reminder's key carries the due time, so an
// extension re-arms it.
func (s *Service) DueSoon(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	leads := s.cfg.Ladder.DueSoonDays
	if len(leads) == 0 || len(s.cfg.Ladder.DueSoon) == 0 {
		return counts, nil
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return counts, err
	}
	cal := s.cfg.Calendar(ctx)
	until := soonUntil(cal, now, slices.Max(leads), s.cfg.Location)
	var cur Cursor
	for {
		cs, err := s.cfg.Store.DueBetween(ctx, now, until, cur, s.cfg.BatchSize)
		if err != nil {
			return counts, err
		}
		counts["clocks"] += len(cs)
		byLead := map[int][]ClockFacts{}
		for _, c := range cs {
			if l, ok := reminderStep(leads, DaysLeft(cal, c.DueAt, now, s.cfg.Location)); ok {
				byLead[l] = append(byLead[l], c)
			}
		}
		var all []NewAlert
		for l, group := range byLead {
			all = append(all, s.plan(DueSoonKind(l), s.cfg.Ladder.DueSoon, dir, group, func(c ClockFacts, p *Payload) {
				p.DaysLeft = DaysLeft(cal, c.DueAt, now, s.cfg.Location)
			})...)
		}
		if len(all) > 0 {
			n, q, err := s.cfg.Store.Raise(ctx, all, now)
			if err != nil {
				return counts, err
			}
			counts["alerts"] += n
			counts["queued"] += q
		}
		if len(cs) < s.cfg.BatchSize {
			return counts, nil
		}
		last := cs[len(cs)-1]
		cur = Cursor{DueAt: last.DueAt, ID: last.ClockID}
	}
}

// Digest is what the daily digest tells one person.
type Digest struct {
	Date string `json:"date"` // YYYY-MM-DD, the day of the digest
	// Late lists late cases by unit, most late first.
	Late []DigestUnit `json:"late"`
	// LateTotal counts every late clock in the recipient's scope; the
	// lists are capped.
	LateTotal int         `json:"late_total"`
	Soon      []DigestRow `json:"soon"`
	SoonTotal int         `json:"soon_total"`
	// The month-to-date on-time rate, the dashboard's: the report's
	// figures of the month as of now (report.Counts.OnTime).
	RateFrom  string  `json:"rate_from"`
	RateTo    string  `json:"rate_to"`
	Met       int64   `json:"met"`         // answered in the month (on time + late)
	MetOnTime int64   `json:"met_on_time"` // answered on time
	OpenLate  int64   `json:"open_late"`   // still unanswered and late now
	Rate      float64 `json:"rate"`        // percent, floored to one decimal; -1 when nothing counts
	Target    float64 `json:"target"`      // 100: Plan 55 VII
	Scope     string  `json:"scope_vi"`    // "Toàn Sở" or the unit's name
	ScopeEN   string  `json:"scope_en"`
}

// DigestUnit is one unit's late cases.
type DigestUnit struct {
	UnitVI string      `json:"unit_vi"`
	UnitEN string      `json:"unit_en"`
	Rows   []DigestRow `json:"rows"`
}

// DigestRow is one clock in the digest.
type DigestRow struct {
	CaseCode  string    `json:"case_code"`
	CaseKind  string    `json:"case_kind"`
	ClockKind string    `json:"clock_kind"`
	UnitVI    string    `json:"unit_vi"`
	UnitEN    string    `json:"unit_en"`
	DueAt     time.Time `json:"due_at"`
	DaysLate  int       `json:"days_late,omitempty"`
	DaysLeft  int       `json:"days_left,omitempty"`
}

// digestCap bounds each list of a digest e-mail; the totals say how many
// more there are.
const digestCap = 100

// DailyDigest is the daily-digest job: one e-mail to each office member
// (the whole department) and each unit head (their unit), with the late
// cases by unit and days late, the cases due soon, and the on-time rate
// since the previous working day against the 100% target. The ledger key
// (digest:DATE, account) makes it once a day per person.
func (s *Service) DailyDigest(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	if s.cfg.Mailer == nil {
		counts["no_mailer"] = 1
		return counts, nil
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return counts, err
	}
	cal := s.cfg.Calendar(ctx)
	loc := s.cfg.Location
	today := calendar.DateOf(now, loc)
	lead := 3
	if len(s.cfg.Ladder.DueSoonDays) > 0 {
		lead = slices.Max(s.cfg.Ladder.DueSoonDays)
	}
	clocks, err := s.cfg.Store.DigestClocks(ctx, now, soonUntil(cal, now, lead, loc))
	if err != nil {
		return counts, err
	}
	month := report.MonthOf(today)
	ws, err := month.Windows(report.ByUnit, loc, now)
	if err != nil {
		return counts, err
	}
	stats, err := s.cfg.Store.OnTime(ctx, ws[0], loc)
	if err != nil {
		return counts, err
	}
	var alerts []NewAlert
	for i := range dir.staff {
		st := &dir.staff[i]
		var scope int64 // 0: the whole department
		switch {
		case st.has("office"):
		case st.has("unit_head") && st.UnitID != 0:
			scope = st.UnitID
		default:
			continue
		}
		d := s.digestFor(cal, now, today, scope, clocks, stats)
		d.RateFrom, d.RateTo = month.From.String(), today.String()
		if scope != 0 {
			d.Scope, d.ScopeEN = unitNames(clocks, scope)
		}
		body, _ := json.Marshal(Payload{Digest: &d, Link: s.inboxLink()})
		alerts = append(alerts, s.newAlert("digest:"+today.String(), 0, 0, KindDigest, today.Time(loc), recipient{staff: st}, body, false))
	}
	n, q, err := s.cfg.Store.Raise(ctx, alerts, now)
	counts["recipients"] = len(alerts)
	counts["alerts"] = n
	counts["queued"] = q
	return counts, err
}

func (s *Service) inboxLink() string {
	if s.cfg.BaseURL == "" {
		return ""
	}
	return s.cfg.BaseURL + "/staff/inbox"
}

func unitNames(clocks []ClockFacts, unit int64) (string, string) {
	for _, c := range clocks {
		if c.UnitID == unit {
			return c.UnitVI, c.UnitEN
		}
	}
	return "", ""
}

func (s *Service) digestFor(cal *calendar.Calendar, now time.Time, today calendar.Date, scope int64, clocks []ClockFacts, stats map[int64]report.Counts) Digest {
	loc := s.cfg.Location
	d := Digest{Date: today.String(), Target: 100, Rate: -1, Scope: s.mails.word("vi", "alert.digest.whole", nil), ScopeEN: s.mails.word("en", "alert.digest.whole", nil)}
	units := map[string]*DigestUnit{}
	var order []string
	for _, c := range clocks {
		if scope != 0 && c.UnitID != scope {
			continue
		}
		row := DigestRow{CaseCode: c.CaseCode, CaseKind: c.CaseKind, ClockKind: c.ClockKind, UnitVI: c.UnitVI, UnitEN: c.UnitEN, DueAt: c.DueAt.UTC()}
		if c.Late {
			d.LateTotal++
			row.DaysLate = DaysLate(cal, c.DueAt, now, loc)
			k := strconv.FormatInt(c.UnitID, 10)
			u, ok := units[k]
			if !ok {
				u = &DigestUnit{UnitVI: c.UnitVI, UnitEN: c.UnitEN}
				if c.UnitID == 0 {
					u.UnitVI, u.UnitEN = s.mails.word("vi", "alert.digest.unassigned", nil), s.mails.word("en", "alert.digest.unassigned", nil)
				}
				units[k] = u
				order = append(order, k)
			}
			if d.LateTotal <= digestCap {
				u.Rows = append(u.Rows, row)
			}
			continue
		}
		d.SoonTotal++
		row.DaysLeft = DaysLeft(cal, c.DueAt, now, loc)
		if len(d.Soon) < digestCap {
			d.Soon = append(d.Soon, row)
		}
	}
	for _, k := range order {
		u := units[k]
		if len(u.Rows) == 0 {
			continue
		}
		sort.SliceStable(u.Rows, func(i, j int) bool { return u.Rows[i].DaysLate > u.Rows[j].DaysLate })
		d.Late = append(d.Late, *u)
	}
	var sum report.Counts
	for unit, c := range stats {
		if scope != 0 && unit != scope {
			continue
		}
		sum.Add(c)
	}
	d.Met, d.MetOnTime, d.OpenLate = sum.Answered(), sum.AnsweredOnTime, sum.OpenLate
	if r := sum.OnTime(); r.Defined() {
		d.Rate = r.Percent()
	}
	return d
}

// CalendarReminder is the calendar-reminder job. From 1 November, unless
// next year's working-day calendar is confirmed (stored, confirmed, and no
// entry left unconfirmed), it reminds the admins and the office (who may
// confirm it) to check the government's announcement, once a week until
// it is. The job runs daily and at start, so a reminder missed while the
// service was down is sent at the next start; the alert ledger's key
// (subject, recipient, kind, the week's start as due time) keeps it to one
// per person per week however often or on however many replicas it runs.
func (s *Service) CalendarReminder(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	today := calendar.DateOf(now, s.cfg.Location)
	start := deadline.ReminderStart(today.Year)
	if today.Before(start) {
		counts["not_yet"] = 1
		return counts, nil
	}
	year := today.Year + 1
	ok, err := s.cfg.Store.CalendarConfirmed(ctx, year)
	if err != nil {
		return counts, err
	}
	if ok {
		counts["confirmed"] = 1
		return counts, nil
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return counts, err
	}
	link := ""
	if s.cfg.BaseURL != "" {
		link = s.cfg.BaseURL + "/admin/calendar/" + strconv.Itoa(year)
	}
	body, _ := json.Marshal(Payload{Year: year, Link: link})
	week := start.AddDays(today.Sub(start) / 7 * 7).Time(s.cfg.Location)
	var alerts []NewAlert
	for _, r := range dir.resolve([]Audience{Admins, Office}, 0) {
		alerts = append(alerts, s.newAlert("calendar:"+strconv.Itoa(year), 0, 0, KindCalendar, week, r, body, true))
	}
	n, q, err := s.cfg.Store.Raise(ctx, alerts, now)
	counts["alerts"], counts["queued"] = n, q
	return counts, err
}
