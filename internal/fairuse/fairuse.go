// Package fairuse keeps one account from starving the others: each
// account gets a token bucket of requests per second and a cap on its
// requests in progress.
//
// The counts live in the process: behind a load balancer each server
// allows an account its own share, so N servers allow up to N times the
// configured figures. That is the price of adding no database round trip
// to every API request; the limits are a guard against one account's
// flood, not a billing quota.
package fairuse

import (
	"math"
	"sync"
	"time"
)

// Limiter counts requests per account. The zero value limits nothing.
type Limiter struct {
	rate        float64 // tokens a second; 0: no rate limit
	burst       float64 // bucket size
	concurrency int     // requests in progress; 0: no cap

	mu        sync.Mutex
	accounts  map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens   float64
	last     time.Time
	inflight int
}

// sweepEvery is how often idle accounts are forgotten, so that the map
// holds only accounts seen lately.
const sweepEvery = time.Minute

// New returns a limiter allowing each account rate requests a second with
// bursts of burst (at least 1 when rate is set), and concurrency requests
// at once. A zero rate or concurrency turns that limit off.
func New(rate float64, burst, concurrency int) *Limiter {
	b := float64(burst)
	if rate > 0 && b < 1 {
		b = math.Max(1, math.Ceil(rate))
	}
	return &Limiter{rate: rate, burst: b, concurrency: concurrency, accounts: map[string]*bucket{}}
}

// Acquire admits one request of account at now. When admitted, release
// must be called once the request is over. When refused, retryAfter is
// how long until a request would be admitted (a whole number of seconds,
// at least one, as Retry-After says it).
func (l *Limiter) Acquire(account string, now time.Time) (release func(), retryAfter time.Duration, ok bool) {
	if l == nil || (l.rate <= 0 && l.concurrency <= 0) {
		return func() {}, 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.accounts[account]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.accounts[account] = b
	}
	if l.rate > 0 {
		b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
	}
	if l.concurrency > 0 && b.inflight >= l.concurrency {
		// A slot frees when a request ends, which takes well under a second.
		return nil, time.Second, false
	}
	if l.rate > 0 {
		if b.tokens < 1 {
			wait := time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
			return nil, max(time.Second, wait.Round(time.Second)), false
		}
		b.tokens--
	}
	b.inflight++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			b.inflight--
			l.mu.Unlock()
		})
	}, 0, true
}

// sweep forgets the accounts with nothing in progress and a full bucket:
// they are as a new account would be. Called with l.mu held.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery {
		return
	}
	l.lastSweep = now
	for k, b := range l.accounts {
		full := l.rate <= 0 || b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst
		if b.inflight == 0 && full {
			delete(l.accounts, k)
		}
	}
}
