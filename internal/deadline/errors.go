package deadline

import (
	"errors"
	"fmt"

	"github.com/phucdap/phucdap/internal/fault"
)

// Sentinel errors, matched with errors.Is. Every error the package returns
// for something a person can correct wraps exactly one of them
// (ErrClockState also wraps ErrInvalidRequest) and names the operation and
// rule for the logs. It is also a *fault.Error: a code and a catalogued
// message, chosen here once, so that the JSON API, the pages and the
// petition workflow pass it on as it is and never parse or re-map it.
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

// Fault is the refusal a person reads: a conflict with the law's cap on
// extensions, naming the cap.
func (e *ExtensionCapError) Fault() *fault.Error {
	return fault.Newf(fault.Conflict, "workflow.extension_cap", map[string]any{"Max": e.MaxExtensions,
		"MaxDays": e.MaxDays, "Days": e.Days, "Complexity": string(e.Complexity), "Rule": e.RuleID}).Wrap(e)
}

// VersionExists refuses a second version of r starting on the same day.
func VersionExists(op string, r Rule) error {
	return fault.Newf(fault.Conflict, "deadline.rule_version_exists", map[string]any{"Rule": r.ID, "From": r.EffectiveFrom}).
		Wrap(fmt.Errorf("%s: %w: %q from %s", op, ErrRuleVersionExists, r.ID, r.EffectiveFrom))
}

// unknownRule refuses a rule id that names no rule (field names the input
// that carried it).
func unknownRule(field string, err error) error {
	return fault.FieldError(field, "deadline.unknown_rule", nil).Wrap(err)
}

// invalid refuses a request the user can correct; shown is what they read.
func invalid(shown *fault.Error, op, format string, args ...any) error {
	return shown.Wrap(fmt.Errorf("%s: %w: %s", op, ErrInvalidRequest, fmt.Sprintf(format, args...)))
}

// errInvalidRequest is shown for a request that cannot be computed and has
// no more precise message.
var errInvalidRequest = fault.New(fault.Invalid, "deadline.invalid_request")

// invalidEvent refuses a recorded decision that does not fit the clock's
// history (out of order, before the start, a negative extension...).
func invalidEvent(op, format string, args ...any) error {
	return invalid(fault.New(fault.Invalid, "workflow.clock_invalid"), op, format, args...)
}

func badState(op, format string, args ...any) error {
	return fault.New(fault.Conflict, "workflow.clock_state").
		Wrap(fmt.Errorf("%s: %w: %w: %s", op, ErrInvalidRequest, ErrClockState, fmt.Sprintf(format, args...)))
}

// invalidConfig refuses rules or overrides an admin gave; shown is what they
// read.
func invalidConfig(shown *fault.Error, op, format string, args ...any) error {
	return shown.Wrap(fmt.Errorf("%s: %w: %s", op, ErrInvalidConfig, fmt.Sprintf(format, args...)))
}
