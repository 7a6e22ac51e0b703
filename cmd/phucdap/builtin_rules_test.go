package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/platform"
)

// asOlderRelease makes the database look built by an older release whose
// built-in rule id said limit+extra: the stored version and the recorded
// built-in both say so. The engine is rebuilt from it.
func (ta *testApp) asOlderRelease(t *testing.T, id string, extra int) deadline.Rule {
	t.Helper()
	var old deadline.Rule
	for _, r := range deadline.DefaultRules() {
		if r.ID == id {
			old = r
		}
	}
	old.Limit += extra
	body, _ := json.Marshal(old)
	if err := ta.db.Gorm.Exec("UPDATE deadline_rules SET body = ?, updated_at = ? WHERE rule_id = ? AND effective_from = ?",
		string(body), testNow.UTC(), old.ID, old.EffectiveFrom.String()).Error; err != nil {
		t.Fatal(err)
	}
	if err := ta.db.Gorm.Exec("UPDATE builtin_defaults SET fingerprint = ? WHERE subject = 'rule' AND item = ?", old.Fingerprint(), old.Key()).Error; err != nil {
		t.Fatal(err)
	}
	if err := ta.deadlines.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return old
}

// Versioned built-in rules, through the real app: a database whose
// pakn.answer came from an older release (15 working days, corrected to
// 10) and whose letter.process too. Start-up logs both; the admin rules
// page says "the built-in rule changed: review" with the field that
// differs. Keeping letter.process changes nothing; accepting pakn.answer
// (audited) moves the open kiến nghị's due time 5 working days earlier
// once the recompute job runs, and records the move on the case.
func TestBuiltinRuleCorrectionThroughTheApp(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		ta.asOlderRelease(t, deadline.PAKNAnswer, 5)
		ta.asOlderRelease(t, deadline.LetterProcess, 2)
		id, _, _ := ta.submitWithSecret(t)
		clockOf := func() clockRow {
			var rows []clockRow
			if err := ta.db.Gorm.Raw("SELECT id, due_at, state, on_time, late_flagged_at FROM case_clocks WHERE case_id = ? AND rule_id = ? AND state = 'open'",
				id, deadline.PAKNAnswer).Scan(&rows).Error; err != nil || len(rows) != 1 {
				t.Fatalf("open pakn.answer clock of case %d: %v %v", id, rows, err)
			}
			rows[0].DueAt = rows[0].DueAt.UTC()
			return rows[0]
		}
		before := clockOf()

		// The new release starts over this database.
		logs := &bytes.Buffer{}
		if err := storeDeadlineDefaults(ctx, ta.deadlineStore, testNow, platform.NewLogger(logs, "json", "debug")); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"pakn.answer@1900-01-01", "letter.process@1900-01-01"} {
			if !strings.Contains(logs.String(), `"rule":"`+k+`"`) {
				t.Errorf("start-up does not log the changed %s:\n%s", k, logs)
			}
		}
		if c := clockOf(); !c.DueAt.Equal(before.DueAt) {
			t.Fatal("starting the new release moved a due time")
		}

		ta.addStaff(t, "admin-builtin@sxd.test", "VP", access.Admin)
		b := ta.browser(t)
		b.mustLogin("admin-builtin@sxd.test")
		_, page := b.get("/admin/rules?lang=en")
		for _, want := range []string{"The built-in rule pakn.answer (version from 1 January 1900) changed in this release: review.",
			"The built-in rule letter.process", "<code>limit</code></td><td>− 15</td><td>+ 10</td>", "Accept the correction"} {
			if !strings.Contains(page, want) {
				t.Errorf("rules page lacks %q", want)
			}
		}
		requests := func() int64 { return ta.count(t, "SELECT count(*) FROM clock_recomputes") }
		r0 := requests()

		// Keep letter.process: nothing changes.
		res, _ := b.post("/admin/rules/builtin", url.Values{"item": {"letter.process@1900-01-01"}, "decision": {"keep"}})
		if res.StatusCode != http.StatusSeeOther || requests() != r0 {
			t.Fatalf("keep: %d, %d recompute requests (had %d)", res.StatusCode, requests(), r0)
		}
		if ex := ta.explainLimit(t, deadline.LetterProcess); ex != 12 {
			t.Errorf("letter.process after keep: %d working days, want the stored 12", ex)
		}

		// Accept pakn.answer: the engine counts 10 at once; the recompute
		// moves the open clock.
		res, _ = b.post("/admin/rules/builtin", url.Values{"item": {"pakn.answer@1900-01-01"}, "decision": {"accept"}})
		if res.StatusCode != http.StatusSeeOther || requests() != r0+1 {
			t.Fatalf("accept: %d, %d recompute requests (had %d)", res.StatusCode, requests(), r0)
		}
		if ex := ta.explainLimit(t, deadline.PAKNAnswer); ex != 10 {
			t.Errorf("pakn.answer after accept: %d working days", ex)
		}
		_, page = b.get("/admin/rules?builtin=accepted&lang=en")
		if strings.Contains(page, "The built-in rule") || !strings.Contains(page, "The built-in correction was applied") {
			t.Error("the rules page still offers a settled correction")
		}
		res, page = b.post("/admin/rules/builtin?lang=en", url.Values{"item": {"pakn.answer@1900-01-01"}, "decision": {"accept"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "No built-in correction of this rule is waiting for review.") {
			t.Errorf("accepting twice: %d", res.StatusCode)
		}
		if run := ta.runJob(t, "recompute-clocks", testNow); run.Counts["moved"] < 1 {
			t.Fatalf("recompute moved nothing: %v", run.Counts)
		}
		after := clockOf()
		cal := ta.deadlines.Engine(ctx).Calendar()
		oldLast, newLast := caseclock.LastDay(before.DueAt, hanoi), caseclock.LastDay(after.DueAt, hanoi)
		if cal.AddWorkingDays(newLast, 5) != oldLast {
			t.Errorf("due moved from %s to %s, want 5 working days earlier", oldLast, newLast)
		}
		if n := ta.count(t, "SELECT count(*) FROM case_events WHERE case_id = ? AND kind = 'due_moved' AND note LIKE ?", id, "%pakn.answer%"); n != 1 {
			t.Errorf("%d due_moved events naming the rule", n)
		}
		for action, want := range map[string]int64{"deadline.rule.builtin.accept": 1, "deadline.rule.builtin.keep": 1} {
			if n := ta.count(t, "SELECT count(*) FROM audit_log WHERE action = ?", action); n != want {
				t.Errorf("%s: %d audit rows", action, n)
			}
		}
	})
}

// explainLimit is the limit the engine in force gives rule from today.
func (ta *testApp) explainLimit(t *testing.T, rule string) int {
	t.Helper()
	var ex struct{ Limit int }
	ta.getJSON(t, "/api/v1/deadline/explain?rule="+rule+"&start=2026-11-27", 200, &ex)
	return ex.Limit
}

// "phucdap rules diff" on a database built from this release: nothing to
// review; keep and accept-builtin refuse a rule with nothing offered.
func TestRulesDiffCLI(t *testing.T) {
	eachCLI(t, func(t *testing.T, env []string) {
		out, errOut, err := runCLI(t, env, "rules", "diff")
		if err != nil || !strings.Contains(out, "no built-in rule changed") {
			t.Fatalf("diff: %v %s %s", err, out, errOut)
		}
		if _, _, err := runCLI(t, env, "rules", "keep", "pakn.answer"); err == nil {
			t.Error("keep of a rule with nothing offered succeeded")
		}
		if _, _, err := runCLI(t, env, "rules", "accept-builtin"); err == nil {
			t.Error("accept-builtin without a RULE succeeded")
		}
	})
}
