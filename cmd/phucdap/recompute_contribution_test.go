package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// A calendar correction moves a coordinating unit's part with its lead:
// a new day off on the part's last day moves the lead's answer clock a
// working day later, and the recompute moves the contribution clock to
// its lead days before the new due date, with an internal due_moved
// event (the citizen's timeline does not show a unit's part).
func TestCalendarEditRecomputesContributionClocks(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "vp.part-"+token()+"@sxd.test", "VP", access.Office)
		id, _, _ := ta.submitWithSecret(t)
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, id, petition.AcceptInput{})
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
		clock := func(kind caseclock.Kind) clockRow {
			var rows []clockRow
			if err := ta.db.Gorm.Raw("SELECT id, due_at, state, on_time, late_flagged_at FROM case_clocks WHERE case_id = ? AND kind = ? AND state = 'open'",
				id, string(kind)).Scan(&rows).Error; err != nil || len(rows) != 1 {
				t.Fatalf("open %s clock of case %d: %v %v", kind, id, rows, err)
			}
			rows[0].DueAt = rows[0].DueAt.UTC()
			return rows[0]
		}
		lead, part := clock(caseclock.Answer), clock(caseclock.Contribution)
		cal := ta.deadlines.Engine(ctx).Calendar()
		leadLast, partLast := caseclock.LastDay(lead.DueAt, hanoi), caseclock.LastDay(part.DueAt, hanoi)
		if cal.AddWorkingDays(leadLast, -3) != partLast {
			t.Fatalf("before: part due %s, lead %s: not 3 working days apart", partLast, leadLast)
		}

		// The office makes the part's last day a day off.
		var y httpapi.CalendarYear
		ta.getJSON(t, "/api/v1/calendar/2026", 200, &y)
		in := httpapi.CalendarYearInput{Confirmed: true, DaysOff: append(y.DaysOff, httpapi.CalendarDayOff{Date: partLast.String(), Name: "Nghỉ bù (đính chính)"}),
			WorkingSaturdays: y.WorkingSaturdays}
		body, _ := json.Marshal(in)
		res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2026", bytes.NewReader(body), "Content-Type", "application/json",
			"Authorization", ta.staffToken(t, "VP", access.Office))
		if res.StatusCode != 200 {
			t.Fatalf("PUT 2026: %d %s", res.StatusCode, b)
		}
		run := ta.runJob(t, "recompute-clocks", testNow)
		if run.Counts["failed"] != 0 || run.Counts["moved"] < 2 {
			t.Fatalf("recompute: %v", run.Counts)
		}
		newCal := ta.deadlines.Engine(ctx).Calendar()
		lead2, part2 := clock(caseclock.Answer), clock(caseclock.Contribution)
		newLeadLast := caseclock.LastDay(lead2.DueAt, hanoi)
		if newLeadLast != newCal.AddWorkingDays(leadLast, 1) {
			t.Errorf("lead moved to %s, want the next working day after %s", newLeadLast, leadLast)
		}
		if got, want := caseclock.LastDay(part2.DueAt, hanoi), newCal.AddWorkingDays(newLeadLast, -3); got != want {
			t.Errorf("part moved to %s, want %s (3 working days before the lead's %s; was %s)", got, want, newLeadLast, partLast)
		}
		var events []struct {
			Public bool
			UnitID *int64
		}
		ta.db.Gorm.Raw("SELECT public, unit_id FROM case_events WHERE case_id = ? AND kind = 'due_moved' ORDER BY id", id).Scan(&events)
		parts := 0
		for _, e := range events {
			if e.UnitID != nil && !e.Public {
				parts++
			}
		}
		if len(events) != 2 || parts < 1 {
			t.Errorf("due_moved events %+v: want the lead's and the part's (internal)", events)
		}
		if again := ta.runJob(t, "recompute-clocks", testNow.Add(time.Minute)); again.Counts["moved"] != 0 {
			t.Errorf("second recompute: %v", again.Counts)
		}
	})
}
