package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// The targets from the issue. RSS is in decimal megabytes, the stricter
// reading of "100 MB".
const (
	targetRatio = 0.20
	targetP99   = 25 * time.Millisecond
	targetRSS   = 100_000_000
)

// contended is the share of the machine other processes may take during a
// measurement before the report warns that it measured them too.
const contended = 0.10

// report prints the table, each target that the scenarios run can be held
// to with PASS or MISS, and where the CPU went.
func report(w io.Writer, results []*result, rss int64, rssErr error) {
	const row = "%-13s %5s %9s %9s %9s %9s %9s %7s\n"
	fmt.Fprintf(w, row, "scenario", "conns", "duration", "requests", "req/s", "p50", "p99", "errors")
	for _, r := range results {
		fmt.Fprintf(w, row, r.name, fmt.Sprint(r.conns), fmt.Sprintf("%.2fs", r.elapsed.Seconds()),
			fmt.Sprint(r.requests()), fmt.Sprintf("%.0f", r.rate()),
			ms(r.percentile(0.50)), ms(r.percentile(0.99)), fmt.Sprint(r.errors))
	}
	fmt.Fprintln(w)

	byName := map[string]*result{}
	for _, r := range results {
		byName[r.name] = r
	}
	const target = "%-22s %-10s %-20s %s\n"
	hello, dash := byName["hello"], byName["dashboard"]
	if hello != nil && dash != nil && hello.rate() > 0 {
		ratio := dash.rate() / hello.rate()
		fmt.Fprintf(w, target, "dashboard/hello ratio:", fmt.Sprintf("%.1f%%", 100*ratio),
			fmt.Sprintf("(target >= %.0f%%)", 100*targetRatio), verdict(ratio >= targetRatio))
	}
	if dash != nil {
		p99 := dash.percentile(0.99)
		fmt.Fprintf(w, target, "dashboard p99:", ms(p99), fmt.Sprintf("(target <= %v)", targetP99), verdict(p99 <= targetP99))
		switch {
		case rssErr != nil:
			fmt.Fprintf(w, "server peak RSS:       unavailable (%v)\n", rssErr)
		case rss > 0:
			fmt.Fprintf(w, target, "server peak RSS:", mb(rss), fmt.Sprintf("(target <= %d MB)", targetRSS/1_000_000), verdict(rss <= targetRSS))
		}
	}
	naive, ledger := byName["naive"], byName["ledger"]
	if naive != nil && ledger != nil && naive.rate() > 0 {
		ratio := ledger.rate() / naive.rate()
		fmt.Fprintf(w, target, "ledger/naive ratio:", fmt.Sprintf("%.2fx", ratio),
			fmt.Sprintf("(target >= %.0fx)", targetDebitRatio), verdict(ratio >= targetDebitRatio))
	}
	if naive != nil || ledger != nil {
		fmt.Fprintf(w, "debits of %s USD on one USD project per scenario, %d goroutines, in this process on the server's database:\n", debitAmount, results[0].conns)
		fmt.Fprintf(w, "  naive:  the limit of one transaction per debit on the project's balance row: BEGIN; UPDATE balances SET amount = amount - %s\n", debitAmount)
		fmt.Fprintf(w, "          WHERE project_sid = $1 AND amount >= %s RETURNING amount; INSERT INTO ledger_entries ...; COMMIT\n", debitAmount)
		fmt.Fprintln(w, "  ledger: billing.NewLedger(pool, nil).Debit: nil hooks, so no auto-recharge, low-balance alerts or suspension")
	}
	if msgs := byName["messages"]; msgs != nil {
		if naive != nil && naive.rate() > 0 {
			ratio := msgs.rate() / naive.rate()
			fmt.Fprintf(w, target, "messages/naive ratio:", fmt.Sprintf("%.2fx", ratio),
				fmt.Sprintf("(target >= %.1fx)", targetMessagesRatio), verdict(ratio >= targetMessagesRatio))
		} else {
			fmt.Fprintf(w, target, "messages/naive ratio:", "n/a", fmt.Sprintf("(target >= %.1fx)", targetMessagesRatio), "not judged: run naive in the same run")
		}
		p99 := msgs.percentile(0.99)
		fmt.Fprintf(w, target, "messages p99:", ms(p99), fmt.Sprintf("(target <= %v)", targetMessagesP99), verdict(p99 <= targetMessagesP99))
		fmt.Fprintf(w, "messages: POST Messages.json through the real server, %d clients over the %d subaccounts of one JPY project, each from the number\n", msgs.conns, messagesSubaccounts)
		fmt.Fprintln(w, "  it bought, to Japanese and US mobiles in turn, ASCII and Japanese bodies of 1 and 2 segments; its rate is messages answered 201 a second")
	}
	if trig := byName["triggers"]; trig != nil {
		reportTriggers(w, trig, target)
	}
	for _, name := range []string{"events", "events-deep", "events-filtered"} {
		if r := byName[name]; r != nil {
			p99 := r.percentile(0.99)
			fmt.Fprintf(w, target, name+" p99:", ms(p99), fmt.Sprintf("(target <= %v)", targetEventsP99), verdict(p99 <= targetEventsP99))
		}
	}
	if sum := byName["usage-summary"]; sum != nil {
		p50 := sum.percentile(0.50)
		fmt.Fprintf(w, target, "usage-summary p50:", ms(p50), fmt.Sprintf("(target <= %v)", targetSummaryP50), verdict(p50 <= targetSummaryP50))
	}

	var notes []string
	for _, r := range results {
		notes = append(notes, r.notes...)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}

	var checks []check
	for _, r := range results {
		checks = append(checks, r.checks...)
	}
	if len(checks) > 0 {
		fmt.Fprintln(w, "\nchecks (a failed check fails the run):")
		for _, c := range checks {
			v := "PASS"
			if !c.ok {
				v = "FAIL"
			}
			fmt.Fprintf(w, "%-33s %-4s %s\n", c.name, v, c.detail)
		}
	}

	if len(results) == 0 || results[0].cpu.busy == 0 {
		return // no /proc
	}
	// CPU time per request does not depend on what else runs, unlike the
	// rates above: it is the number to compare between runs on a busy machine.
	fmt.Fprintf(w, "\nCPU while measuring: share of all %d cores, and CPU time per request\n", runtime.NumCPU())
	fmt.Fprintln(w, "(bench is the load generator, and for hello the handler too, for naive and ledger the debits' Go side; server, the console with its API and its jobs;")
	fmt.Fprintln(w, "postgres, the backends serving the bench database)")
	const cpuRow = "%-13s %-5s %-18s %-18s %-18s %s\n"
	fmt.Fprintf(w, cpuRow, "scenario", "busy", "bench", "server", "postgres", "others")
	for _, r := range results {
		c := r.cpu
		perReq := func(share float64) string {
			if r.requests() == 0 || share < 0.005 { // idle: a tick or two of housekeeping
				return fmt.Sprintf("%3.0f%%", 100*share)
			}
			t := time.Duration(share * float64(runtime.NumCPU()) * float64(r.elapsed) / float64(r.requests()))
			return fmt.Sprintf("%3.0f%% %.3fms/req", 100*share, float64(t)/float64(time.Millisecond))
		}
		fmt.Fprintf(w, cpuRow, r.name, fmt.Sprintf("%3.0f%%", 100*c.busy), perReq(c.bench), perReq(c.server), perReq(c.postgres),
			fmt.Sprintf("%3.0f%%", 100*c.other))
	}
	for _, r := range results {
		if r.cpu.other > contended {
			fmt.Fprintf(w, "warning: other processes took %.0f%% of the CPU during %s: its rate and latencies measure them too; compare CPU per request, or rerun on a quiet machine\n",
				100*r.cpu.other, r.name)
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
