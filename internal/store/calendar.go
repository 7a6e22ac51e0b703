package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

type calendarYearRow struct {
	Year        int `gorm:"primaryKey;autoIncrement:false"`
	Confirmed   bool
	ConfirmedBy string
	ConfirmedAt *time.Time
	Note        string
	UpdatedAt   time.Time
}

func (calendarYearRow) TableName() string { return "calendar_years" }

type calendarEntryRow struct {
	ID          int64 `gorm:"primaryKey"`
	Year        int
	Date        string
	Kind        string
	Name        string
	NameEN      string `gorm:"column:name_en"`
	Source      string
	Unconfirmed bool
}

func (calendarEntryRow) TableName() string { return "calendar_entries" }

const (
	entryDayOff          = "day_off"
	entryWorkingSaturday = "working_saturday"
)

type ruleRow struct {
	ID            int64 `gorm:"primaryKey"`
	RuleID        string
	EffectiveFrom string
	Body          string
	// Origin is ruleBuiltin or ruleAdmin.
	Origin    string
	UpdatedAt time.Time
}

func (ruleRow) TableName() string { return "deadline_rules" }

type overrideRow struct {
	ID        int64 `gorm:"primaryKey"`
	RuleID    string
	Scope     string
	LimitDays int
	Unit      string
	Reason    string
	UpdatedAt time.Time
}

func (overrideRow) TableName() string { return "deadline_overrides" }

// LoadTables returns every stored year table, oldest year first.
func (s *DeadlineStore) LoadTables(ctx context.Context) ([]calendar.YearTable, error) {
	tx := s.db.Gorm.WithContext(ctx)
	var years []calendarYearRow
	if err := tx.Order("year").Find(&years).Error; err != nil {
		return nil, fmt.Errorf("load calendar years: %w", err)
	}
	var entries []calendarEntryRow
	if err := tx.Order("date").Find(&entries).Error; err != nil {
		return nil, fmt.Errorf("load calendar entries: %w", err)
	}
	byYear := map[int]*calendar.YearTable{}
	out := make([]calendar.YearTable, len(years))
	for i, y := range years {
		out[i] = calendar.YearTable{Year: y.Year, Confirmed: y.Confirmed}
		byYear[y.Year] = &out[i]
	}
	for _, e := range entries {
		t, ok := byYear[e.Year]
		if !ok {
			continue
		}
		d, err := calendar.ParseDate(e.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar entry %d: %w", e.ID, err)
		}
		switch e.Kind {
		case entryDayOff:
			t.DaysOff = append(t.DaysOff, calendar.DayOff{Date: d, Name: e.Name, NameEN: e.NameEN, Source: e.Source, Unconfirmed: e.Unconfirmed})
		case entryWorkingSaturday:
			t.WorkingSaturdays = append(t.WorkingSaturdays, calendar.WorkingSaturday{Date: d, Source: e.Source, Unconfirmed: e.Unconfirmed})
		}
	}
	return out, nil
}

// YearMeta returns the bookkeeping of a stored year; ok is false when the
// year has no table.
func (s *DeadlineStore) YearMeta(ctx context.Context, year int) (deadline.YearMeta, bool, error) {
	var y calendarYearRow
	err := s.db.Gorm.WithContext(ctx).Where("year = ?", year).Take(&y).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return deadline.YearMeta{Year: year}, false, nil
	}
	if err != nil {
		return deadline.YearMeta{}, false, err
	}
	return deadline.YearMeta{Year: y.Year, Confirmed: y.Confirmed, ConfirmedBy: y.ConfirmedBy, ConfirmedAt: y.ConfirmedAt, UpdatedAt: y.UpdatedAt}, true, nil
}

// SaveTable replaces the table of t.Year in one transaction, with an audit
// row holding the table before and after. by is recorded as the confirmer
// when the year is confirmed.
func (s *DeadlineStore) SaveTable(ctx context.Context, t calendar.YearTable, by deadline.Editor, now time.Time) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		before, stored, err := s.tableIn(tx, t.Year)
		if err != nil {
			return err
		}
		if err := saveTable(tx, t, by.Label, now); err != nil {
			return err
		}
		e := audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Action: "calendar.save",
			Entity: "calendar_year", EntityID: fmt.Sprint(t.Year), After: t}
		if stored {
			e.Before = before
		}
		if err := recordAudit(ctx, tx, e); err != nil {
			return err
		}
		return RequestRecompute(tx, petition.RecomputeReason("calendar", by.Label, strconv.Itoa(t.Year)), by.Label, now)
	})
}

