package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// CPU accounting from /proc (Linux): how much processor time the measured
// server process and the PostgreSQL server spend per request. Unlike req/s,
// these figures barely move when other work shares the machine, and they
// say where a request's cost lies (our process or the database).

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// procCPU is a process's user+system time; with children, also that of
// its children it has waited for (the backends PostgreSQL has reaped).
func procCPU(pid int, children bool) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	sum := 0
	last := 13 // utime, stime (fields 14-15 are f[11], f[12])
	if children {
		last = 15
	}
	for _, v := range f[11:last] {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		sum += n
	}
	return time.Duration(sum) * time.Second / userHZ, nil
}

// postgresCPU is the CPU time of a PostgreSQL server: the postmaster with
// the backends it reaped, plus its live children (backends, background
// workers).
func postgresCPU(postmaster int) (time.Duration, error) {
	total, err := procCPU(postmaster, true)
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // exited meanwhile
		}
		s := string(raw)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 || f[1] != strconv.Itoa(postmaster) {
			continue
		}
		if t, err := procCPU(pid, false); err == nil {
			total += t
		}
	}
	return total, nil
}

// postmasterPID finds the PostgreSQL server behind db: the parent of the
// backend serving this connection. 0 when it is not on this machine.
func postmasterPID(ctx context.Context, db *bun.DB) int {
	var backend int
	if err := db.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err != nil {
		return 0
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// cpuMeter measures the server child's and the database's CPU time over
// one closed-loop run.
type cpuMeter struct {
	server     int // pid of the measured process
	postmaster int // 0: not measured
	srv0, db0  time.Duration
}

func (m *cpuMeter) start() {
	m.srv0, _ = procCPU(m.server, false)
	if m.postmaster != 0 {
		m.db0, _ = postgresCPU(m.postmaster)
	}
}

// perRequest returns the CPU time per request of the server and of the
// database since start (0 for what could not be read).
func (m *cpuMeter) perRequest(requests uint64) (srv, db time.Duration) {
	if requests == 0 {
		return 0, 0
	}
	if t, err := procCPU(m.server, false); err == nil {
		srv = (t - m.srv0) / time.Duration(requests)
	}
	if m.postmaster != 0 {
		if t, err := postgresCPU(m.postmaster); err == nil {
			db = (t - m.db0) / time.Duration(requests)
		}
	}
	return srv, db
}
