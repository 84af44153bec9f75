package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// scenario is one thing to measure. prepare starts whatever the scenario
// needs (through env, so that scenarios share one server and one signed-in
// user) and says what the load generator sends.
type scenario struct {
	name    string
	prepare func(ctx context.Context, e *env) (target, error)
	// duration, when set, is how long the issue measures this scenario;
	// an explicit -duration overrides it.
	duration time.Duration
	// conns, when set, is how many connections the issue measures this
	// scenario with; an explicit -conns overrides it.
	conns int
}

// scenarios run in this order. hello comes first: it is the baseline the
// dashboard is compared with, as naive is ledger's and messages'.
var scenarios = []scenario{
	{name: "hello", prepare: prepareHello},
	{name: "dashboard", prepare: prepareDashboard},
	{name: "naive", prepare: prepareNaive},
	{name: "ledger", prepare: prepareLedger},
	{name: "usage-summary", prepare: prepareUsageSummary},
	{name: "events", prepare: prepareEvents, conns: eventsConns},
	{name: "events-deep", prepare: prepareEventsDeep, conns: eventsConns},
	{name: "events-filtered", prepare: prepareEventsFiltered, conns: eventsConns},
	// After the others: the simulated carrier may still be delivering the
	// messages it sends. Only triggers, which runs the same load, follows.
	{name: "messages", prepare: prepareMessages, duration: messagesDuration},
	// After messages, whose load it runs again with 1,000 triggers armed; last
	// for the same reason.
	{name: "triggers", prepare: prepareTriggers, duration: triggersDuration},
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	return names
}

// pickScenarios keeps the table's order whatever order -only lists them in,
// so the baseline still runs first.
func pickScenarios(only string) ([]scenario, error) {
	if strings.TrimSpace(only) == "" {
		return scenarios, nil
	}
	want := map[string]bool{}
	for n := range strings.SplitSeq(only, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(scenarioNames(), n) {
			return nil, fmt.Errorf("-only: unknown scenario %q (known: %s)", n, strings.Join(scenarioNames(), ", "))
		}
		want[n] = true
	}
	var picked []scenario
	for _, s := range scenarios {
		if want[s.name] {
			picked = append(picked, s)
		}
	}
	if len(picked) == 0 {
		return nil, fmt.Errorf("-only: no scenario named")
	}
	return picked, nil
}

func prepareHello(ctx context.Context, e *env) (target, error) {
	url, stop, err := startHello()
	if err != nil {
		return target{}, err
	}
	e.onClose(stop)
	return getTarget(url+"/", nil), nil
}

func prepareDashboard(ctx context.Context, e *env) (target, error) {
	s, err := e.session(ctx)
	if err != nil {
		return target{}, err
	}
	return getTarget(s.baseURL+"/", http.Header{"Cookie": {s.cookie}}), nil
}

// getTarget is a GET that must answer 200: anything else, a redirect to
// the sign-in page above all, means the page was not what we measured.
func getTarget(url string, header http.Header) target {
	return target{
		newRequest: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return nil, err
			}
			// Shared, never written: the transport only reads a request's header.
			if header != nil {
				req.Header = header
			}
			return req, nil
		},
		wantStatus: http.StatusOK,
	}
}

// env is what scenarios share. Everything in it starts on first use, so
// -only pays only for what it runs, and is torn down once, in reverse
// order, when the run ends however it ends.
type env struct {
	progress io.Writer
	// usageEvents is how many usage events usage-summary generates.
	usageEvents int64
	server      *consoleServer
	signedIn    *session
	pool        *pgxpool.Pool // the bench's own, for the billing scenarios
	events      *eventsData   // the audit trail the events scenarios read
	closers     []func()

	// warmup is -warmup; duration is -duration when given, else 0: a
	// scenario that sizes its data to the run (triggers) needs them.
	warmup, duration time.Duration
}

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.progress, "bench: "+format+"\n", args...)
}

func (e *env) onClose(f func()) { e.closers = append(e.closers, f) }

func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// console is the real server, started on a fresh database.
func (e *env) console(ctx context.Context) (*consoleServer, error) {
	if e.server != nil {
		return e.server, nil
	}
	s, err := startConsole(ctx, e.logf)
	if s != nil {
		e.server = s
		e.onClose(func() {
			if s.dbName != "" {
				e.logf("stopping the server and dropping database %s", s.dbName)
			}
			if err := s.stop(); err != nil {
				e.logf("teardown: %v", err)
			}
		})
	}
	return s, err
}

// session is a user signed in to the console, whose dashboard has been
// checked to be the real page.
func (e *env) session(ctx context.Context) (*session, error) {
	if e.signedIn != nil {
		return e.signedIn, nil
	}
	s, err := e.console(ctx)
	if err != nil {
		return nil, err
	}
	e.logf("creating the owner and signing in")
	sess, err := signIn(ctx, s)
	if err != nil {
		return nil, err
	}
	e.signedIn = sess
	return sess, nil
}

// serverIDs name the console server's process and database; zero before
// a scenario has started it.
func (e *env) serverIDs() (pid int, dbName string) {
	if e.server == nil {
		return 0, ""
	}
	return e.server.pid(), e.server.dbName
}

// serverPeakRSS is the console server's peak resident set, in bytes; 0
// when no scenario started it.
func (e *env) serverPeakRSS() (int64, error) {
	if e.server == nil {
		return 0, nil
	}
	return peakRSS(e.server.pid())
}

func (e *env) dumpServerLog(w io.Writer) {
	if e.server == nil {
		return
	}
	if log := e.server.log.String(); log != "" {
		fmt.Fprintf(w, "bench: the server's output (last %d bytes kept):\n%s", e.server.log.max, log)
		if !strings.HasSuffix(log, "\n") {
			fmt.Fprintln(w)
		}
	}
}