// tableIn reads one stored year inside tx.
func (s *DeadlineStore) tableIn(tx *gorm.DB, year int) (calendar.YearTable, bool, error) {
	var y calendarYearRow
	err := tx.Where("year = ?", year).Take(&y).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return calendar.YearTable{}, false, nil
	}
	if err != nil {
		return calendar.YearTable{}, false, err
	}
	var entries []calendarEntryRow
	if err := tx.Where("year = ?", year).Order("date").Find(&entries).Error; err != nil {
		return calendar.YearTable{}, false, err
	}
	t := calendar.YearTable{Year: year, Confirmed: y.Confirmed}
	for _, e := range entries {
		d, err := calendar.ParseDate(e.Date)
		if err != nil {
			return t, false, err
		}
		if e.Kind == entryDayOff {
			t.DaysOff = append(t.DaysOff, calendar.DayOff{Date: d, Name: e.Name, NameEN: e.NameEN, Source: e.Source, Unconfirmed: e.Unconfirmed})
		} else {
			t.WorkingSaturdays = append(t.WorkingSaturdays, calendar.WorkingSaturday{Date: d, Source: e.Source, Unconfirmed: e.Unconfirmed})
		}
	}
	return t, true, nil
}

func saveTable(tx *gorm.DB, t calendar.YearTable, by string, now time.Time) error {
	row := calendarYearRow{Year: t.Year, Confirmed: t.Confirmed, UpdatedAt: now}
	if t.Confirmed {
		row.ConfirmedBy, row.ConfirmedAt = by, &now
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "year"}},
		DoUpdates: clause.AssignmentColumns([]string{"confirmed", "confirmed_by", "confirmed_at", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save calendar year %d: %w", t.Year, err)
	}
	if err := tx.Where("year = ?", t.Year).Delete(&calendarEntryRow{}).Error; err != nil {
		return err
	}
	var rows []calendarEntryRow
	for _, d := range t.DaysOff {
		rows = append(rows, calendarEntryRow{Year: t.Year, Date: d.Date.String(), Kind: entryDayOff, Name: d.Name, NameEN: d.NameEN, Source: d.Source, Unconfirmed: d.Unconfirmed})
	}
	for _, w := range t.WorkingSaturdays {
		rows = append(rows, calendarEntryRow{Year: t.Year, Date: w.Date.String(), Kind: entryWorkingSaturday, Source: w.Source, Unconfirmed: w.Unconfirmed})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Date < rows[j].Date })
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return fmt.Errorf("save calendar %d entries: %w", t.Year, err)
		}
	}
	return nil
}

// EnsureDefaults stores the built-in year tables and rules that are not
// stored yet. It never overwrites what an admin edited.
func (s *DeadlineStore) EnsureDefaults(ctx context.Context, tables []calendar.YearTable, rules []deadline.Rule, now time.Time) (years, added int, err error) {
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		years, added = 0, 0
		if s.db.Dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7093)").Error; err != nil {
				return err
			}
		}
		for _, t := range tables {
			var n int64
			if err := tx.Model(&calendarYearRow{}).Where("year = ?", t.Year).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				// Stored before: record the built-in it matches, once.
				if err := recordBuiltinBase(tx, s, t, now); err != nil {
					return err
				}
				continue
			}
			if err := saveTable(tx, t, "built-in", now); err != nil {
				return err
			}
			if err := recordBuiltin(tx, builtinCalendar, fmt.Sprint(t.Year), t.Fingerprint(), "built-in", now); err != nil {
				return err
			}
			years++
		}
		if added, err = ensureBuiltinRules(tx, rules, now); err != nil {
			return err
		}
		// A year or rule that was missing may make uncomputed clocks
		// computable: recompute the open ones.
		if years+added > 0 {
			var open int64
			if err := tx.Raw("SELECT count(*) FROM case_clocks WHERE state = 'open'").Scan(&open).Error; err != nil {
				return err
			}
			if open > 0 {
				return RequestRecompute(tx, petition.RecomputeReason("builtin", "system", ""), "system", now)
			}
		}
		return nil
	})
	return years, added, err
}

