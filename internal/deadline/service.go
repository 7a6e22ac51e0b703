package deadline

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// Source is where the engine's data lives: the year tables, the rule
// versions and the admin overrides. The store implements it.
type Source interface {
	LoadTables(ctx context.Context) ([]calendar.YearTable, error)
	LoadRules(ctx context.Context) ([]Rule, error)
	LoadOverrides(ctx context.Context) ([]Override, error)
	// Version changes whenever any of the three changes.
	Version(ctx context.Context) (string, error)
}

// Service hands out the current Engine and rebuilds it when the stored
// calendar, rules or overrides change, on this replica or another. The
// engine itself is immutable; a rebuild swaps it atomically, so a due time
// is always computed against one consistent calendar.
type Service struct {
	src      Source
	loc      *time.Location
	now      func() time.Time
	interval time.Duration
	texts    Texts

	engine  atomic.Pointer[Engine]
	mu      sync.Mutex // serialises reloads
	version string
	checked time.Time
}

// NewService loads the engine from src. interval bounds how often a call to
// Engine checks whether another replica changed the data. texts words the
// engines' explanations (Engine.Explain).
func NewService(ctx context.Context, src Source, loc *time.Location, now func() time.Time, interval time.Duration, texts Texts) (*Service, error) {
	s := &Service{src: src, loc: loc, now: now, interval: interval, texts: texts}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload rebuilds the engine from the source now.
func (s *Service) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reload(ctx)
}

func (s *Service) reload(ctx context.Context) error {
	v, err := s.src.Version(ctx)
	if err != nil {
		return fmt.Errorf("deadline data version: %w", err)
	}
	tables, err := s.src.LoadTables(ctx)
	if err != nil {
		return err
	}
	rules, err := s.src.LoadRules(ctx)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		rules = DefaultRules()
	}
	overrides, err := s.src.LoadOverrides(ctx)
	if err != nil {
		return err
	}
	e, err := NewEngine(calendar.New(tables), rules, overrides, s.loc, s.texts)
	if err != nil {
		return err
	}
	s.engine.Store(e)
	s.version, s.checked = v, s.now()
	return nil
}

// Engine returns the current engine, first rebuilding it if the stored
// data changed since the last check (at most once per interval). If the
// check fails the last good engine is returned: a database hiccup must not
// stop due times from being computed.
func (s *Service) Engine(ctx context.Context) *Engine {
	if s.now().Sub(s.lastChecked()) >= s.interval {
		s.refresh(ctx)
	}
	return s.engine.Load()
}

// Calendar returns the working-day calendar of the engine in force.
func (s *Service) Calendar(ctx context.Context) *calendar.Calendar { return s.Engine(ctx).Calendar() }

func (s *Service) lastChecked() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checked
}

func (s *Service) refresh(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now().Sub(s.checked) < s.interval {
		return
	}
	v, err := s.src.Version(ctx)
	if err != nil {
		return
	}
	s.checked = s.now()
	if v != s.version {
		_ = s.reload(ctx)
	}
}

// YearMeta is the bookkeeping of a stored year table.
type YearMeta struct {
	Year        int
	Confirmed   bool
	ConfirmedBy string
	ConfirmedAt *time.Time
	UpdatedAt   time.Time
}

// Editor is who changes the calendar: recorded on the year and in the
// audit trail.
type Editor struct {
	AccountID *int64
	Label     string
}

// TableStore saves the year tables an admin edits.
type TableStore interface {
	// SaveTable replaces the year's table and records the change, with the
	// table before and after, in the audit trail of the same transaction.
	SaveTable(ctx context.Context, t calendar.YearTable, by Editor, now time.Time) error
	YearMeta(ctx context.Context, year int) (YearMeta, bool, error)
}

// YearView is one year of the calendar as staff and citizens see it.
type YearView struct {
	Table       calendar.YearTable
	Proposed    bool // nothing stored: the rules' draft
	Meta        YearMeta
	WorkingDays int
}

// Year returns the calendar of year: the stored table, or the draft.
func (s *Service) Year(ctx context.Context, store TableStore, year int) (YearView, error) {
	if !calendar.EditableYear(year) {
		return YearView{}, invalid(fault.FieldError("year", "calendar.bad_year", nil), "deadline.Year", "year %d out of range", year)
	}
	cal := s.Engine(ctx).Calendar()
	t, proposed := cal.Table(year)
	meta, _, err := store.YearMeta(ctx, year)
	if err != nil {
		return YearView{}, err
	}
	return YearView{Table: t, Proposed: proposed, Meta: meta, WorkingDays: cal.WorkingDaysInYear(year)}, nil
}

// SaveYear validates and stores an admin's table for t.Year, then rebuilds
// the engine so that new due times use it at once. Due times already
// recorded on cases are not recomputed: on-time facts are frozen.
func (s *Service) SaveYear(ctx context.Context, store TableStore, t calendar.YearTable, by Editor) (YearView, error) {
	if err := t.Validate(); err != nil {
		return YearView{}, err
	}
	if err := store.SaveTable(ctx, t, by, s.now()); err != nil {
		return YearView{}, err
	}
	if err := s.Reload(ctx); err != nil {
		return YearView{}, err
	}
	return s.Year(ctx, store, t.Year)
}

// OverrideStore saves the admin overrides of configurable limits.
type OverrideStore interface {
	// SaveOverride creates or replaces the override for (rule, scope), and
	// DeleteOverride removes it; both record the change in the audit trail
	// of the same transaction.
	SaveOverride(ctx context.Context, o Override, by Editor, now time.Time) error
	DeleteOverride(ctx context.Context, ruleID, scope string, by Editor, now time.Time) error
}

