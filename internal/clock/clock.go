// Package clock is the time the services go by. The composition root makes
// one Clock and hands its Now to every service whose behaviour depends on
// the time (sessions' timeouts, throttles, billing periods, the simulated
// carrier, the price cache), so a test moves that one clock forward rather
// than sleeping until a timeout passes.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock is the system's clock, shifted by what Advance added, or stopped
// at what Set put. The zero value is the system's clock unchanged, which
// is what production runs; only tests move it. Safe for concurrent use.
type Clock struct {
	offset atomic.Int64 // nanoseconds added to the system's time
	fixed  atomic.Int64 // Unix nanoseconds the clock stands at; 0: it runs
}

// Now is the clock's time. A nil Clock is the system's clock.
func (c *Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	if f := c.fixed.Load(); f != 0 {
		return time.Unix(0, f).Add(time.Duration(c.offset.Load()))
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Set stops the clock at t; Advance still moves it from there.
func (c *Clock) Set(t time.Time) {
	c.offset.Store(0)
	c.fixed.Store(t.UnixNano())
}
