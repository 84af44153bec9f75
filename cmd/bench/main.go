// Command bench measures the console's hot paths against this machine's
// own limits. It starts the real server on a fresh database, signs a user
// in and drives the authenticated dashboard with a closed-loop load
// generator; in the same run it drives a bare chi handler that writes
// "hello" the same way, so the dashboard is judged relative to what this
// machine can do at all rather than against absolute numbers that depend
// on the hardware.
//
// It also measures the billing issue's debits, in this process against the
// server's database: 32 concurrent debits of one project through the
// ledger's debit API (internal/billing's Ledger.Debit), compared with the
// naive limit of one transaction per debit on the project's balance row,
// and checked for exact accounting (see billing.go).
//
// The usage issue adds two: usage-summary, Usage › Summary for a month of
// a project with 10 million usage events, generated in bulk before
// anything is measured (usagegen.go, usagesummary.go); and messages,
// POST Messages.json end to end from 32 clients over 4 subaccounts of one
// project, compared with the naive limit above and checked afterwards
// for exact agreement between the answers, the messages, the usage
// events, both daily roll-ups, the ledger and the balance (messages.go).
//
// The usage-triggers issue adds triggers: the messages load again, 15 s,
// on a project whose 4 subaccounts have 1,000 triggers armed, timing each
// firing from the 201 of the API call that crossed a trigger's value to
// its webhook at a receiver in this process, and checking that every
// crossing fired exactly once, nothing else did, and every webhook is
// validly signed (triggers.go).
//
// The audit issue adds events, events-deep and events-filtered: Monitor ›
// Events of a project with a million audit entries beside half a million
// of other projects: the first page, pages deep down by cursor, and each
// filter (events.go). They run with 4 connections unless -conns is given:
// the target is a page read by a few administrators, under 50 ms.
//
// Scenarios run one after the other, hello first, so that they never
// compete for the CPU. Each gets a short warm-up (connections dialled,
// database pool filled, caches warm) whose requests are not measured.
// The load generator, the hello handler, the server and PostgreSQL share
// the same cores, so the numbers are a lower bound on what a dedicated
// server would do.
//
// Usage:
//
//	go run ./cmd/bench [-duration 10s] [-conns 32] [-warmup 1s] [-usage-events 10000000]
//	                   [-only hello,dashboard,naive,ledger,usage-summary,messages,triggers,events,events-deep,events-filtered]
//
// Each scenario is measured for -duration, except messages, which the
// issue measures for 15 s, unless -duration is given.
//
// A missed target is a measurement, not a failure: the exit status is 0.
// It is non-zero when the run itself failed: a request errored, the
// server did not start, a correctness check failed (money not accounted
// for exactly, a balance below zero), or the run was interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run returns the exit status rather than exiting so that the deferred
// teardown (server stopped, database dropped) happens on every path.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 10*time.Second, "how long each scenario is measured")
	warmup := fs.Duration("warmup", time.Second, "unmeasured load before each scenario's measurement")
	conns := fs.Int("conns", 32, "concurrent keep-alive connections, one request in flight on each")
	only := fs.String("only", "", "comma-separated scenarios to run (default all: "+strings.Join(scenarioNames(), ",")+")")
	usageEvents := fs.Int64("usage-events", defaultUsageEvents, "usage events usage-summary generates before it measures")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *duration <= 0 || *warmup < 0 || *conns < 1 || *usageEvents < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "bench: -duration, -conns and -usage-events must be positive, -warmup not negative, and no arguments")
		return 2
	}
	durationSet, connsSet := false, false
	fs.Visit(func(f *flag.Flag) {
		durationSet = durationSet || f.Name == "duration"
		connsSet = connsSet || f.Name == "conns"
	})
	selected, err := pickScenarios(*only)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{progress: stderr, usageEvents: *usageEvents, warmup: *warmup}
	if durationSet {
		e.duration = *duration
	}
	defer e.close()

	opts := loadOptions{conns: *conns, warmup: *warmup, duration: *duration}
	// Everything starts before anything is measured: a server that will
	// not start fails the run at once, and no measurement shares the
	// machine with a build or a server starting up.
	targets := make([]target, len(selected))
	for i, sc := range selected {
		if targets[i], err = sc.prepare(ctx, e); err != nil {
			return fail(ctx, stderr, e, fmt.Errorf("%s: %w", sc.name, err))
		}
	}
	opts.serverPID, opts.dbName = e.serverIDs()
	var results []*result
	for i, sc := range selected {
		o := opts
		if sc.duration > 0 && !durationSet {
			o.duration = sc.duration
		}
		if sc.conns > 0 && !connsSet {
			o.conns = sc.conns
		}
		e.logf("%s: %d conns, %v warm-up + %v measured", sc.name, o.conns, o.warmup, o.duration)
		res, err := drive(ctx, sc.name, targets[i], o)
		if err != nil {
			return fail(ctx, stderr, e, fmt.Errorf("%s: %w", sc.name, err))
		}
		res.notes = append(res.notes, targets[i].notes...)
		res.checks = append(res.checks, targets[i].checks...)
		if v := targets[i].verify; v != nil && res.errors == 0 {
			checks, err := v(ctx, res, o)
			if err != nil {
				return fail(ctx, stderr, e, fmt.Errorf("%s: checking: %w", sc.name, err))
			}
			res.checks = append(res.checks, checks...)
		}
		results = append(results, res)
	}
	// Read before teardown: the peak is gone with the process.
	rss, rssErr := e.serverPeakRSS()

	report(stdout, results, rss, rssErr)

	failed, requestsFailed := false, false
	for _, r := range results {
		if r.errors > 0 {
			failed, requestsFailed = true, true
			fmt.Fprintf(stderr, "bench: FAILED: %s had %d failed requests; the numbers above do not measure the real page. First errors:\n", r.name, r.errors)
			for _, s := range r.errorSamples {
				fmt.Fprintln(stderr, "  ", s)
			}
		}
		for _, c := range r.checks {
			if !c.ok {
				failed = true
				fmt.Fprintf(stderr, "bench: FAILED: check %s %s\n", c.name, c.detail)
			}
		}
	}
	if failed {
		if requestsFailed {
			e.dumpServerLog(stderr)
		}
		return 1
	}
	return 0
}

// fail reports a run that could not complete, with the server's own log
// when it has one: that is usually where the reason is.
func fail(ctx context.Context, stderr io.Writer, e *env, err error) int {
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "bench: interrupted")
		return 1
	}
	fmt.Fprintln(stderr, "bench: FAILED:", err)
	e.dumpServerLog(stderr)
	return 1
}
