package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// Versioned built-in defaults: a database built from an older
// release's 2026 (without a day off the current release has), and edited
// by the office since (a day off of its own), is offered the correction:
// the diff names the corrected day; nothing changes until someone
// decides; "keep" keeps the office's table; "accept" applies the
// correction and asks for the open clocks to be recomputed.
func TestBuiltinCorrectionIsOfferedNotImposed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi)
		ds := store.NewDeadlineStore(db)
		builtin, ok := calendar.BuiltinYear(2026)
		if !ok || len(builtin.DaysOff) < 2 {
			t.Fatal("no built-in 2026")
		}
		// The older release's 2026 lacked the last day off; the office
		// then added one of its own.
		old := builtin
		old.DaysOff = append([]calendar.DayOff(nil), builtin.DaysOff[:len(builtin.DaysOff)-1]...)
		corrected := builtin.DaysOff[len(builtin.DaysOff)-1]
		if _, _, err := ds.EnsureDefaults(ctx, []calendar.YearTable{old}, deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		office := old
		office.DaysOff = append(append([]calendar.DayOff(nil), old.DaysOff...), calendar.DayOff{Date: calendar.NewDate(2026, 12, 24), Name: "Nghỉ của Sở"})
		if err := ds.SaveTable(ctx, office, deadline.Editor{Label: "Văn phòng"}, now); err != nil {
			t.Fatal(err)
		}
		// This release starts: its built-in 2026 is the corrected one.
		if _, _, err := ds.EnsureDefaults(ctx, calendar.Builtin(), deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		d, changed, err := ds.BuiltinChange(ctx, 2026)
		if err != nil || !changed {
			t.Fatalf("the corrected built-in 2026 is not offered: %v %v", changed, err)
		}
		if len(d.DaysOffAdded) != 1 || d.DaysOffAdded[0].Date != corrected.Date || len(d.DaysOffRemoved) != 1 || d.DaysOffRemoved[0].Name != "Nghỉ của Sở" {
			t.Errorf("diff %+v", d)
		}
		stored := func() calendar.YearTable {
			tables, err := ds.LoadTables(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				if tb.Year == 2026 {
					return tb
				}
			}
			t.Fatal("2026 not stored")
			return calendar.YearTable{}
		}
		if stored().Fingerprint() != office.Fingerprint() {
			t.Error("starting the new release changed the office's 2026")
		}
		requests := func() int64 {
			var n int64
			db.Gorm.Raw("SELECT count(*) FROM clock_recomputes").Scan(&n)
			return n
		}
		before := requests()

		// Keep: the office's table stays, and the year is not offered again.
		if err := ds.ResolveBuiltin(ctx, 2026, false, deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		if stored().Fingerprint() != office.Fingerprint() {
			t.Error("keep changed the table")
		}
		if _, changed, _ := ds.BuiltinChange(ctx, 2026); changed {
			t.Error("offered again after keep")
		}
		if requests() != before {
			t.Error("keep asked for a recompute")
		}

		// Accept (after another correction is offered): the built-in wins,
		// and the open clocks are to be recomputed.
		db.Gorm.Exec("UPDATE builtin_defaults SET fingerprint = 'older' WHERE subject = 'calendar' AND item = '2026'")
		if err := ds.ResolveBuiltin(ctx, 2026, true, deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		if stored().Fingerprint() != builtin.Fingerprint() {
			t.Error("accept did not apply the built-in")
		}
		if requests() != before+1 {
			t.Errorf("accept: %d recompute requests, want %d", requests(), before+1)
		}
	})
}

// The corrected built-in 2026 table reaches a database that stored the
// table this project shipped before it (01/09 and 02/09 only, no working
// Saturday): it is offered with exactly the corrected days, and once
// accepted the engine counts with it.
func TestBuiltin2026CorrectionIsOffered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 9, 0, 0, 0, hanoi)
		ds := store.NewDeadlineStore(db)
		builtin, _ := calendar.BuiltinYear(2026)
		old := builtin.Clone()
		var off []calendar.DayOff
		for _, d := range old.DaysOff {
			if s := d.Date.String(); s != "2026-08-29" && s != "2026-08-30" && s != "2026-08-31" {
				off = append(off, d)
			}
		}
		old.DaysOff = off
		old.WorkingSaturdays = old.WorkingSaturdays[:1] // 10/01 only
		if _, _, err := ds.EnsureDefaults(ctx, []calendar.YearTable{old}, deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		d, changed, err := ds.BuiltinChange(ctx, 2026)
		if err != nil || !changed {
			t.Fatalf("correction not offered: %v %v", changed, err)
		}
		var added []string
		for _, o := range d.DaysOffAdded {
			added = append(added, o.Date.String())
		}
		if strings.Join(added, ",") != "2026-08-29,2026-08-30,2026-08-31" || len(d.DaysOffRemoved) != 0 ||
			len(d.WorkingAdded) != 1 || d.WorkingAdded[0].Date.String() != "2026-08-22" || len(d.WorkingRemoved) != 0 {
			t.Errorf("offered diff: %+v", d)
		}
		if err := ds.ResolveBuiltin(ctx, 2026, true, deadline.Editor{Label: "Văn phòng"}, now); err != nil {
			t.Fatal(err)
		}
		tables, err := ds.LoadTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cal := calendar.New(tables)
		if cal.IsWorkingDay(calendar.MustDate("2026-08-31")) || !cal.IsWorkingDay(calendar.MustDate("2026-08-22")) {
			t.Error("accepted correction not in force")
		}
		if _, changed, _ := ds.BuiltinChange(ctx, 2026); changed {
			t.Error("still offered after accepting")
		}
	})
}

