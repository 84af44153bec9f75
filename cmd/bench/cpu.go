package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// On a machine of two cores shared by the load generator, the server and
// PostgreSQL, anything else running (a test suite, a browser) changes the
// numbers by more than most code changes do. The run therefore says where
// the CPU went while it measured, so that a reader can tell a slow page
// from a busy machine. All times are in clock ticks, the unit of both
// /proc/stat and /proc/<pid>/stat; only ratios are shown. Linux only:
// elsewhere every sample is zero and nothing is printed.

// cpuSample is cumulative CPU time at one moment.
type cpuSample struct {
	total, busy int64 // the whole machine, all cores
	bench       int64 // this process: the load generator and the hello handler
	server      int64
	// postgres is per backend serving the bench database: backends come
	// and go, so only their own deltas can be summed.
	postgres map[int]int64
}

// cpuUse is where the CPU went over a window, as fractions of the whole
// machine (all cores).
type cpuUse struct {
	busy, bench, server, postgres, other float64
}

// sampleCPU reads the counters. serverPID 0 and dbName "" mean there is
// no console server yet.
func sampleCPU(serverPID int, dbName string) cpuSample {
	var s cpuSample
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := bytes.Cut(b, []byte("\n"))
		f := strings.Fields(string(line))
		if len(f) > 5 && f[0] == "cpu" {
			for i, v := range f[1:] {
				n, _ := strconv.ParseInt(v, 10, 64)
				// guest and guest_nice are already counted in user and nice.
				if i >= 8 {
					break
				}
				s.total += n
				if i != 3 && i != 4 { // idle, iowait
					s.busy += n
				}
			}
		}
	}
	s.bench = procTicks(os.Getpid())
	if serverPID > 0 {
		s.server = procTicks(serverPID)
	}
	if dbName != "" {
		s.postgres = backendsOf(dbName)
	}
	return s
}

// use is the share of the machine each consumer took between s and later.
func (s cpuSample) use(later cpuSample) cpuUse {
	total := float64(later.total - s.total)
	if total <= 0 {
		return cpuUse{}
	}
	var pg int64
	for pid, t := range later.postgres {
		pg += t - s.postgres[pid]
	}
	// A process that exited reads as zero: clamp rather than go negative.
	share := func(d int64) float64 { return float64(max(d, 0)) / total }
	u := cpuUse{
		busy:     share(later.busy - s.busy),
		bench:    share(later.bench - s.bench),
		server:   share(later.server - s.server),
		postgres: share(pg),
	}
	u.other = max(u.busy-u.bench-u.server-u.postgres, 0)
	return u
}

// procTicks is a process's user plus system time.
func procTicks(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis, where field 3 (state) is the first.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return utime + stime
}

// backendsOf finds PostgreSQL backends by their process title, which
// PostgreSQL sets to "postgres: <cluster>: <user> <database> <client> <activity>".
func backendsOf(dbName string) map[int]int64 {
	out := map[int]int64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	needle := []byte(" " + dbName + " ")
	for _, d := range dirs {
		cmdline, err := os.ReadFile(d + "/cmdline")
		if err != nil || !bytes.HasPrefix(cmdline, []byte("postgres: ")) || !bytes.Contains(cmdline, needle) {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		out[pid] = procTicks(pid)
	}
	return out
}
