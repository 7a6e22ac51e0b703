package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

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
