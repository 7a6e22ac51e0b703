package petition

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/progress"
)

// A calendar or rule change recomputes the running clocks: a
// due time is computed from the calendar and rules in force, so when an
// admin corrects a day off, or a built-in year or rule is corrected, the
// open cases follow. Met and cancelled clocks keep their due time and
// their frozen on-time fact; suspended clocks have no due time until they
// resume, when it is computed afresh.
//
// A change is recorded as a recompute request in the same transaction as
// the change itself (store.RequestRecompute); the recompute-clocks job
// then walks the open clocks in batches of ids, each batch one
// transaction, checkpointing the request, so it never blocks requests and
// resumes after a restart.

// RecomputeRequest is a pending recompute: why, and how far it got.
type RecomputeRequest struct {
	ID          int64
	Reason      string // "Lịch năm 2026 được sửa bởi …": shown on the moved clocks' events
	LastClockID int64  // the checkpoint: clocks up to this id are done
}

// OpenClockSpec is a running clock with what it takes to compute it again.
type OpenClockSpec struct {
	ID        int64
	CaseID    int64
	Kind      caseclock.Kind
	UnitID    int64
	DueAt     *time.Time
	Spec      string     // deadline.Clock as JSON; "" when it cannot be replayed
	CaseDueAt *time.Time // the citizen's due date (cases.due_at)
	// Started is when the clock started; a contribution's due time is
	// never before the working day after it.
	Started time.Time
	// LeadSpec is, for a contribution clock, the spec of the case's
	// running main clock, whose due time the contribution's follows.
	LeadSpec string
}

// DueMove is one moved due time.
type DueMove struct {
	ClockID, CaseID int64
	Kind            caseclock.Kind
	UnitID          int64
	Before          *time.Time
	After           time.Time
	ExplanationVI   string
	ExplanationEN   string
	// CaseDue: the clock's due time is the citizen's due date, which moves
	// too, with a public event on the timeline.
	CaseDue bool
	// Event is the clock event to append (EventDueMoved).
	Event NewEvent
}

// RecomputeBatch is what one batch writes, in one transaction.
type RecomputeBatch struct {
	Request RecomputeRequest
	Moves   []DueMove
	// Last is the highest clock id looked at; Checked, Failed count them.
	Last            int64
	Checked, Failed int
	Done            bool
}

// RecomputeStore persists the recompute.
type RecomputeStore interface {
	// PendingRecompute returns the newest pending request; the older
	// pending ones are superseded by it (one walk covers them all).
	PendingRecompute(ctx context.Context) (RecomputeRequest, bool, error)
	// OpenClockSpecs returns up to limit open clocks with id > after, by id.
	OpenClockSpecs(ctx context.Context, after int64, limit int) ([]OpenClockSpec, error)
	// ApplyRecompute writes a batch: the moved due times (clearing the
	// late and escalated marks, so the ladder re-arms for the new due
	// time, whose alert keys are new), their events, the citizen's due
	// dates, and the request's checkpoint; when Done it closes the request
	// and every older pending one.
	ApplyRecompute(ctx context.Context, b RecomputeBatch, now time.Time) error
}

// RecomputeBatchSize is how many clocks one transaction recomputes.
const RecomputeBatchSize = 1000

