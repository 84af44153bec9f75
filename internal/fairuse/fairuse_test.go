package fairuse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTokenBucketPerAccount(t *testing.T) {
	l := New(2, 3, 0)
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		release, _, ok := l.Acquire("AC1", now)
		require.True(t, ok, "burst request %d", i)
		release()
	}
	_, wait, ok := l.Acquire("AC1", now)
	require.False(t, ok, "the burst is spent")
	require.Equal(t, time.Second, wait)
	_, _, ok = l.Acquire("AC2", now)
	require.True(t, ok, "another account has its own bucket")

	now = now.Add(500 * time.Millisecond) // one token back at 2 a second
	_, _, ok = l.Acquire("AC1", now)
	require.True(t, ok)
	_, _, ok = l.Acquire("AC1", now)
	require.False(t, ok)
}

func TestConcurrencyCap(t *testing.T) {
	l := New(0, 0, 2)
	now := time.Now()
	r1, _, ok := l.Acquire("AC1", now)
	require.True(t, ok)
	r2, _, ok := l.Acquire("AC1", now)
	require.True(t, ok)
	_, wait, ok := l.Acquire("AC1", now)
	require.False(t, ok, "two in progress already")
	require.Equal(t, time.Second, wait)
	r1()
	r1() // a second release is harmless
	r3, _, ok := l.Acquire("AC1", now)
	require.True(t, ok, "a slot freed")
	_, _, ok = l.Acquire("AC1", now)
	require.False(t, ok, "releasing twice freed only one slot")
	r2()
	r3()
}

func TestOffAndSweep(t *testing.T) {
	var none *Limiter
	_, _, ok := none.Acquire("AC1", time.Now())
	require.True(t, ok)
	l := New(0, 0, 0)
	for range 100 {
		_, _, ok := l.Acquire("AC1", time.Now())
		require.True(t, ok)
	}

	l = New(10, 10, 5)
	now := time.Now()
	release, _, _ := l.Acquire("AC1", now)
	done, _, _ := l.Acquire("AC2", now)
	done()
	l.Acquire("AC3", now.Add(2*sweepEvery))
	require.Len(t, l.accounts, 2, "AC2 is forgotten; AC1 still has a request in progress")
	release()
}
