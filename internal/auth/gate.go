package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when every password-hashing slot stayed taken for
// the gate's whole wait: the caller answers 503 with Retry-After.
var ErrBusy = errors.New("auth: too many password checks at once")

// HashGate bounds how many argon2id computations run at once. Each one
// takes argonMemory (19 MiB) for its duration, so without a bound a burst
// of sign-ins costs memory in proportion to the burst; with it, at most
// Slots × 19 MiB, and the rest wait their turn for a short while.
type HashGate struct {
	slots chan struct{}
	wait  time.Duration

	inUse    atomic.Int64
	peak     atomic.Int64
	acquired atomic.Int64
	refused  atomic.Int64
}

// NewHashGate allows slots computations at once; a caller waits at most
// wait for a slot.
func NewHashGate(slots int, wait time.Duration) *HashGate {
	return &HashGate{slots: make(chan struct{}, max(slots, 1)), wait: wait}
}

// Slots is how many computations may run at once.
func (g *HashGate) Slots() int { return cap(g.slots) }

// Wait is the longest a caller waits for a slot.
func (g *HashGate) Wait() time.Duration { return g.wait }

// Peak is the most computations that ever held a slot at the same time.
func (g *HashGate) Peak() int { return int(g.peak.Load()) }

// Acquired counts the slots ever taken: the passwords hashed or checked.
func (g *HashGate) Acquired() int { return int(g.acquired.Load()) }

// Refused counts the callers that gave up waiting (ErrBusy).
func (g *HashGate) Refused() int { return int(g.refused.Load()) }

// Acquire takes a slot, waiting at most the gate's wait, and returns the
// function that gives it back. It fails with ErrBusy when no slot came
// free in time, or with ctx's error.
func (g *HashGate) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			g.refused.Add(1)
			return nil, ErrBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	g.acquired.Add(1)
	n := g.inUse.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			g.inUse.Add(-1)
			<-g.slots
		}
	}, nil
}

// do runs fn holding a slot, and collects fn's garbage before giving the
// slot back. argon2id's 19 MiB block is garbage the moment fn returns, but
// the runtime would only collect it at GOGC's goal (twice the live heap),
// later still when the CPUs are busy, so a burst of sign-ins grew the
// heap to several blocks per slot (313 MiB for two slots under load).
// Collecting while the slot is held keeps the next caller's block in the
// memory this one freed; a cycle over this server's small heap costs far
// less than the hash itself.
func (g *HashGate) do(ctx context.Context, fn func()) error {
	release, err := g.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	fn()
	runtime.GC()
	return nil
}
