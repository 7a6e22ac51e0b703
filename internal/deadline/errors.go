package deadline

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is. Every error the package returns
// wraps exactly one of them (ErrClockState also wraps ErrInvalidRequest)
// and names the operation and rule, so the edge can map it to a 4xx and a
// message without parsing text.
var (
	// ErrUnknownRule: no rule with that ID, or none in force on the date.
	ErrUnknownRule = errors.New("deadline: unknown rule")
	// ErrInvalidRequest: the request or clock is malformed (no start date,
	// round 3, events out of order...).
	ErrInvalidRequest = errors.New("deadline: invalid request")
	// ErrExtensionCap: an extension the law does not allow (one too many,
	// or longer than the rule permits). See ExtensionCapError.
	ErrExtensionCap = errors.New("deadline: extension beyond the legal cap")
	// ErrClockState: an operation that the clock's state forbids, such as
	// resuming a running clock or extending an expired one.
	ErrClockState = errors.New("deadline: not allowed in the clock's state")
	// ErrInvalidConfig: rules or overrides given to NewEngine are
	// inconsistent; an admin screen should show the message.
	ErrInvalidConfig = errors.New("deadline: invalid configuration")
	// ErrRuleVersionExists: a version of that rule already starts on that
	// date; versions are added, never replaced, so past due times stay
	// explainable.
	ErrRuleVersionExists = errors.New("deadline: rule version already exists")
)

// ExtensionCapError details a refused extension. It matches
// ErrExtensionCap with errors.Is; use errors.As to read the caps.
type ExtensionCapError struct {
	RuleID     string
	Complexity Complexity
	// MaxExtensions is how many extensions the rule allows for this
	// complexity; Requested is how many the operation would make.
	MaxExtensions, Requested int
	// MaxDays is the longest single extension; Days the one asked for
	// (0 when the count, not the length, is the problem).
	MaxDays, Days int
}

func (e *ExtensionCapError) Error() string {
	if e.Days > e.MaxDays {
		return fmt.Sprintf("%s: %s allows extensions of at most %d units, %d asked", ErrExtensionCap, e.RuleID, e.MaxDays, e.Days)
	}
	return fmt.Sprintf("%s: %s (complexity %q) allows %d extension(s), this would be number %d",
		ErrExtensionCap, e.RuleID, e.Complexity, e.MaxExtensions, e.Requested)
}

// Is makes errors.Is(err, ErrExtensionCap) true.
func (e *ExtensionCapError) Is(target error) bool { return target == ErrExtensionCap }

func invalid(op, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", op, ErrInvalidRequest, fmt.Sprintf(format, args...))
}

func badState(op, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %w: %s", op, ErrInvalidRequest, ErrClockState, fmt.Sprintf(format, args...))
}
