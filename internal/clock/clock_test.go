package clock_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/clock"
)

func TestClock(t *testing.T) {
	var nilClock *clock.Clock
	require.WithinDuration(t, time.Now(), nilClock.Now(), time.Minute, "nil: the system's clock")

	var c clock.Clock
	require.WithinDuration(t, time.Now(), c.Now(), time.Minute, "zero: the system's clock")
	c.Advance(2 * time.Hour)
	require.WithinDuration(t, time.Now().Add(2*time.Hour), c.Now(), time.Minute, "advanced, still running")

	at := time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC)
	c.Set(at)
	require.True(t, at.Equal(c.Now()), "set: it stands")
	require.True(t, at.Equal(c.Now()))
	c.Advance(time.Second)
	require.True(t, at.Add(time.Second).Equal(c.Now()), "set, then advanced")
}