// RecomputeOpenClocks runs the pending recompute, if any, to its end with
// eng (reload it first: another replica may have made the change). It
// returns counts for the job log: clocks checked, moved, failed (their due
// time could not be computed: left as they were and counted).
func RecomputeOpenClocks(ctx context.Context, st RecomputeStore, eng *deadline.Engine, now time.Time, batch int) (map[string]int, error) {
	counts := map[string]int{}
	if batch <= 0 {
		batch = RecomputeBatchSize
	}
	req, ok, err := st.PendingRecompute(ctx)
	if err != nil || !ok {
		return counts, err
	}
	counts["request"] = int(req.ID)
	rp := progress.From(ctx)
	rp.Start("recompute clocks", 0)
	defer rp.Done()
	for {
		if err := ctx.Err(); err != nil {
			return counts, err
		}
		specs, err := st.OpenClockSpecs(ctx, req.LastClockID, batch)
		if err != nil {
			return counts, err
		}
		b := RecomputeBatch{Request: req, Last: req.LastClockID, Done: len(specs) < batch}
		for _, c := range specs {
			b.Last = max(b.Last, c.ID)
			b.Checked++
			m, ok, err := recompute(eng, c, req.Reason)
			switch {
			case err != nil:
				b.Failed++
			case ok:
				b.Moves = append(b.Moves, m)
			}
		}
		if err := st.ApplyRecompute(ctx, b, now); err != nil {
			return counts, err
		}
		counts["checked"] += b.Checked
		rp.Add(int64(b.Checked))
		counts["moved"] += len(b.Moves)
		counts["failed"] += b.Failed
		req.LastClockID = b.Last
		if b.Done {
			return counts, nil
		}
		counts["batches"]++
	}
}

// recompute evaluates one clock's spec with eng: a move when its due time
// changed.
func recompute(eng *deadline.Engine, c OpenClockSpec, reason string) (DueMove, bool, error) {
	if c.Spec == "" {
		return DueMove{}, false, nil // opened without a replayable spec (an old or test clock)
	}
	var spec deadline.Clock
	if err := json.Unmarshal([]byte(c.Spec), &spec); err != nil {
		return DueMove{}, false, err
	}
	var at time.Time
	var vi, en string
	if c.Kind == caseclock.Contribution {
		// A coordinating unit's part follows the lead's due time, as
		// recomputed now.
		var err error
		if at, vi, en, err = recomputeContribution(eng, c, spec); err != nil {
			return DueMove{}, false, err
		}
	} else {
		res, err := eng.Evaluate(spec)
		if err != nil {
			return DueMove{}, false, err
		}
		if !res.Suspended {
			at, vi, en = res.DueAt, eng.Explain(res, "vi"), eng.Explain(res, "en")
		}
	}
	if at.IsZero() {
		return DueMove{}, false, nil
	}
	after := at.UTC().Truncate(time.Microsecond)
	if c.DueAt != nil && c.DueAt.UTC().Truncate(time.Microsecond).Equal(after) {
		return DueMove{}, false, nil
	}
	m := DueMove{ClockID: c.ID, CaseID: c.CaseID, Kind: c.Kind, UnitID: c.UnitID, Before: c.DueAt, After: after,
		ExplanationVI: vi, ExplanationEN: en}
	m.CaseDue = c.Kind != caseclock.Contribution && c.CaseDueAt != nil && c.DueAt != nil && c.CaseDueAt.Equal(*c.DueAt)
	before := "—"
	if c.DueAt != nil {
		before = caseclock.DueText(*c.DueAt, eng.Location())
	}
	due := after
	m.Event = NewEvent{Kind: EventDueMoved, Public: m.CaseDue, Actor: "system", UnitID: c.UnitID,
		Note: before + " → " + caseclock.DueText(after, eng.Location()) + ". " + reason, DueAt: &due}
	return m, true, nil
}

// recomputeContribution is a contribution clock's due time from its case's
// running main clock, evaluated with eng; zero when the lead has none.
func recomputeContribution(eng *deadline.Engine, c OpenClockSpec, spec deadline.Clock) (time.Time, string, string, error) {
	before, ok := contributionBeforeOf(spec)
	if !ok {
		return time.Time{}, "", "", fmt.Errorf("contribution clock %d: no lead days in its spec", c.ID)
	}
	if c.LeadSpec == "" {
		return time.Time{}, "", "", nil // no running main clock: nothing to follow
	}
	var lead deadline.Clock
	if err := json.Unmarshal([]byte(c.LeadSpec), &lead); err != nil {
		return time.Time{}, "", "", err
	}
	res, err := eng.Evaluate(lead)
	if err != nil {
		return time.Time{}, "", "", err
	}
	at, vi, en := eng.ContributionDue(res, before, c.Started)
	return at, vi, en, nil
}
