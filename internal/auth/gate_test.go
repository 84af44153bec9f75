package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHashGateBoundsConcurrencyAndGivesUp(t *testing.T) {
	g := NewHashGate(2, 20*time.Millisecond)
	ctx := context.Background()
	r1, err := g.Acquire(ctx)
	require.NoError(t, err)
	r2, err := g.Acquire(ctx)
	require.NoError(t, err)
	_, err = g.Acquire(ctx)
	require.ErrorIs(t, err, ErrBusy, "both slots taken for the whole wait")
	require.Equal(t, 1, g.Refused())

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = g.Acquire(canceled)
	require.ErrorIs(t, err, context.Canceled)

	r1()
	r1() // giving a slot back twice frees one slot, not two
	r3, err := g.Acquire(ctx)
	require.NoError(t, err)
	_, err = g.Acquire(ctx)
	require.ErrorIs(t, err, ErrBusy)
	r2()
	r3()
	require.Equal(t, 2, g.Peak())
	require.Equal(t, 3, g.Acquired())
}

// Many callers at once: never more than the slots inside, and a caller
// that waits gets the slot another gives back.
func TestHashGateUnderLoad(t *testing.T) {
	g := NewHashGate(3, time.Minute)
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, g.do(context.Background(), func() {
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				verifyPassword("pw", dummyHash(DefaultHashCost))
				mu.Lock()
				inside--
				mu.Unlock()
			}))
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, most, 3)
	require.LessOrEqual(t, g.Peak(), 3)
	require.Equal(t, 40, g.Acquired())
	require.Zero(t, g.Refused())
}
