package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// The targets from the issue. RSS is in decimal megabytes, the stricter
// reading of "100 MB".
const (
	targetRatio = 0.20
	targetP99   = 25 * time.Millisecond
	targetRSS   = 100_000_000
)

// report prints the table and, for the scenarios that ran, each target
// with PASS or MISS.
func report(w io.Writer, results []*result, rss int64, rssErr error) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\tduration\trequests\treq/s\tp50\tp99\terrors\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.2fs\t%d\t%.0f\t%s\t%s\t%d\t\n",
			r.name, r.conns, r.elapsed.Seconds(), r.requests(), r.rate(),
			ms(r.percentile(0.50)), ms(r.percentile(0.99)), r.errors)
	}
	tw.Flush()
	fmt.Fprintln(w)

	byName := map[string]*result{}
	for _, r := range results {
		byName[r.name] = r
	}
	hello, dash := byName["hello"], byName["dashboard"]
	if hello != nil && dash != nil && hello.rate() > 0 {
		ratio := dash.rate() / hello.rate()
		fmt.Fprintf(w, "dashboard/hello ratio: %-9s (target >= %.0f%%)   %s\n",
			fmt.Sprintf("%.1f%%", 100*ratio), 100*targetRatio, verdict(ratio >= targetRatio))
	}
	if dash != nil {
		p99 := dash.percentile(0.99)
		fmt.Fprintf(w, "dashboard p99:         %-9s (target <= %s)   %s\n", ms(p99), ms(targetP99), verdict(p99 <= targetP99))
		switch {
		case rssErr != nil:
			fmt.Fprintf(w, "server peak RSS:       unavailable (%v)\n", rssErr)
		case rss > 0:
			fmt.Fprintf(w, "server peak RSS:       %-9s (target <= %s)   %s\n", mb(rss), mb(targetRSS), verdict(rss <= targetRSS))
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
