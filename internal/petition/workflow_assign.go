package petition

import (
	"slices"
	"strings"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
)

// AssignInput sets the lead unit and the coordinating units.
type AssignInput struct {
	Lead string // unit code
	// Coordinating are unit codes, each confirmed by the office: a group
	// is refused (workflow.coordinating_group names its members), so a
	// group never expands into units nobody saw ticked.
	Coordinating []string
	// Reason is required when the case changes hands.
	Reason string
	// ContributionDaysBefore overrides the configured number of working
	// days before the lead's due date the coordinating units' parts are
	// due; nil keeps the setting.
	ContributionDaysBefore *int
}

// Action implements Input.
func (AssignInput) Action() Action { return ActAssign }

// units resolves codes to unit ids, each once. A group is refused with
// its members named: what is recorded is what the office confirmed, unit
// by unit, never a group expanded after it submitted.
func (d *decision) unitIDs(codes []string, field string) ([]int64, *fault.Error) {
	var out []int64
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		u, ok := d.units.byCode[c]
		if !ok || !u.Active {
			return nil, fault.FieldError(field, "workflow.unit_unknown", map[string]any{"Unit": c})
		}
		if u.IsGroup() {
			var names []string
			for _, m := range u.Members {
				if mu, ok := d.units.byCode[m]; ok && mu.Active {
					names = append(names, mu.Name)
				}
			}
			return nil, fault.FieldError(field, "workflow.coordinating_group", map[string]any{"Group": u.Name, "Members": strings.Join(names, ", ")})
		}
		if !slices.Contains(out, u.ID) {
			out = append(out, u.ID)
		}
	}
	return out, nil
}

func (in AssignInput) decide(d *decision) error {
	st := d.st
	var e errs
	lead, ok := d.units.byCode[strings.TrimSpace(in.Lead)]
	switch {
	case strings.TrimSpace(in.Lead) == "":
		e.add(fault.FieldError("lead", "workflow.lead_required", nil))
	case !ok || !lead.Active:
		e.add(fault.FieldError("lead", "workflow.unit_unknown", map[string]any{"Unit": in.Lead}))
	case lead.IsGroup():
		e.add(fault.FieldError("lead", "workflow.lead_group", nil))
	}
	coord, fe := d.unitIDs(in.Coordinating, "coordinating")
	e.add(fe)
	coord = slices.DeleteFunc(coord, func(id int64) bool { return id == lead.ID })
	reassign := st.LeadUnitID != 0
	minReason := 0
	if reassign {
		minReason = 5
	}
	reason, fe := checkText("reason", in.Reason, minReason, MaxNote)
	e.add(fe)
	before := d.w.cfg.ContributionLeadDays
	if in.ContributionDaysBefore != nil {
		before = *in.ContributionDaysBefore
		if before < 0 || before > 30 {
			e.add(fault.FieldError("contribution_days_before", "workflow.days_invalid", map[string]any{"Max": 30}))
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	mc := d.st.MainClock()
	var lres deadline.Result
	if mc != nil {
		if mc.UnitID != lead.ID {
			// The clock passes to the new lead unchanged: reassigning does
			// not restart a statutory period.
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: mc.ID, UnitID: lead.ID})
		}
		if mc.State == caseclock.Open {
			res, err := d.evaluate(mc.Spec)
			if err != nil {
				return err
			}
			lres = res
		}
	}
	for _, c := range st.Clocks {
		if c.Kind == caseclock.Contribution && c.Running() && !slices.Contains(coord, c.UnitID) {
			d.ch.ClockUpdates = append(d.ch.ClockUpdates, ClockUpdate{ID: c.ID, Cancel: true, At: d.now})
		}
	}
	for _, u := range coord {
		if st.ContributionClock(u) != nil {
			continue
		}
		oc := OpenClock{New: caseclock.New{CaseID: st.ID, Kind: caseclock.Contribution, RuleID: "contribution", UnitID: u, Started: d.now},
			Spec: contributionSpec(before)}
		oc.DueAt, oc.ExplanationVI, oc.ExplanationEN = d.contributionDue(lres, before, d.now)
		d.ch.OpenClocks = append(d.ch.OpenClocks, oc)
	}
	d.ch.Case.LeadUnitID = &lead.ID
	d.ch.Coordinating = &coord
	var names []string
	for _, u := range coord {
		names = append(names, d.units.byID[u].Name)
	}
	detail := map[string]any{"lead": lead.Code, "coordinating": unitCodes(d.units, coord), "contribution_days_before": before}
	if reassign {
		detail["from"] = d.units.byID[st.LeadUnitID].Code
	}
	d.ch.Audit["lead_unit"], d.ch.Audit["coordinating"], d.ch.Audit["reason"] = lead.Code, unitCodes(d.units, coord), reason
	d.record("assign", "", d.now, reason, detail)
	if lead.ID != st.LeadUnitID || !sameUnits(coord, st.Coordinating) {
		ev := d.event(EventAssigned, true, strings.Join(names, ", "))
		ev.UnitID = lead.ID
	}
	if reassign || reason != "" || len(coord) > 0 {
		d.event(EventCoordinating, false, assignNote(lead.Code, unitCodes(d.units, coord), reason))
	}
	return nil
}

func sameUnits(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func unitCodes(ix unitIndex, ids []int64) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, ix.byID[id].Code)
	}
	return out
}