// SaveOverride checks o against the rules (only configurable rules may be
// overridden, within 1..MaxLimit) by building an engine with it, stores it
// and rebuilds the engine. Due times already recorded do not change.
func (s *Service) SaveOverride(ctx context.Context, store OverrideStore, o Override, by Editor) error {
	current, err := s.src.LoadOverrides(ctx)
	if err != nil {
		return err
	}
	next := []Override{o}
	for _, c := range current {
		if c.RuleID != o.RuleID || c.Scope != o.Scope {
			next = append(next, c)
		}
	}
	e := s.engine.Load()
	if _, err := NewEngine(e.Calendar(), e.Rules(), next, s.loc, s.texts); err != nil {
		return err
	}
	if err := store.SaveOverride(ctx, o, by, s.now()); err != nil {
		return err
	}
	return s.Reload(ctx)
}

// DeleteOverride removes the override for (rule, scope) and rebuilds the
// engine.
func (s *Service) DeleteOverride(ctx context.Context, store OverrideStore, ruleID, scope string, by Editor) error {
	if err := store.DeleteOverride(ctx, ruleID, scope, by, s.now()); err != nil {
		return err
	}
	return s.Reload(ctx)
}

// Overrides returns the overrides in force.
func (s *Service) Overrides(ctx context.Context) ([]Override, error) { return s.src.LoadOverrides(ctx) }

// RuleStore stores the rule versions an admin adds.
type RuleStore interface {
	// AddRule stores a new version of a rule and records it in the audit
	// trail of the same transaction, with the reason given. It fails with
	// ErrRuleVersionExists when that rule already has a version starting
	// on r.EffectiveFrom.
	AddRule(ctx context.Context, r Rule, reason string, by Editor, now time.Time) error
}

// AddRuleVersion adds a version of an existing rule, in force from
// r.EffectiveFrom (to r.EffectiveTo, if set). The kind, step and start
// event are the rule's own: a version changes limits, units and sources,
// not what the clock times. It is checked by building an engine with every
// version plus the new one (so overlapping versions are refused), stored,
// and the engine rebuilt. Due times already recorded are not recomputed
// here.
func (s *Service) AddRuleVersion(ctx context.Context, store RuleStore, r Rule, reason string, by Editor) (Rule, error) {
	e := s.engine.Load()
	var base *Rule
	for _, v := range e.Rules() {
		if v.ID == r.ID {
			v := v
			base = &v
		}
	}
	if base == nil {
		return Rule{}, unknownRule("id", fmt.Errorf("deadline.AddRuleVersion: %w: %q", ErrUnknownRule, r.ID))
	}
	// The direction of the count is what the rule is, like its step and
	// start: a new version of a notice owed before a dialogue is still
	// counted backwards.
	r.Kind, r.Step, r.Start, r.Before = base.Kind, base.Step, base.Start, base.Before
	if r.VersionBy == "" {
		r.VersionBy = base.VersionEvent()
	}
	if r.ExtensionLimit > 0 && r.ExtensionUnit == "" {
		r.ExtensionUnit = r.Unit
	}
	for _, v := range e.Rules() {
		if v.ID == r.ID && v.EffectiveFrom == r.EffectiveFrom {
			return Rule{}, VersionExists("deadline.AddRuleVersion", r)
		}
	}
	overrides, err := s.src.LoadOverrides(ctx)
	if err != nil {
		return Rule{}, err
	}
	if _, err := NewEngine(e.Calendar(), append(e.Rules(), r), overrides, s.loc, s.texts); err != nil {
		return Rule{}, err
	}
	if err := store.AddRule(ctx, r, reason, by, s.now()); err != nil {
		return Rule{}, err
	}
	return r, s.Reload(ctx)
}

// CalendarNotice asks the office to confirm a year's calendar: shown as a
// banner on every office and admin page while it holds.
type CalendarNotice struct {
	Year int
	// Next: from 1 November, next year is not confirmed. Otherwise the
	// current year is not (it is a draft, or Unconfirmed entries remain).
	Next bool
	// Unconfirmed is the number of entries not yet checked (0 for a draft
	// or an unconfirmed table without such entries).
	Unconfirmed int
	Proposed    bool
}

// CalendarNotices returns what the office must still confirm today, on
// the service's clock: the current year while it is not confirmed, and
// from 1 November next year until it is.
func (s *Service) CalendarNotices(ctx context.Context) []CalendarNotice {
	e := s.Engine(ctx)
	cal := e.Calendar()
	today := calendar.DateOf(s.now(), s.loc)
	notice := func(year int, next bool) CalendarNotice {
		t, proposed := cal.Table(year)
		return CalendarNotice{Year: year, Next: next, Unconfirmed: len(t.UnconfirmedEntries()), Proposed: proposed}
	}
	var out []CalendarNotice
	if !cal.YearConfirmed(today.Year) {
		out = append(out, notice(today.Year, false))
	}
	if !today.Before(ReminderStart(today.Year)) && !cal.YearConfirmed(today.Year+1) {
		out = append(out, notice(today.Year+1, true))
	}
	return out
}

// Today is the business date on the service's clock.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now(), s.loc) }

// ReminderStart is when the office starts being asked to confirm the
// calendar of year+1: 1 November of year, once the Government has
// usually announced the next year's holidays.
func ReminderStart(year int) calendar.Date { return calendar.NewDate(year, time.November, 1) }
