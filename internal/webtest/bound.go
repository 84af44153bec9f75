package webtest

import "time"

// TimeBound is how long a test allows for work whose target is d: d
// itself, or five times d under the race detector, which slows code two
// to twenty times and, with other work on both cores, pushed a
// 0.3-second answer past a one-second bound. What the bound catches
// (work growing with the range asked, not the page returned: minutes,
// not seconds) stays far above it either way.
func TimeBound(d time.Duration) time.Duration {
	if raceDetector {
		return 5 * d
	}
	return d
}
