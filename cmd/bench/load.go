package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is what a scenario's workers send, and the status every answer
// must have. A target with newCaller is not HTTP but a call made in this
// process (a ledger debit); its workers call it instead of sending requests.
type target struct {
	newRequest func(ctx context.Context) (*http.Request, error)
	wantStatus int

	// newCaller returns worker i's call, for the worker alone to use.
	// A call that returns an error wrapping errRefused was answered with
	// a refusal the scenario expects (insufficient funds): it is counted
	// apart, neither as a success nor as an error.
	newCaller func(worker int) func(ctx context.Context) error
	// verify, when set, runs once the measurement is over and returns
	// the scenario's correctness checks.
	verify func(ctx context.Context, r *result, o loadOptions) ([]check, error)
	// midWarmup, when set, runs halfway through the warm-up, while the
	// load goes on.
	midWarmup func(ctx context.Context) error
	// notes and checks are what preparing the scenario found out (how
	// long generating its data took, whether the data came out exact).
	notes  []string
	checks []check
}

// errRefused marks a call the system under test declined as it should.
var errRefused = errors.New("refused")

// check is a correctness check: unlike a missed target, a failed check
// fails the run.
type check struct {
	name   string
	detail string
	ok     bool
}

type loadOptions struct {
	conns    int
	warmup   time.Duration
	duration time.Duration
	// serverPID and dbName, when the console server runs, let the CPU it
	// and its database use be told apart from everything else's.
	serverPID int
	dbName    string
}

// requestTimeout bounds one request so that a stuck server ends the run
// with errors instead of hanging it.
const requestTimeout = 10 * time.Second

// maxErrorSamples is how many distinct error messages a run keeps: enough
// to see what went wrong without drowning the report when every request
// fails the same way.
const maxErrorSamples = 5

// result is one scenario's measurement.
type result struct {
	name  string
	conns int
	// elapsed runs from the start of the measured window to the end of
	// the last request started in it.
	elapsed time.Duration
	// latencies are those of the successful requests started in the
	// measured window, sorted.
	latencies []time.Duration
	// errors counts failed requests over the whole run, warm-up included:
	// a page that fails while warming up is as broken as one that fails later.
	errors       int
	errorSamples []string
	// refused counts the calls answered with errRefused, warm-up included.
	refused int
	// checks are the scenario's correctness checks, when it has some.
	checks []check
	// notes are facts about the run worth printing with it.
	notes []string
	// cpu is where the machine's CPU went during the measured window.
	cpu cpuUse
}

func (r *result) requests() int { return len(r.latencies) }

func (r *result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.latencies)) / r.elapsed.Seconds()
}

// percentile is the nearest-rank percentile: a latency that was actually
// observed, which at least p of the requests did not exceed.
func (r *result) percentile(p float64) time.Duration {
	n := len(r.latencies)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(float64(n)*p)) - 1
	return r.latencies[min(max(i, 0), n-1)]
}

// workerResult is what one connection saw; kept per worker so that
// recording a latency takes no lock.
type workerResult struct {
	latencies []time.Duration
	lastEnd   time.Time
	errors    int
	refused   int
	samples   []string
}

