package main

import (
	"context"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
)

// The assign form proposes what the topic's mapping says: a topic the
// office gave a lead unit proposes that unit alone, with no coordinating
// unit (plan task II.1 names every division as one); a topic without one
// proposes the plan task's roles, as before.
func TestAssignProposesTheTopicsLead(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "vanphong.assign@sxd.test", "VP", access.Office)
		proposal := func(slug string) petition.Proposal {
			t.Helper()
			v, err := ta.workflow.View(ctx, office, ta.registerUnder(t, office, slug))
			if err != nil {
				t.Fatal(err)
			}
			return v.Proposal
		}
		if p := proposal("quy-hoach-xay-dung"); p.Lead() != ta.unitID(t, "PQHKT") || len(p.Coordinating) != 0 {
			t.Errorf("a topic with its lead unit: lead %d coordinating %v, want %d and none", p.Lead(), p.Coordinating, ta.unitID(t, "PQHKT"))
		}
		if p := proposal("thong-tin-quy-hoach-thu-tuc"); len(p.LeadCandidates) == 0 && len(p.Coordinating) == 0 {
			t.Errorf("a topic without a lead unit proposes nothing; want the plan task's roles")
		}
	})
}
