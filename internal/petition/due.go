package petition

import (
	"context"
	"time"
)

// DueQuery asks when the first answer of a new case is due.
type DueQuery struct {
	Kind       Kind
	RuleID     string // Kind.DueRule()
	TopicID    int64
	PlanTaskID int64
	ReceivedAt time.Time
}

// DueCalculator computes due times. main wires it to the deadline engine;
// while it is nil, or when it returns an error, the case records no due
// time and pages show "chưa tính" (not yet computed).
type DueCalculator interface {
	Due(ctx context.Context, q DueQuery) (Due, error)
}

// DueFunc adapts a function to DueCalculator.
type DueFunc func(ctx context.Context, q DueQuery) (Due, error)

// Due implements DueCalculator.
func (f DueFunc) Due(ctx context.Context, q DueQuery) (Due, error) { return f(ctx, q) }

// FirstClocks computes the first due time of a new case from the deadline
// engine in force (FirstClock: the rule of its kind, counted from receipt,
// with the topic as the override scope), so that a case sent through the
// form and one typed in by the office are timed alike.
type FirstClocks struct{ Deadlines Engines }

// Due implements DueCalculator.
func (f FirstClocks) Due(ctx context.Context, q DueQuery) (Due, error) {
	return FirstClock(f.Deadlines.Engine(ctx), q.Kind, q.TopicID, q.ReceivedAt)
}