// olderRelease is the built-in rules as an older release shipped them:
// the PAKN answer and letter processing limits were wrong, and the
// denunciation's initial processing too.
func olderRelease() []deadline.Rule {
	rules := deadline.DefaultRules()
	for i := range rules {
		switch rules[i].ID {
		case deadline.PAKNAnswer:
			rules[i].Limit += 5
		case deadline.LetterProcess:
			rules[i].Limit += 2
		case deadline.DenunciationInitial:
			rules[i].Limit += 1
		}
	}
	return rules
}

// Versioned built-in rules: a database built from an older release is
// offered each corrected built-in version, field by field, and nothing
// changes until someone decides. Starting the new release never rewrites
// a stored version; "keep" changes nothing and asks for no recompute;
// "accept" applies the built-in, audited, and asks for the open clocks to
// be recomputed; a version an admin added is never offered nor touched;
// a stored version changed since it was built is offered as edited.
func TestBuiltinRuleCorrectionIsOfferedNotImposed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi)
		ds := store.NewDeadlineStore(db)
		tables := calendar.Builtin()
		if _, _, err := ds.EnsureDefaults(ctx, tables, olderRelease(), now); err != nil {
			t.Fatal(err)
		}
		// Under the older release: an admin adds a version of pakn.answer
		// from 2027, and someone changes the stored denunciation rule.
		admin := deadline.Rule{}
		for _, r := range olderRelease() {
			if r.ID == deadline.PAKNAnswer {
				admin = r
			}
		}
		admin.EffectiveFrom, admin.Limit = calendar.NewDate(2027, time.January, 1), 7
		if err := ds.AddRule(ctx, admin, "Quyết định của Sở", deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		var denunciation deadline.Rule
		for _, r := range olderRelease() {
			if r.ID == deadline.DenunciationInitial {
				denunciation = r
			}
		}
		edited := denunciation
		edited.Limit = 9
		body, _ := json.Marshal(edited)
		if err := db.Gorm.Exec("UPDATE deadline_rules SET body = ? WHERE rule_id = ?", string(body), deadline.DenunciationInitial).Error; err != nil {
			t.Fatal(err)
		}
		stored := func() map[string]deadline.Rule {
			rules, err := ds.LoadRules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]deadline.Rule{}
			for _, r := range rules {
				out[r.Key()] = r
			}
			return out
		}
		before := stored()

		// This release starts.
		if _, _, err := ds.EnsureDefaults(ctx, tables, deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		after := stored()
		for k, r := range before {
			if after[k].Fingerprint() != r.Fingerprint() {
				t.Errorf("starting the new release changed the stored %s", k)
			}
		}
		changes, err := ds.BuiltinRuleChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		offered := map[string]deadline.RuleChange{}
		for _, c := range changes {
			offered[c.Builtin.ID] = c
		}
		if len(offered) != 3 {
			t.Fatalf("offered %d rules, want pakn.answer, letter.process, denunciation.initial: %+v", len(offered), changes)
		}
		pakn := offered[deadline.PAKNAnswer]
		if len(pakn.Fields) != 1 || pakn.Fields[0].Field != "limit" || pakn.Fields[0].Stored != "15" || pakn.Fields[0].Builtin != "10" || pakn.Edited {
			t.Errorf("pakn.answer offered as %+v", pakn)
		}
		if d := offered[deadline.DenunciationInitial]; !d.Edited || len(d.Fields) != 1 || d.Fields[0].Stored != "9" {
			t.Errorf("the edited denunciation rule offered as %+v", d)
		}
		for _, c := range changes {
			if c.Builtin.Key() == admin.Key() {
				t.Error("the admin's version is offered")
			}
		}
		requests := func() int64 {
			var n int64
			db.Gorm.Raw("SELECT count(*) FROM clock_recomputes").Scan(&n)
			return n
		}
		audits := func(action string) int64 {
			var n int64
			db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = ?", action).Scan(&n)
			return n
		}
		r0 := requests()

		// Keep: nothing changes, no recompute, not offered again.
		done, err := ds.ResolveBuiltinRule(ctx, deadline.DenunciationInitial, false, deadline.Editor{Label: "Quản trị"}, now)
		if err != nil || len(done) != 1 {
			t.Fatalf("keep: %v %v", done, err)
		}
		if got := stored()[denunciation.Key()]; got.Limit != 9 {
			t.Errorf("keep changed the office's version: limit %d", got.Limit)
		}
		if requests() != r0 || audits("deadline.rule.builtin.keep") != 1 {
			t.Errorf("keep: %d recompute requests (want %d), %d audit rows", requests(), r0, audits("deadline.rule.builtin.keep"))
		}
		// Accept pakn.answer: the built-in is stored, audited, recomputed.
		if _, err := ds.ResolveBuiltinRule(ctx, deadline.PAKNAnswer, true, deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		got := stored()
		if got[pakn.Builtin.Key()].Fingerprint() != pakn.Builtin.Fingerprint() {
			t.Errorf("accept did not store the built-in: %+v", got[pakn.Builtin.Key()])
		}
		if a := got[admin.Key()]; a.Limit != 7 || a.Fingerprint() != admin.Fingerprint() {
			t.Errorf("accepting the built-in touched the admin's version: %+v", a)
		}
		if requests() != r0+1 || audits("deadline.rule.builtin.accept") != 1 {
			t.Errorf("accept: %d recompute requests (want %d), %d audit rows", requests(), r0+1, audits("deadline.rule.builtin.accept"))
		}
		changes, _ = ds.BuiltinRuleChanges(ctx)
		if len(changes) != 1 || changes[0].Builtin.ID != deadline.LetterProcess {
			t.Errorf("still offered after the decisions: %+v", changes)
		}
		if _, err := ds.ResolveBuiltinRule(ctx, deadline.PAKNAnswer, true, deadline.Editor{Label: "Quản trị"}, now); !errors.Is(err, deadline.ErrInvalidRequest) {
			t.Errorf("a rule with nothing offered: %v", err)
		}
		// The engine builds from what is stored.
		rules, _ := ds.LoadRules(ctx)
		if _, err := deadline.NewEngine(calendar.New(tables), rules, nil, hanoi, nil); err != nil {
			t.Errorf("engine: %v", err)
		}
	})
}
