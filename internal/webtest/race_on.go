//go:build race

package webtest

// raceDetector is true when the tests run with -race.
const raceDetector = true
