// Package fault owns phucdap's one error type: a stable code, an optional
// field, and a message id looked up in the user's language at the edge.
//
// Domain packages return *fault.Error for every failure a user can cause;
// anything else is an internal error, logged once and shown as a plain 500.
// The mapping from Code to HTTP status lives in one table in present.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error class. Clients may switch on it.
type Code string

const (
	Invalid         Code = "invalid"          // the input is malformed or fails a rule
	NotFound        Code = "not_found"        // no such thing, or the caller may not know it exists
	Conflict        Code = "conflict"         // the state forbids the change
	Forbidden       Code = "forbidden"        // authenticated but not allowed
	Unauthenticated Code = "unauthenticated"  // no valid credentials
	TooLarge        Code = "too_large"        // the body or a file is over its limit
	RateLimited     Code = "rate_limited"     // too many requests
	Unavailable     Code = "unavailable"      // a dependency is down; retry later
	Internal        Code = "internal"         // a bug or an unexpected failure
	BadRequest      Code = "bad_request"      // the request cannot be read at all
	Unsupported     Code = "unsupported_type" // a file type or media type we do not take
)

// Error is a user-facing failure. MessageID names an entry in the message
// catalogue; Args fill its template. Detail is for logs only, never shown.
type Error struct {
	Code      Code
	Field     string
	MessageID string
	Args      map[string]any
	Detail    string
	Err       error
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.MessageID != "" {
		s += ": " + e.MessageID
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, &fault.Error{Code: X}) match on the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.MessageID == "" && t.Field == ""
}

// New builds an error with a code and a message id.
func New(code Code, messageID string) *Error { return &Error{Code: code, MessageID: messageID} }

// Newf builds an error with a code, a message id and template arguments.
func Newf(code Code, messageID string, args map[string]any) *Error {
	return &Error{Code: code, MessageID: messageID, Args: args}
}

// FieldError builds an invalid-input error for one field.
func FieldError(field, messageID string, args map[string]any) *Error {
	return &Error{Code: Invalid, Field: field, MessageID: messageID, Args: args}
}

// Wrap attaches a cause for the logs without changing what the user sees.
func (e *Error) Wrap(err error) *Error { c := *e; c.Err = err; return &c }

// WithDetail attaches a log-only detail.
func (e *Error) WithDetail(format string, a ...any) *Error {
	c := *e
	c.Detail = fmt.Sprintf(format, a...)
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns the code of err, or Internal when err is not a *Error.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// List is several field errors reported together, as a form does.
type List []*Error

func (l List) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	s := fmt.Sprintf("%d errors: ", len(l))
	for i, e := range l {
		if i > 0 {
			s += "; "
		}
		s += e.Error()
	}
	return s
}

// Err returns nil for an empty list, so callers can `return l.Err()`.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// RetryAfterArg is the argument of a RateLimited error that says how long
// until the limit opens again (a time.Duration).
const RetryAfterArg = "RetryAfter"

// RateLimitedFor builds a RateLimited error with a message id that says
// how long the caller should wait.
func RateLimitedFor(messageID string, wait time.Duration) *Error {
	return Newf(RateLimited, messageID, map[string]any{RetryAfterArg: wait})
}

// RetryAfter returns how long a rate-limited caller should wait, when the
// error says so: at least one second, in whole seconds, as both the JSON
// API and the pages put it in a Retry-After header.
func RetryAfter(err error) (time.Duration, bool) {
	fe, ok := As(err)
	if !ok || fe.Code != RateLimited {
		return 0, false
	}
	d, ok := fe.Args[RetryAfterArg].(time.Duration)
	if !ok {
		return 0, false
	}
	return max(d.Round(time.Second), time.Second), true
}
