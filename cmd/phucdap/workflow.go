package main

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
)

// engines hands the workflow the deadline engine, which startDeadlines
// builds after assemble.
type engines struct{ a *app }

func (e engines) Engine(ctx context.Context) *deadline.Engine { return e.a.deadlines.Engine(ctx) }

// newWorkflow wires the case workflow (issue 6) over its store, the units,
// the topics and the deadline engine. The first clock of a case comes from
// petition.FirstClock, as intake's receipts do, so a case typed in by the
// office and one sent through the form are timed alike.
func newWorkflow(a *app) *petition.Workflow {
	return petition.NewWorkflow(petition.WorkflowConfig{
		Store: store.NewWorkflowStore(a.db), Topics: a.intake.store, Units: a.units, Deadlines: engines{a},
		Now: a.clock.Now, Log: a.log, Agency: a.cfg.Agency, Location: a.cfg.Location,
		DisputeWindow:        time.Duration(a.cfg.Intake.DisputeDays) * 24 * time.Hour,
		ContributionLeadDays: a.cfg.Workflow.ContributionLeadDays,
		Scrubber:             a.cases.Scrubber,
	})
}
