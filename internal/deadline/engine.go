package deadline

import (
	"fmt"
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// VietnamLocation returns Asia/Ho_Chi_Minh, or a fixed UTC+7 zone when the
// system has no tz database. Vietnam has kept UTC+7 without daylight saving
// since 1975, so the fixed zone gives the same dates for every case this
// service will hold. (main may import time/tzdata to avoid the fallback.)
func VietnamLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

// Engine computes due times from rules, admin overrides and a working-day
// calendar. It is immutable and safe for concurrent use; build a new one
// when rules, overrides or the calendar change.
type Engine struct {
	cal       *calendar.Calendar
	loc       *time.Location
	rules     map[string][]Rule // versions by EffectiveFrom
	overrides map[overrideKey]Override
	texts     Texts
}

type overrideKey struct{ rule, scope string }

// NewEngine validates and indexes rules and overrides. It refuses (with
// ErrInvalidConfig) invalid rules, overlapping versions of one rule, and
// overrides of unknown or non-Configurable rules: statutory limits are
// not an admin setting, so the on-time KPI always measures against the
// law. loc is where business dates live (VietnamLocation()); texts words
// explanations (Explain; nil leaves message ids).
func NewEngine(cal *calendar.Calendar, rules []Rule, overrides []Override, loc *time.Location, texts Texts) (*Engine, error) {
	const op = "deadline.NewEngine"
	if cal == nil || loc == nil {
		return nil, fmt.Errorf("%s: %w: nil calendar or location", op, ErrInvalidConfig)
	}
	e := &Engine{
		cal:       cal,
		loc:       loc,
		texts:     texts,
		rules:     make(map[string][]Rule, len(rules)),
		overrides: make(map[overrideKey]Override, len(overrides)),
	}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		e.rules[r.ID] = append(e.rules[r.ID], r)
	}
	for id, vs := range e.rules {
		slices.SortFunc(vs, func(a, b Rule) int { return a.EffectiveFrom.Compare(b.EffectiveFrom) })
		// An open-ended version ends where the next one begins; an explicit
		// EffectiveTo must not reach into the next.
		for i := 1; i < len(vs); i++ {
			prev, next := vs[i-1], vs[i]
			if !next.EffectiveFrom.After(prev.EffectiveFrom) ||
				!prev.EffectiveTo.IsZero() && next.EffectiveFrom.Before(prev.EffectiveTo) {
				return nil, invalidConfig(fault.Newf(fault.Invalid, "deadline.versions_overlap", map[string]any{"Rule": id, "From": prev.EffectiveFrom, "Next": next.EffectiveFrom}),
					op, "rule %q: versions from %s and %s overlap", id, prev.EffectiveFrom, next.EffectiveFrom)
			}
		}
	}
	for _, o := range overrides {
		vs, ok := e.rules[o.RuleID]
		switch {
		case !ok:
			return nil, invalidConfig(fault.FieldError("rule_id", "deadline.unknown_rule", nil), op, "override for unknown rule %q", o.RuleID)
		case o.Limit < 1 || o.Limit > MaxLimit:
			return nil, invalidConfig(fault.FieldError("limit", "deadline.bad_limit", map[string]any{"Max": MaxLimit}), op, "override %q/%q: limit %d out of 1..%d", o.RuleID, o.Scope, o.Limit, MaxLimit)
		case o.Unit != "" && !o.Unit.valid():
			return nil, invalidConfig(fault.FieldError("unit", "deadline.bad_unit", nil), op, "override %q/%q: unit %q", o.RuleID, o.Scope, o.Unit)
		}
		for _, r := range vs {
			if !r.Configurable {
				return nil, invalidConfig(fault.FieldError("rule_id", "deadline.not_overridable", map[string]any{"Rule": o.RuleID}), op, "rule %q is statutory (not configurable) and cannot be overridden", o.RuleID)
			}
			if o.Unit != "" && o.Unit != r.Unit && r.ExtensionLimit > 0 {
				// Extensions are counted in the rule's unit; mixing would
				// make "7 working days + 3 calendar days" meaningless.
				return nil, invalidConfig(fault.FieldError("unit", "deadline.override_unit_fixed", map[string]any{"Rule": o.RuleID}), op, "override %q/%q changes the unit of a rule with extensions", o.RuleID, o.Scope)
			}
		}
		k := overrideKey{o.RuleID, o.Scope}
		if _, dup := e.overrides[k]; dup {
			return nil, fmt.Errorf("%s: %w: two overrides for %q scope %q", op, ErrInvalidConfig, o.RuleID, o.Scope)
		}
		e.overrides[k] = o
	}
	return e, nil
}