// LoadRules returns every stored rule version.
func (s *DeadlineStore) LoadRules(ctx context.Context) ([]deadline.Rule, error) {
	var rows []ruleRow
	if err := s.db.Gorm.WithContext(ctx).Order("rule_id, effective_from").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	out := make([]deadline.Rule, 0, len(rows))
	for _, r := range rows {
		var rule deadline.Rule
		if err := json.Unmarshal([]byte(r.Body), &rule); err != nil {
			return nil, fmt.Errorf("rule %s from %s: %w", r.RuleID, r.EffectiveFrom, err)
		}
		out = append(out, rule)
	}
	return out, nil
}

// AddRule stores a new rule version, with an audit row (deadline.rule.add)
// holding the version and the reason, in one transaction.
func (s *DeadlineStore) AddRule(ctx context.Context, r deadline.Rule, reason string, by deadline.Editor, now time.Time) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&ruleRow{}).Where("rule_id = ? AND effective_from = ?", r.ID, r.EffectiveFrom.String()).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return deadline.VersionExists("store.AddRule", r)
		}
		row := ruleRow{RuleID: r.ID, EffectiveFrom: r.EffectiveFrom.String(), Body: string(body), Origin: ruleAdmin, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store rule %s: %w", r.ID, err)
		}
		err := recordAudit(ctx, tx, audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Action: "deadline.rule.add",
			Entity: "deadline_rule", EntityID: r.ID + "@" + r.EffectiveFrom.String(),
			After: struct {
				Rule   deadline.Rule `json:"rule"`
				Reason string        `json:"reason"`
			}{r, reason}})
		if err != nil {
			return err
		}
		// Open clocks whose start falls in the new version's period move.
		return RequestRecompute(tx, petition.RecomputeReason("rule_version", by.Label, fmt.Sprintf("%s, %s (%s)", r.ID, r.EffectiveFrom.VN(), reason)), by.Label, now)
	})
}

// LoadOverrides returns the admin overrides.
func (s *DeadlineStore) LoadOverrides(ctx context.Context) ([]deadline.Override, error) {
	var rows []overrideRow
	if err := s.db.Gorm.WithContext(ctx).Order("rule_id, scope").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load overrides: %w", err)
	}
	out := make([]deadline.Override, 0, len(rows))
	for _, r := range rows {
		out = append(out, deadline.Override{RuleID: r.RuleID, Scope: r.Scope, Limit: r.LimitDays, Unit: deadline.Unit(r.Unit), Reason: r.Reason})
	}
	return out, nil
}

// SaveOverride creates or replaces the override for (rule, scope), with
// an audit row in the same transaction.
func (s *DeadlineStore) SaveOverride(ctx context.Context, o deadline.Override, by deadline.Editor, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var before overrideRow
		found := tx.Where("rule_id = ? AND scope = ?", o.RuleID, o.Scope).Take(&before).Error == nil
		row := overrideRow{RuleID: o.RuleID, Scope: o.Scope, LimitDays: o.Limit, Unit: string(o.Unit), Reason: o.Reason, UpdatedAt: now}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "rule_id"}, {Name: "scope"}},
			DoUpdates: clause.AssignmentColumns([]string{"limit_days", "unit", "reason", "updated_at"}),
		}).Create(&row).Error
		if err != nil {
			return fmt.Errorf("save override: %w", err)
		}
		e := audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Action: "deadline.override.save",
			Entity: "deadline_override", EntityID: o.RuleID + "/" + o.Scope, After: o}
		if found {
			e.Before = deadline.Override{RuleID: before.RuleID, Scope: before.Scope, Limit: before.LimitDays, Unit: deadline.Unit(before.Unit), Reason: before.Reason}
		}
		if err := recordAudit(ctx, tx, e); err != nil {
			return err
		}
		return RequestRecompute(tx, petition.RecomputeReason("rule_override", by.Label, o.RuleID), by.Label, now)
	})
}

// DeleteOverride removes the override for (rule, scope), if any, with an
// audit row.
func (s *DeadlineStore) DeleteOverride(ctx context.Context, ruleID, scope string, by deadline.Editor, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var before overrideRow
		if err := tx.Where("rule_id = ? AND scope = ?", ruleID, scope).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		if err := tx.Delete(&overrideRow{}, before.ID).Error; err != nil {
			return err
		}
		if err := recordAudit(ctx, tx, audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Action: "deadline.override.delete",
			Entity: "deadline_override", EntityID: ruleID + "/" + scope,
			Before: deadline.Override{RuleID: before.RuleID, Scope: before.Scope, Limit: before.LimitDays, Unit: deadline.Unit(before.Unit), Reason: before.Reason}}); err != nil {
			return err
		}
		return RequestRecompute(tx, petition.RecomputeReason("rule_override_removed", by.Label, ruleID), by.Label, now)
	})
}

