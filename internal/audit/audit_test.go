package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/audit"
)

func TestCompleteRefusesIncompleteEntries(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	for name, e := range map[string]audit.Entry{
		"no time":   {Action: "case.assign", Entity: "case"},
		"no action": {At: at, Entity: "case"},
		"no entity": {At: at, Action: "case.assign"},
	} {
		if _, err := e.Complete(context.Background()); !errors.Is(err, audit.ErrIncomplete) {
			t.Errorf("%s: err = %v, want ErrIncomplete", name, err)
		}
	}
	got, err := audit.Entry{At: at, Action: "case.assign", Entity: "case", EntityID: "7"}.Complete(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.ActorLabel != "system" || got.At.Location() != time.UTC || !got.At.Equal(at) {
		t.Errorf("completed entry = %+v, want actor system and the time in UTC", got)
	}
}

func TestIdentityAccessNeedsAReason(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	if _, err := (audit.IdentityAccess{At: at, AccountID: 1, CaseID: 2, Reason: "   "}).Complete(context.Background()); !errors.Is(err, audit.ErrIncomplete) {
		t.Errorf("blank reason: err = %v, want ErrIncomplete", err)
	}
	got, err := audit.IdentityAccess{At: at, AccountID: 1, CaseID: 2, Reason: " xác minh "}.Complete(context.Background())
	if err != nil || got.Reason != "xác minh" {
		t.Errorf("got %+v, %v; want the reason trimmed", got, err)
	}
}