// Calendar returns the working-day calendar the engine counts with.
func (e *Engine) Calendar() *calendar.Calendar { return e.cal }

// Location returns the zone business dates are computed in.
func (e *Engine) Location() *time.Location { return e.loc }

// Rules returns a copy of every rule version, by ID then EffectiveFrom.
func (e *Engine) Rules() []Rule {
	var out []Rule
	for _, vs := range e.rules {
		out = append(out, vs...)
	}
	slices.SortFunc(out, func(a, b Rule) int {
		if a.ID != b.ID {
			if a.ID < b.ID {
				return -1
			}
			return 1
		}
		return a.EffectiveFrom.Compare(b.EffectiveFrom)
	})
	return out
}

// RuleFor returns the version of rule id in force on asOf, the date of the
// case's start event. A case received or accepted before a change keeps
// the old rule for its whole life (the transition rules of NĐ 155/2026
// Art. 22 and NĐ 156/2026 Art. 10).
func (e *Engine) RuleFor(id string, asOf calendar.Date) (Rule, error) {
	r, ok := e.ruleFor(id, asOf)
	if !ok {
		if _, known := e.rules[id]; known {
			return Rule{}, fault.FieldError("rule", "deadline.no_version_in_force", map[string]any{"Rule": id, "Date": asOf}).
				Wrap(fmt.Errorf("deadline.RuleFor: %w: %q has no version in force on %s", ErrUnknownRule, id, asOf))
		}
		return Rule{}, unknownRule("rule", fmt.Errorf("deadline.RuleFor: %w: %q", ErrUnknownRule, id))
	}
	return *r, nil
}

func (e *Engine) ruleFor(id string, asOf calendar.Date) (*Rule, bool) {
	// The newest version that has started decides: if it has been retired
	// (EffectiveTo), an older version must not come back to life.
	vs := e.rules[id]
	for i := len(vs) - 1; i >= 0; i-- {
		if !asOf.Before(vs[i].EffectiveFrom) {
			return &vs[i], vs[i].InForce(asOf)
		}
	}
	return nil, false
}

// Request asks for the due time of one step of a case.
type Request struct {
	RuleID string `json:"rule_id"`
	// Start is the instant of the start event; its date is taken in the
	// engine's location. StartDate may be given instead (or as well, if it
	// agrees).
	Start      time.Time     `json:"start,omitzero"`
	StartDate  calendar.Date `json:"start_date,omitzero"`
	Complexity Complexity    `json:"complexity,omitempty"`
	Remote     bool          `json:"remote,omitempty"` // vùng sâu, vùng xa
	Round      int           `json:"round,omitempty"`  // 1 or 2 (0 means 1)
	// Scope lists override scopes from most to least specific, e.g.
	// {"topic:42", "urgency:urgent"}; the first with an override wins,
	// then the global ("") override, then the rule.
	Scope []string `json:"scope,omitempty"`
	// Extensions already granted, each of the rule's full ExtensionLimit.
	// Clock/Evaluate record extensions of other lengths.
	Extensions int `json:"extensions,omitempty"`
}

// Skipped is a day not counted: a non-working day inside a working-day
// period, or a day the last day rolled forward over.
type Skipped struct {
	Date     calendar.Date `json:"date"`
	Reason   string        `json:"reason"`    // "Tết Nguyên đán", "Thứ Bảy"
	ReasonEN string        `json:"reason_en"` // "Lunar New Year (Tết)", "Saturday"
}

// Pause is one suspension of a clock, in dates of the engine's location.
type Pause struct {
	From      calendar.Date `json:"from"`      // date of the suspension decision
	To        calendar.Date `json:"to"`        // date of the resume decision
	Days      int           `json:"days"`      // units not counted (0 when Restarted)
	Restarted bool          `json:"restarted"` // the full limit counted again from To
}