// Version changes whenever the calendar, a rule or an override changes, so
// replicas can tell when to rebuild their engine.
func (s *DeadlineStore) Version(ctx context.Context) (string, error) {
	var v struct {
		Years, Entries, Rules, Overrides int64
	}
	tx := s.db.Gorm.WithContext(ctx)
	var err error
	count := func(table string, n *int64) {
		if err == nil {
			err = tx.Table(table).Count(n).Error
		}
	}
	count("calendar_years", &v.Years)
	count("calendar_entries", &v.Entries)
	count("deadline_rules", &v.Rules)
	count("deadline_overrides", &v.Overrides)
	if err != nil {
		return "", err
	}
	var stamps struct{ A, B, C string }
	err = tx.Raw(`SELECT
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM calendar_years), '') AS a,
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM deadline_rules), '') AS b,
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM deadline_overrides), '') AS c`).Scan(&stamps).Error
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%d/%d/%d/%s/%s/%s", v.Years, v.Entries, v.Rules, v.Overrides, stamps.A, stamps.B, stamps.C), nil
}

// recordBuiltinBase gives a year stored before versioned defaults its base:
// the built-in's fingerprint when the stored table says the same, else ”
// (unknown), so that the difference is offered for review once.
func recordBuiltinBase(tx *gorm.DB, s *DeadlineStore, builtin calendar.YearTable, now time.Time) error {
	if _, found, err := builtinBase(tx, builtinCalendar, fmt.Sprint(builtin.Year)); err != nil || found {
		return err
	}
	stored, _, err := s.tableIn(tx, builtin.Year)
	if err != nil {
		return err
	}
	fp := ""
	if stored.Fingerprint() == builtin.Fingerprint() {
		fp = builtin.Fingerprint()
	}
	return recordBuiltin(tx, builtinCalendar, fmt.Sprint(builtin.Year), fp, "built-in", now)
}

// BuiltinChange says whether this release's built-in table of year differs
// from the one the stored year was last built from or reviewed against,
// and if so how the stored table would change by accepting it.
func (s *DeadlineStore) BuiltinChange(ctx context.Context, year int) (calendar.TableDiff, bool, error) {
	builtin, ok := calendar.BuiltinYear(year)
	if !ok {
		return calendar.TableDiff{}, false, nil
	}
	tx := s.db.Gorm.WithContext(ctx)
	fp, found, err := builtinBase(tx, builtinCalendar, fmt.Sprint(year))
	if err != nil {
		return calendar.TableDiff{}, false, err
	}
	if !found || fp == builtin.Fingerprint() {
		return calendar.TableDiff{}, false, nil
	}
	stored, found, err := s.tableIn(tx, year)
	if err != nil || !found {
		return calendar.TableDiff{}, false, err
	}
	d := stored.Diff(builtin)
	return d, true, nil
}

// ResolveBuiltin settles a changed built-in year: accept replaces the
// stored table by the built-in (confirmed, audited, and the open clocks
// recomputed); otherwise the office's table is kept and the built-in is
// marked reviewed. Either way the year is not offered again until a
// release changes its built-in table once more.
func (s *DeadlineStore) ResolveBuiltin(ctx context.Context, year int, accept bool, by deadline.Editor, now time.Time) error {
	builtin, ok := calendar.BuiltinYear(year)
	if !ok {
		return fault.New(fault.NotFound, "page.not_found").Wrap(fmt.Errorf("%w: no built-in table for %d", deadline.ErrInvalidRequest, year))
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		before, stored, err := s.tableIn(tx, year)
		if err != nil {
			return err
		}
		action := "calendar.builtin.keep"
		e := audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Entity: "calendar_year", EntityID: fmt.Sprint(year)}
		if accept {
			action = "calendar.builtin.accept"
			builtin.Confirmed = true
			if err := saveTable(tx, builtin, by.Label, now); err != nil {
				return err
			}
			e.After = builtin
			if stored {
				e.Before = before
			}
			if err := RequestRecompute(tx, petition.RecomputeReason("calendar_builtin", by.Label, strconv.Itoa(year)),
				by.Label, now); err != nil {
				return err
			}
		}
		e.Action = action
		if err := recordAudit(ctx, tx, e); err != nil {
			return err
		}
		return recordBuiltin(tx, builtinCalendar, fmt.Sprint(year), builtin.Fingerprint(), by.Label, now)
	})
}
