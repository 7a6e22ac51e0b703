package deadline

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phucdap/phucdap/internal/calendar"
)

func TestExtensions(t *testing.T) {
	e := newEngine(t)
	type step struct {
		at   string
		days int
		due  string // "" when an error is expected
		err  error
	}
	tests := []struct {
		name  string
		clock Clock
		steps []step
	}{
		{
			name:  "especially complex denunciation: two extensions, not three",
			clock: Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Complexity: EspeciallyComplex},
			steps: []step{
				{"2026-08-10", 0, "2026-09-14", nil},
				{"2026-09-10", 0, "2026-10-13", nil},
				{"2026-10-01", 0, "", ErrExtensionCap},
			},
		},
		{
			name:  "complex denunciation: one extension",
			clock: Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Complexity: Complex},
			steps: []step{
				{"2026-08-14", 0, "2026-09-14", nil}, // decided on the last day: allowed
				{"2026-09-01", 0, "", ErrExtensionCap},
			},
		},
		{
			name:  "normal denunciation: none",
			clock: Clock{RuleID: DenunciationResolve, Start: at("2026-07-15")},
			steps: []step{{"2026-08-01", 0, "", ErrExtensionCap}},
		},
		{
			name:  "complaint: none, even when complex",
			clock: Clock{RuleID: ComplaintResolve, Start: at("2026-07-15"), Complexity: Complex},
			steps: []step{{"2026-08-01", 0, "", ErrExtensionCap}},
		},
		{
			name:  "a shorter extension, then none longer than the cap",
			clock: Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Complexity: EspeciallyComplex},
			steps: []step{
				{"2026-08-01", 10, "2026-08-24", nil},
				{"2026-08-02", 31, "", ErrExtensionCap},
				{"2026-08-02", -1, "", ErrInvalidRequest},
			},
		},
		{
			name:  "extension decided after the deadline ran out",
			clock: Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Complexity: Complex},
			steps: []step{{"2026-08-15", 0, "", ErrClockState}},
		},
		{
			name:  "initial processing: once, up to 10 working days",
			clock: Clock{RuleID: DenunciationInitial, Start: at("2026-07-15")},
			steps: []step{
				{"2026-07-20", 0, "2026-07-29", nil},
				{"2026-07-21", 0, "", ErrExtensionCap},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.clock
			for i, s := range tt.steps {
				next, res, err := e.Extend(c, at(s.at), s.days, "QĐ gia hạn")
				if s.err != nil {
					if !errors.Is(err, s.err) {
						t.Fatalf("step %d: err = %v, want %v", i, err, s.err)
					}
					if len(next.Events) != len(c.Events) {
						t.Fatalf("step %d: a refused extension changed the clock", i)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if res.DueDate.String() != s.due {
					t.Fatalf("step %d: due %s, want %s", i, res.DueDate, s.due)
				}
				c = next
			}
		})
	}
	// errors.As gives the caps for a message to the user.
	c := Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Complexity: Complex}
	c, _, _ = e.Extend(c, at("2026-08-01"), 0, "")
	_, _, err := e.Extend(c, at("2026-08-02"), 0, "")
	var capErr *ExtensionCapError
	if !errors.As(err, &capErr) || capErr.MaxExtensions != 1 || capErr.Requested != 2 || capErr.MaxDays != 30 {
		t.Errorf("ExtensionCapError = %+v (%v)", capErr, err)
	}
}