// Result is a computed due time and everything needed to explain it.
type Result struct {
	Rule       Rule       `json:"rule"`
	Round      int        `json:"round"`
	Complexity Complexity `json:"complexity"`
	Remote     bool       `json:"remote"`
	// Override is the admin override applied, if Overridden.
	Override   Override `json:"override,omitzero"`
	Overridden bool     `json:"overridden,omitempty"`

	Limit         int  `json:"limit"`          // the variant's (or override's) limit
	Extensions    int  `json:"extensions"`     // extensions granted
	ExtensionDays int  `json:"extension_days"` // units they add
	PausedDays    int  `json:"paused_days"`    // units not counted while suspended
	Unit          Unit `json:"unit"`

	// Superseded is the first day of the next version of the rule, when one
	// exists: the case keeps this version because its start event came
	// before. Zero when the version is the latest.
	Superseded calendar.Date `json:"superseded,omitzero"`

	// EventDate is the date of the start event; StartDate the date counting
	// runs from (the last resume decision when the rule restarts).
	EventDate calendar.Date `json:"event_date"`
	StartDate calendar.Date `json:"start_date"`
	FirstDay  calendar.Date `json:"first_day"` // first day counted
	LastDay   calendar.Date `json:"last_day"`  // last day before any roll-forward
	DueDate   calendar.Date `json:"due_date"`  // the period ends at 24:00 of this day
	// DueAt is 24:00 of DueDate in the engine's location (00:00 of the
	// next day): an answer at or after DueAt is late.
	DueAt time.Time `json:"due_at"`
	// RolledForwardFrom is the original last day when it was not a
	// working day (Civil Code Art. 148(5)).
	RolledForwardFrom *calendar.Date `json:"rolled_forward_from,omitempty"`
	// RolledBackFrom is, for a period counted backwards (Rule.Before), the
	// original last day when it was not a working day: the period ends on
	// the working day before it.
	RolledBackFrom *calendar.Date `json:"rolled_back_from,omitempty"`
	Skipped        []Skipped      `json:"skipped,omitempty"`
	// WorkedWeekends are the make-up working weekend days the result
	// counts: inside a working-day period, or a calendar-day period's last
	// day (which then does not roll forward).
	WorkedWeekends []calendar.Date `json:"worked_weekends,omitempty"`
	// Provisional: some day that decides the result lies in a year whose
	// calendar is not confirmed, or is an unconfirmed entry.
	Provisional bool `json:"provisional,omitempty"`

	// Suspended: the clock is stopped (Evaluate only). DueDate, DueAt,
	// LastDay and Skipped are then zero: there is no due time until the
	// resume decision. Remaining is the number of units left to run
	// (the full limit for rules that restart).
	Suspended      bool          `json:"suspended,omitempty"`
	SuspendedSince calendar.Date `json:"suspended_since,omitzero"`
	Remaining      int           `json:"remaining,omitempty"`
	Pauses         []Pause       `json:"pauses,omitempty"`
}

// Total is the number of units the period runs: limit plus extensions plus
// paused units.
func (r Result) Total() int { return r.Limit + r.ExtensionDays + r.PausedDays }

// Explain explains res in lang from the catalogue the engine was built
// with; see the package's Explain.
func (e *Engine) Explain(res Result, lang string) string { return Explain(res, e.texts, lang) }

// Explanation explains res in Vietnamese and in English, as a clock
// stores it.
func (e *Engine) Explanation(res Result) (vi, en string) {
	return e.Explain(res, "vi"), e.Explain(res, "en")
}

// Compute returns the due time of one step, statelessly. It allocates only
// the Skipped list (and RolledForwardFrom when there is one); Explain text
// is built on demand.
func (e *Engine) Compute(req Request) (Result, error) {
	res, rule, err := e.prepare("deadline.Compute", req.RuleID, req.Start, req.StartDate, req.Complexity, req.Remote, req.Round, req.Scope)
	if err != nil {
		return Result{}, err
	}
	if req.Extensions < 0 {
		return Result{}, invalid(fault.FieldError("extensions", "deadline.bad_extensions", nil), "deadline.Compute", "%s: negative extensions %d", req.RuleID, req.Extensions)
	}
	if n := rule.MaxExtensionsFor(res.Complexity); req.Extensions > n {
		capErr := &ExtensionCapError{RuleID: rule.ID, Complexity: res.Complexity, MaxExtensions: n, Requested: req.Extensions, MaxDays: rule.ExtensionLimit}
		return Result{}, capErr.Fault()
	}
	res.Extensions = req.Extensions
	res.ExtensionDays = req.Extensions * rule.ExtensionLimit
	e.count(&res)
	return res, nil
}