// drive loads t closed-loop: conns workers, each with its own keep-alive
// connection and one request in flight, each sending its next request as
// soon as the previous answer is read. Closed loop measures the
// throughput the server sustains; the latencies are those under that load.
// For a target called in process, each worker makes one call at a time
// the same way.
func drive(ctx context.Context, name string, t target, o loadOptions) (*result, error) {
	start := time.Now()
	measureFrom := start.Add(o.warmup)
	until := measureFrom.Add(o.duration)

	cpuFrom := make(chan cpuSample, 1)
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpuFrom <- sampleCPU(o.serverPID, o.dbName)
	}()

	midWarmup := make(chan error, 1)
	go func() {
		if t.midWarmup == nil {
			midWarmup <- nil
			return
		}
		time.Sleep(o.warmup / 2)
		midWarmup <- t.midWarmup(ctx)
	}()

	out := make([]workerResult, o.conns)
	var wg sync.WaitGroup
	for i := range out {
		if t.newCaller != nil {
			call := t.newCaller(i)
			wg.Go(func() { out[i] = work(ctx, call, measureFrom, until) })
			continue
		}
		client, closeClient := newClient()
		wg.Go(func() {
			defer closeClient()
			out[i] = work(ctx, func(ctx context.Context) error { return once(ctx, client, t) }, measureFrom, until)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := <-midWarmup; err != nil {
		return nil, fmt.Errorf("halfway through the warm-up: %w", err)
	}
	cpuTo := sampleCPU(o.serverPID, o.dbName)

	r := &result{name: name, conns: o.conns, cpu: (<-cpuFrom).use(cpuTo)}
	n := 0
	for _, w := range out {
		n += len(w.latencies)
	}
	r.latencies = make([]time.Duration, 0, n)
	seen := map[string]bool{}
	var lastEnd time.Time
	for _, w := range out {
		r.latencies = append(r.latencies, w.latencies...)
		r.errors += w.errors
		r.refused += w.refused
		if w.lastEnd.After(lastEnd) {
			lastEnd = w.lastEnd
		}
		for _, s := range w.samples {
			if !seen[s] && len(r.errorSamples) < maxErrorSamples {
				seen[s] = true
				r.errorSamples = append(r.errorSamples, s)
			}
		}
	}
	slices.Sort(r.latencies)
	r.elapsed = max(lastEnd.Sub(measureFrom), 0) // 0 when nothing succeeded
	return r, nil
}

func work(ctx context.Context, call func(context.Context) error, measureFrom, until time.Time) workerResult {
	// Sized for a fast handler so that growing the slice rarely shows up
	// in the latencies being recorded.
	w := workerResult{latencies: make([]time.Duration, 0, 1<<15)}
	for ctx.Err() == nil {
		began := time.Now()
		if !began.Before(until) {
			break
		}
		err := call(ctx)
		ended := time.Now()
		if ctx.Err() != nil {
			break // interrupted: the caller discards the run
		}
		if errors.Is(err, errRefused) {
			w.refused++
			continue
		}
		if err != nil {
			w.errors++
			if len(w.samples) < maxErrorSamples {
				w.samples = append(w.samples, err.Error())
			}
			continue
		}
		if began.Before(measureFrom) {
			continue
		}
		w.latencies = append(w.latencies, ended.Sub(began))
		w.lastEnd = ended
	}
	return w
}

// once sends one request and reads the whole answer: the latency is that
// of the complete page, and a drained body lets the connection be reused.
func once(ctx context.Context, client *http.Client, t target) error {
	req, err := t.newRequest(ctx)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != t.wantStatus {
		loc := ""
		if l := resp.Header.Get("Location"); l != "" {
			loc = " to " + l
		}
		return fmt.Errorf("%s %s: status %d%s, want %d", req.Method, req.URL.Path, resp.StatusCode, loc, t.wantStatus)
	}
	if err != nil {
		return fmt.Errorf("%s %s: reading the body: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// newClient is one worker's connection: a transport of its own limited to
// one connection, so that the run holds exactly conns connections, each
// reused for every request. Redirects are answers, not something to follow:
// following one would measure a different page.
func newClient() (*http.Client, func()) {
	tr := &http.Transport{
		Proxy:               nil, // 127.0.0.1, always direct
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1,
		MaxIdleConnsPerHost: 1,
		MaxConnsPerHost:     1,
		IdleConnTimeout:     time.Minute,
	}
	c := &http.Client{
		Transport:     tr,
		Timeout:       requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, tr.CloseIdleConnections
}

// clientPerWorker gives each load worker its own HTTP client for caller,
// closed when the run's environment closes.
func clientPerWorker(e *env, baseURL string, caller func(client *http.Client, baseURL string, worker int) func(ctx context.Context) error) func(worker int) func(ctx context.Context) error {
	var mu sync.Mutex
	var closers []func()
	e.onClose(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range closers {
			c()
		}
	})
	return func(worker int) func(ctx context.Context) error {
		client, closeClient := newClient()
		mu.Lock()
		closers = append(closers, closeClient)
		mu.Unlock()
		return caller(client, baseURL, worker)
	}
}
