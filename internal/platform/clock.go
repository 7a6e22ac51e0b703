// Package platform owns the process-wide plumbing that every layer shares
// without depending on a framework: the Clock, structured logging with a
// request id, build information, and the check that a constructor was given
// its dependencies.
package platform

import (
	"sync/atomic"
	"time"
)

// Clock is where every deadline rule and job gets "now". Tests pin it; a demo
// outside production can shift it forward.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, optionally shifted by a fixed offset
// (PHUCDAP_CLOCK_OFFSET, refused in production by config validation).
type SystemClock struct{ Offset time.Duration }

// Now returns the current instant in UTC, plus the offset.
func (c SystemClock) Now() time.Time { return time.Now().Add(c.Offset).UTC() }

// FixedClock is a settable clock for tests. It is safe for concurrent use.
type FixedClock struct{ ns atomic.Int64 }

// NewFixedClock returns a clock stopped at t.
func NewFixedClock(t time.Time) *FixedClock {
	c := &FixedClock{}
	c.Set(t)
	return c
}

// Now returns the pinned instant.
func (c *FixedClock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set moves the clock to t.
func (c *FixedClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Advance moves the clock forward by d.
func (c *FixedClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