// prepare validates the common inputs and fills the rule, variant and
// start of a Result.
func (e *Engine) prepare(op, id string, start time.Time, startDate calendar.Date, cx Complexity, remote bool, round int, scope []string) (Result, *Rule, error) {
	if id == "" {
		return Result{}, nil, invalid(fault.FieldError("rule", "deadline.unknown_rule", nil), op, "no rule ID")
	}
	if !start.IsZero() {
		d := calendar.DateOf(start, e.loc)
		if !startDate.IsZero() && startDate != d {
			return Result{}, nil, invalid(errInvalidRequest, op, "%s: start %s is on %s, not on start date %s", id, start.Format(time.RFC3339), d, startDate)
		}
		startDate = d
	}
	if startDate.IsZero() {
		return Result{}, nil, invalid(fault.FieldError("start", "deadline.start_required", nil), op, "%s: no start", id)
	}
	if !startDate.Valid() || startDate.Year < 1 || startDate.Year > 9999 {
		return Result{}, nil, invalid(fault.FieldError("start", "deadline.bad_start", map[string]any{"Value": startDate.String()}), op, "%s: start date %+v", id, startDate)
	}
	if round == 0 {
		round = 1
	}
	if round != 1 && round != 2 {
		return Result{}, nil, invalid(fault.FieldError("round", "deadline.bad_round", nil), op, "%s: round %d, want 1 or 2", id, round)
	}
	if !cx.valid() {
		return Result{}, nil, invalid(fault.FieldError("complex", "deadline.bad_complex", map[string]any{"Value": string(cx)}), op, "%s: complexity %q", id, cx)
	}
	if cx == "" {
		cx = ComplexityNone
	}
	if cx == EspeciallyComplex && kindOf(e.rules[id]) == KindComplaint {
		// The complaint laws know complex cases only (NĐ 124/2020 Art. 3a);
		// "especially complex" is the denunciation law's (Luật Tố cáo Art. 30).
		return Result{}, nil, invalid(fault.FieldError("complex", "deadline.complaint_especially_complex", nil), op, "%s: a complaint has no especially complex case; use complex", id)
	}
	rule, ok := e.ruleFor(id, startDate)
	if !ok {
		_, err := e.RuleFor(id, startDate)
		return Result{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	var superseded calendar.Date
	for _, v := range e.rules[id] {
		if v.EffectiveFrom.After(startDate) {
			superseded = v.EffectiveFrom
			break
		}
	}
	res := Result{
		Superseded: superseded,
		Rule:       *rule,
		Round:      round,
		Complexity: cx,
		Remote:     remote,
		Limit:      rule.LimitFor(round, cx, remote),
		Unit:       rule.Unit,
		EventDate:  startDate,
		StartDate:  startDate,
	}
	if o, ok := e.override(id, scope); ok {
		res.Override, res.Overridden = o, true
		res.Limit = o.Limit
		if o.Unit != "" {
			res.Unit = o.Unit
		}
	}
	return res, rule, nil
}

func (e *Engine) override(id string, scope []string) (Override, bool) {
	if len(e.overrides) == 0 {
		return Override{}, false
	}
	for _, s := range scope {
		if o, ok := e.overrides[overrideKey{id, s}]; ok {
			return o, true
		}
	}
	o, ok := e.overrides[overrideKey{id, ""}]
	return o, ok
}

// count fills FirstDay .. Provisional from StartDate, Unit and Total().
func (e *Engine) count(res *Result) {
	start, total := res.StartDate, res.Total()
	res.Skipped, res.RolledForwardFrom, res.RolledBackFrom, res.WorkedWeekends = nil, nil, nil, nil
	weekend := func(d calendar.Date) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }
	switch {
	case res.Rule.Before && res.Unit == WorkingDays:
		// The total-th working day before the event.
		due := e.cal.AddWorkingDays(start, -total)
		res.FirstDay = e.cal.AddWorkingDays(start, -1)
		res.LastDay, res.DueDate = due, due
		if n := start.Sub(due) - total; n > 0 {
			res.Skipped = e.skipped(due, start.AddDays(-1), n)
		}
		for d := due; d.Before(start); d = d.AddDays(1) {
			if weekend(d) && e.cal.IsWorkingDay(d) {
				res.WorkedWeekends = append(res.WorkedWeekends, d)
			}
		}
		res.Provisional = !e.cal.RangeConfirmed(due.AddDays(-1), start.AddDays(-1))
	case res.Rule.Before:
		// The total-th day before the event; a day off moves it back.
		last := start.AddDays(-total)
		due := e.cal.OnOrBeforeWorkingDay(last)
		res.FirstDay = start.AddDays(-1)
		res.LastDay, res.DueDate = last, due
		if due == last && weekend(last) {
			res.WorkedWeekends = []calendar.Date{last}
		}
		if due != last {
			from := last
			res.RolledBackFrom = &from
			res.Skipped = e.skipped(due, last, last.Sub(due))
		}
		res.Provisional = !e.cal.RangeConfirmed(due.AddDays(-1), last)
	case res.Unit == WorkingDays:
		due := e.cal.AddWorkingDays(start, total)
		res.FirstDay = e.cal.NextWorkingDay(start)
		res.LastDay, res.DueDate = due, due
		// (start, due) holds due-start-1 days of which total-1 are worked.
		if n := due.Sub(start) - total; n > 0 {
			res.Skipped = e.skipped(start, due, n)
		}
		for d := start.AddDays(1); !d.After(due); d = d.AddDays(1) {
			if weekend(d) && e.cal.IsWorkingDay(d) {
				res.WorkedWeekends = append(res.WorkedWeekends, d)
			}
		}
		res.Provisional = !e.cal.RangeConfirmed(start, due)
	default:
		last := start.AddDays(total)
		due := e.cal.OnOrAfterWorkingDay(last)
		res.FirstDay = start.AddDays(1)
		res.LastDay, res.DueDate = last, due
		if due == last && weekend(last) {
			res.WorkedWeekends = []calendar.Date{last}
		}
		if due != last {
			from := last
			res.RolledForwardFrom = &from
			res.Skipped = e.skipped(last.AddDays(-1), due, due.Sub(last))
		}
		res.Provisional = !e.cal.RangeConfirmed(last.AddDays(-1), due)
	}
	res.DueAt = res.DueDate.AddDays(1).Time(e.loc)
}

// skipped lists the n non-working days in (a, b] with one allocation.
func (e *Engine) skipped(a, b calendar.Date, n int) []Skipped {
	out := make([]Skipped, 0, n)
	e.cal.EachDayOff(a, b, func(d calendar.Date, reason, reasonEN string) {
		out = append(out, Skipped{Date: d, Reason: reason, ReasonEN: reasonEN})
	})
	return out
}

func kindOf(vs []Rule) Kind {
	if len(vs) == 0 {
		return ""
	}
	return vs[0].Kind
}

// ContributionDue is a coordinating unit's due time, counted back from the
// lead unit's: before working days before the lead's due date, but never
// before the first working day after it was set (from: a unit always gets
// at least one working day) nor after the lead's. A zero time when the
// lead's clock has no due time (suspended). It returns the explanation in
// Vietnamese and English, from the engine's catalogue.
func (e *Engine) ContributionDue(lead Result, before int, from time.Time) (time.Time, string, string) {
	if lead.Suspended || lead.DueAt.IsZero() {
		return time.Time{}, "", ""
	}
	want := e.cal.AddWorkingDays(lead.DueDate, -before)
	day := want
	if min := e.cal.NextWorkingDay(calendar.DateOf(from, e.loc)); day.Before(min) {
		day = min
	}
	day = calendar.MinDate(day, lead.DueDate)
	// A day moved by the floor or the cap is not "before working days
	// before" the lead's, so the explanation says which rule set it.
	id := "explain.contribution"
	if day != want {
		id = "explain.contribution_floor"
	}
	args := map[string]any{"N": before, "Count": before, "LeadDue": lead.DueDate, "Due": day}
	vi := words{t: e.texts, lang: "vi"}.get(id, args)
	en := words{t: e.texts, lang: "en", en: true}.get(id, args)
	return day.AddDays(1).Time(e.loc).UTC(), vi, en
}