func TestSuspendResume(t *testing.T) {
	e := newEngine(t)
	d := calendar.MustDate
	tests := []struct {
		name          string
		clock         Clock
		suspend       string
		remaining     int
		resume        string
		due           string
		start         string
		paused        int
		restartedFrom string
	}{
		{
			// Luật Khiếu nại Art. 11a: counted again from the decision to continue.
			name:    "complaint restarts from the resume decision",
			clock:   Clock{RuleID: ComplaintResolve, Start: at("2026-07-15")},
			suspend: "2026-07-20", remaining: 30,
			resume: "2026-08-10", due: "2026-09-09", start: "2026-08-10", paused: 0,
		},
		{
			name:    "complex second-round complaint restarts with its own limit",
			clock:   Clock{RuleID: ComplaintResolve, Start: at("2026-07-15"), Round: 2, Complexity: Complex},
			suspend: "2026-08-01", remaining: 60,
			resume: "2026-08-10", due: "2026-10-09", start: "2026-08-10", paused: 0,
		},
		// Both sides of 01/07/2026 (Luật 136/2025/QH15 and NĐ 155/2026 in
		// force): what decides is the date of the suspension decision, not
		// the acceptance (NĐ 155/2026 Art. 22(1) applies the new suspension
		// rules to cases accepted before and still undecided).
		{
			name:    "complaint accepted and suspended before 01/07/2026: paused days not counted",
			clock:   Clock{RuleID: ComplaintResolve, Start: at("2026-06-01")},
			suspend: "2026-06-10", remaining: 21,
			resume: "2026-06-20", due: "2026-07-13", start: "2026-06-01", paused: 10,
		},
		{
			name:    "complaint suspended 30/06/2026, the day before: paused days not counted",
			clock:   Clock{RuleID: ComplaintResolve, Start: at("2026-06-15")},
			suspend: "2026-06-30", remaining: 15,
			resume: "2026-07-06", due: "2026-07-21", start: "2026-06-15", paused: 6,
		},
		{
			name:    "complaint accepted before, suspended on 01/07/2026: restarts in full",
			clock:   Clock{RuleID: ComplaintResolve, Start: at("2026-06-15")},
			suspend: "2026-07-01", remaining: 30,
			resume: "2026-07-06", due: "2026-08-05", start: "2026-07-06", paused: 0,
		},
		{
			name:    "denunciation: paused calendar days are not counted",
			clock:   Clock{RuleID: DenunciationResolve, Start: at("2026-07-15")},
			suspend: "2026-07-20", remaining: 25,
			resume: "2026-08-10", due: "2026-09-04", start: "2026-07-15", paused: 21,
		},
		{
			name:    "working-day rule: paused working days are not counted",
			clock:   Clock{RuleID: DenunciationInitial, Start: at("2026-07-15")},
			suspend: "2026-07-17", remaining: 5,
			resume: "2026-07-22", due: "2026-07-29", start: "2026-07-15", paused: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, res, err := e.Suspend(tt.clock, at(tt.suspend), "QĐ tạm đình chỉ")
			if err != nil {
				t.Fatal(err)
			}
			if !res.Suspended || res.SuspendedSince != d(tt.suspend) || !res.DueAt.IsZero() || !res.DueDate.IsZero() || res.Remaining != tt.remaining {
				t.Errorf("suspended: %+v", res)
			}
			c, res, err = e.Resume(c, at(tt.resume), "QĐ tiếp tục giải quyết")
			if err != nil {
				t.Fatal(err)
			}
			got := struct{ Due, Start, Event string }{res.DueDate.String(), res.StartDate.String(), res.EventDate.String()}
			want := struct{ Due, Start, Event string }{tt.due, tt.start, calendar.DateOf(tt.clock.Start, VietnamLocation()).String()}
			if diff := cmp.Diff(want, got); diff != "" || res.Suspended || res.PausedDays != tt.paused || len(res.Pauses) != 1 {
				t.Errorf("resumed (-want +got):\n%s\n%+v", diff, res)
			}
			// Stored and evaluated again, the clock gives the same result.
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var stored Clock
			if err := json.Unmarshal(b, &stored); err != nil {
				t.Fatal(err)
			}
			again, err := e.Evaluate(stored)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(res, again); diff != "" {
				t.Errorf("re-evaluated (-first +again):\n%s", diff)
			}
		})
	}
}

func TestClockErrors(t *testing.T) {
	e := newEngine(t)
	base := Clock{RuleID: ComplaintResolve, Start: at("2026-07-15")}
	ev := func(k EventKind, s string) Event { return Event{Kind: k, At: at(s)} }
	tests := []struct {
		name   string
		events []Event
		want   error
	}{
		{"resume without suspension", []Event{ev(EventResume, "2026-07-20")}, ErrClockState},
		{"suspend twice", []Event{ev(EventSuspend, "2026-07-20"), ev(EventSuspend, "2026-07-21")}, ErrClockState},
		{"extend while suspended", []Event{ev(EventSuspend, "2026-07-20"), ev(EventExtend, "2026-07-21")}, ErrClockState},
		{"suspend after the deadline", []Event{ev(EventSuspend, "2026-08-15")}, ErrClockState},
		{"out of order", []Event{ev(EventSuspend, "2026-07-20"), ev(EventResume, "2026-07-19")}, ErrInvalidRequest},
		{"before the start", []Event{ev(EventSuspend, "2026-07-14")}, ErrInvalidRequest},
		{"unknown kind", []Event{ev("pause", "2026-07-20")}, ErrInvalidRequest},
		{"no time", []Event{{Kind: EventSuspend}}, ErrInvalidRequest},
	}
	for _, tt := range tests {
		c := base
		c.Events = tt.events
		if _, err := e.Evaluate(c); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	// ErrClockState is also an ErrInvalidRequest, for callers that only map that.
	c := base
	c.Events = []Event{ev(EventResume, "2026-07-20")}
	if _, err := e.Evaluate(c); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("ErrClockState does not match ErrInvalidRequest: %v", err)
	}
}

// Operations never write into the caller's Events array.
func TestClockOperationsArePure(t *testing.T) {
	e := newEngine(t)
	events := make([]Event, 1, 4)
	events[0] = Event{Kind: EventSuspend, At: at("2026-07-20")}
	c := Clock{RuleID: DenunciationResolve, Start: at("2026-07-15"), Events: events}
	next, _, err := e.Resume(c, at("2026-07-25"), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := events[:2][1]; got != (Event{}) {
		t.Errorf("Resume wrote into the caller's array: %+v", got)
	}
	if len(next.Events) != 2 || len(c.Events) != 1 {
		t.Errorf("events: next %d, original %d", len(next.Events), len(c.Events))
	}
}

func TestEvaluateWithoutEventsEqualsCompute(t *testing.T) {
	e := newEngine(t)
	req := Request{RuleID: ComplaintResolve, Start: at("2026-02-12"), Complexity: Complex, Remote: true}
	want, err := e.Compute(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(Clock{RuleID: req.RuleID, Start: req.Start, Complexity: req.Complexity, Remote: req.Remote})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-Compute +Evaluate):\n%s", diff)
	}
}
